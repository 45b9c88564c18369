import { pgTable, uuid, date, json, integer, primaryKey } from 'drizzle-orm/pg-core';
import { createdAtColumn, tenantIdColumn } from '../db/columns.js';
import { tenantReference } from '../db/keys.js';
import { schools } from '../schools/schools.tables.js';
import type { SnapshotFigures } from './snapshots.js';

/**
 * A school's figures for one week (the week's Monday, in the school's time zone): rewritten each day
 * of the week, so a past week holds its last day's figures. The district view reads these rows, not the
 * students: side by side across schools and over time, at the cost of one small row per school and week.
 * Counts only, never a student id. json (not jsonb): only ever written and read whole.
 */
export const schoolSnapshots = pgTable(
  'school_snapshots',
  {
    tenantId: tenantIdColumn(),
    schoolId: uuid('school_id').notNull(),
    weekStart: date('week_start', { mode: 'string' }).notNull(),
    students: integer('students').notNull(),
    figures: json('figures').$type<SnapshotFigures>().notNull(),
    computedAt: createdAtColumn('computed_at'),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.schoolId, t.weekStart] }), tenantReference(t, t.schoolId, schools)],
);
