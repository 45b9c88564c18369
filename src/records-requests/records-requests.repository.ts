import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { studentRecordsOf } from '../db/student-rows.js';
import { studentDeletions } from './records-requests.tables.js';

export type StudentDeletion = typeof studentDeletions.$inferSelect;

const ofStudent = (tenantId: string, studentId: string) => and(eq(studentDeletions.tenantId, tenantId), eq(studentDeletions.studentId, studentId));

export async function findDeletion(db: DbOrTx, tenantId: string, studentId: string): Promise<StudentDeletion | undefined> {
  const [row] = await db.select().from(studentDeletions).where(ofStudent(tenantId, studentId));
  return row;
}

/** The scheduled deletion, unless one is already scheduled (that one stands: its grace period is not restarted). */
export async function insertDeletion(db: DbOrTx, row: Omit<StudentDeletion, 'id' | 'createdAt'>): Promise<boolean> {
  const inserted = await db.insert(studentDeletions).values(row).onConflictDoNothing().returning({ id: studentDeletions.id });
  return inserted.length > 0;
}

export async function deleteDeletion(db: DbOrTx, tenantId: string, studentId: string): Promise<boolean> {
  const deleted = await db.delete(studentDeletions).where(ofStudent(tenantId, studentId)).returning({ id: studentDeletions.id });
  return deleted.length > 0;
}

/** This feature's own rows of a student: a scheduled deletion (its reason) is part of what the tool holds about them. */
export const deletionRecords = studentRecordsOf([{ table: studentDeletions, tenant: studentDeletions.tenantId, student: studentDeletions.studentId }]);
