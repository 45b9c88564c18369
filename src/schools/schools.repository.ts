import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { schoolEnrolments, schools } from './schools.tables.js';

export type School = typeof schools.$inferSelect;

export function listSchools(db: DbOrTx, tenantId: string): Promise<School[]> {
  return db.select().from(schools).where(eq(schools.tenantId, tenantId)).orderBy(asc(schools.name));
}

/** Each student's current school and grade there (students without one are absent). */
export async function currentEnrolments(db: DbOrTx, tenantId: string, studentIds: readonly string[]): Promise<{ studentId: string; schoolId: string; gradeLevel: string | null; startedOn: string }[]> {
  if (studentIds.length === 0) return [];
  return db
    .select({ studentId: schoolEnrolments.studentId, schoolId: schoolEnrolments.schoolId, gradeLevel: schoolEnrolments.gradeLevel, startedOn: schoolEnrolments.startedOn })
    .from(schoolEnrolments)
    .where(and(eq(schoolEnrolments.tenantId, tenantId), inArray(schoolEnrolments.studentId, [...studentIds]), isNull(schoolEnrolments.endedOn)));
}
