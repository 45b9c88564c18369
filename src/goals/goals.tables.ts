import { idColumn, tenantIdColumn, personIdColumn, personReference, createdAtColumn } from '../db/columns.js';
import { tenantKey, tenantReference } from '../db/keys.js';
import { pgTable, uuid, text, boolean, timestamp, integer, date, index, doublePrecision } from 'drizzle-orm/pg-core';

/** A SMART goal on a student's plan. `version` guards concurrent edits. */
export const goals = pgTable(
  'goals',
  {
    id: idColumn(),
    tenantId: tenantIdColumn(),
    studentId: personIdColumn('student_id'),
    category: text('category').notNull(),
    statement: text('statement').notNull(),
    measure: text('measure').notNull().default(''),
    target: text('target').notNull().default(''),
    /**
     * A goal measured by one of the student's indicators (issue 10: attendance, behaviour, grades,
     * well-being), null for a measure in words. Its progress is the indicator's current value against
     * `measureTarget` (a percent, or a 1-5 rating for well-being), so it moves by itself as data arrives.
     */
    measureIndicator: text('measure_indicator'),
    measureTarget: doublePrecision('measure_target'),
    targetDate: date('target_date', { mode: 'string' }),
    why: text('why').notNull().default(''),
    /** draft | active | achieved | revised | dropped */
    status: text('status').notNull(),
    /** True when the student wrote it and it waits for the advisor's approval. */
    proposed: boolean('proposed').notNull().default(false),
    /** An adult's pending suggested change, shown to the student until they revise the goal (history: goal_suggestions). */
    suggestion: text('suggestion'),
    suggestionBy: uuid('suggestion_by'),
    suggestionAt: timestamp('suggestion_at', { withTimezone: true }),
    version: integer('version').notNull().default(1),
    createdBy: uuid('created_by').notNull(),
    createdByRole: text('created_by_role').notNull(),
    createdAt: createdAtColumn(),
    updatedBy: uuid('updated_by').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [tenantKey(t), personReference(t, t.studentId), index('goals_tenant_student_idx').on(t.tenantId, t.studentId)],
);

export const goalSteps = pgTable(
  'goal_steps',
  {
    id: idColumn(),
    tenantId: tenantIdColumn(),
    goalId: uuid('goal_id').notNull(),
    text: text('text').notNull(),
    /** student | advisor | family | other */
    owner: text('owner').notNull(),
    dueDate: date('due_date', { mode: 'string' }),
    done: boolean('done').notNull().default(false),
    createdBy: uuid('created_by').notNull(),
    createdAt: createdAtColumn(),
  },
  (t) => [tenantKey(t), tenantReference(t, t.goalId, goals), index('goal_steps_goal_idx').on(t.tenantId, t.goalId)],
);

export const goalProgress = pgTable(
  'goal_progress',
  {
    id: idColumn(),
    tenantId: tenantIdColumn(),
    goalId: uuid('goal_id').notNull(),
    date: date('date', { mode: 'string' }).notNull(),
    /** Where it stands toward the goal's target: a number or a short text ("3 of 4 assignments"). */
    value: text('value').notNull().default(''),
    note: text('note').notNull(),
    /** The student's own 1-5 rating of how it is going. */
    rating: integer('rating'),
    authorId: uuid('author_id').notNull(),
    authorRole: text('author_role').notNull(),
    createdAt: createdAtColumn(),
  },
  (t) => [tenantKey(t), tenantReference(t, t.goalId, goals), index('goal_progress_goal_idx').on(t.tenantId, t.goalId)],
);

/** Every change an adult suggested: the goal keeps them as history once answered (revised or approved). */
export const goalSuggestions = pgTable(
  'goal_suggestions',
  {
    id: idColumn(),
    tenantId: tenantIdColumn(),
    goalId: uuid('goal_id').notNull(),
    text: text('text').notNull(),
    authorId: uuid('author_id').notNull(),
    createdAt: createdAtColumn(),
    /** When the student revised the goal or it was approved; null while the suggestion waits. */
    answeredAt: timestamp('answered_at', { withTimezone: true }),
  },
  (t) => [tenantKey(t), tenantReference(t, t.goalId, goals), index('goal_suggestions_goal_idx').on(t.tenantId, t.goalId)],
);
