import { and, eq, or } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { navigatorAssignments } from './navigators.tables.js';
import { anyId, rowsOfIds } from '../db/id-list.js';

export type NavigatorAssignment = typeof navigatorAssignments.$inferSelect;

export async function activeAssignments(db: DbOrTx, tenantId: string, studentId: string): Promise<NavigatorAssignment[]> {
  return db
    .select()
    .from(navigatorAssignments)
    .where(and(eq(navigatorAssignments.tenantId, tenantId), eq(navigatorAssignments.studentId, studentId), eq(navigatorAssignments.active, true)));
}

export async function assignmentsFor(db: DbOrTx, tenantId: string, studentIds: string[]): Promise<NavigatorAssignment[]> {
  if (studentIds.length === 0) return [];
  // A lookup per student (rowsOfIds): a school's 2,000 stay the school's in a large district.
  return rowsOfIds(db, navigatorAssignments, navigatorAssignments.studentId, studentIds, and(eq(navigatorAssignments.tenantId, tenantId), eq(navigatorAssignments.active, true))!);
}

/** Active assignments to this navigator, and those of these students (whoever navigates them), in one round trip. */
export async function assignmentsAround(db: DbOrTx, tenantId: string, navigatorId: string, studentIds: string[]): Promise<NavigatorAssignment[]> {
  const mine = eq(navigatorAssignments.navigatorId, navigatorId);
  return db
    .select()
    .from(navigatorAssignments)
    .where(and(eq(navigatorAssignments.tenantId, tenantId), eq(navigatorAssignments.active, true), studentIds.length === 0 ? mine : or(mine, anyId(navigatorAssignments.studentId, studentIds))));
}

export async function assign(db: DbOrTx, v: { tenantId: string; studentId: string; navigatorId: string; assignedBy: string; preferredAdult?: string | null }): Promise<NavigatorAssignment> {
  await db
    .update(navigatorAssignments)
    .set({ active: false })
    .where(and(eq(navigatorAssignments.tenantId, v.tenantId), eq(navigatorAssignments.studentId, v.studentId), eq(navigatorAssignments.active, true)));
  const [row] = await db.insert(navigatorAssignments).values({ ...v, active: true }).returning();
  return row!;
}
