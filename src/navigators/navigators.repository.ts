import { and, eq, inArray, sql } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '../db/client.js';
import { navigatorAssignments } from './navigators.tables.js';
import { memberships } from '../roster/roster.tables.js';

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

/** Advisors of any active context in which the student is an active student. */
export async function rosterAdvisors(db: DbOrTx, tenantId: string, studentId: string): Promise<string[]> {
  const rows = await queryRows<{ person_id: string }>(db, sql`
    select distinct a.person_id from ${memberships} a
    join ${memberships} s on s.context_id = a.context_id and s.tenant_id = a.tenant_id
    where a.tenant_id = ${tenantId} and s.person_id = ${studentId}
      and s.role = 'student' and s.status = 'active'
      and a.role = 'advisor' and a.status = 'active'`);
  return rows.map((r) => r.person_id);
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
