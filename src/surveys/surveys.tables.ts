import { idColumn, tenantIdColumn, personIdColumn, personReference, createdAtColumn } from '../db/columns.js';
import { tenantKey, tenantReference } from '../db/keys.js';
import { pgTable, uuid, text, timestamp, date, jsonb, index, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * When a pulse survey is open, in the school's days (both ends included), for one school or for every
 * school (school_id null). Schools arrive with another feature: school_id is a plain id until then.
 * Closing early keeps the dates and sets closed_at: the window takes no more answers.
 */
export const surveyWindows = pgTable(
  'survey_windows',
  {
    id: idColumn(),
    tenantId: tenantIdColumn(),
    /** A survey id of config/surveys.json. */
    surveyId: text('survey_id').notNull(),
    opensOn: date('opens_on', { mode: 'string' }).notNull(),
    closesOn: date('closes_on', { mode: 'string' }).notNull(),
    schoolId: uuid('school_id'),
    createdBy: uuid('created_by').notNull(),
    createdAt: createdAtColumn(),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    closedBy: uuid('closed_by'),
  },
  (t) => [tenantKey(t), index('survey_windows_tenant_survey_idx').on(t.tenantId, t.surveyId, t.opensOn)],
);

/** A student's answers in a window: one row per student and window, the latest answers (changed while the window is open). */
export const surveyResponses = pgTable(
  'survey_responses',
  {
    id: idColumn(),
    tenantId: tenantIdColumn(),
    windowId: uuid('window_id').notNull(),
    studentId: personIdColumn('student_id'),
    /** item id -> 1..5; skipped items are absent. */
    answers: jsonb('answers').$type<Record<string, number>>().notNull(),
    answeredAt: timestamp('answered_at', { withTimezone: true }).notNull(),
    createdAt: createdAtColumn(),
  },
  (t) => [
    tenantKey(t),
    personReference(t, t.studentId),
    tenantReference(t, t.windowId, surveyWindows),
    uniqueIndex('survey_responses_window_student_uq').on(t.tenantId, t.windowId, t.studentId),
    index('survey_responses_student_idx').on(t.tenantId, t.studentId),
  ],
);
