import type { DbOrTx } from '../db/client.js';
import type { AppUser } from '../auth/user.js';
import type { AuditService } from '../audit/audit.service.js';
import { authorize } from '../policies/policy.js';
import { calendarPolicy } from '../policies/calendar.js';
import { isoDate, validForm, type ParsedForm } from '../web/forms.js';
import { notFound } from '../web/errors.js';
import * as repo from './calendar.repository.js';
import { addDays } from '../web/days.js';
import { daysBetween, endOfNthSchoolDay } from './business-days.js';
import type { HolidayForm } from './calendar.schemas.js';
import { withHolidays, type SchoolCalendarDocument, type SchoolHoliday } from './school-calendar.js';

export interface CalendarDeps {
  audit: Pick<AuditService, 'record'>;
  timeZoneOf: (tenantId: string) => Promise<string>;
  /** Days of the week the school is closed (0 = Sunday ... 6 = Saturday): config/referrals.json. */
  weekendDays: readonly number[];
  /** The school calendar document, whose closed days these are (bound late in app.ts). */
  document: SchoolCalendarDocument;
}

/**
 * The school's calendar as data: its weekend days and the days it is closed (the school calendar
 * document's holidays), kept by its admins on /admin/calendar. `dueBy` counts school days on it
 * (referral response standards).
 */
export function createCalendarService(deps: CalendarDeps) {
  return {
    weekendDays: deps.weekendDays,

    /**
     * The end of the Nth school day after the day `from` falls on at the school (its zone): a referral
     * made on a Friday with 1 business day is due at the end of Monday, or of Tuesday when Monday is closed.
     */
    async dueBy(tenantId: string, from: Date, businessDays: number): Promise<Date> {
      const [zone, calendar] = await Promise.all([deps.timeZoneOf(tenantId), deps.document.of(tenantId)]);
      return endOfNthSchoolDay(from, zone, businessDays, deps.weekendDays, new Set(calendar.holidays.map((h) => h.date)));
    },

    /**
     * The closed days the school kept in school_holidays before its calendar was a document: the
     * document's baseline while the school has published no version.
     */
    async storedHolidays(tenantId: string, via: DbOrTx): Promise<SchoolHoliday[]> {
      return (await repo.listHolidays(via, tenantId)).map((h) => ({ date: h.date, name: h.name }));
    },

    /** /admin/calendar: the closed days from a year ago on. */
    async list(user: AppUser, today: string) {
      authorize(calendarPolicy, user, 'manage', { tenantId: user.tenantId });
      const from = addDays(today, -366);
      return { holidays: (await deps.document.of(user.tenantId)).holidays.filter((h) => h.date >= from), weekendDays: deps.weekendDays };
    },

    /**
     * Adds a day or a range (every day in it, weekends too: harmless) as a new version of the school
     * calendar, audited. Returns how many days were added (a day already closed keeps its first name).
     */
    async add(user: AppUser, posted: ParsedForm<HolidayForm>): Promise<number> {
      authorize(calendarPolicy, user, 'manage', { tenantId: user.tenantId });
      const form = validForm(posted, user.locale);
      let added = 0;
      await deps.document.amend(
        user,
        (doc) => {
          const next = withHolidays(doc, daysBetween(form.from, form.to || form.from), form.name);
          added = next.added;
          return next.doc;
        },
        (tx) => deps.audit.record(user, { action: 'create', entity: 'school_holiday', entityId: null }, tx),
      );
      return added;
    },

    /** Opens a closed day again (by its date) as a new version of the school calendar, audited; 404 for a day that is not closed. */
    async remove(user: AppUser, day: unknown): Promise<void> {
      authorize(calendarPolicy, user, 'manage', { tenantId: user.tenantId });
      const date = isoDate.safeParse(day);
      if (!date.success) throw notFound();
      await deps.document.amend(
        user,
        (doc) => {
          if (!doc.holidays.some((h) => h.date === date.data)) throw notFound();
          return { ...doc, holidays: doc.holidays.filter((h) => h.date !== date.data) };
        },
        (tx) => deps.audit.record(user, { action: 'delete', entity: 'school_holiday', entityId: null }, tx),
      );
    },
  };
}
export type CalendarService = ReturnType<typeof createCalendarService>;
