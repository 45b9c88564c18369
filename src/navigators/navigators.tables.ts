import { pgTable, uuid, text, boolean, timestamp, index } from 'drizzle-orm/pg-core';
import { tenants } from '../platforms/platforms.tables.js';
import { people } from '../roster/roster.tables.js';

/** Advisor <-> student. Default comes from the advisory roster; an assignment made here overrides it. */
export const navigatorAssignments = pgTable(
  'navigator_assignments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    studentId: uuid('student_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    navigatorId: uuid('navigator_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    active: boolean('active').notNull().default(true),
    assignedBy: uuid('assigned_by'),
    assignedAt: timestamp('assigned_at', { withTimezone: true }).notNull().defaultNow(),
    /** Free text the student gave: the adult they trust most, who may not be their navigator. */
    preferredAdult: text('preferred_adult'),
  },
  (t) => [index('navigator_assignments_tenant_student_idx').on(t.tenantId, t.studentId), index('navigator_assignments_tenant_navigator_idx').on(t.tenantId, t.navigatorId)],
);
