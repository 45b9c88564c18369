import { pgTable, text, date, uuid, uniqueIndex } from 'drizzle-orm/pg-core';
import { createdAtColumn, idColumn, tenantIdColumn } from '../db/columns.js';
import { tenantKey } from '../db/keys.js';

/**
 * A day the school was closed, as kept before the school calendar document (src/calendar/school-calendar.ts):
 * read only as that document's baseline for a school that never published a version.
 */
export const schoolHolidays = pgTable(
  'school_holidays',
  {
    id: idColumn(),
    tenantId: tenantIdColumn(),
    date: date('date', { mode: 'string' }).notNull(),
    name: text('name').notNull(),
    createdBy: uuid('created_by'),
    createdAt: createdAtColumn(),
  },
  (t) => [tenantKey(t), uniqueIndex('school_holidays_day_uq').on(t.tenantId, t.date)],
);
