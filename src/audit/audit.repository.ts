import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, inArray, ne, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { auditEvents, auditEventStudents } from './audit.tables.js';
import { uuidArray } from '../db/id-list.js';

export type AuditEventRow = typeof auditEvents.$inferSelect;
export type NewAuditEvent = typeof auditEvents.$inferInsert;

/** A position in the log, newest first: events are ordered by (at, id), both descending. */
export interface AuditCursor {
  at: Date;
  id: string;
}

export interface AuditQuery {
  tenantId: string;
  /** Events that touched any of these students; an empty list matches nothing. */
  studentIds?: string[];
  actorIds?: string[];
  /** Only these actor roles (the "who viewed my record" page shows staff only). */
  actorRoles?: string[];
  action?: string;
  excludeAction?: string;
  /** Days (yyyy-mm-dd) in `timeZone`, both included. */
  fromDay?: string;
  toDay?: string;
  timeZone: string;
  since?: Date;
  /** Older than this (the next page), or newer than this (the previous page); never both. */
  before?: AuditCursor;
  after?: AuditCursor;
  limit: number;
}

/**
 * The event and its students in one statement (the event a data-modifying CTE): one round trip on
 * every audited page, and never an event without its students, even outside a transaction.
 */
export async function insertEvent(db: DbOrTx, row: NewAuditEvent & { at: Date }, studentIds: string[]): Promise<void> {
  const id = randomUUID();
  const event = db.insert(auditEvents).values({ ...row, id });
  if (studentIds.length === 0) {
    await event;
    return;
  }
  // The students as one array parameter: a caseload's read names dozens, and one row of values per
  // student costs far more to build, send and plan than unnesting an array.
  // (drizzle puts the embedded insert in its parentheses)
  await db.execute(sql`with event as ${event}
    insert into ${auditEventStudents} (tenant_id, event_id, student_id, at)
    select ${row.tenantId}::uuid, ${id}::uuid, unnest(${uuidArray(studentIds)}), ${row.at.toISOString()}::timestamptz`);
}

/**
 * One page of events, newest first. Filtered by one student, the walk starts from the students'
 * index (tenant, student, at, event), so a student's page costs the same in a log of millions;
 * otherwise from (tenant, at, id) or (tenant, actor, at, id), several students (a name search)
 * being a semi-join, so an event that touched two of them comes once. Returns up to limit + 1
 * rows so the caller knows whether another page follows.
 */
export async function findEvents(db: DbOrTx, q: AuditQuery): Promise<AuditEventRow[]> {
  if ((q.studentIds && q.studentIds.length === 0) || (q.actorIds && q.actorIds.length === 0)) return [];
  const oneStudent = q.studentIds?.length === 1 ? q.studentIds[0]! : undefined;
  // Ordering and the keyset use the students' copy of `at` when walking their index.
  const at = oneStudent ? auditEventStudents.at : auditEvents.at;
  const id = oneStudent ? auditEventStudents.eventId : auditEvents.id;
  const conds: (SQL | undefined)[] = [eq(auditEvents.tenantId, q.tenantId)];
  if (oneStudent) conds.push(eq(auditEventStudents.tenantId, q.tenantId), eq(auditEventStudents.studentId, oneStudent));
  else if (q.studentIds) {
    const touched = db.select({ id: auditEventStudents.eventId }).from(auditEventStudents).where(and(eq(auditEventStudents.tenantId, q.tenantId), inArray(auditEventStudents.studentId, q.studentIds)));
    conds.push(inArray(auditEvents.id, touched));
  }
  if (q.actorIds) conds.push(inArray(auditEvents.actorId, q.actorIds));
  if (q.actorRoles) conds.push(inArray(auditEvents.actorRole, q.actorRoles));
  if (q.action) conds.push(eq(auditEvents.action, q.action));
  if (q.excludeAction) conds.push(ne(auditEvents.action, q.excludeAction));
  // The school's day, turned into instants by the database (time zone rules, summer time included).
  if (q.fromDay) conds.push(sql`${at} >= (${q.fromDay}::date::timestamp at time zone ${q.timeZone})`);
  if (q.toDay) conds.push(sql`${at} < ((${q.toDay}::date + 1)::timestamp at time zone ${q.timeZone})`);
  if (q.since) conds.push(sql`${at} >= ${q.since.toISOString()}::timestamptz`);
  if (q.before) conds.push(sql`(${at}, ${id}) < (${q.before.at.toISOString()}::timestamptz, ${q.before.id}::uuid)`);
  if (q.after) conds.push(sql`(${at}, ${id}) > (${q.after.at.toISOString()}::timestamptz, ${q.after.id}::uuid)`);
  const order = q.after ? [asc(at), asc(id)] : [desc(at), desc(id)];
  const base = oneStudent
    ? db.select({ e: auditEvents }).from(auditEventStudents).innerJoin(auditEvents, and(eq(auditEvents.tenantId, auditEventStudents.tenantId), eq(auditEvents.id, auditEventStudents.eventId)))
    : db.select({ e: auditEvents }).from(auditEvents);
  const rows = (await base.where(and(...conds)).orderBy(...order).limit(q.limit + 1)).map((r) => r.e);
  return q.after ? rows.reverse() : rows;
}

/** The students of each event, for one page of events. */
export async function studentsOfEvents(db: DbOrTx, tenantId: string, eventIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(eventIds.map((id) => [id, []]));
  if (eventIds.length === 0) return out;
  const rows = await db
    .select({ eventId: auditEventStudents.eventId, studentId: auditEventStudents.studentId })
    .from(auditEventStudents)
    .where(and(eq(auditEventStudents.tenantId, tenantId), inArray(auditEventStudents.eventId, eventIds)));
  for (const r of rows) out.get(r.eventId)?.push(r.studentId);
  return out;
}
