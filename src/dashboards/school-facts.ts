import type { Clock } from '../web/clock.js';
import { localDate, zonedTime } from '../web/time-zone.js';
import { schoolYearAt } from '../web/school-year.js';
import type { ReferralFacts, StudentFacts, Tier } from './school-figures.js';

/**
 * What the school view reads from the other features, injected as functions (the caseload's pattern):
 * each a set-based read over the school's students, so one school view costs the same few round trips
 * whatever its size. None of them gates or audits: the dashboard service does, once, for the view.
 */
export interface SchoolFactSources {
  clock: Clock;
  timeZoneOf: (tenantId: string) => Promise<string>;
  schoolYearStartOf: (tenantId: string) => Promise<string>;
  studentsAt: (tenantId: string, schoolId: string) => Promise<{ studentId: string; gradeLevel: string | null }[]>;
  groupsOf: (tenantId: string, studentIds: string[]) => Promise<Map<string, Record<string, string>>>;
  navigatorsOf: (tenantId: string, studentIds: string[]) => Promise<{ navigators: Map<string, string[]> }>;
  advisoriesOf: (tenantId: string, studentIds: string[]) => Promise<{ studentId: string; contextId: string; title: string }[]>;
  planStatusFor: (tenantId: string, studentIds: string[]) => Promise<Map<string, { status: 'none' | 'draft' | 'active' }>>;
  /** The day each student was last met (latest attended check-in); absent when never. */
  lastAttendedOn: (tenantId: string, studentIds: string[]) => Promise<Map<string, string>>;
  openNeeds: (tenantId: string, studentIds: string[]) => Promise<Map<string, { category: string; urgency: string; sensitive: boolean }[]>>;
  /** Each computed student's tier in force and, when asked for (`withBands`), band per indicator (the indicators service). */
  standingOf: (tenantId: string, studentIds: string[], opts: { withBands: boolean }) => Promise<{ studentId: string; tier: number; bands: Record<string, string | null> | null }[]>;
  referralsSince: (tenantId: string, studentIds: string[], since: Date) => Promise<ReferralFacts[]>;
}

export interface SchoolFacts {
  today: string;
  now: Date;
  students: StudentFacts[];
  referrals: ReferralFacts[];
  /** Advisory titles by context id, for the tables' row names. */
  advisories: Map<string, string>;
}

const asTier = (n: number | undefined): Tier | null => (n === 1 || n === 2 || n === 3 ? n : null);

/**
 * One school's facts: the students, then every feature's read over them at once. `withBands` adds each
 * student's indicator bands (the school view shows them; the weekly snapshots do not, and skip the read).
 */
export async function gatherSchoolFacts(src: SchoolFactSources, tenantId: string, schoolId: string, { withBands = false } = {}): Promise<SchoolFacts> {
  const now = src.clock.now();
  const [zone, yearStart, enrolled] = await Promise.all([src.timeZoneOf(tenantId), src.schoolYearStartOf(tenantId), src.studentsAt(tenantId, schoolId)]);
  const today = localDate(now, zone);
  const ids = enrolled.map((e) => e.studentId);
  // Frozen, so the id-list reads build its array parameter once for all ten of them (src/db/id-list.ts).
  Object.freeze(ids);
  const yearFrom = zonedTime(schoolYearAt(today, yearStart).firstDay, '00:00', zone);
  const [groups, navs, advisories, plans, lastSeen, needs, standing, referrals] = await Promise.all([
    src.groupsOf(tenantId, ids),
    src.navigatorsOf(tenantId, ids),
    src.advisoriesOf(tenantId, ids),
    src.planStatusFor(tenantId, ids),
    src.lastAttendedOn(tenantId, ids),
    src.openNeeds(tenantId, ids),
    src.standingOf(tenantId, ids, { withBands }),
    src.referralsSince(tenantId, ids, yearFrom),
  ]);
  const advisoryOf = new Map(advisories.map((a) => [a.studentId, a.contextId]));
  const standingOfStudent = new Map(standing.map((t) => [t.studentId, t]));
  const students: StudentFacts[] = enrolled.map((e) => ({
    id: e.studentId,
    grade: e.gradeLevel,
    advisoryId: advisoryOf.get(e.studentId) ?? null,
    navigatorIds: navs.navigators.get(e.studentId) ?? [],
    plan: plans.get(e.studentId)?.status ?? 'none',
    lastSeenOn: lastSeen.get(e.studentId) ?? null,
    needs: (needs.get(e.studentId) ?? []).map((n) => ({ category: n.category, urgency: n.urgency, sensitive: n.sensitive })),
    tier: asTier(standingOfStudent.get(e.studentId)?.tier),
    groups: groups.get(e.studentId) ?? {},
    ...(withBands ? { bands: standingOfStudent.get(e.studentId)?.bands ?? {} } : {}),
  }));
  return { today, now, students, referrals, advisories: new Map(advisories.map((a) => [a.contextId, a.title])) };
}
