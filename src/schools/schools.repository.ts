import { and, asc, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import { anyId, rowsOfIds } from '../db/id-list.js';
import type { DbOrTx } from '../db/client.js';
import { courseSchools, courseSisIds, schoolEnrolments, schools, studentGroups, type SchoolSource } from './schools.tables.js';

export type School = typeof schools.$inferSelect;
export type Enrolment = typeof schoolEnrolments.$inferSelect;

type Value = string | number | null;
/** A raw statement runner: a drizzle transaction (sqlRunner) or an import's own connection (src/student-data). */
export type SqlRunner = (text: string, params?: Value[]) => Promise<{ rows: Record<string, unknown>[] }>;

/** Runs raw text with $n parameters on a drizzle database or transaction. */
export function sqlRunner(db: DbOrTx): SqlRunner {
  return async (text, params = []) => {
    const parts = text.split(/\$(\d+)/);
    const chunks: SQL[] = parts.map((p, i) => (i % 2 === 0 ? sql.raw(p) : sql`${params[Number(p) - 1]}`));
    const result = (await db.execute(sql.join(chunks, sql.raw('')))) as unknown as { rows: Record<string, unknown>[] };
    return { rows: result.rows };
  };
}

export function listSchools(db: DbOrTx, tenantId: string): Promise<School[]> {
  return db.select().from(schools).where(eq(schools.tenantId, tenantId)).orderBy(asc(schools.name));
}

export async function findSchool(db: DbOrTx, tenantId: string, id: string): Promise<School | undefined> {
  const [row] = await db.select().from(schools).where(and(eq(schools.tenantId, tenantId), eq(schools.id, id)));
  return row;
}

/** Each school's courses and current students, counted. */
export async function schoolCounts(db: DbOrTx, tenantId: string): Promise<Map<string, { courses: number; students: number }>> {
  const courses = await db.select({ schoolId: courseSchools.schoolId, n: sql<number>`count(*)::int` }).from(courseSchools).where(eq(courseSchools.tenantId, tenantId)).groupBy(courseSchools.schoolId);
  const students = await db
    .select({ schoolId: schoolEnrolments.schoolId, n: sql<number>`count(*)::int` })
    .from(schoolEnrolments)
    .where(and(eq(schoolEnrolments.tenantId, tenantId), isNull(schoolEnrolments.endedOn)))
    .groupBy(schoolEnrolments.schoolId);
  const counts = new Map<string, { courses: number; students: number }>();
  const at = (id: string) => counts.get(id) ?? counts.set(id, { courses: 0, students: 0 }).get(id)!;
  for (const c of courses) at(c.schoolId).courses = Number(c.n);
  for (const s of students) at(s.schoolId).students = Number(s.n);
  return counts;
}

export async function addSchool(db: DbOrTx, tenantId: string, name: string): Promise<string> {
  const [row] = await db.insert(schools).values({ tenantId, name, source: 'admin' }).returning({ id: schools.id });
  return row!.id;
}

/** An admin's name: the school becomes the admin's, and the LMS and the SIS no longer rename it. */
export async function renameSchool(db: DbOrTx, tenantId: string, id: string, name: string): Promise<boolean> {
  const rows = await db.update(schools).set({ name, source: 'admin', updatedAt: new Date() }).where(and(eq(schools.tenantId, tenantId), eq(schools.id, id))).returning({ id: schools.id });
  return rows.length > 0;
}

/** The school the LMS calls `lmsKey`, made on first sight; its name follows the LMS's unless an admin named it. */
export async function schoolForLmsKey(db: DbOrTx, tenantId: string, lmsKey: string, name: string | undefined): Promise<string> {
  const [row] = await db
    .insert(schools)
    .values({ tenantId, name: name ?? lmsKey, source: 'lms', lmsKey })
    .onConflictDoUpdate({
      target: [schools.tenantId, schools.lmsKey],
      targetWhere: sql`${schools.lmsKey} IS NOT NULL`,
      set: { name: name ? sql`case when ${schools.source} = 'admin' then ${schools.name} else excluded.name end` : sql`${schools.name}`, updatedAt: new Date() },
    })
    .returning({ id: schools.id });
  return row!.id;
}

/**
 * Which placements a source may replace: an admin's stands against all, the SIS's (a class's school)
 * against the LMS's, the LMS's (its account or building) against no one else's.
 */
const replaceable: Record<SchoolSource, readonly SchoolSource[]> = { admin: ['admin', 'sis', 'lms'], sis: ['sis', 'lms'], lms: ['lms'] };

/** Places a course in a school, unless a source that outranks this one placed it (`replaceable`). Whether it changed. */
export async function placeCourse(db: DbOrTx, tenantId: string, contextId: string, schoolId: string, source: SchoolSource): Promise<boolean> {
  const rows = await db
    .insert(courseSchools)
    .values({ tenantId, contextId, schoolId, source })
    .onConflictDoUpdate({
      target: [courseSchools.tenantId, courseSchools.contextId],
      set: { schoolId, source, updatedAt: new Date() },
      setWhere: and(inArray(courseSchools.source, [...replaceable[source]]), sql`(${courseSchools.schoolId}, ${courseSchools.source}) is distinct from (${schoolId}::uuid, ${source}::text)`),
    })
    .returning({ contextId: courseSchools.contextId });
  return rows.length > 0;
}

/** What a launch needs to know of its course, in one read: who placed it (null: no one yet) and the SIS ids recorded for it. */
export async function launchPlacement(db: DbOrTx, tenantId: string, contextId: string): Promise<{ source: SchoolSource | null; sisIds: string[] }> {
  const { rows } = await sqlRunner(db)(
    `select (select source from course_schools where tenant_id = $1::uuid and context_id = $2::uuid) as source,
            array(select sis_id from course_sis_ids where tenant_id = $1::uuid and context_id = $2::uuid) as sis_ids`,
    [tenantId, contextId],
  );
  const row = rows[0] ?? {};
  return { source: (row.source as SchoolSource | null) ?? null, sisIds: (row.sis_ids as string[] | null) ?? [] };
}

/** Records SIS ids a launched course carries (rank 0 the section's, 1 the offering's). */
export async function recordCourseSisIds(db: DbOrTx, tenantId: string, contextId: string, ids: readonly { sisId: string; rank: number }[]): Promise<void> {
  if (ids.length === 0) return;
  await db
    .insert(courseSisIds)
    .values(ids.map((i) => ({ tenantId, contextId, sisId: i.sisId, rank: i.rank })))
    .onConflictDoUpdate({ target: [courseSisIds.tenantId, courseSisIds.contextId, courseSisIds.sisId], set: { rank: sql`excluded.rank` } });
}

/**
 * The courses the SIS places, set-based: each course with a recorded SIS id that a class (or SIS
 * course) of a known school has, in the school of its best-ranked such id. `only` limits it to one
 * course (a launch); without it every course of the tenant (an import). Placed with source sis where
 * no admin placed the course; returns the courses whose school changed.
 */
export async function placeSisCourses(q: SqlRunner, tenantId: string, only?: string): Promise<string[]> {
  const { rows } = await q(
    `insert into course_schools (tenant_id, context_id, school_id, source, updated_at)
     select distinct on (c.context_id) $1::uuid, c.context_id, s.id, 'sis', now()
       from course_sis_ids c
       join sis_class_schools m on m.tenant_id = c.tenant_id and m.sis_id = c.sis_id
       join schools s on s.tenant_id = c.tenant_id and s.sis_key = m.school_key
      where c.tenant_id = $1::uuid and ($2::uuid is null or c.context_id = $2::uuid)
      order by c.context_id, c.rank, c.sis_id
     on conflict (tenant_id, context_id) do update set school_id = excluded.school_id, source = excluded.source, updated_at = excluded.updated_at
       where course_schools.source in ('sis', 'lms') and (course_schools.school_id, course_schools.source) is distinct from (excluded.school_id, excluded.source)
     returning context_id`,
    [tenantId, only ?? null],
  );
  return rows.map((r) => String(r.context_id));
}

/** The SIS's classes (and courses) with the org each is at, by sourcedId: made or moved. */
export async function upsertSisClasses(q: SqlRunner, tenantId: string, classes: readonly { sisId: string; schoolKey: string }[]): Promise<void> {
  if (classes.length === 0) return;
  await q(
    `insert into sis_class_schools (tenant_id, sis_id, school_key)
     select $1::uuid, c.sis_id, c.school_key from jsonb_to_recordset($2::jsonb) as c(sis_id text, school_key text)
     on conflict (tenant_id, sis_id) do update set school_key = excluded.school_key, updated_at = now() where sis_class_schools.school_key <> excluded.school_key`,
    [tenantId, JSON.stringify(classes.map((c) => ({ sis_id: c.sisId, school_key: c.schoolKey })))],
  );
}

export function placedCourses(db: DbOrTx, tenantId: string, contextIds?: readonly string[]) {
  const conds = [eq(courseSchools.tenantId, tenantId)];
  if (contextIds) conds.push(inArray(courseSchools.contextId, [...contextIds]));
  return db.select({ contextId: courseSchools.contextId, schoolId: courseSchools.schoolId, source: courseSchools.source }).from(courseSchools).where(and(...conds));
}

export function coursesAt(db: DbOrTx, tenantId: string, schoolId: string) {
  return db
    .select({ contextId: courseSchools.contextId, source: courseSchools.source })
    .from(courseSchools)
    .where(and(eq(courseSchools.tenantId, tenantId), eq(courseSchools.schoolId, schoolId)));
}

/** Each student's current school and grade there (students without one are absent). */
export async function currentEnrolments(db: DbOrTx, tenantId: string, studentIds: readonly string[]): Promise<{ studentId: string; schoolId: string; gradeLevel: string | null; startedOn: string }[]> {
  if (studentIds.length === 0) return [];
  return db
    .select({ studentId: schoolEnrolments.studentId, schoolId: schoolEnrolments.schoolId, gradeLevel: schoolEnrolments.gradeLevel, startedOn: schoolEnrolments.startedOn })
    .from(schoolEnrolments)
    .where(and(eq(schoolEnrolments.tenantId, tenantId), anyId(schoolEnrolments.studentId, studentIds), isNull(schoolEnrolments.endedOn)));
}

/**
 * The students whose current enrolment is at one of these schools (as currentOf reads them: the rule
 * the student-record gate decides a staff member's school by), in one statement.
 */
export async function studentsAtSchools(db: DbOrTx, tenantId: string, schoolIds: readonly string[]): Promise<string[]> {
  if (schoolIds.length === 0) return [];
  const rows = await db
    .select({ studentId: schoolEnrolments.studentId })
    .from(schoolEnrolments)
    .where(and(eq(schoolEnrolments.tenantId, tenantId), anyId(schoolEnrolments.schoolId, schoolIds), isNull(schoolEnrolments.endedOn)));
  return rows.map((r) => r.studentId);
}

/** Every enrolment, past or current, at these schools: who was there from which day to which (null: still there). */
export async function enrolmentsAtSchools(db: DbOrTx, tenantId: string, schoolIds: readonly string[]): Promise<{ studentId: string; startedOn: string; endedOn: string | null }[]> {
  if (schoolIds.length === 0) return [];
  return db
    .select({ studentId: schoolEnrolments.studentId, startedOn: schoolEnrolments.startedOn, endedOn: schoolEnrolments.endedOn })
    .from(schoolEnrolments)
    .where(and(eq(schoolEnrolments.tenantId, tenantId), anyId(schoolEnrolments.schoolId, schoolIds)));
}

/** The students at a school on a day (started on or before it, not ended before it), with their grade there. */
/**
 * The students at a school on a day with their grade there, as a query (rows `student_id, grade_level`)
 * for another feature to read its own rows of them in the same statement (the school view's kept
 * facts): the school's 2,000 ids never travel to the process and back.
 */
export function studentsAtQuery(tenantId: string, schoolId: string, day: string): SQL {
  return sql`select ${schoolEnrolments.studentId} as student_id, ${schoolEnrolments.gradeLevel} as grade_level from ${schoolEnrolments}
    where ${schoolEnrolments.tenantId} = ${tenantId} and ${schoolEnrolments.schoolId} = ${schoolId} and ${schoolEnrolments.startedOn} <= ${day}::date
      and (${schoolEnrolments.endedOn} is null or ${schoolEnrolments.endedOn} >= ${day}::date)`;
}

export function studentsAt(db: DbOrTx, tenantId: string, schoolId: string, day: string) {
  return db
    .select({ studentId: schoolEnrolments.studentId, gradeLevel: schoolEnrolments.gradeLevel, startedOn: schoolEnrolments.startedOn, endedOn: schoolEnrolments.endedOn })
    .from(schoolEnrolments)
    .where(
      and(
        eq(schoolEnrolments.tenantId, tenantId),
        eq(schoolEnrolments.schoolId, schoolId),
        sql`${schoolEnrolments.startedOn} <= ${day}::date`,
        sql`(${schoolEnrolments.endedOn} is null or ${schoolEnrolments.endedOn} >= ${day}::date)`,
      ),
    )
    .orderBy(asc(schoolEnrolments.studentId));
}

export function historyOf(db: DbOrTx, tenantId: string, studentId: string): Promise<Enrolment[]> {
  return db
    .select()
    .from(schoolEnrolments)
    .where(and(eq(schoolEnrolments.tenantId, tenantId), eq(schoolEnrolments.studentId, studentId)))
    .orderBy(asc(schoolEnrolments.startedOn), asc(schoolEnrolments.createdAt));
}

/** These students' subgroup rows: a lookup per student (idRows), so a school's read stays the school's in a large district. */
export function groupRows(db: DbOrTx, tenantId: string, studentIds: readonly string[]) {
  return rowsOfIds(db, studentGroups, studentGroups.studentId, studentIds, eq(studentGroups.tenantId, tenantId), ['studentId', 'dimension', 'value']);
}

/**
 * Where students are, set-based: `relation` is SQL text naming rows (person_id uuid, school_id uuid,
 * grade_level text, null = keep the grade known), its parameters from $4 on; $1 is the tenant, $2 the
 * day the students are at these schools from, $3 the source. A student already at that school keeps
 * the enrolment (its grade updated); one whose current enrolment started on or after the day has it
 * corrected in place; any other current enrolment at another school ends the day before, and the new
 * one starts on the day. Returns the students whose enrolment changed.
 */
export async function applyEnrolments(q: SqlRunner, tenantId: string, day: string, source: SchoolSource, relation: string, params: Value[] = []): Promise<string[]> {
  const all = [tenantId, day, source, ...params];
  const changed = new Set<string>();
  const collect = (rows: Record<string, unknown>[]) => rows.forEach((r) => changed.add(String(r.student_id)));
  collect(
    (
      await q(
        `update school_enrolments e set school_id = f.school_id, grade_level = coalesce(f.grade_level, e.grade_level), source = $3::text
         from ${relation} f
         where e.tenant_id = $1::uuid and e.student_id = f.person_id and e.ended_on is null and (e.school_id = f.school_id or e.started_on >= $2::date)
           and (e.school_id, e.grade_level) is distinct from (f.school_id, coalesce(f.grade_level, e.grade_level))
         returning e.student_id`,
        all,
      )
    ).rows,
  );
  collect(
    (
      await q(
        `update school_enrolments e set ended_on = $2::date - 1
         from ${relation} f
         where e.tenant_id = $1::uuid and e.student_id = f.person_id and e.ended_on is null and e.school_id <> f.school_id and $3::text is not null
         returning e.student_id`,
        all,
      )
    ).rows,
  );
  collect(
    (
      await q(
        `insert into school_enrolments (tenant_id, student_id, school_id, grade_level, started_on, source)
         select $1::uuid, f.person_id, f.school_id, f.grade_level, $2::date, $3::text from ${relation} f
         where not exists (select 1 from school_enrolments e where e.tenant_id = $1::uuid and e.student_id = f.person_id and e.ended_on is null)
         returning student_id`,
        all,
      )
    ).rows,
  );
  return [...changed];
}

/**
 * Students' subgroups, set-based: `relation` names rows (person_id uuid, dimension text, value text);
 * a null value removes the student's row of that dimension ("not recorded"). $1 the tenant, $2 the
 * source, the relation's own parameters from $3 on. Returns the students whose groups changed.
 */
export async function applyGroups(q: SqlRunner, tenantId: string, source: SchoolSource, relation: string, params: Value[] = []): Promise<string[]> {
  const all = [tenantId, source, ...params];
  const upserted = await q(
    `insert into student_groups (tenant_id, student_id, dimension, value, source, updated_at)
     select $1::uuid, g.person_id, g.dimension, g.value, $2::text, now() from ${relation} g where g.value is not null
     on conflict (tenant_id, student_id, dimension) do update set value = excluded.value, source = excluded.source, updated_at = excluded.updated_at
     where (student_groups.value, student_groups.source) is distinct from (excluded.value, excluded.source)
     returning student_id`,
    all,
  );
  const removed = await q(
    `delete from student_groups s using ${relation} g
     where s.tenant_id = $1::uuid and s.student_id = g.person_id and s.dimension = g.dimension and g.value is null and $2::text is not null
     returning s.student_id`,
    all,
  );
  return [...new Set([...upserted.rows, ...removed.rows].map((r) => String(r.student_id)))];
}

/** The SIS's schools (OneRoster orgs of type school) by sourcedId, made or renamed (an admin's name stands). */
export async function upsertSisSchools(q: SqlRunner, tenantId: string, orgs: readonly { key: string; name: string }[]): Promise<number> {
  if (orgs.length === 0) return 0;
  const { rows } = await q(
    `insert into schools (tenant_id, name, source, sis_key)
     select $1::uuid, o.name, 'sis', o.key from jsonb_to_recordset($2::jsonb) as o(key text, name text)
     on conflict (tenant_id, sis_key) where sis_key is not null
     do update set name = excluded.name, updated_at = now() where schools.source <> 'admin' and schools.name <> excluded.name
     returning id`,
    [tenantId, JSON.stringify(orgs)],
  );
  return rows.length;
}

/** A relation of JSON rows for applyEnrolments and applyGroups: `jsonb_to_recordset($n)` with its columns. */
export const jsonRows = (param: number, columns: string) => `(select * from jsonb_to_recordset($${param}::jsonb) as r(${columns}))`;
