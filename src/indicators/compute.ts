import { defaultSchoolYearStart, schoolYearAt } from '../web/school-year.js';
import type { IndicatorConfig, IndicatorName, Thresholds } from './indicators.schemas.js';
import { addDays } from '../web/days.js';

/**
 * The indicators of one student, computed from their records: pure functions, no database, no clock
 * (`today` is the school's local date, yyyy-mm-dd). A school day is a day with an attendance record;
 * year to date counts from the school year's first day (the school's setting, src/web/school-year.ts), the recent window is the
 * last `recent.days` days up to today. Only the recent window decides bands and flags, so a student
 * who has recovered is no longer flagged for what happened months ago.
 */
export type AttendanceStatus = 'present' | 'absent' | 'tardy' | 'excused';

export interface IndicatorInput {
  attendance: readonly { day: string; status: AttendanceStatus }[];
  incidents: readonly { day: string; suspensionDays: number | null }[];
  /** Current scores as the sources report them; `observedOn` is the school's local day of the last observation. */
  scores: readonly { source: string; courseKey: string; courseTitle: string | null; periodKey: string; currentScore: number | null; observedOn: string | null }[];
  /** Check-in well-being ratings (1-5), by the check-in's date. */
  wellbeing: readonly { date: string; rating: number }[];
  /** Belonging pulse scores (1-5, one decimal): each survey response's overall score, by the day it was answered (src/surveys). */
  pulse: readonly { date: string; score: number }[];
}

export interface AttendanceRate {
  schoolDays: number;
  attended: number;
  missed: number;
  /** % of school days attended, one decimal; null without a school day. */
  percent: number | null;
}
export interface BehaviourRate {
  schoolDays: number;
  incidents: number;
  incidentDays: number;
  /** % of school days with an incident, one decimal; null without a school day. */
  percent: number | null;
  suspensions: number;
  suspensionDays: number;
}
export interface CourseScore {
  source: string;
  courseKey: string;
  title: string | null;
  score: number;
  failing: boolean;
  /** Observed in the recent window: only these raise a flag. */
  recent: boolean;
}

export interface Indicators {
  today: string;
  yearFrom: string;
  recentFrom: string;
  recentDays: number;
  attendance: { year: AttendanceRate; recent: AttendanceRate; missedPercentYear: number | null; chronicAbsence: boolean };
  behaviour: { year: BehaviourRate; recent: BehaviourRate };
  grades: { courses: CourseScore[]; failing: number; lowest: CourseScore | null; highest: CourseScore | null; gpa: number | null };
  wellbeing: { count: number; average: number | null; latest: { date: string; rating: number } | null };
  /** Pulse responses this school year and the latest one: shown beside well-being, never a band or a tier rule. */
  pulse: { count: number; latest: { date: string; score: number } | null };
  /** Each indicator's band id from the recent window; null when the window has too little data to judge. */
  bands: Record<IndicatorName, string | null>;
}

const oneDecimal = (n: number) => Math.round(n * 10) / 10;
const pct = (part: number, whole: number) => (whole === 0 ? null : oneDecimal((part / whole) * 100));

/** The band a value falls in (best first), by the indicator's thresholds. */
export function bandIndex(value: number, t: Thresholds): number {
  if ('atLeast' in t) {
    const i = t.atLeast.findIndex((min) => value >= min);
    return i === -1 ? t.atLeast.length : i;
  }
  const i = t.atMost.findIndex((max) => value <= max);
  return i === -1 ? t.atMost.length : i;
}

/** The points of a score on the 4-point scale: the first step it reaches. */
export const gpaPoints = (score: number, steps: IndicatorConfig['grades']['gpa']): number => steps.find((s) => score >= s.atLeast)?.points ?? 0;

function attendanceIn(rows: IndicatorInput['attendance'], from: string, to: string, attended: readonly AttendanceStatus[]): AttendanceRate {
  const byDay = new Map<string, AttendanceStatus>();
  for (const r of rows) if (r.day >= from && r.day <= to) byDay.set(r.day, r.status);
  let present = 0;
  for (const s of byDay.values()) if (attended.includes(s)) present++;
  return { schoolDays: byDay.size, attended: present, missed: byDay.size - present, percent: pct(present, byDay.size) };
}

