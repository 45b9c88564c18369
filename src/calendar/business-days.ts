import { addDays } from '../web/days.js';
import { localDate, zonedTime } from '../web/time-zone.js';


/** 0 = Sunday ... 6 = Saturday, as Date.getUTCDay. */
export const weekdayOf = (day: string): number => new Date(`${day}T00:00:00Z`).getUTCDay();

/**
 * The Nth school day after `day` (not counting `day` itself): weekends and closed days are skipped.
 * `n` of 0 is `day`. Stops after a year of closed days (a calendar that closes every day is a mistake, not a loop).
 */
export function nthSchoolDayAfter(day: string, n: number, weekendDays: readonly number[], closed: ReadonlySet<string>): string {
  let d = day;
  let counted = 0;
  for (let i = 0; counted < n && i < 366; i++) {
    d = addDays(d, 1);
    if (!weekendDays.includes(weekdayOf(d)) && !closed.has(d)) counted++;
  }
  return d;
}

/** Every day from `from` to `to`, both included (at most `max`). */
export function daysBetween(from: string, to: string, max = 366): string[] {
  const out: string[] = [];
  for (let d = from; d <= to && out.length < max; d = addDays(d, 1)) out.push(d);
  return out;
}

/**
 * The last instant of the Nth school day after the day `from` falls on in `zone`: 1 school day from a
 * Friday is the end of Monday there (Tuesday when Monday is closed).
 */
export function endOfNthSchoolDay(from: Date, zone: string, n: number, weekendDays: readonly number[], closed: ReadonlySet<string>): Date {
  const day = nthSchoolDayAfter(localDate(from, zone), n, weekendDays, closed);
  // The next day's midnight at the school, less 1 ms.
  return new Date(zonedTime(addDays(day, 1), '00:00', zone).getTime() - 1);
}
