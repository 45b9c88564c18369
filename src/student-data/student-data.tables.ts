import { pgTable, text, timestamp, integer, numeric, date, uuid, uniqueIndex, primaryKey, index } from 'drizzle-orm/pg-core';
import { idColumn, tenantIdColumn, personTenantIdColumn, personIdColumn, personReference, createdAtColumn } from '../db/columns.js';
import { tenantKey } from '../db/keys.js';

/** Where a row of student data came from; `manual` rows also name the adult who entered them. */
export const dataSources = ['canvas', 'schoology', 'oneroster', 'csv', 'push', 'manual'] as const;
export type DataSource = (typeof dataSources)[number];

export const attendanceStatuses = ['present', 'absent', 'tardy', 'excused'] as const;
export type AttendanceStatus = (typeof attendanceStatuses)[number];

/** One school day of one student. Narrow on purpose: a district has millions of these. */
export const attendanceDays = pgTable(
  'attendance_days',
  {
    tenantId: personTenantIdColumn(),
    personId: personIdColumn('person_id'),
    day: date('day', { mode: 'string' }).notNull(),
    status: text('status').$type<AttendanceStatus>().notNull(),
    source: text('source').$type<DataSource>().notNull(),
    enteredBy: uuid('entered_by'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.personId, t.day] }), personReference(t, t.personId)],
);

export const incidentSeverities = ['minor', 'moderate', 'major'] as const;
export type IncidentSeverity = (typeof incidentSeverities)[number];

/** A behaviour incident; `external_id` is the source's own id, so a re-import updates instead of adding. */
export const incidents = pgTable(
  'incidents',
  {
    id: idColumn(),
    tenantId: tenantIdColumn(),
    personId: personIdColumn('person_id'),
    day: date('day', { mode: 'string' }).notNull(),
    category: text('category').notNull(),
    severity: text('severity').$type<IncidentSeverity>().notNull(),
    consequence: text('consequence').notNull().default(''),
    suspensionDays: numeric('suspension_days', { precision: 5, scale: 1, mode: 'number' }).notNull().default(0),
    source: text('source').$type<DataSource>().notNull(),
    externalId: text('external_id').notNull(),
    enteredBy: uuid('entered_by'),
    createdAt: createdAtColumn(),
  },
  (t) => [
    tenantKey(t),
    personReference(t, t.personId),
    uniqueIndex('incidents_source_uq').on(t.tenantId, t.source, t.externalId),
    index('incidents_person_idx').on(t.tenantId, t.personId, t.day),
  ],
);

/**
 * A student's standing in one course (one grading period where the source has them, else period ''):
 * scores are percents as the source computes them (Canvas's current_score, a mean of OneRoster results).
 * `ended_on`: the school's day a full read of the source no longer had it (the student left the course,
 * the course concluded, the grading period moved on); kept for history, left out of the indicators, and
 * cleared if the source reports it again.
 */
export const courseScores = pgTable(
  'course_scores',
  {
    id: idColumn(),
    tenantId: personTenantIdColumn(),
    personId: personIdColumn('person_id'),
    source: text('source').$type<DataSource>().notNull(),
    courseKey: text('course_key').notNull(),
    courseTitle: text('course_title').notNull().default(''),
    periodKey: text('period_key').notNull().default(''),
    currentScore: numeric('current_score', { precision: 6, scale: 2, mode: 'number' }),
    finalScore: numeric('final_score', { precision: 6, scale: 2, mode: 'number' }),
    missingCount: integer('missing_count').notNull().default(0),
    lateCount: integer('late_count').notNull().default(0),
    endedOn: date('ended_on', { mode: 'string' }),
    observedAt: timestamp('observed_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    tenantKey(t),
    personReference(t, t.personId),
    uniqueIndex('course_scores_course_uq').on(t.tenantId, t.personId, t.source, t.courseKey, t.periodKey),
  ],
);

/** One point a day per course for the trend lines; the day's latest observation wins. */
export const courseScoreDays = pgTable(
  'course_score_days',
  {
    tenantId: personTenantIdColumn(),
    personId: personIdColumn('person_id'),
    source: text('source').$type<DataSource>().notNull(),
    courseKey: text('course_key').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    currentScore: numeric('current_score', { precision: 6, scale: 2, mode: 'number' }),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.personId, t.source, t.courseKey, t.day] }), personReference(t, t.personId)],
);
