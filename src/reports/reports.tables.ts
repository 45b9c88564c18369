import { check, pgTable, smallint, timestamp, uuid } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { tenants } from '../platforms/platforms.tables.js';

/**
 * The report settings a school saved before the school calendar document (src/calendar/school-calendar.ts)
 * held its minimum group size: read only as that document's baseline for a school that never published a version.
 */
export const reportSettings = pgTable(
  'report_settings',
  {
    tenantId: uuid('tenant_id')
      .primaryKey()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    /** Groups of fewer students are hidden in school and district views (suppression.ts); never below 5. */
    minGroupSize: smallint('min_group_size').notNull().default(10),
    updatedBy: uuid('updated_by'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check('report_settings_min_group_size_ck', sql`${t.minGroupSize} >= 5`)],
);
