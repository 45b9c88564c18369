const WEEK = 7 * 86_400_000;

/** Week 1 is the week starting at `from` (yyyy-mm-dd); no start yet, or a date before it, is week 1 too. */
export function weekSince(from: string | null, today: string): number {
  if (!from) return 1;
  return Math.max(1, Math.floor((Date.parse(today) - Date.parse(from)) / WEEK) + 1);
}
