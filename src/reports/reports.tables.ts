import { check, pgTable, smallint, timestamp, uuid } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { tenants } from '../platforms/platforms.tables.js';

/** The school's report settings: one row per tenant, none until an admin saves (the defaults hold). */
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
