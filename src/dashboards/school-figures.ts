import { addDays } from '../web/days.js';

/**
 * The school view's numbers, as pure functions over facts the services gathered (no database, no
 * clock): the page, the student list behind each number and the weekly snapshot all count with these,
 * so a number and its list can never disagree. Privacy (minimum group size) is applied afterwards, by
 * the presenter, on the tables these return.
 */
export type PlanState = 'none' | 'draft' | 'active';
export type Tier = 1 | 2 | 3;

export interface StudentFacts {
  id: string;
  /** OneRoster grade code; null while unknown. */
  grade: string | null;
  advisoryId: string | null;
  navigatorIds: readonly string[];
  plan: PlanState;
  /** The school's local day of the last attended check-in; null when never met. */
  lastSeenOn: string | null;
  /** Open needs, one per category at most (the most urgent). */
  needs: readonly { category: string; urgency: string; sensitive: boolean }[];
  /** The tier in force (an adult's decision, else the suggestion); null before any data. */
  tier: Tier | null;
  /** Subgroups: dimension -> value (src/schools/groups.ts); a missing dimension is "not recorded". */
  groups: Readonly<Record<string, string>>;
  /** Band per indicator (src/indicators), when the view read them; an indicator without one is "no band yet". */
  bands?: Readonly<Record<string, string | null>>;
}

export interface ReferralFacts {
  studentId: string;
  category: string;
  state: string;
  createdAt: Date;
  dueAt: Date;
  respondedAt: Date | null;
}

/** How long ago a student was last met: within the check-in cadence, later, or not in two weeks (or never). */
export type SeenBucket = 'within' | 'lapsed' | 'not_seen_2w';
export const NOT_SEEN_DAYS = 14;

/** seenBucket for many students of one day: the two bounds worked out once (per student they were most of a view's CPU). */
export function seenOn(today: string, cadenceDays: number): (lastSeenOn: string | null) => SeenBucket {
  const notSeenBefore = addDays(today, -NOT_SEEN_DAYS);
  const withinFrom = addDays(today, -cadenceDays);
  return (lastSeenOn) => {
    if (lastSeenOn === null || lastSeenOn < notSeenBefore) return 'not_seen_2w';
    return lastSeenOn >= withinFrom ? 'within' : 'lapsed';
  };
}

export function seenBucket(lastSeenOn: string | null, today: string, cadenceDays: number): SeenBucket {
  return seenOn(today, cadenceDays)(lastSeenOn);
}

function pushTo<T>(groups: Map<string, T[]>, key: string, item: T): void {
  const list = groups.get(key);
  if (list) list.push(item);
  else groups.set(key, [item]);
}

export interface Coverage {
  students: number;
  withNavigator: number;
  activePlan: number;
  seenWithinCadence: number;
  notSeen2Weeks: number;
}

export function coverageOf(students: readonly StudentFacts[], today: string, cadenceDays: number): Coverage {
  const c: Coverage = { students: students.length, withNavigator: 0, activePlan: 0, seenWithinCadence: 0, notSeen2Weeks: 0 };
  const seenBy = seenOn(today, cadenceDays);
  for (const s of students) {
    if (s.navigatorIds.length > 0) c.withNavigator++;
    if (s.plan === 'active') c.activePlan++;
    const seen = seenBy(s.lastSeenOn);
    if (seen === 'within') c.seenWithinCadence++;
    if (seen === 'not_seen_2w') c.notSeen2Weeks++;
  }
  return c;
}

export interface NavigatorLoad extends Coverage {
  navigatorId: string;
}

/** Coverage per navigator: a student with two navigators counts in both caseloads. Largest caseload first. */
export function byNavigator(students: readonly StudentFacts[], today: string, cadenceDays: number): NavigatorLoad[] {
  const groups = new Map<string, StudentFacts[]>();
  for (const s of students) for (const n of s.navigatorIds) pushTo(groups, n, s);
  return [...groups]
    .map(([navigatorId, list]) => ({ navigatorId, ...coverageOf(list, today, cadenceDays) }))
    .sort((a, b) => b.students - a.students || a.navigatorId.localeCompare(b.navigatorId));
}

