import { idColumn, tenantIdColumn, personIdColumn, createdAtColumn } from '../db/columns.js';
import { pgTable, uuid, text, boolean, timestamp, integer, date, index } from 'drizzle-orm/pg-core';

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
    targetDate: date('target_date', { mode: 'string' }),
    why: text('why').notNull().default(''),
    /** draft | active | achieved | revised | dropped */
    status: text('status').notNull(),
    /** True when the student wrote it and it waits for the advisor's approval. */
    proposed: boolean('proposed').notNull().default(false),
    /** An adult's suggested change, shown to the student until they revise the goal. */
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
  (t) => [index('goals_tenant_student_idx').on(t.tenantId, t.studentId)],
);

export const goalSteps = pgTable(
  'goal_steps',
  {
    id: idColumn(),
    tenantId: tenantIdColumn(),
    goalId: uuid('goal_id')
      .notNull()
      .references(() => goals.id, { onDelete: 'cascade' }),
    text: text('text').notNull(),
    /** student | advisor | family | other */
    owner: text('owner').notNull(),
    dueDate: date('due_date', { mode: 'string' }),
    done: boolean('done').notNull().default(false),
    createdBy: uuid('created_by').notNull(),
    createdAt: createdAtColumn(),
  },
  (t) => [index('goal_steps_goal_idx').on(t.tenantId, t.goalId)],
);

export const goalProgress = pgTable(
  'goal_progress',
  {
    id: idColumn(),
    tenantId: tenantIdColumn(),
    goalId: uuid('goal_id')
      .notNull()
      .references(() => goals.id, { onDelete: 'cascade' }),
    date: date('date', { mode: 'string' }).notNull(),
    note: text('note').notNull(),
    /** The student's own 1-5 rating of how it is going. */
    rating: integer('rating'),
    authorId: uuid('author_id').notNull(),
    authorRole: text('author_role').notNull(),
    createdAt: createdAtColumn(),
  },
  (t) => [index('goal_progress_goal_idx').on(t.tenantId, t.goalId)],
);
