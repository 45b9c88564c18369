import { z } from 'zod';
import type { AppUser } from '../auth/user.js';
import type { DbOrTx } from '../db/client.js';
import { documentKind, type DocumentKind } from '../configuration/configuration.kinds.js';
import { minimumGroupSize } from '../reports/suppression.js';
import { defaultSchoolYearStart, schoolYearStart } from '../web/school-year.js';
import { isTimeZone } from '../web/time-zone.js';

/**
 * The school calendar (issue 14 item 3): the per-school settings every feature counts days by, as one
 * configuration document of kind `school-calendar`: the time zone ('' while the school has chosen none:
 * its LMS's zone then, else UTC), the school year's first day (MM-DD), the minimum group size aggregate
 * views hide below, and the days the school is closed. Each used to be its own setting on its own page;
 * those pages now save into this document, and a school that never published a version keeps the values
 * they stored (the kind's baseline, read from where they lived).
 */
const custom = (c: z.core.$RefinementCtx, code: string, message: string, params: Record<string, string> = {}) => c.addIssue({ code: 'custom', message, params: { code, ...params } });

/** A day that exists on the calendar (2027-02-29 does not), written yyyy-mm-dd; the form draws a date field. */
const realDay = z
  .string()
  .max(10)
  .meta({ format: 'date' })
  .superRefine((day, c) => {
    const parsed = /^\d{4}-\d{2}-\d{2}$/.test(day) ? new Date(`${day}T00:00:00Z`) : null;
    if (!parsed || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== day) custom(c, 'calendar_day', `${day} is not a day of the calendar`, { key: day });
  });

const holiday = z.strictObject({ date: realDay, name: z.string().trim().min(1).max(120) });
export type SchoolHoliday = z.infer<typeof holiday>;

export const schoolCalendarSchema = z.strictObject({
  timeZone: z
    .string()
    .trim()
    .max(100)
    .superRefine((zone, c) => {
      if (zone !== '' && !isTimeZone(zone)) custom(c, 'calendar_time_zone', `${zone} is no IANA time zone`, { key: zone });
    }),
  schoolYearStart: z
    .string()
    .max(5)
    .superRefine((start, c) => {
      if (!schoolYearStart.safeParse(start).success) custom(c, 'calendar_year_start', `${start} is not a MM-DD every year has`, { key: start });
    }),
  minGroupSize: z.number().int().min(minimumGroupSize.floor).max(minimumGroupSize.ceiling),
  // A few hundred closed days is years of a real calendar; the bound keeps a pasted mistake from slowing every due date.
  holidays: z
    .array(holiday)
    .max(2000)
    .superRefine((days, c) => {
      const seen = new Set<string>();
      days.forEach((h, i) => {
        if (seen.has(h.date)) c.addIssue({ code: 'custom', path: [i, 'date'], message: `${h.date} is listed twice`, params: { code: 'calendar_day_twice', key: h.date } });
        seen.add(h.date);
      });
    }),
});
export type SchoolCalendar = z.infer<typeof schoolCalendarSchema>;

/** What the tool ships: no zone chosen, 1 August, groups under 10 hidden, no closed days. */
export const shippedCalendar = (): SchoolCalendar => ({ timeZone: '', schoolYearStart: defaultSchoolYearStart, minGroupSize: minimumGroupSize.default, holidays: [] });

/** The kind, with the school's stored settings as its version 0 (src/web/app.ts reads them from the features that kept them). */
export const schoolCalendarKind = (baseline: (tenantId: string, db: DbOrTx) => Promise<SchoolCalendar>): DocumentKind<SchoolCalendar> =>
  documentKind<SchoolCalendar>({ id: 'school-calendar', schema: schoolCalendarSchema, shipped: shippedCalendar, baseline });

/** The document in force and how a page saves into it (configuration.current and configuration.amend, bound in app.ts). */
export interface SchoolCalendarDocument {
  of(tenantId: string): Promise<SchoolCalendar>;
  /** A new version with `change` made to the one in force, published at once; `also` runs in its transaction (the page's own audit entry). */
  amend(user: AppUser, change: (inForce: SchoolCalendar) => SchoolCalendar, also?: (tx: DbOrTx) => Promise<void>): Promise<number | null>;
  /** Drops the cached document (every school's): the stored values its baseline reads have changed. */
  forget(): void;
}

/** The calendar with `days` closed under `name`: a day already closed keeps its first name. Days in order. */
export function withHolidays(doc: SchoolCalendar, days: readonly string[], name: string): { doc: SchoolCalendar; added: number } {
  const known = new Set(doc.holidays.map((h) => h.date));
  const fresh = [...new Set(days)].filter((d) => !known.has(d)).map((date) => ({ date, name }));
  return { doc: { ...doc, holidays: [...doc.holidays, ...fresh].sort((a, b) => a.date.localeCompare(b.date)) }, added: fresh.length };
}
