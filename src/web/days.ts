const DAY_MS = 86_400_000;

/**
 * Calendar arithmetic on yyyy-mm-dd days: counted in UTC, where every day is 24 hours, so no zone's
 * clock change shifts a day. The one such helper: the calendar, indicators, alerts and views all use it.
 */
export const addDays = (day: string, n: number): string => new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
