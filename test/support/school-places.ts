import type { Db } from '../../src/db/client.js';
import { schoolEnrolments, schools } from '../../src/schools/schools.tables.js';

/**
 * Two schools of a tenant, A and B, and students placed at them (current enrolments), written straight
 * to the schools feature's tables: the fixture for tests of staff scoped to a school. `startedOn`: the
 * enrolments' first day (a report that counts students where they were on a day needs them there then).
 */
export async function placeStudents(db: Db, tenantId: string, names: [string, string], at: { a: readonly string[]; b: readonly string[] }, startedOn = '2026-08-20'): Promise<{ a: string; b: string }> {
  const [a, b] = await db
    .insert(schools)
    .values(names.map((name) => ({ tenantId, name, source: 'admin' as const })))
    .returning({ id: schools.id });
  const rows = [...at.a.map((studentId) => ({ studentId, schoolId: a!.id })), ...at.b.map((studentId) => ({ studentId, schoolId: b!.id }))];
  if (rows.length > 0) await db.insert(schoolEnrolments).values(rows.map((r) => ({ tenantId, ...r, startedOn, source: 'admin' as const })));
  return { a: a!.id, b: b!.id };
}
