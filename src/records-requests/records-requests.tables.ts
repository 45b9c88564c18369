import { pgTable, uuid, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { idColumn, tenantIdColumn, personIdColumn, personReference, createdAtColumn } from '../db/columns.js';
import { tenantKey } from '../db/keys.js';

/**
 * A student's deletion an admin scheduled (issue 14 item 7): it runs at `due_at` (the grace period
 * after the request) unless cancelled first, which removes the row. The row goes with the student's
 * person row; what outlives them is the audit entry (ids only).
 */
export const studentDeletions = pgTable(
  'student_deletions',
  {
    id: idColumn(),
    tenantId: tenantIdColumn(),
    studentId: personIdColumn('student_id'),
    /** The admin's reason, shown on the records request page until the deletion runs; never logged. */
    reason: text('reason').notNull(),
    requestedBy: uuid('requested_by').notNull(),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    createdAt: createdAtColumn(),
  },
  (t) => [tenantKey(t), personReference(t, t.studentId), uniqueIndex('student_deletions_student_uq').on(t.tenantId, t.studentId)],
);
