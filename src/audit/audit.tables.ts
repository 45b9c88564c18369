import { idColumn, tenantIdColumn } from '../db/columns.js';
import { tenantKey, tenantReference } from '../db/keys.js';
import { pgTable, uuid, text, timestamp, index, primaryKey } from 'drizzle-orm/pg-core';

/** Who read or wrote which students' records, or was refused. Never holds the record's text. */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: idColumn(),
    tenantId: tenantIdColumn(),
    /** Null for the tool itself (background jobs such as score publishing): actorRole is then 'system'. */
    actorId: uuid('actor_id'),
    actorRole: text('actor_role').notNull(),
    /** read | create | update | delete | publish | denied: see auditActions. */
    action: text('action').notNull(),
    /** plan | goal | checkin | caseload | ...; for a denial, the policy that refused. */
    entity: text('entity').notNull(),
    entityId: text('entity_id'),
    /** For a denial: what was attempted (the policy action, such as editStudentVoice). */
    attempt: text('attempt'),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    tenantKey(t),
    // The admin page pages the whole log newest first (keyset on at, id), or one person's actions.
    index('audit_tenant_at_idx').on(t.tenantId, t.at, t.id),
    index('audit_tenant_actor_at_idx').on(t.tenantId, t.actorId, t.at, t.id),
  ],
);

/**
 * The students an event touched: one row per student, so a caseload view of thirty students is one
 * event and thirty of these. A child table rather than a `student_ids uuid[]` column because the
 * questions asked are "what touched this student, newest first, one page at a time" (the admin
 * filter and "who viewed my record"): a btree on (tenant, student, at, event) answers them in index
 * order and stops after a page, where a GIN index on an array finds the rows but cannot order them
 * (and cannot lead with the tenant without the btree_gin extension). `at` is copied from the event
 * for that reason; events and their students are only ever inserted together, never updated.
 */
export const auditEventStudents = pgTable(
  'audit_event_students',
  {
    tenantId: tenantIdColumn(),
    eventId: uuid('event_id').notNull(),
    studentId: uuid('student_id').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.eventId, t.studentId] }),
    tenantReference(t, t.eventId, auditEvents),
    index('audit_students_tenant_student_at_idx').on(t.tenantId, t.studentId, t.at, t.eventId),
  ],
);
