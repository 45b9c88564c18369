/**
 * The smallest group whose figures a report shows. This simple rule stands in until the reports
 * library (src/reports: the school's minimum group size setting, default 10) replaces it at merge:
 * the impact service takes both functions as deps, so only app.ts changes.
 */
export const defaultMinimumGroupSize = 10;

export type Shown = 'shown' | 'suppressed';

/** A group of `n` students may be shown when it has at least `min` of them. */
export const meetsMinimum = (n: number, min: number): boolean => n >= min;

/** Each count, shown or suppressed (n < min). */
export const suppress = (counts: readonly number[], min: number): Shown[] => counts.map((n) => (meetsMinimum(n, min) ? 'shown' : 'suppressed'));
