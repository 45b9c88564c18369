import type { Clock } from '../web/clock.js';
import type { AppUser } from '../auth/user.js';
import type { AuditService } from '../audit/audit.service.js';
import { authorize, canMap } from '../policies/policy.js';
import { impactActions, impactPolicy, impactSchools } from '../policies/impact.js';
import { notFound } from '../web/errors.js';
import { localDate, zonedTime } from '../web/time-zone.js';
import { schoolYearAt } from '../web/school-year.js';
import { addDays } from '../web/days.js';
import { groupFigures, tierAt, valuesFrom, windowsOf, type Anchor, type Bounds, type GroupResult, type Values } from './compute.js';
import { defaultWindowDays, recentPeriodDays, type ImpactQuery } from './impact.schemas.js';
import { impactView } from './impact.presenter.js';
import type { Shown } from './min-size.js';

type Timeline = { studentId: string; suggestedTier: number | null; decisions: { tier: number; decidedAt: Date }[] };
type Served = { studentId: string; supportId: string; category: string; servedAt: Date };
type WindowCounts = { schoolDays: number; attended: number; incidents: number; coursesMeasured: number; coursesFailing: number };

/** What the impact report reads from the other features (each a set-based read) and the suppression rule it shows counts by. */
export interface ImpactDeps {
  clock: Clock;
  audit: Pick<AuditService, 'record'>;
  timeZoneOf: (tenantId: string) => Promise<string>;
  schoolYearStartOf: (tenantId: string) => Promise<string>;
  /** referrals.servedSince */
  servedSince: (tenantId: string, since: Date) => Promise<Served[]>;
  /** supports.namesOf */
  supportNames: (tenantId: string, ids: string[]) => Promise<Map<string, string>>;
  /** indicators.tierTimelines and measureRules */
  tierTimelines: (tenantId: string) => Promise<Timeline[]>;
  measureRules: (tenantId: string) => Promise<{ attended: readonly string[]; failingBelow: number }>;
  /** studentData.schoolDayBounds and windowFigures */
  schoolDayBounds: (tenantId: string, anchors: readonly { studentId: string; day: string }[], n: number, today: string) => Promise<{ studentId: string; day: string; beforeFrom: string | null; afterTo: string | null }[]>;
  windowFigures: (tenantId: string, windows: readonly { studentId: string; from: string; to: string }[], rules: { attended: readonly string[]; failingBelow: number }) => Promise<WindowCounts[]>;
  /** checkins.wellbeingSince */
  wellbeingSince: (tenantId: string, studentIds: readonly string[], sinceDay: string) => Promise<{ studentId: string; date: string; rating: number }[]>;
  /** schools.list: the tenant's schools, for the school filter. */
  schools: (tenantId: string) => Promise<{ id: string; name: string }[]>;
  /** schools.enrolmentsAtSchools: who was at these schools from which day to which (the report's students when it covers some schools). */
  enrolmentsAtSchools: (tenantId: string, schoolIds: readonly string[]) => Promise<{ studentId: string; startedOn: string; endedOn: string | null }[]>;
  /** The school's minimum group size (its setting, src/reports). */
  minimumGroupSize: (tenantId: string) => Promise<number>;
  /** Which counts may be shown (min-size.ts: each group against the minimum). */
  suppress: (counts: number[], min: number) => Shown[];
  /** School days per window (20). */
  windowDays?: number;
}

/** Who was at the report's schools: ever (to read their tier timelines) and on a day (to count them). */
interface SchoolsOnDay {
  ever: (studentId: string) => boolean;
  on: (studentId: string, day: string) => boolean;
}

function schoolsOnDay(enrolments: readonly { studentId: string; startedOn: string; endedOn: string | null }[]): SchoolsOnDay {
  const spans = new Map<string, { startedOn: string; endedOn: string | null }[]>();
  for (const e of enrolments) spans.set(e.studentId, [...(spans.get(e.studentId) ?? []), e]);
  return {
    ever: (id) => spans.has(id),
    // ISO days compare as text; an enrolment's last day is its ended_on (a move ends the old one the day before).
    on: (id, day) => (spans.get(id) ?? []).some((e) => e.startedOn <= day && (e.endedOn === null || day <= e.endedOn)),
  };
}

