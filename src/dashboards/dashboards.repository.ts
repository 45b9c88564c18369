import { and, asc, eq, gte, sql } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '../db/client.js';
import { idRows } from '../db/id-list.js';
import { schoolSnapshots, schoolViewStudents } from './dashboards.tables.js';
import type { SnapshotFigures } from './snapshots.js';
import type { KeptStudentFacts } from './student-facts.js';

export type SchoolSnapshot = typeof schoolSnapshots.$inferSelect;

/** Writes a school's figures for the week, over the day before's (the week's last write is what stays). */
export async function saveSnapshot(db: DbOrTx, v: { tenantId: string; schoolId: string; weekStart: string; students: number; figures: SnapshotFigures; at: Date }): Promise<void> {
  await db
    .insert(schoolSnapshots)
    .values({ tenantId: v.tenantId, schoolId: v.schoolId, weekStart: v.weekStart, students: v.students, figures: v.figures, computedAt: v.at })
    .onConflictDoUpdate({
      target: [schoolSnapshots.tenantId, schoolSnapshots.schoolId, schoolSnapshots.weekStart],
      set: { students: sql`excluded.students`, figures: sql`excluded.figures`, computedAt: sql`excluded.computed_at` },
    });
}

/** Every school's snapshots from a week on, oldest first: the district view's side by side and its lines. */
export function snapshotsSince(db: DbOrTx, tenantId: string, fromWeek: string): Promise<SchoolSnapshot[]> {
  return db
    .select()
    .from(schoolSnapshots)
    .where(and(eq(schoolSnapshots.tenantId, tenantId), gte(schoolSnapshots.weekStart, fromWeek)))
    .orderBy(asc(schoolSnapshots.weekStart), asc(schoolSnapshots.schoolId));
}

/** Each student's kept facts with the versions that say whether they are current; a student never kept reads version 0. */
export async function keptFacts(db: DbOrTx, tenantId: string, studentIds: readonly string[]): Promise<{ studentId: string; version: number; computedVersion: number | null; facts: KeptStudentFacts | null }[]> {
  const rows = await queryRows<{ student_id: string; version: number | null; computed_version: number | null; facts: KeptStudentFacts | null }>(db, sql`
    select ids.id as student_id, s.version, s.computed_version, s.facts from ${idRows(studentIds)}
    left join lateral (select version, computed_version, facts from ${schoolViewStudents} where tenant_id = ${tenantId} and student_id = ids.id offset 0) s on true`);
  return rows.map((r) => ({ studentId: r.student_id, version: r.version ?? 0, computedVersion: r.computed_version, facts: r.facts }));
}

/**
 * Keeps facts computed at the versions read before computing them (keptFacts). A write since then has
 * moved the row's version past it, so the row stays stale; one still open holds the row until it
 * commits. A student with no row yet gets one at that version.
 */
export async function keepFacts(db: DbOrTx, tenantId: string, rows: { studentId: string; version: number; facts: KeptStudentFacts }[]): Promise<void> {
  if (rows.length === 0) return;
  const batch = JSON.stringify(rows.map((r) => ({ student_id: r.studentId, version: r.version, facts: r.facts })));
  await db.execute(sql`
    insert into ${schoolViewStudents} as s (tenant_id, student_id, version, computed_version, facts, computed_at)
    select ${tenantId}, x.student_id, x.version, x.version, x.facts, now() from json_to_recordset(${batch}::json) as x(student_id uuid, version int, facts json)
    on conflict (tenant_id, student_id) do update set computed_version = excluded.computed_version, facts = excluded.facts, computed_at = excluded.computed_at`);
}
