import { pgTable, uuid, text, integer, timestamp, uniqueIndex, index } from 'drizzle-orm/pg-core';
import { idColumn, tenantIdColumn, personIdColumn, personReference } from '../db/columns.js';
import { tenantKey } from '../db/keys.js';

/** Where a value sits: one field of one record (of one student). A function: drizzle needs fresh builders per table. */
const fieldPlace = () => ({
  id: idColumn(),
  tenantId: tenantIdColumn(),
  studentId: personIdColumn('student_id'),
  object: text('object').notNull(),
  recordId: uuid('record_id').notNull(),
  fieldKey: text('field_key').notNull(),
});

/**
 * The value of one of a school's own fields on one record (issue 14 item 2): a student (record_id is
 * the student), a goal, a check-in or a referral. Kept apart from the record's own table so a field
 * the school adds needs no migration; the student column lets a records request find and delete every
 * value of theirs. Values are text as the plan's answers are (a choice's value, yyyy-mm-dd, a number).
 */
export const customFieldValues = pgTable(
  'custom_field_values',
  {
    ...fieldPlace(),
    value: text('value').notNull(),
    authorId: uuid('author_id').notNull(),
    /** Counts this value's saves: the page carries it, so only a change to this very value since is a conflict. */
    version: integer('version').notNull().default(1),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [tenantKey(t), personReference(t, t.studentId), uniqueIndex('custom_field_values_uq').on(t.tenantId, t.object, t.recordId, t.fieldKey), index('custom_field_values_student_idx').on(t.tenantId, t.studentId)],
);

/** Every change to a value, with who made it: the history, and what an editor saw at the version it loaded. */
export const customFieldRevisions = pgTable(
  'custom_field_revisions',
  {
    ...fieldPlace(),
    oldValue: text('old_value').notNull(),
    newValue: text('new_value').notNull(),
    /** The value's version this change made. */
    version: integer('version').notNull(),
    authorId: uuid('author_id').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [tenantKey(t), personReference(t, t.studentId), index('custom_field_revisions_record_idx').on(t.tenantId, t.object, t.recordId, t.fieldKey, t.version)],
);