/** One group of the report: a support, or a strategy (every support of a category). */
interface Group {
  key: string;
  category: string;
  anchors: Anchor[];
  /** Never compared with: served by the group since the year (or the period) began. */
  servedInYear: Set<string>;
}

/** Each student's first service in each group, anchored on the school's day of served_at; students first served before the period are left out. */
function groupsBy(rows: readonly (Served & { day: string })[], keyOf: (r: Served) => string, periodFrom: string): Group[] {
  const groups = new Map<string, Group & { first: Map<string, Served & { day: string }> }>();
  for (const r of rows) {
    const key = keyOf(r);
    const g = groups.get(key) ?? { key, category: r.category, anchors: [], servedInYear: new Set<string>(), first: new Map() };
    g.servedInYear.add(r.studentId);
    if (!g.first.has(r.studentId)) g.first.set(r.studentId, r);
    groups.set(key, g);
  }
  return [...groups.values()].map(({ first, ...g }) => ({
    ...g,
    anchors: [...first.values()].filter((r) => r.day >= periodFrom).map((r) => ({ studentId: r.studentId, day: r.day, servedAt: r.servedAt })),
  }));
}

/**
 * Issue 12 item 7, "which supports worked": per support and per strategy, the students served, their
 * indicators in the school days before and after their first service, beside students of the same tier
 * who were not served, in the same calendar windows. Aggregate only: no student is named, one audit
 * event records the read. Method: README.md.
 */
