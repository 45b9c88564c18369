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
}

/**
 * The students' facts, from the kept rows where they are current and from the features' reads for the
 * rest (then kept). Current means no write to the student's rows since they were computed: each such
 * write adds one to the row's `version` in its own transaction (the triggers of migration 0038), and
 * the facts are kept with the version read *before* the features were read. A write that commits
 * after that read makes the version larger, so facts that may have missed it never count as current,
 * and a write still open when they are kept holds the row until it commits (then the version moves).
 */
export function createStudentFacts(db: Db, reads: StudentFactReads) {
  return async function studentFactsOf(tenantId: string, studentIds: readonly string[], year: string): Promise<Map<string, KeptStudentFacts>> {
    const out = new Map<string, KeptStudentFacts>();
    if (studentIds.length === 0) return out;
    const kept = await withTenant(tenantId, () => repo.keptFacts(db, tenantId, studentIds));
    const stale: { studentId: string; version: number }[] = [];
    for (const k of kept) {
      if (k.facts !== null && k.computedVersion === k.version && k.facts.year === year) out.set(k.studentId, k.facts);
      else stale.push({ studentId: k.studentId, version: k.version });
    }
    if (stale.length === 0) return out;
    const fresh = await computeFacts(reads, tenantId, stale.map((s) => s.studentId), year);
    try {
      await withTenant(tenantId, () => repo.keepFacts(db, tenantId, stale.map((s) => ({ ...s, facts: fresh.get(s.studentId)! }))));
    } catch (err) {
      // A student deleted since the enrolment was read (a records request's deletion) has no person row to
      // keep facts for; keeping is only a saving, so this view stands and the next one computes again.
      if ((err as { code?: unknown } | null)?.code !== '23503') throw err;
    }
    for (const [id, facts] of fresh) out.set(id, facts);
    return out;
  };
}
export type StudentFactsOf = ReturnType<typeof createStudentFacts>;

async function computeFacts(reads: StudentFactReads, tenantId: string, studentIds: string[], year: string): Promise<Map<string, KeptStudentFacts>> {
  // Frozen, so the id-list reads build its array parameter once for all of them (src/db/id-list.ts).
  const ids = Object.freeze(studentIds) as string[];
  const [groups, assigned, advisories, plans, lastSeen, needs, standing] = await Promise.all([
    reads.groupsOf(tenantId, ids),
    reads.assignedNavigatorsOf(tenantId, ids),
    reads.advisoryIdsOf(tenantId, ids),
    reads.planStatusFor(tenantId, ids),
    reads.lastAttendedOn(tenantId, ids),
    reads.openNeeds(tenantId, ids),
    reads.standingOf(tenantId, ids, { withBands: true }),
  ]);
  const standingOf = new Map(standing.map((s) => [s.studentId, s]));
  return new Map(
    ids.map((id) => [
      id,
      {
        year,
        advisoryIds: advisories.get(id) ?? [],
        assignedNavigatorIds: assigned.get(id) ?? [],
        plan: plans.get(id)?.status ?? 'none',
        lastSeenOn: lastSeen.get(id) ?? null,
        needs: (needs.get(id) ?? []).map((n) => ({ category: n.category, urgency: n.urgency })),
        tier: standingOf.get(id)?.tier ?? null,
        bands: standingOf.get(id)?.bands ?? {},
        groups: groups.get(id) ?? {},
      },
    ]),
  );
}
