const WEEK = 7 * 86_400_000;

/** Week 1 is the week starting at `from` (yyyy-mm-dd); no start yet, or a date before it, is week 1 too. */
export function weekSince(from: string | null, today: string): number {
  if (!from) return 1;
  return Math.max(1, Math.floor((Date.parse(today) - Date.parse(from)) / WEEK) + 1);
}

/** The latest school-year start (MM-DD) on or before today: 08-01 gives 2026-08-01 in October, 2025-08-01 in March. */
export function schoolYearStart(today: string, mmdd: string): string {
  const year = Number(today.slice(0, 4));
  const thisYear = `${year}-${mmdd}`;
  return today >= thisYear ? thisYear : `${year - 1}-${mmdd}`;
}
