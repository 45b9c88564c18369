import { and, eq, inArray, sql } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '../db/client.js';
import { navigatorAssignments } from './navigators.tables.js';
import { contexts, memberships } from '../roster/roster.tables.js';

export type NavigatorAssignment = typeof navigatorAssignments.$inferSelect;

export async function activeAssignments(db: DbOrTx, tenantId: string, studentId: string): Promise<NavigatorAssignment[]> {
  return db
    .select()
    .from(navigatorAssignments)
    .where(and(eq(navigatorAssignments.tenantId, tenantId), eq(navigatorAssignments.studentId, studentId), eq(navigatorAssignments.active, true)));
}

export async function assignmentsFor(db: DbOrTx, tenantId: string, studentIds: string[]): Promise<NavigatorAssignment[]> {
  if (studentIds.length === 0) return [];
  return db
    .select()
    .from(navigatorAssignments)
    .where(and(eq(navigatorAssignments.tenantId, tenantId), inArray(navigatorAssignments.studentId, studentIds), eq(navigatorAssignments.active, true)));
}

export async function assignedTo(db: DbOrTx, tenantId: string, navigatorId: string): Promise<NavigatorAssignment[]> {
  return db
    .select()
    .from(navigatorAssignments)
    .where(and(eq(navigatorAssignments.tenantId, tenantId), eq(navigatorAssignments.navigatorId, navigatorId), eq(navigatorAssignments.active, true)));
}

/** Instructors of the student's active contexts of one kind: advisories make advisors, subject courses teachers. */
async function instructorsIn(db: DbOrTx, tenantId: string, studentIds: string[], kind: 'advisory' | 'subject'): Promise<{ studentId: string; personId: string }[]> {
  if (studentIds.length === 0) return [];
  const rows = await queryRows<{ student_id: string; person_id: string }>(db, sql`
    select distinct s.person_id as student_id, a.person_id from ${memberships} a
    join ${memberships} s on s.context_id = a.context_id and s.tenant_id = a.tenant_id
    join ${contexts} c on c.id = a.context_id and c.tenant_id = a.tenant_id
    where a.tenant_id = ${tenantId} and c.kind = ${kind}
      and s.person_id in (${sql.join(studentIds.map((id) => sql`${id}::uuid`), sql`, `)})
      and s.role = 'student' and s.status = 'active'
      and a.role = 'advisor' and a.status = 'active'`);
  return rows.map((r) => ({ studentId: r.student_id, personId: r.person_id }));
}

/** Advisors of any active advisory in which the student is an active student (the default navigators). */
export async function rosterAdvisors(db: DbOrTx, tenantId: string, studentId: string): Promise<string[]> {
  return (await instructorsIn(db, tenantId, [studentId], 'advisory')).map((r) => r.personId);
}

/** The same for many students at once (the caseload shows each student's navigator). */
export const rosterAdvisorsOf = (db: DbOrTx, tenantId: string, studentIds: string[]) => instructorsIn(db, tenantId, studentIds, 'advisory');

/** Instructors of the subject courses the student is in: they see what the plan shares with teachers. */
export async function subjectTeachers(db: DbOrTx, tenantId: string, studentId: string): Promise<string[]> {
  return (await instructorsIn(db, tenantId, [studentId], 'subject')).map((r) => r.personId);
}

/** Family members whose role_scope_mentor names the student. */
export async function mentorsOf(db: DbOrTx, tenantId: string, studentId: string): Promise<string[]> {
  const rows = await queryRows<{ person_id: string }>(db, sql`
    select distinct person_id from ${memberships}
    where tenant_id = ${tenantId} and role = 'family' and status = 'active'
      and mentees @> ${JSON.stringify([studentId])}::jsonb`);
  return rows.map((r) => r.person_id);
}

export async function assign(db: DbOrTx, v: { tenantId: string; studentId: string; navigatorId: string; assignedBy: string; preferredAdult?: string | null }): Promise<NavigatorAssignment> {
  await db
    .update(navigatorAssignments)
    .set({ active: false })
    .where(and(eq(navigatorAssignments.tenantId, v.tenantId), eq(navigatorAssignments.studentId, v.studentId), eq(navigatorAssignments.active, true)));
  const [row] = await db.insert(navigatorAssignments).values({ ...v, active: true }).returning();
  return row!;
}
