/**
 * Which of the report's groups (served, compared, too recent, too early) may be shown: each at least
 * the school's minimum group size (src/reports settings). They are separate groups, not parts of one
 * shown total, so no complementary hiding is needed (src/reports/suppression.ts is for those).
 */
export type Shown = 'shown' | 'suppressed';

/** Each count, shown or suppressed (n < min). */
export const suppress = (counts: readonly number[], min: number): Shown[] => counts.map((n) => (n >= min ? 'shown' : 'suppressed'));
