import type { Db } from '../db/client.js';
import type { AppUser } from '../auth/user.js';
import type { AuditService } from '../audit/audit.service.js';
import { authorize } from '../policies/policy.js';
import { calendarPolicy } from '../policies/calendar.js';
import { validForm, type ParsedForm } from '../web/forms.js';
import { notFound } from '../web/errors.js';
import { isUuid } from '../web/ids.js';
import { localDate } from '../web/time-zone.js';
import { withTenant } from '../db/tenant-scope.js';
import * as repo from './calendar.repository.js';
import { addDays } from '../web/days.js';
import { daysBetween, endOfNthSchoolDay } from './business-days.js';
import type { HolidayForm } from './calendar.schemas.js';

export interface CalendarDeps {
  db: Db;
  audit: Pick<AuditService, 'record'>;
  timeZoneOf: (tenantId: string) => Promise<string>;
  /** Days of the week the school is closed (0 = Sunday ... 6 = Saturday): config/referrals.json. */
  weekendDays: readonly number[];
}

/**
 * The school's calendar as data: its weekend days and the days it is closed (school_holidays), kept by
 * its admins on /admin/calendar. `dueBy` counts school days on it (referral response standards).
 */
export function createCalendarService(deps: CalendarDeps) {
  const { db } = deps;
  return {
    weekendDays: deps.weekendDays,

    /**
     * The end of the Nth school day after the day `from` falls on at the school (its zone): a referral
     * made on a Friday with 1 business day is due at the end of Monday, or of Tuesday when Monday is closed.
     */
    async dueBy(tenantId: string, from: Date, businessDays: number): Promise<Date> {
      const zone = await deps.timeZoneOf(tenantId);
      const start = localDate(from, zone);
      // Enough days ahead for any run of weekends and breaks a real school has.
      const closed = await withTenant(tenantId, () => repo.listHolidays(db, tenantId, addDays(start, 1), addDays(start, 7 * businessDays + 120)));
      return endOfNthSchoolDay(from, zone, businessDays, deps.weekendDays, new Set(closed.map((h) => h.date)));
    },

    /** /admin/calendar: the closed days from a year ago on. */
    async list(user: AppUser, today: string) {
      authorize(calendarPolicy, user, 'manage', { tenantId: user.tenantId });
      return { holidays: await repo.listHolidays(db, user.tenantId, addDays(today, -366)), weekendDays: deps.weekendDays };
    },

    /** Adds a day or a range (every day in it, weekends too: harmless), audited. Returns how many days were added. */
    async add(user: AppUser, posted: ParsedForm<HolidayForm>): Promise<number> {
      authorize(calendarPolicy, user, 'manage', { tenantId: user.tenantId });
      const form = validForm(posted, user.locale);
      return db.transaction(async (tx) => {
        const added = await repo.addHolidays(tx, user.tenantId, daysBetween(form.from, form.to || form.from), form.name, user.personId);
        await deps.audit.record(user, { action: 'create', entity: 'school_holiday', entityId: null }, tx);
        return added;
      });
    },

    async remove(user: AppUser, id: unknown): Promise<void> {
      authorize(calendarPolicy, user, 'manage', { tenantId: user.tenantId });
      if (!isUuid(id)) throw notFound();
      await db.transaction(async (tx) => {
        if (!(await repo.removeHoliday(tx, user.tenantId, id))) throw notFound();
        await deps.audit.record(user, { action: 'delete', entity: 'school_holiday', entityId: id }, tx);
      });
    },
  };
}
export type CalendarService = ReturnType<typeof createCalendarService>;
