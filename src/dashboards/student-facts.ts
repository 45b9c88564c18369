import type { SQL } from 'drizzle-orm';
import { LRUCache } from 'lru-cache';
import type { Db } from '../db/client.js';
import { withTenant } from '../db/tenant-scope.js';
import * as repo from './dashboards.repository.js';

/**
 * What the school view keeps of one student between views: every fact it counts that lives in the
 * student's own rows. Grade and school come from the enrolment (read live: a move is seen at once);
 * an advisory's title and advisors are read live per advisory (80 rows, not 2,000).
 */
export interface KeptStudentFacts {
  /** The school year the plan status is of: in a new year the kept facts are stale. */
  year: string;
  /** Active advisories the student is in (titles and advisors are read per view). */
  advisoryIds: string[];
  /** Explicit navigator assignments; none means the advisories' advisors navigate. */
  assignedNavigatorIds: string[];
  plan: 'none' | 'draft' | 'active';
  lastSeenOn: string | null;
  /** Open needs, oldest first (sensitivity is the category's, read per view). */
  needs: { category: string; urgency: string }[];
  tier: number | null;
  bands: Record<string, string | null>;
  groups: Record<string, string>;
  /** The student's referrals made this school year (times as ISO strings). */
  referrals: KeptReferral[];
}

export interface KeptReferral {
  category: string;
  state: string;
  createdAt: string;
  dueAt: string;
  respondedAt: string | null;
}

/** A student of the school with their grade there and their facts. */
export interface SchoolStudent {
  studentId: string;
  gradeLevel: string | null;
  facts: KeptStudentFacts;
}

/** The features' set-based reads the kept facts are computed from (each a lookup per student). */
export interface StudentFactReads {
  groupsOf: (tenantId: string, studentIds: string[]) => Promise<Map<string, Record<string, string>>>;
  assignedNavigatorsOf: (tenantId: string, studentIds: string[]) => Promise<Map<string, string[]>>;
  advisoryIdsOf: (tenantId: string, studentIds: string[]) => Promise<Map<string, string[]>>;
  planStatusFor: (tenantId: string, studentIds: string[]) => Promise<Map<string, { status: 'none' | 'draft' | 'active' }>>;
  /** The day each student was last met (latest attended check-in); absent when never. */
  lastAttendedOn: (tenantId: string, studentIds: string[]) => Promise<Map<string, string>>;
  openNeeds: (tenantId: string, studentIds: string[]) => Promise<Map<string, { category: string; urgency: string }[]>>;
  /** Each computed student's tier in force and band per indicator (the indicators service). */
  standingOf: (tenantId: string, studentIds: string[], opts: { withBands: boolean }) => Promise<{ studentId: string; tier: number; bands: Record<string, string | null> | null }[]>;
  referralsSince: (tenantId: string, studentIds: string[], since: Date) => Promise<{ studentId: string; category: string; state: string; createdAt: Date; dueAt: Date; respondedAt: Date | null }[]>;
}

/** The school year the facts are of: its label (kept with them) and its first moment (referrals made since). */
export interface FactsYear {
  label: string;
  from: Date;
}

/**
 * The students' facts, from the kept rows where they are current and from the features' reads for the
 * rest (then kept). Current means no write to the student's rows since they were computed: each such
 * write adds one to the row's `version` in its own transaction (the triggers of migration 0038), and
 * the facts are kept with the version read *before* the features were read. A write that commits
 * after that read makes the version larger, so facts that may have missed it never count as current,
 * and a write still open when they are kept holds the row until it commits (then the version moves).
 */
/** The school's students as their enrolment query gives them (`student_id, grade_level`), and a key naming that list (school and day). */
export interface EnrolledStudents {
  key: string;
  query: SQL;
}

/** Schools whose students' facts a process keeps in memory, most recently viewed first. */
const SCHOOLS_IN_MEMORY = 8;

/** A school's last read in this process: the fingerprint of its rows, each student's facts with the version they are of, and the list as returned. */
interface Recent {
  print: string;
  byId: Map<string, { version: number; facts: KeptStudentFacts }>;
  students: SchoolStudent[];
}