/** A table of counts: each row a group of students (its base), each column how many of them have something. */
export interface CountTable {
  rows: { key: string; base: number; cells: number[] }[];
  columns: string[];
  total: { base: number; cells: number[] };
}

// One collator for every sort of group keys ("Grade 9" before "Grade 10"); localeCompare with options builds one per call.
const byKey = new Intl.Collator('en', { numeric: true }).compare;

/** Groups students by a key (grade, advisory, a subgroup), keys sorted; students without a key go under `none`. */
export function groupBy(students: readonly StudentFacts[], keyOf: (s: StudentFacts) => string | null, none = 'none'): Map<string, StudentFacts[]> {
  const groups = new Map<string, StudentFacts[]>();
  for (const s of students) {
    pushTo(groups, keyOf(s) ?? none, s);
  }
  return new Map([...groups].sort(([a], [b]) => (a === none ? 1 : b === none ? -1 : byKey(a, b))));
}

function countTable(groups: Map<string, StudentFacts[]>, columns: readonly string[], has: (s: StudentFacts, column: string) => boolean): CountTable {
  const rows = [...groups].map(([key, list]) => ({ key, base: list.length, cells: columns.map((c) => list.filter((s) => has(s, c)).length) }));
  return {
    rows,
    columns: [...columns],
    total: { base: rows.reduce((n, r) => n + r.base, 0), cells: columns.map((_, i) => rows.reduce((n, r) => n + r.cells[i]!, 0)) },
  };
}

/** Students with an open need, per category, in each group (the heat map: grades by categories). */
export const needsTable = (groups: Map<string, StudentFacts[]>, categories: readonly string[]): CountTable =>
  countTable(groups, categories, (s, c) => s.needs.some((n) => n.category === c));

export const tierColumns = ['1', '2', '3', 'none'] as const;
/** Students at each tier (and without one yet) in each group. */
export const tiersTable = (groups: Map<string, StudentFacts[]>): CountTable => countTable(groups, tierColumns, (s, c) => String(s.tier ?? 'none') === c);

/** A student's band of an indicator, or `none` (never computed, or too little data to judge). */
export const bandOf = (s: StudentFacts, indicator: string): string => s.bands?.[indicator] ?? 'none';
/** Students in each band of one indicator (best band first, then those without one) in each group. */
export const bandsTable = (groups: Map<string, StudentFacts[]>, indicator: string, bandIds: readonly string[]): CountTable =>
  countTable(groups, [...bandIds, 'none'], (s, c) => bandOf(s, indicator) === c);

export interface ReferralCategoryFigures {
  category: string;
  made: number;
  /** Open now, by state. */
  byState: Record<string, number>;
  responded: number;
  respondedOnTime: number;
  /** Not answered and past the standard now. */
  overdue: number;
  /** Median hours from made to first answer, over those answered; null without any. */
  medianHoursToRespond: number | null;
}

const median = (xs: number[]): number | null => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** Referrals per category: how many, in which state, and how they met the response standard. */
export function referralFigures(referrals: readonly ReferralFacts[], now: Date): ReferralCategoryFigures[] {
  const byCategory = new Map<string, ReferralFacts[]>();
  for (const r of referrals) pushTo(byCategory, r.category, r);
  return [...byCategory]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([category, list]) => {
      const answered = list.filter((r) => r.respondedAt !== null);
      const byState: Record<string, number> = {};
      for (const r of list) byState[r.state] = (byState[r.state] ?? 0) + 1;
      return {
        category,
        made: list.length,
        byState,
        responded: answered.length,
        respondedOnTime: answered.filter((r) => r.respondedAt! <= r.dueAt).length,
        overdue: list.filter((r) => r.respondedAt === null && r.state === 'requested' && r.dueAt < now).length,
        medianHoursToRespond: median(answered.map((r) => Math.round(((r.respondedAt!.getTime() - r.createdAt.getTime()) / 3_600_000) * 10) / 10)),
      };
    });
}
