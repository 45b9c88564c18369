import { idColumn, tenantIdColumn, personIdColumn, personReference, createdAtColumn } from '../db/columns.js';
import { tenantKey, tenantReference } from '../db/keys.js';
import { pgTable, uuid, text, boolean, timestamp, integer, date, jsonb, index, uniqueIndex } from 'drizzle-orm/pg-core';

export interface CheckinAnswer {
  questionId: string;
  prompt: string;
  answer: string;
}

/** A navigator meeting with one student. A quick record for the whole advisory shares a batch id. */
export const checkins = pgTable(
  'checkins',
  {
    id: idColumn(),
    tenantId: tenantIdColumn(),
    studentId: personIdColumn('student_id'),
    recordedBy: uuid('recorded_by').notNull(),
    date: date('date', { mode: 'string' }).notNull(),
    /** in_person | video | phone | text */
    format: text('format').notNull(),
    attended: boolean('attended').notNull(),
    week: integer('week').notNull(),
    answers: jsonb('answers').$type<CheckinAnswer[]>().notNull().default([]),
    wellbeing: integer('wellbeing'),
    sharedNote: text('shared_note').notNull().default(''),
    /** Never shown to the student or family. */
    adultNote: text('adult_note').notNull().default(''),
    batchId: uuid('batch_id'),
    createdAt: createdAtColumn(),
  },
  (t) => [tenantKey(t), personReference(t, t.studentId), index('checkins_tenant_student_idx').on(t.tenantId, t.studentId, t.date)],
);

/** A need raised at a check-in (or by the student while preparing); open until resolved. */
export const checkinNeeds = pgTable(
  'checkin_needs',
  {
    id: idColumn(),
    tenantId: tenantIdColumn(),
    studentId: personIdColumn('student_id'),
    checkinId: uuid('checkin_id'),
    /** A category id from config/checkin-script.json. */
    category: text('category').notNull(),
    /** concern | urgent */
    urgency: text('urgency').notNull(),
    raisedBy: uuid('raised_by').notNull(),
    raisedByRole: text('raised_by_role').notNull(),
    raisedAt: timestamp('raised_at', { withTimezone: true }).notNull().defaultNow(),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    resolvedBy: uuid('resolved_by'),
    /** How it was resolved: referral_made | handled_in_conversation | no_longer_needed (null for needs resolved before this was asked). */
    resolution: text('resolution'),
    /** The resolving adult's note: never shown to the student or family, never in an e-mail. */
    resolutionNote: text('resolution_note'),
  },
  (t) => [
    tenantKey(t),
    personReference(t, t.studentId),
    // Null when raised while preparing: PostgreSQL checks a reference only when all its columns are set.
    tenantReference(t, t.checkinId, checkins),
    index('checkin_needs_tenant_student_idx').on(t.tenantId, t.studentId),
  ],
);

/** The student's answers to a week's prompts, written before the meeting. */
export const checkinPreps = pgTable(
  'checkin_preps',
  {
    id: idColumn(),
    tenantId: tenantIdColumn(),
    studentId: personIdColumn('student_id'),
    week: integer('week').notNull(),
    answers: jsonb('answers').$type<CheckinAnswer[]>().notNull().default([]),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [tenantKey(t), personReference(t, t.studentId), uniqueIndex('checkin_preps_student_week_uq').on(t.tenantId, t.studentId, t.week)],
);
