import { createHash } from 'node:crypto';
import { and, asc, eq, gte, sql, type SQL } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '../db/client.js';
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

/** A student of the school with their kept facts and the versions that say whether those are current (a student never kept: version 0). */
export interface KeptRow {
  studentId: string;
  gradeLevel: string | null;
  version: number;
  computedVersion: number | null;
  facts: KeptStudentFacts | null;
}

/** The school's students (`enrolled`: rows `student_id, grade_level`) with their kept rows, by student id; `withFacts: false` leaves the facts out (null). */
export async function keptFacts(db: DbOrTx, tenantId: string, enrolled: SQL, { withFacts }: { withFacts: boolean }): Promise<KeptRow[]> {
  type Row = { student_id: string; grade_level: string | null; version: number | null; computed_version: number | null; facts: KeptStudentFacts | null };
  const rows = await queryRows<Row>(db, sql`
    select e.student_id, e.grade_level, s.version, s.computed_version, ${withFacts ? sql`s.facts` : sql`null::json`} as facts from (${enrolled}) e
    left join lateral (select version, computed_version, facts from ${schoolViewStudents} where tenant_id = ${tenantId} and student_id = e.student_id offset 0) s on true
    order by e.student_id`);
  return rows.map((r) => ({ studentId: r.student_id, gradeLevel: r.grade_level, version: r.version ?? 0, computedVersion: r.computed_version, facts: r.facts }));
}

/**
 * One line per student (id, grade, version, computed version; `-1` for none) in id order, hashed: equal
 * fingerprints mean the same students with the same facts, all current or stale alike. keptFingerprint
 * computes it in the database, fingerprintOf in the process, the same way (md5 of the same text).
 */
const lineSql = (version: SQL, computed: SQL) => sql`e.student_id::text || ':' || coalesce(e.grade_level, '') || ':' || ${version} || ':' || ${computed}`;
export async function keptFingerprint(db: DbOrTx, tenantId: string, enrolled: SQL): Promise<string> {
  const [row] = await queryRows<{ print: string | null }>(db, sql`
    select md5(coalesce(string_agg(${lineSql(sql`coalesce(s.version, 0)`, sql`coalesce(s.computed_version, -1)`)}, ',' order by e.student_id), '')) as print from (${enrolled}) e
    left join lateral (select version, computed_version from ${schoolViewStudents} where tenant_id = ${tenantId} and student_id = e.student_id offset 0) s on true`);
  return row?.print ?? '';
}
export function fingerprintOf(rows: readonly { studentId: string; gradeLevel: string | null; version: number; computedVersion: number | null }[]): string {
  const text = rows.map((r) => `${r.studentId}:${r.gradeLevel ?? ''}:${r.version}:${r.computedVersion ?? -1}`).join(',');
  return createHash('md5').update(text).digest('hex');
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
