const WEEK = 7 * 86_400_000;

/** Week 1 is the week starting at `from` (yyyy-mm-dd); no start yet, or a date before it, is week 1 too. */
export function weekSince(from: string | null, today: string): number {
  if (!from) return 1;
  return Math.max(1, Math.floor((Date.parse(today) - Date.parse(from)) / WEEK) + 1);
}

/**
 * The first day (yyyy-mm-dd) of the week `today` is in, weeks counted from `from` as weekSince counts
 * them; with no start yet (or `today` before it) the week begins today.
 */
export function weekStartOf(from: string | null, today: string): string {
  if (!from || Date.parse(today) < Date.parse(from)) return today;
  return new Date(Date.parse(from) + (weekSince(from, today) - 1) * WEEK).toISOString().slice(0, 10);
}

/**
 * The script's week for a student's week: the same number while the script lasts; after its last week
 * (a school year runs about 52 weeks, summer included) the last week again, which the shipped script
 * writes as an open check-in that bears repeating (README.md).
 */
export function scriptWeekOf(week: number, weeksInScript: number): number {
  return Math.min(Math.max(1, week), weeksInScript);
}
