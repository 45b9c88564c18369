import { pgTable, uuid, date, json, integer, primaryKey, timestamp } from 'drizzle-orm/pg-core';
import { createdAtColumn, personIdColumn, personReference, personTenantIdColumn, tenantIdColumn } from '../db/columns.js';
import { tenantReference } from '../db/keys.js';
import { schools } from '../schools/schools.tables.js';
import type { SnapshotFigures } from './snapshots.js';
import type { KeptStudentFacts } from './student-facts.js';

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

/**
 * What the school view knows of one student (src/dashboards/student-facts.ts), kept so a view reads one
 * row a student instead of every feature's rows. `version` counts the changes to the student's rows in
 * the features it is drawn from (triggers of migration 0038 add one in the writing transaction);
 * `computed_version` is the version the kept facts were computed at: equal means current. json (not
 * jsonb): only ever written and read whole.
 */
export const schoolViewStudents = pgTable(
  'school_view_students',
  {
    tenantId: personTenantIdColumn(),
    studentId: personIdColumn('student_id'),
    version: integer('version').notNull().default(1),
    computedVersion: integer('computed_version'),
    facts: json('facts').$type<KeptStudentFacts>(),
    computedAt: timestamp('computed_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.studentId] }), personReference(t, t.studentId)],
);
