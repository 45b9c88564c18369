import type { Clock } from '../web/clock.js';
import { localDate, zonedTime } from '../web/time-zone.js';
import { schoolYearAt } from '../web/school-year.js';
import type { ReferralFacts, StudentFacts, Tier } from './school-figures.js';
import type { StudentFactReads, StudentFactsOf } from './student-facts.js';

/**
 * What the school view reads from the other features, injected as functions (the caseload's pattern):
 * each a set-based read over the school's students, so one school view costs the same few round trips
 * whatever its size. None of them gates or audits: the dashboard service does, once, for the view.
 * The per-student reads (`StudentFactReads`) are what `studentFacts` keeps between views.
 */
export interface SchoolFactSources extends StudentFactReads {
  clock: Clock;
  timeZoneOf: (tenantId: string) => Promise<string>;
  schoolYearStartOf: (tenantId: string) => Promise<string>;
  studentsAt: (tenantId: string, schoolId: string) => Promise<{ studentId: string; gradeLevel: string | null }[]>;
  /** The students' facts, kept between views where nothing of theirs changed (src/dashboards/student-facts.ts). */
  studentFacts: StudentFactsOf;
  /** Active advisories by id, with their titles and active advisors (the default navigators of their students). */
  advisoriesById: (tenantId: string, contextIds: string[]) => Promise<{ contextId: string; title: string; advisorIds: string[] }[]>;
  /** Whether a need category is sensitive (unknown categories are). */
  needIsSensitive: (tenantId: string) => Promise<(category: string) => boolean>;
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

const asTier = (n: number | null | undefined): Tier | null => (n === 1 || n === 2 || n === 3 ? n : null);

/**
 * One school's facts: the students enrolled today, their kept facts, the advisories they are in and the
 * year's referrals. `withBands` adds each student's indicator bands (the school view shows them; the
 * weekly snapshots do not).
 */
export async function gatherSchoolFacts(src: SchoolFactSources, tenantId: string, schoolId: string, { withBands = false } = {}): Promise<SchoolFacts> {
  const now = src.clock.now();
  const [zone, yearStart, enrolled] = await Promise.all([src.timeZoneOf(tenantId), src.schoolYearStartOf(tenantId), src.studentsAt(tenantId, schoolId)]);
  const today = localDate(now, zone);
  const year = schoolYearAt(today, yearStart);
  // Frozen, so the id-list reads build its array parameter once for all of them (src/db/id-list.ts).
  const ids = Object.freeze(enrolled.map((e) => e.studentId)) as string[];
  const yearFrom = zonedTime(year.firstDay, '00:00', zone);
  const [kept, referrals, isSensitive] = await Promise.all([src.studentFacts(tenantId, ids, year.label), src.referralsSince(tenantId, ids, yearFrom), src.needIsSensitive(tenantId)]);
  const advisoryIds = new Set<string>();
  for (const f of kept.values()) for (const id of f.advisoryIds) advisoryIds.add(id);
  const advisories = new Map((await src.advisoriesById(tenantId, [...advisoryIds])).map((a) => [a.contextId, a]));
  const students: StudentFacts[] = enrolled.map((e) => {
    const f = kept.get(e.studentId);
    // A student in several advisories counts in the first by title (then id), as the roster lists them.
    const theirs = (f?.advisoryIds ?? []).flatMap((id) => advisories.get(id) ?? []).sort((a, b) => (a.title === b.title ? (a.contextId < b.contextId ? -1 : 1) : a.title < b.title ? -1 : 1));
    const assigned = f?.assignedNavigatorIds ?? [];
    return {
      id: e.studentId,
      grade: e.gradeLevel,
      advisoryId: theirs[0]?.contextId ?? null,
      navigatorIds: assigned.length > 0 ? assigned : [...new Set(theirs.flatMap((a) => a.advisorIds))],
      plan: f?.plan ?? 'none',
      lastSeenOn: f?.lastSeenOn ?? null,
      needs: (f?.needs ?? []).map((n) => ({ ...n, sensitive: isSensitive(n.category) })),
      tier: asTier(f?.tier),
      groups: f?.groups ?? {},
      ...(withBands ? { bands: f?.bands ?? {} } : {}),
    };
  });
  return { today, now, students, referrals, advisories: new Map([...advisories].map(([id, a]) => [id, a.title])) };
}
