import type { Clock } from '../web/clock.js';
import { localDate, zonedTime } from '../web/time-zone.js';
import { schoolYearAt } from '../web/school-year.js';
import type { ReferralFacts, StudentFacts, Tier } from './school-figures.js';
import type { StudentFactReads, StudentFactsOf } from './student-facts.js';
import type { SQL } from 'drizzle-orm';

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
  /** The same students as a query (schools.studentsAtQuery), which the kept facts' read embeds. */
  studentsAtQuery: (tenantId: string, schoolId: string, day: string) => SQL;
  /** The students' facts, kept between views where nothing of theirs changed (src/dashboards/student-facts.ts). */
  studentFacts: StudentFactsOf;
  /** Active advisories by id, with their titles and active advisors (the default navigators of their students). */
  advisoriesById: (tenantId: string, contextIds: string[]) => Promise<{ contextId: string; title: string; advisorIds: string[] }[]>;
  /** Whether a need category is sensitive (unknown categories are). */
  needIsSensitive: (tenantId: string) => Promise<(category: string) => boolean>;
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
type Advisory = { contextId: string; title: string; advisorIds: string[] };
const byTitle = (a: Advisory, b: Advisory) => (a.title === b.title ? (a.contextId < b.contextId ? -1 : 1) : a.title < b.title ? -1 : 1);

/**
 * One school's facts: the students enrolled today with their kept facts (one statement, src/dashboards/
 * student-facts.ts), then the advisories they are in. `withBands` adds each student's indicator bands
 * (the school view shows them; the weekly snapshots do not).
 */
export async function gatherSchoolFacts(src: SchoolFactSources, tenantId: string, schoolId: string, { withBands = false } = {}): Promise<SchoolFacts> {
  const now = src.clock.now();
  const [zone, yearStart] = await Promise.all([src.timeZoneOf(tenantId), src.schoolYearStartOf(tenantId)]);
  const today = localDate(now, zone);
  const year = schoolYearAt(today, yearStart);
  const [enrolled, isSensitive] = await Promise.all([
    src.studentFacts(tenantId, { key: `${schoolId}:${today}`, query: src.studentsAtQuery(tenantId, schoolId, today) }, { label: year.label, from: zonedTime(year.firstDay, '00:00', zone) }),
    src.needIsSensitive(tenantId),
  ]);
  const advisoryIds = new Set<string>();
  for (const e of enrolled) for (const id of e.facts.advisoryIds) advisoryIds.add(id);
  const advisories = new Map((await src.advisoriesById(tenantId, [...advisoryIds])).map((a) => [a.contextId, a]));
  // A student in several advisories counts in the first by title (then id); its rank, computed once.
  const rank = new Map([...advisories.values()].sort(byTitle).map((a, i) => [a.contextId, i]));
  const referrals: ReferralFacts[] = [];
  const students: StudentFacts[] = enrolled.map(({ studentId, gradeLevel, facts: f }) => {
    const theirs = f.advisoryIds.filter((id) => rank.has(id)).sort((a, b) => rank.get(a)! - rank.get(b)!);
    const advisors = theirs.length === 1 ? advisories.get(theirs[0]!)!.advisorIds : [...new Set(theirs.flatMap((id) => advisories.get(id)!.advisorIds))];
    for (const r of f.referrals) referrals.push({ studentId, category: r.category, state: r.state, createdAt: new Date(r.createdAt), dueAt: new Date(r.dueAt), respondedAt: r.respondedAt === null ? null : new Date(r.respondedAt) });
    return {
      id: studentId,
      grade: gradeLevel,
      advisoryId: theirs[0] ?? null,
      navigatorIds: f.assignedNavigatorIds.length > 0 ? f.assignedNavigatorIds : advisors,
      plan: f.plan,
      lastSeenOn: f.lastSeenOn,
      needs: f.needs.length === 0 ? [] : f.needs.map((n) => ({ category: n.category, urgency: n.urgency, sensitive: isSensitive(n.category) })),
      tier: asTier(f.tier),
      groups: f.groups,
      ...(withBands ? { bands: f.bands } : {}),
    };
  });
  return { today, now, students, referrals, advisories: new Map([...advisories].map(([id, a]) => [id, a.title])) };
}
