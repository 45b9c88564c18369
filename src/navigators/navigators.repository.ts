import { and, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { navigatorAssignments } from './navigators.tables.js';

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

export async function assign(db: DbOrTx, v: { tenantId: string; studentId: string; navigatorId: string; assignedBy: string; preferredAdult?: string | null }): Promise<NavigatorAssignment> {
  await db
    .update(navigatorAssignments)
    .set({ active: false })
    .where(and(eq(navigatorAssignments.tenantId, v.tenantId), eq(navigatorAssignments.studentId, v.studentId), eq(navigatorAssignments.active, true)));
  const [row] = await db.insert(navigatorAssignments).values({ ...v, active: true }).returning();
  return row!;
}
