import { idColumn, tenantIdColumn, personIdColumn, personReference } from '../db/columns.js';
import { tenantKey } from '../db/keys.js';
import { pgTable, uuid, text, boolean, timestamp, index } from 'drizzle-orm/pg-core';

/** Advisor <-> student. Default comes from the advisory roster; an assignment made here overrides it. */
export const navigatorAssignments = pgTable(
  'navigator_assignments',
  {
    id: idColumn(),
    tenantId: tenantIdColumn(),
    studentId: personIdColumn('student_id'),
    navigatorId: personIdColumn('navigator_id'),
    active: boolean('active').notNull().default(true),
    assignedBy: uuid('assigned_by'),
    assignedAt: timestamp('assigned_at', { withTimezone: true }).notNull().defaultNow(),
    /** Free text the student gave: the adult they trust most, who may not be their navigator. */
    preferredAdult: text('preferred_adult'),
  },
  (t) => [
    tenantKey(t),
    personReference(t, t.studentId),
    personReference(t, t.navigatorId),
    index('navigator_assignments_tenant_student_idx').on(t.tenantId, t.studentId),
    index('navigator_assignments_tenant_navigator_idx').on(t.tenantId, t.navigatorId),
  ],
);