export function createStudentFacts(db: Db, reads: StudentFactReads) {
  // The next view of a school this process read reads the rows' fingerprint (one row) and, unchanged,
  // nothing more; changed, their versions only, and the facts of just the students whose version moved.
  const recent = new LRUCache<string, Recent>({ max: SCHOOLS_IN_MEMORY });
  return async function studentFactsOf(tenantId: string, enrolled: EnrolledStudents, year: FactsYear): Promise<SchoolStudent[]> {
    const cacheKey = `${tenantId}:${enrolled.key}:${year.label}`;
    const known = recent.get(cacheKey);
    let kept: repo.KeptRow[];
    if (known) {
      if (known.print === (await withTenant(tenantId, () => repo.keptFingerprint(db, tenantId, enrolled.query)))) return known.students;
      kept = (await withTenant(tenantId, () => repo.keptFacts(db, tenantId, enrolled.query, { withFacts: false }))).map((k) => {
        const mine = known.byId.get(k.studentId);
        return { ...k, facts: mine && mine.version === k.version && k.computedVersion === k.version ? mine.facts : null };
      });
    } else {
      kept = await withTenant(tenantId, () => repo.keptFacts(db, tenantId, enrolled.query, { withFacts: true }));
    }
    const stale = kept.filter((k) => k.facts === null || k.computedVersion !== k.version || k.facts.year !== year.label);
    const fresh = stale.length === 0 ? new Map<string, KeptStudentFacts>() : await computeFacts(reads, tenantId, stale.map((s) => s.studentId), year);
    let keptAll = true;
    try {
      await withTenant(tenantId, () => repo.keepFacts(db, tenantId, stale.map((s) => ({ studentId: s.studentId, version: s.version, facts: fresh.get(s.studentId)! }))));
    } catch (err) {
      // A student deleted since the enrolment was read (a records request's deletion) has no person row to
      // keep facts for; keeping is only a saving, so this view stands and the next one computes again.
      if ((err as { code?: unknown } | null)?.code !== '23503') throw err;
      keptAll = false;
    }
    const students = kept.map((k) => ({ studentId: k.studentId, gradeLevel: k.gradeLevel, facts: fresh.get(k.studentId) ?? k.facts! }));
    // The rows' fingerprint if no write came between (each current at the version read); if one did, the next view's differs.
    if (keptAll) {
      const print = repo.fingerprintOf(kept.map((k) => ({ ...k, computedVersion: k.version })));
      recent.set(cacheKey, { print, byId: new Map(students.map((st, i) => [st.studentId, { version: kept[i]!.version, facts: st.facts }])), students });
    }
    return students;
  };
}
export type StudentFactsOf = ReturnType<typeof createStudentFacts>;

async function computeFacts(reads: StudentFactReads, tenantId: string, studentIds: string[], year: FactsYear): Promise<Map<string, KeptStudentFacts>> {
  // Frozen, so the id-list reads build its array parameter once for all of them (src/db/id-list.ts).
  const ids = Object.freeze(studentIds) as string[];
  const [groups, assigned, advisories, plans, lastSeen, needs, standing, referrals] = await Promise.all([
    reads.groupsOf(tenantId, ids),
    reads.assignedNavigatorsOf(tenantId, ids),
    reads.advisoryIdsOf(tenantId, ids),
    reads.planStatusFor(tenantId, ids),
    reads.lastAttendedOn(tenantId, ids),
    reads.openNeeds(tenantId, ids),
    reads.standingOf(tenantId, ids, { withBands: true }),
    reads.referralsSince(tenantId, ids, year.from),
  ]);
  const referralsOf = new Map<string, KeptReferral[]>();
  for (const r of referrals) {
    const kept = { category: r.category, state: r.state, createdAt: r.createdAt.toISOString(), dueAt: r.dueAt.toISOString(), respondedAt: r.respondedAt?.toISOString() ?? null };
    referralsOf.set(r.studentId, [...(referralsOf.get(r.studentId) ?? []), kept]);
  }
  const standingOf = new Map(standing.map((s) => [s.studentId, s]));
  return new Map(
    ids.map((id) => [
      id,
      {
        year: year.label,
        advisoryIds: advisories.get(id) ?? [],
        assignedNavigatorIds: assigned.get(id) ?? [],
        plan: plans.get(id)?.status ?? 'none',
        lastSeenOn: lastSeen.get(id) ?? null,
        needs: (needs.get(id) ?? []).map((n) => ({ category: n.category, urgency: n.urgency })),
        tier: standingOf.get(id)?.tier ?? null,
        bands: standingOf.get(id)?.bands ?? {},
        groups: groups.get(id) ?? {},
        referrals: referralsOf.get(id) ?? [],
      },
    ]),
  );
}