export function createImpactService(deps: ImpactDeps) {
  const n = deps.windowDays ?? defaultWindowDays;
  /** The schools the report covers by default: every school (null) or all of the reader's. */
  const defaultSchools = (user: AppUser): string[] | null => {
    const where = impactSchools(user);
    return where.all ? null : where.schoolIds;
  };
  const can = (user: AppUser) => canMap(impactPolicy, user, impactActions, { tenantId: user.tenantId, schoolIds: defaultSchools(user) });

  /**
   * `at`: whether a student was at the schools the report covers on a day (null: the whole district).
   * A service counts where the student was when served, and a comparison student where they were on
   * that day: a student who moved since counts at the school that served them, not at the new one.
   */
  async function figures(tenantId: string, query: ImpactQuery, at: SchoolsOnDay | null) {
    const inScope = (r: { studentId: string }) => at === null || at.ever(r.studentId);
    const [zone, yearStart, timelines] = await Promise.all([deps.timeZoneOf(tenantId), deps.schoolYearStartOf(tenantId), deps.tierTimelines(tenantId).then((all) => all.filter(inScope))]);
    const today = localDate(deps.clock.now(), zone);
    const yearFrom = schoolYearAt(today, yearStart).firstDay;
    const periodFrom = query.period === 'year' ? yearFrom : addDays(today, -recentPeriodDays);
    const sinceDay = periodFrom < yearFrom ? periodFrom : yearFrom;
    const rows = (await deps.servedSince(tenantId, zonedTime(sinceDay, '00:00', zone)))
      .filter((r) => inScope(r) && (query.category === '' || r.category === query.category))
      .map((r) => ({ ...r, day: localDate(r.servedAt, zone) }))
      .filter((r) => r.day <= today && (at === null || at.on(r.studentId, r.day)));
    const supports = groupsBy(rows, (r) => r.supportId, periodFrom);
    const strategies = groupsBy(rows, (r) => r.category, periodFrom);
    const all = [...supports, ...strategies];

    // Where each served student's windows fall (one read for every anchor of every group).
    const anchorKey = (a: { studentId: string; day: string }) => `${a.studentId}|${a.day}`;
    const anchorList = [...new Map(all.flatMap((g) => g.anchors).map((a) => [anchorKey(a), { studentId: a.studentId, day: a.day }])).values()];
    const bounds = new Map<string, Bounds>((await deps.schoolDayBounds(tenantId, anchorList, n, today)).map((b) => [anchorKey(b), b]));
    const windowsAround = (a: Anchor) => windowsOf(a, bounds.get(anchorKey(a)));

    // Who each served student is compared with: the same tier then, never served by the group this year.
    const timeline = new Map(timelines.map((t) => [t.studentId, t]));
    const comparisons = new Map<string, string[]>();
    const comparisonsOf = (g: Group, a: Anchor): string[] => {
      const key = `${g.key}|${a.studentId}`;
      let list = comparisons.get(key);
      if (!list) {
        const tier = tierAt(timeline.get(a.studentId), a.servedAt);
        list =
          tier === null
            ? []
            : timelines.filter((t) => t.studentId !== a.studentId && !g.servedInYear.has(t.studentId) && (at === null || at.on(t.studentId, a.day)) && tierAt(t, a.servedAt) === tier).map((t) => t.studentId);
        comparisons.set(key, list);
      }
      return list;
    };

    // Every window to measure, once: the served student's and their comparison students' (the same days).
    const windowKey = (id: string, w: { from: string; to: string }) => `${id}|${w.from}|${w.to}`;
    const wanted = new Map<string, { studentId: string; from: string; to: string }>();
    for (const g of all) {
      for (const a of g.anchors) {
        const w = windowsAround(a);
        if (typeof w === 'string') continue;
        for (const id of [a.studentId, ...comparisonsOf(g, a)]) for (const side of [w.before, w.after]) wanted.set(windowKey(id, side), { studentId: id, ...side });
      }
    }
    const windows = [...wanted.values()];
    const earliest = windows.reduce((min, w) => (w.from < min ? w.from : min), today);
    const [counts, ratings] = await Promise.all([
      deps.windowFigures(tenantId, windows, await deps.measureRules(tenantId)),
      windows.length === 0 ? Promise.resolve([]) : deps.wellbeingSince(tenantId, [...new Set(windows.map((w) => w.studentId))], earliest),
    ]);
    const ratingsOf = new Map<string, { date: string; rating: number }[]>();
    for (const r of ratings) ratingsOf.set(r.studentId, [...(ratingsOf.get(r.studentId) ?? []), r]);
    const values = new Map<string, Values>(
      windows.map((w, i) => [windowKey(w.studentId, w), valuesFrom(counts[i]!, (ratingsOf.get(w.studentId) ?? []).filter((r) => r.date >= w.from && r.date <= w.to).map((r) => r.rating))]),
    );
    const valuesOf = (id: string, w: { from: string; to: string }) => values.get(windowKey(id, w));
    const resultOf = (g: Group): GroupResult => groupFigures(g.anchors, windowsAround, (a) => comparisonsOf(g, a), valuesOf);

    const names = await deps.supportNames(tenantId, supports.map((g) => g.key));
    return {
      supports: supports.map((g) => ({ name: names.get(g.key) ?? '', category: g.category, result: resultOf(g) })),
      strategies: strategies.map((g) => ({ category: g.category, result: resultOf(g) })),
    };
  }

  return {
    /** What a user may do with the report (the supports catalogue links to it when they may view it). */
    can,
    /**
     * The report over the students of the reader's schools (the one picked, else all of theirs; every
     * student for a reader of every school). Aggregate only; one audit event, no student named.
     */
    async report(user: AppUser, query: ImpactQuery) {
      const tenantId = user.tenantId;
      const schoolIds = query.school === '' ? defaultSchools(user) : [query.school];
      authorize(impactPolicy, user, 'view', { tenantId, schoolIds });
      const where = impactSchools(user);
      const schools = (await deps.schools(tenantId)).filter((s) => where.all || where.schoolIds.includes(s.id));
      if (query.school !== '' && !schools.some((s) => s.id === query.school)) throw notFound();
      const at = schoolIds === null ? null : schoolsOnDay(await deps.enrolmentsAtSchools(tenantId, schoolIds));
      const [result, min] = await Promise.all([figures(tenantId, query, at), deps.minimumGroupSize(tenantId)]);
      await deps.audit.record(user, { action: 'read', entity: 'impact_report', entityId: null });
      return impactView(result, { query, min, windowDays: n, suppress: deps.suppress, locale: user.locale, schools, everySchool: where.all });
    },
  };
}
export type ImpactService = ReturnType<typeof createImpactService>;
