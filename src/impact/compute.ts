/**
 * "Which supports worked" as pure functions (no database, no clock): who was served and when, the
 * tier each student held at a moment, and the windows' figures in; per support or strategy, the
 * means before and after for the served and for their comparison students out. See README.md.
 */

export const measures = ['attendance', 'behaviour', 'failing', 'wellbeing'] as const;
export type Measure = (typeof measures)[number];

/** One window's values per measure; null when the window has nothing to measure it by. */
export type Values = Record<Measure, number | null>;

/** A student's first service in a group (a support, or a strategy: every support of a category). */
export interface Anchor {
  studentId: string;
  /** The school's day of served_at. */
  day: string;
  servedAt: Date;
}

/** The windows around an anchor: null when the student has too few school days on that side. */
export interface Bounds {
  beforeFrom: string | null;
  afterTo: string | null;
}

export interface Pair {
  before: number;
  after: number;
}

export interface MeasureResult {
  /** Served students with both windows measured. */
  served: { n: number; before: number; after: number; change: number } | null;
  /** The mean over served students of their comparison students' means. */
  comparison: { n: number; before: number; after: number; change: number } | null;
  /** Served change minus comparison change. */
  difference: number | null;
}

export interface GroupResult {
  /** Served students with both windows complete. */
  served: number;
  /** Served too recently for the after window to be complete. */
  tooRecent: number;
  /** Served too early in their record for the before window to be complete. */
  tooEarly: number;
  /** Distinct comparison students measured around at least one served student. */
  comparison: number;
  measures: Record<Measure, MeasureResult>;
}

/** One day before a yyyy-mm-dd day. */
export const dayBefore = (day: string): string => new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);

/** The tier a student held at a moment: the latest adult decision made by then, else the stored suggestion (its history is not kept). */
export function tierAt(timeline: { suggestedTier: number | null; decisions: readonly { tier: number; decidedAt: Date }[] } | undefined, at: Date): number | null {
  if (!timeline) return null;
  let tier: number | null = null;
  for (const d of timeline.decisions) if (d.decidedAt.getTime() <= at.getTime()) tier = d.tier;
  return tier ?? timeline.suggestedTier;
}

/** The calendar windows around an anchor: before ends the day before it, after starts on it. */
export function windowsOf(anchor: Anchor, bounds: Bounds | undefined): { before: { from: string; to: string }; after: { from: string; to: string } } | 'tooRecent' | 'tooEarly' {
  if (!bounds?.afterTo) return 'tooRecent';
  if (!bounds.beforeFrom) return 'tooEarly';
  return { before: { from: bounds.beforeFrom, to: dayBefore(anchor.day) }, after: { from: anchor.day, to: bounds.afterTo } };
}

const mean = (xs: readonly number[]): number | null => (xs.length === 0 ? null : xs.reduce((s, x) => s + x, 0) / xs.length);

/** Means before and after over pairs that have both (and the change between them). */
function pairMeans(pairs: readonly Pair[]): { n: number; before: number; after: number; change: number } | null {
  const before = mean(pairs.map((p) => p.before));
  const after = mean(pairs.map((p) => p.after));
  return before === null || after === null ? null : { n: pairs.length, before, after, change: after - before };
}

const pairOf = (b: Values | undefined, a: Values | undefined, m: Measure): Pair | null => {
  const before = b?.[m] ?? null;
  const after = a?.[m] ?? null;
  return before === null || after === null ? null : { before, after };
};

/**
 * One group's figures. `windowsAround(anchor)` gives the served student's complete windows (or why
 * not); `comparisonsOf(anchor)` the students to compare with at that anchor; `valuesOf(studentId,
 * window)` a window's values. Each served student is measured in their own windows; their comparison
 * students in the same calendar windows; the comparison figure is the mean over served students of
 * the mean of their comparison students.
 */
export function groupFigures(
  anchors: readonly Anchor[],
  windowsAround: (a: Anchor) => ReturnType<typeof windowsOf>,
  comparisonsOf: (a: Anchor) => readonly string[],
  valuesOf: (studentId: string, w: { from: string; to: string }) => Values | undefined,
): GroupResult {
  let tooRecent = 0;
  let tooEarly = 0;
  let served = 0;
  const compared = new Set<string>();
  const servedPairs: Record<Measure, Pair[]> = { attendance: [], behaviour: [], failing: [], wellbeing: [] };
  const comparisonMeans: Record<Measure, Pair[]> = { attendance: [], behaviour: [], failing: [], wellbeing: [] };
  for (const anchor of anchors) {
    const w = windowsAround(anchor);
    if (w === 'tooRecent') tooRecent++;
    else if (w === 'tooEarly') tooEarly++;
    else {
      served++;
      const others = comparisonsOf(anchor);
      for (const m of measures) {
        const own = pairOf(valuesOf(anchor.studentId, w.before), valuesOf(anchor.studentId, w.after), m);
        if (own) servedPairs[m].push(own);
        const theirs = others.flatMap((id) => {
          const p = pairOf(valuesOf(id, w.before), valuesOf(id, w.after), m);
          if (p) compared.add(id);
          return p ? [p] : [];
        });
        const means = pairMeans(theirs);
        if (means) comparisonMeans[m].push({ before: means.before, after: means.after });
      }
    }
  }
  const results = Object.fromEntries(
    measures.map((m) => {
      const s = pairMeans(servedPairs[m]);
      const c = pairMeans(comparisonMeans[m]);
      return [m, { served: s, comparison: c, difference: s && c ? s.change - c.change : null }];
    }),
  ) as Record<Measure, MeasureResult>;
  return { served, tooRecent, tooEarly, comparison: compared.size, measures: results };
}

/** A window's values from its counts: % of school days attended, incidents per 100 school days, courses failing at its end, mean well-being. */
export function valuesFrom(f: { schoolDays: number; attended: number; incidents: number; coursesMeasured: number; coursesFailing: number }, ratings: readonly number[]): Values {
  return {
    attendance: f.schoolDays === 0 ? null : (f.attended / f.schoolDays) * 100,
    behaviour: f.schoolDays === 0 ? null : (f.incidents / f.schoolDays) * 100,
    failing: f.coursesMeasured === 0 ? null : f.coursesFailing,
    wellbeing: mean(ratings),
  };
}

/** Rounded to one decimal, as the page shows every figure. */
export const oneDecimal = (n: number): number => Math.round(n * 10) / 10;
