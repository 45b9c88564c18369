import { pgTable, uuid, text, integer, timestamp, uniqueIndex, index, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { idColumn, tenantIdColumn, personIdColumn, personReference, createdAtColumn } from '../db/columns.js';
import { tenantKey, tenantReference } from '../db/keys.js';

/** One plan per student per school year; `version` counts every change and guards status changes against stale pages. */
export const plans = pgTable(
  'plans',
  {
    id: idColumn(),
    tenantId: tenantIdColumn(),
    studentId: personIdColumn('student_id'),
    schoolYear: text('school_year').notNull(),
    /** draft | active */
    status: text('status').notNull().default('draft'),
    version: integer('version').notNull().default(0),
    updatedBy: uuid('updated_by'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    createdAt: createdAtColumn(),
  },
  (t) => [tenantKey(t), personReference(t, t.studentId), uniqueIndex('plans_student_year_uq').on(t.tenantId, t.studentId, t.schoolYear)],
);

/** Rows that belong to one plan and go with it (planReference). */
const planIdColumn = () => uuid('plan_id').notNull();
const planReference = (t: { tenantId: AnyPgColumn; planId: AnyPgColumn }) => tenantReference(t, t.planId, plans);

/** The current words for one field in one voice (student or adult), with who wrote them. */
export const planEntries = pgTable(
  'plan_entries',
  {
    id: idColumn(),
    tenantId: tenantIdColumn(),
    planId: planIdColumn(),
    fieldKey: text('field_key').notNull(),
    voice: text('voice').notNull(),
    text: text('text').notNull(),
    authorId: uuid('author_id').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    /** Counts this field's saves in this voice: the editor's page carries it, so only a change to these very words is a conflict. */
    version: integer('version').notNull().default(1),
    /** The school year (2025-2026) these words were carried forward from at the year's roll forward; null once someone saves them here. */
    carriedFrom: text('carried_from'),
  },
  (t) => [tenantKey(t), planReference(t), uniqueIndex('plan_entries_field_voice_uq').on(t.tenantId, t.planId, t.fieldKey, t.voice)],
);

/** Every change ever made, so the history can show what changed, by whom and when. */
export const planRevisions = pgTable(
  'plan_revisions',
  {
    id: idColumn(),
    tenantId: tenantIdColumn(),
    planId: planIdColumn(),
    fieldKey: text('field_key').notNull(),
    voice: text('voice').notNull(),
    oldText: text('old_text').notNull(),
    newText: text('new_text').notNull(),
    authorId: uuid('author_id').notNull(),
    planVersion: integer('plan_version').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    /** Set on the roll forward's revisions: the school year the words came from (the author is their original writer). */
    carriedFrom: text('carried_from'),
  },
  (t) => [tenantKey(t), planReference(t), index('plan_revisions_plan_idx').on(t.planId, t.at)],
);

/** Comments from family (and the student's adults) on a plan. */
export const planComments = pgTable(
  'plan_comments',
  {
    id: idColumn(),
    tenantId: tenantIdColumn(),
    planId: planIdColumn(),
    authorId: uuid('author_id').notNull(),
    authorRole: text('author_role').notNull(),
    text: text('text').notNull(),
    createdAt: createdAtColumn(),
  },
  (t) => [tenantKey(t), planReference(t), index('plan_comments_plan_idx').on(t.planId)],
);
