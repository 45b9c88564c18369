import { idColumn, tenantIdColumn } from '../db/columns.js';
import { tenantKey } from '../db/keys.js';
import { pgTable, uuid, text, timestamp, index } from 'drizzle-orm/pg-core';

/** Who read or wrote which student's record. Never holds the record's text. */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: idColumn(),
    tenantId: tenantIdColumn(),
    actorId: uuid('actor_id'),
    actorRole: text('actor_role').notNull(),
    /** read | create | update | delete */
    action: text('action').notNull(),
    /** plan | goal | checkin | ... */
    entity: text('entity').notNull(),
    entityId: text('entity_id'),
    studentId: uuid('student_id'),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [tenantKey(t), index('audit_tenant_student_idx').on(t.tenantId, t.studentId, t.at)],
);
