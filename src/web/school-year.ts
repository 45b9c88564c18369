import { z } from 'zod';
import { localDate } from './time-zone.js';

/**
 * The school year: one date math for every feature that counts "this year" (plans, imports,
 * indicators, check-in weeks), so a plan, an imported absence and the year's attendance share one
 * boundary. Each school keeps its own first day (the platforms service stores it); this is the default.
 */
export const defaultSchoolYearStart = '08-01';

/** The days of each month in a year that has no 29 February: a first day must exist every year. */
const monthDays = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

/** Why a month and day are refused as the school year's first day (i18n keys under admin.schoolYear.problems). */
export type SchoolYearStartProblem = 'month' | 'day' | 'notEveryYear';

/**
 * The first day as an admin sends it (a month 1-12 and a day of it), checked: the day must exist in
 * that month every year, so 29 February, 31 April and 30 February are refused. Gives MM-DD.
 */
export function schoolYearStartFrom(month: unknown, day: unknown): { ok: true; start: string } | { ok: false; problem: SchoolYearStartProblem } {
  const m = typeof month === 'string' && /^\d{1,2}$/.test(month.trim()) ? Number(month) : NaN;
  if (!(m >= 1 && m <= 12)) return { ok: false, problem: 'month' };
  const d = typeof day === 'string' && /^\d{1,2}$/.test(day.trim()) ? Number(day) : NaN;
  if (!(d >= 1 && d <= 31)) return { ok: false, problem: 'day' };
  if (d > monthDays[m - 1]!) return { ok: false, problem: 'notEveryYear' };
  return { ok: true, start: `${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}` };
}

/** A stored first day (MM-DD) that exists every year; anything else reads as the default. */
export const schoolYearStart = z.string().refine((s) => {
  const m = /^(\d{2})-(\d{2})$/.exec(s);
  return Boolean(m) && schoolYearStartFrom(m![1], m![2]).ok;
}, 'school year start is MM-DD, a day every year has');

/** The calendar day after or before a yyyy-mm-dd day (UTC arithmetic on a date without a time). */
function shiftDay(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** One school year: its first and last days (inclusive) and its name, "2025-2026". */
export interface SchoolYear {
  firstDay: string;
  lastDay: string;
  label: string;
}

/**
 * The school year that holds `today` (yyyy-mm-dd, the school's day) when years begin on `start`
 * (MM-DD): 08-01 gives 2026-08-01..2027-07-31 in October 2026, 2025-08-01..2026-07-31 in March 2026.
 * A year is named by the calendar years it spans ("2025-2026"); one that starts on 1 January spans one ("2026").
 */
export function schoolYearAt(today: string, start: string = defaultSchoolYearStart): SchoolYear {
  const year = Number(today.slice(0, 4));
  const thisYear = `${year}-${start}`;
  const firstYear = today >= thisYear ? year : year - 1;
  const firstDay = `${firstYear}-${start}`;
  const lastDay = shiftDay(`${firstYear + 1}-${start}`, -1);
  const lastYear = lastDay.slice(0, 4);
  return { firstDay, lastDay, label: String(firstYear) === lastYear ? lastYear : `${firstYear}-${lastYear}` };
}

/** The school year an instant falls in, counted in the school's days: 23:00 on 31 July in Los Angeles is still the old year though UTC is in August. */
export function schoolYearOfInstant(instant: Date, timeZone: string, start: string = defaultSchoolYearStart): SchoolYear {
  return schoolYearAt(localDate(instant, timeZone), start);
}