function behaviourIn(input: IndicatorInput, from: string, to: string): BehaviourRate {
  const inWindow = input.incidents.filter((i) => i.day >= from && i.day <= to);
  const days = new Set(input.attendance.filter((a) => a.day >= from && a.day <= to).map((a) => a.day));
  const incidentDays = new Set(inWindow.map((i) => i.day));
  // An incident on a day with no attendance record is still a school day.
  for (const d of incidentDays) days.add(d);
  const suspended = inWindow.filter((i) => (i.suspensionDays ?? 0) > 0);
  return {
    schoolDays: days.size,
    incidents: inWindow.length,
    incidentDays: incidentDays.size,
    percent: pct(incidentDays.size, days.size),
    suspensions: suspended.length,
    suspensionDays: oneDecimal(suspended.reduce((s, i) => s + (i.suspensionDays ?? 0), 0)),
  };
}

/** A stable order for course names (code units: fast, and the same in every language). */
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Grading period keys in order: sources number them (Canvas, Schoology ids), so a longer number is the
 * later one ('100' after '99'); the same order as the SQL read (student-data's indicatorCounts).
 */
const laterPeriod = (a: string, b: string) => a.length > b.length || (a.length === b.length && a > b);

/**
 * One score per course of a source: the latest observed (a later grading period wins a tie). A source
 * with grading periods reports the current one; a past period's standing has ended by then (student
 * data leaves ended standings out), or is the older observation.
 */
function currentScores(input: Pick<IndicatorInput, 'scores'>, recentFrom: string, failingBelow: number): CourseScore[] {
  const latest = new Map<string, IndicatorInput['scores'][number]>();
  for (const s of input.scores) {
    if (s.currentScore === null || !Number.isFinite(s.currentScore)) continue;
    const key = `${s.source}\u0000${s.courseKey}`;
    const had = latest.get(key);
    const newer = !had || (s.observedOn ?? '') > (had.observedOn ?? '') || ((s.observedOn ?? '') === (had.observedOn ?? '') && laterPeriod(s.periodKey, had.periodKey));
    if (newer) latest.set(key, s);
  }
  return [...latest.values()]
    .map((s) => ({ source: s.source, courseKey: s.courseKey, title: s.courseTitle, score: oneDecimal(s.currentScore!), failing: s.currentScore! < failingBelow, recent: s.observedOn !== null && s.observedOn >= recentFrom }))
    .sort((a, b) => a.score - b.score || byText(a.title ?? a.courseKey, b.title ?? b.courseKey));
}

/** The windows of a day: the school year so far and the recent window, both ending today. */
export function windowsOf(config: IndicatorConfig, today: string, yearStart: string = defaultSchoolYearStart): { yearFrom: string; recentFrom: string } {
  return { yearFrom: schoolYearAt(today, yearStart).firstDay, recentFrom: addDays(today, -(config.recent.days - 1)) };
}

export const attendanceRate = (schoolDays: number, attended: number): AttendanceRate => ({ schoolDays, attended, missed: schoolDays - attended, percent: pct(attended, schoolDays) });
export const behaviourRate = (r: Omit<BehaviourRate, 'percent'>): BehaviourRate => ({ ...r, percent: pct(r.incidentDays, r.schoolDays), suspensionDays: oneDecimal(r.suspensionDays) });

/**
 * What the indicators are made of, counted: a student's records reduced to rates per window (by
 * computeIndicators from rows, or by SQL aggregates for a whole school), their current scores and
 * their recent well-being ratings. Both paths end in indicatorsFromCounts, so they cannot disagree.
 */
export interface IndicatorCounts {
  attendance: { year: AttendanceRate; recent: AttendanceRate };
  behaviour: { year: BehaviourRate; recent: BehaviourRate };
  scores: IndicatorInput['scores'];
  wellbeing: IndicatorInput['wellbeing'];
  pulse: IndicatorInput['pulse'];
}

export function computeIndicators(input: IndicatorInput, config: IndicatorConfig, today: string, yearStart: string = defaultSchoolYearStart): Indicators {
  const { yearFrom, recentFrom } = windowsOf(config, today, yearStart);
  const attended = config.attendance.attended;
  return indicatorsFromCounts(
    {
      attendance: { year: attendanceIn(input.attendance, yearFrom, today, attended), recent: attendanceIn(input.attendance, recentFrom, today, attended) },
      behaviour: { year: behaviourIn(input, yearFrom, today), recent: behaviourIn(input, recentFrom, today) },
      scores: input.scores,
      wellbeing: input.wellbeing,
      pulse: input.pulse,
    },
    config,
    today,
    yearStart,
  );
}

export function indicatorsFromCounts(counts: IndicatorCounts, config: IndicatorConfig, today: string, yearStart: string = defaultSchoolYearStart): Indicators {
  const { yearFrom, recentFrom } = windowsOf(config, today, yearStart);
  const { attendance, behaviour } = counts;
  const input = counts;
  const enough = attendance.recent.schoolDays >= config.recent.minSchoolDays;
  const missedPercentYear = pct(attendance.year.missed, attendance.year.schoolDays);
  const missedPercentRecent = pct(attendance.recent.missed, attendance.recent.schoolDays);
  const chronic = config.attendance.chronicAbsencePercent;
  const chronicAbsence = enough && missedPercentYear !== null && missedPercentYear >= chronic && missedPercentRecent !== null && missedPercentRecent >= chronic;

  const courses = currentScores(input, recentFrom, config.grades.failingBelow);
  const recentCourses = courses.filter((c) => c.recent);
  const lowest = recentCourses[0] ?? null;
  const gpa = recentCourses.length === 0 ? null : Math.round((recentCourses.reduce((s, c) => s + gpaPoints(c.score, config.grades.gpa), 0) / recentCourses.length) * 100) / 100;

  const ratings = input.wellbeing.filter((w) => w.date >= recentFrom && w.date <= today && w.rating >= 1 && w.rating <= 5).sort((a, b) => a.date.localeCompare(b.date));
  const average = ratings.length === 0 ? null : oneDecimal(ratings.reduce((s, w) => s + w.rating, 0) / ratings.length);

  const pulse = input.pulse.filter((p) => p.date >= yearFrom && p.date <= today).sort((a, b) => a.date.localeCompare(b.date));

  const band = (value: number | null, t: Thresholds) => (value === null ? null : config.bands[bandIndex(value, t)]!.id);
  return {
    today,
    yearFrom,
    recentFrom,
    recentDays: config.recent.days,
    attendance: { ...attendance, missedPercentYear, chronicAbsence },
    behaviour,
    grades: { courses, failing: recentCourses.filter((c) => c.failing).length, lowest, highest: recentCourses.at(-1) ?? null, gpa },
    wellbeing: { count: ratings.length, average, latest: ratings.at(-1) ?? null },
    pulse: { count: pulse.length, latest: pulse.at(-1) ?? null },
    bands: {
      attendance: enough ? band(attendance.recent.percent, config.attendance.bands) : null,
      behaviour: enough ? band(behaviour.recent.percent, config.behaviour.bands) : null,
      grades: band(lowest?.score ?? null, config.grades.bands),
      wellbeing: band(average, config.wellbeing.bands),
    },
  };
}

/** A reason in data: an i18n key under indicators.reason and its values (band ids and numbers, worded per language by describe.ts). */
export interface TierReason {
  rule: string;
  tier: 1 | 2 | 3;
  key: 'attendance' | 'behaviour' | 'grades' | 'wellbeing' | 'chronicAbsence' | 'suspension' | 'coursesFailing' | 'indicatorsInBands' | 'noFlags' | 'notEnoughData';
  params: Record<string, string | number | string[]>;
}

export interface SuggestedTier {
  tier: 1 | 2 | 3;
  /** The rules that hold, highest tier first (rule order breaks ties); a tier 1 has one reason saying why. */
  reasons: TierReason[];
}

/** The suggested tier: the highest tier of the rules that hold, with every rule that holds as a reason. */
export function suggestTier(ind: Indicators, config: IndicatorConfig): SuggestedTier {
  const days = ind.recentDays;
  const reasons: (TierReason & { order: number })[] = [];
  config.tiers.rules.forEach((rule, order) => {
    const w = rule.when;
    const add = (key: TierReason['key'], params: TierReason['params']) => reasons.push({ rule: rule.id, tier: rule.tier, key, params, order });
    switch (w.is) {
      case 'band': {
        const band = ind.bands[w.indicator];
        if (band === null || !w.bands.includes(band)) return;
        if (w.indicator === 'attendance') add('attendance', { percent: ind.attendance.recent.percent!, days, band });
        else if (w.indicator === 'behaviour') add('behaviour', { percent: ind.behaviour.recent.percent!, count: ind.behaviour.recent.incidentDays, days, band });
        else if (w.indicator === 'grades') add('grades', { score: ind.grades.lowest!.score, course: ind.grades.lowest!.title ?? ind.grades.lowest!.courseKey, band });
        else add('wellbeing', { average: ind.wellbeing.average!, count: ind.wellbeing.count, days, band });
        return;
      }
      case 'chronicAbsence':
        if (ind.attendance.chronicAbsence) add('chronicAbsence', { percent: ind.attendance.missedPercentYear!, recentPercent: oneDecimal(100 - ind.attendance.recent.percent!), days });
        return;
      case 'suspension':
        if (ind.behaviour.recent.suspensionDays >= w.atLeastDays) add('suspension', { count: ind.behaviour.recent.suspensionDays, days });
        return;
      case 'coursesFailing':
        if (ind.grades.failing >= w.atLeast) add('coursesFailing', { count: ind.grades.failing, below: config.grades.failingBelow });
        return;
      case 'indicatorsInBands': {
        const hit = Object.values(ind.bands).filter((b) => b !== null && w.bands.includes(b));
        if (hit.length >= w.atLeast) add('indicatorsInBands', { count: hit.length, bands: w.bands });
        return;
      }
    }
  });
  reasons.sort((a, b) => b.tier - a.tier || a.order - b.order);
  // Two rules on the same fact (failing 2 courses: tier 3 from "2 or more", tier 2 from "1 or more") say it once, at the higher tier.
  const said = new Set<string>();
  const unique = reasons.filter((r) => {
    const words = JSON.stringify([r.key, r.params]);
    if (said.has(words)) return false;
    said.add(words);
    return true;
  });
  const tier = (reasons[0]?.tier ?? 1) as 1 | 2 | 3;
  if (reasons.length === 0) {
    const judged = Object.values(ind.bands).some((b) => b !== null);
    return { tier: 1, reasons: [{ rule: judged ? 'no-flags' : 'not-enough-data', tier: 1, key: judged ? 'noFlags' : 'notEnoughData', params: { days } }] };
  }
  return { tier, reasons: unique.map(({ order: _order, ...r }) => r) };
}

/** One week of the trends (weeks start on Monday). Nulls where the week has no data. */
export interface WeekPoint {
  week: string;
  attendancePercent: number | null;
  incidentDays: number;
  /** Mean over the courses of each course's last score of the week. */
  averageScore: number | null;
  wellbeing: number | null;
}

export const mondayOf = (day: string): string => addDays(day, -((new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7));

/** Week-by-week trends from `from` to `to` (both yyyy-mm-dd), every week listed, oldest first. */
export function weeklyTrends(
  input: Pick<IndicatorInput, 'attendance' | 'incidents' | 'wellbeing'> & { scoreDays: readonly { source: string; courseKey: string; day: string; currentScore: number | null }[] },
  config: IndicatorConfig,
  from: string,
  to: string,
): WeekPoint[] {
  const weeks: WeekPoint[] = [];
  for (let w = mondayOf(from); w <= to; w = addDays(w, 7)) {
    const end = addDays(w, 6);
    const inWeek = (d: string) => d >= w && d <= end && d >= from && d <= to;
    const att = attendanceIn(input.attendance.filter((a) => inWeek(a.day)), w, end, config.attendance.attended);
    const lastScore = new Map<string, { day: string; score: number }>();
    for (const s of input.scoreDays) {
      if (!inWeek(s.day) || s.currentScore === null) continue;
      const key = `${s.source}\u0000${s.courseKey}`;
      const had = lastScore.get(key);
      if (!had || s.day > had.day) lastScore.set(key, { day: s.day, score: s.currentScore });
    }
    const scores = [...lastScore.values()].map((s) => s.score);
    const ratings = input.wellbeing.filter((r) => inWeek(r.date)).map((r) => r.rating);
    weeks.push({
      week: w,
      attendancePercent: att.percent,
      incidentDays: new Set(input.incidents.filter((i) => inWeek(i.day)).map((i) => i.day)).size,
      averageScore: scores.length === 0 ? null : oneDecimal(scores.reduce((a, b) => a + b, 0) / scores.length),
      wellbeing: ratings.length === 0 ? null : oneDecimal(ratings.reduce((a, b) => a + b, 0) / ratings.length),
    });
  }
  return weeks;
}
