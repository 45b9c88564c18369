import { and, eq, gte, inArray, isNull, sql } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '../db/client.js';
import { attendanceDays, incidents, courseScores, courseScoreDays, type DataSource } from './student-data.tables.js';
import { uuidArray } from '../db/id-list.js';

export type AttendanceDay = typeof attendanceDays.$inferSelect;
export type Incident = typeof incidents.$inferSelect;
export type CourseScore = typeof courseScores.$inferSelect;
export type CourseScoreDay = typeof courseScoreDays.$inferSelect;

export type AttendanceInput = Pick<AttendanceDay, 'personId' | 'day' | 'status'> & { enteredBy?: string | null };
export type IncidentInput = Pick<Incident, 'personId' | 'externalId' | 'day' | 'category' | 'severity'> &
  Partial<Pick<Incident, 'consequence' | 'suspensionDays'>> & { enteredBy?: string | null };
export type CourseScoreInput = Pick<CourseScore, 'personId' | 'courseKey' | 'currentScore'> &
  Partial<Pick<CourseScore, 'courseTitle' | 'periodKey' | 'finalScore' | 'missingCount' | 'lateCount'>>;

// PostgreSQL takes at most 65,535 parameters a statement: rows go in slices well under that.
const slice = 1000;
function* slices<T>(rows: readonly T[]): Generator<T[]> {
  for (let i = 0; i < rows.length; i += slice) yield rows.slice(i, i + slice);
}

export async function upsertAttendance(db: DbOrTx, tenantId: string, source: DataSource, rows: readonly AttendanceInput[], at: Date): Promise<number> {
  let n = 0;
  for (const part of slices(rows)) {
    const done = await db
      .insert(attendanceDays)
      .values(part.map((r) => ({ tenantId, personId: r.personId, day: r.day, status: r.status, source, enteredBy: r.enteredBy ?? null, updatedAt: at })))
      .onConflictDoUpdate({
        target: [attendanceDays.tenantId, attendanceDays.personId, attendanceDays.day],
        set: { status: sql`excluded.status`, source: sql`excluded.source`, enteredBy: sql`excluded.entered_by`, updatedAt: sql`excluded.updated_at` },
        // An unchanged day is not rewritten: a re-import of the same file changes nothing.
        setWhere: sql`(${attendanceDays.status}, ${attendanceDays.source}) is distinct from (excluded.status, excluded.source)`,
      })
      .returning({ day: attendanceDays.day });
    n += done.length;
  }
  return n;
}

export async function upsertIncidents(db: DbOrTx, tenantId: string, source: DataSource, rows: readonly IncidentInput[]): Promise<number> {
  let n = 0;
  for (const part of slices(rows)) {
    const done = await db
      .insert(incidents)
      .values(
        part.map((r) => ({
          tenantId,
          personId: r.personId,
          externalId: r.externalId,
          day: r.day,
          category: r.category,
          severity: r.severity,
          consequence: r.consequence ?? '',
          suspensionDays: r.suspensionDays ?? 0,
          source,
          enteredBy: r.enteredBy ?? null,
        })),
      )
      .onConflictDoUpdate({
        target: [incidents.tenantId, incidents.source, incidents.externalId],
        set: {
          personId: sql`excluded.person_id`,
          day: sql`excluded.day`,
          category: sql`excluded.category`,
          severity: sql`excluded.severity`,
          consequence: sql`excluded.consequence`,
          suspensionDays: sql`excluded.suspension_days`,
        },
        setWhere: sql`(${incidents.personId}, ${incidents.day}, ${incidents.category}, ${incidents.severity}, ${incidents.consequence}, ${incidents.suspensionDays})
          is distinct from (excluded.person_id, excluded.day, excluded.category, excluded.severity, excluded.consequence, excluded.suspension_days)`,
      })
      .returning({ id: incidents.id });
    n += done.length;
  }
  return n;
}

/** Upserts the standings and the day's trend point; returns how many standings changed. */
export async function upsertCourseScores(db: DbOrTx, tenantId: string, source: DataSource, rows: readonly CourseScoreInput[], at: Date, day: string): Promise<number> {
  let n = 0;
  for (const part of slices(rows)) {
    const done = await db
      .insert(courseScores)
      .values(
        part.map((r) => ({
          tenantId,
          personId: r.personId,
          source,
          courseKey: r.courseKey,
          courseTitle: r.courseTitle ?? '',
          periodKey: r.periodKey ?? '',
          currentScore: r.currentScore,
          finalScore: r.finalScore ?? null,
          missingCount: r.missingCount ?? 0,
          lateCount: r.lateCount ?? 0,
          observedAt: at,
          updatedAt: at,
        })),
      )
      .onConflictDoUpdate({
        target: [courseScores.tenantId, courseScores.personId, courseScores.source, courseScores.courseKey, courseScores.periodKey],
        set: {
          courseTitle: sql`excluded.course_title`,
          currentScore: sql`excluded.current_score`,
          finalScore: sql`excluded.final_score`,
          missingCount: sql`excluded.missing_count`,
          lateCount: sql`excluded.late_count`,
          observedAt: sql`excluded.observed_at`,
          updatedAt: sql`excluded.updated_at`,
          // Reported again (the student came back): no longer ended.
          endedOn: sql`null`,
        },
        setWhere: sql`(${courseScores.courseTitle}, ${courseScores.currentScore}, ${courseScores.finalScore}, ${courseScores.missingCount}, ${courseScores.lateCount})
          is distinct from (excluded.course_title, excluded.current_score, excluded.final_score, excluded.missing_count, excluded.late_count)
          or ${courseScores.endedOn} is not null`,
      })
      .returning({ id: courseScores.id });
    n += done.length;
    // The trend keeps one point per course and day (a course with grading periods: the current one's, the last written).
    const points = new Map(part.map((r) => [`${r.personId} ${r.courseKey}`, r]));
    await db
      .insert(courseScoreDays)
      .values([...points.values()].map((r) => ({ tenantId, personId: r.personId, source, courseKey: r.courseKey, day, currentScore: r.currentScore })))
      .onConflictDoUpdate({
        target: [courseScoreDays.tenantId, courseScoreDays.personId, courseScoreDays.source, courseScoreDays.courseKey, courseScoreDays.day],
        set: { currentScore: sql`excluded.current_score` },
      });
  }
  return n;
}

/** A standing as its source names it. */
export type CourseScoreKey = Pick<CourseScore, 'personId' | 'courseKey'> & { periodKey?: string };

/**
 * After a full read of a source: its standings not among `seen` (the student left the course, the course
 * concluded, the grading period moved on) are marked ended on `day`, not deleted, so history stays.
 * Returns the student of each standing ended (one entry per standing).
 */
export async function endCourseScoresNotIn(db: DbOrTx, tenantId: string, source: DataSource, seen: readonly CourseScoreKey[], at: Date, day: string): Promise<string[]> {
  // One JSON parameter for the whole set (a district's enrollments are far more than the parameter limit).
  const keys = JSON.stringify(seen.map((k) => ({ p: k.personId, c: k.courseKey, k: k.periodKey ?? '' })));
  const rows = await db
    .update(courseScores)
    .set({ endedOn: day, updatedAt: at })
    .where(
      and(
        eq(courseScores.tenantId, tenantId),
        eq(courseScores.source, source),
        isNull(courseScores.endedOn),
        sql`not exists (select 1 from jsonb_to_recordset(${keys}::jsonb) as s(p uuid, c text, k text)
          where s.p = ${courseScores.personId} and s.c = ${courseScores.courseKey} and s.k = ${courseScores.periodKey})`,
      ),
    )
    .returning({ personId: courseScores.personId });
  return rows.map((r) => r.personId);
}

/** One student's standings in one course of a source (every grading period) marked ended on `day`; returns how many. */
export async function endCourseScores(db: DbOrTx, tenantId: string, source: DataSource, key: Pick<CourseScore, 'personId' | 'courseKey'>, at: Date, day: string): Promise<number> {
  const rows = await db
    .update(courseScores)
    .set({ endedOn: day, updatedAt: at })
    .where(and(eq(courseScores.tenantId, tenantId), eq(courseScores.source, source), eq(courseScores.personId, key.personId), eq(courseScores.courseKey, key.courseKey), isNull(courseScores.endedOn)))
    .returning({ id: courseScores.id });
  return rows.length;
}

export interface StudentData {
  attendance: AttendanceDay[];
  incidents: Incident[];
  scores: CourseScore[];
  scoreDays: CourseScoreDay[];
}

/** Everything the indicators read for these students since a day (the school year's start); standings that ended are left out, their trend points kept. */
export async function forStudents(db: DbOrTx, tenantId: string, personIds: string[], sinceDay: string): Promise<StudentData> {
  if (personIds.length === 0) return { attendance: [], incidents: [], scores: [], scoreDays: [] };
  const [attendance, incidentRows, scores, scoreDays] = await Promise.all([
    db.select().from(attendanceDays).where(and(eq(attendanceDays.tenantId, tenantId), inArray(attendanceDays.personId, personIds), gte(attendanceDays.day, sinceDay))).orderBy(attendanceDays.day),
    db.select().from(incidents).where(and(eq(incidents.tenantId, tenantId), inArray(incidents.personId, personIds), gte(incidents.day, sinceDay))).orderBy(incidents.day),
    db.select().from(courseScores).where(and(eq(courseScores.tenantId, tenantId), inArray(courseScores.personId, personIds), isNull(courseScores.endedOn))),
    db.select().from(courseScoreDays).where(and(eq(courseScoreDays.tenantId, tenantId), inArray(courseScoreDays.personId, personIds), gte(courseScoreDays.day, sinceDay))).orderBy(courseScoreDays.day),
  ]);
  return { attendance, incidents: incidentRows, scores, scoreDays };
}

/** One student's records counted per window, for a whole school's indicators at once (see indicatorCounts). */
export interface IndicatorCountsRow {
  person_id: string;
  year_days: number;
  year_attended: number;
  recent_days: number;
  recent_attended: number;
  year_incidents: number;
  year_incident_days: number;
  /** Days with an incident but no attendance record (still school days for the behaviour rate). */
  year_extra_days: number;
  year_suspensions: number;
  year_suspension_days: number;
  recent_incidents: number;
  recent_incident_days: number;
  recent_extra_days: number;
  recent_suspensions: number;
  recent_suspension_days: number;
  /**
   * The latest standing of each course: [source, course key, title, period key, current score, the school's day it was observed].
   * Built as json, not jsonb: it is only sent to the app, and json writes its text directly.
   */
  courses: [string, string, string, string, number, string][] | null;
}

/**
 * The indicators' set-based read: these students' attendance and incidents counted per window and their
 * latest course standings, in one statement (aggregated in PostgreSQL, not row by row in the app).
 * Each student's rows are reached through the (tenant, person, ...) indexes, one lateral subquery per
 * student: a batch reads its own students' rows only. A filter `person_id = any(batch)` over the
 * tenant's rows instead read every row of the school for every batch (9 million attendance rows 20
 * times over for 100,000 students), and the planner picked it whenever the tables' statistics were
 * stale, as they are just after an import.
 * Without just-in-time compilation: with some statistics the planner prices a batch's thousands of
 * lateral lookups so high that PostgreSQL compiles, optimises and inlines the expressions with LLVM
 * first, 0.6-1.3 s a batch of 5,000 students, more than the statement's own work (SET LOCAL: the
 * transaction holds the setting).
 */
export async function indicatorCounts(
  db: DbOrTx,
  tenantId: string,
  personIds: readonly string[],
  w: { yearFrom: string; recentFrom: string; today: string; attended: readonly string[]; timeZone: string },
): Promise<IndicatorCountsRow[]> {
  if (personIds.length === 0) return [];
  const attended = `{${w.attended.join(',')}}`;
  return db.transaction(async (tx) => {
    await tx.execute(sql`set local jit = off`);
    return queryRows<IndicatorCountsRow>(tx, sql`
    select ids.person_id,
      att.year_days, att.year_attended, att.recent_days, att.recent_attended,
      coalesce(inc.year_incidents, 0) as year_incidents, inc.year_incident_days, inc.year_extra_days,
      coalesce(inc.year_suspensions, 0) as year_suspensions, coalesce(inc.year_suspension_days, 0) as year_suspension_days,
      coalesce(inc.recent_incidents, 0) as recent_incidents, inc.recent_incident_days, inc.recent_extra_days,
      coalesce(inc.recent_suspensions, 0) as recent_suspensions, coalesce(inc.recent_suspension_days, 0) as recent_suspension_days,
      sc.courses
    from unnest(${uuidArray(personIds)}) as ids(person_id)
    cross join lateral (
      select
        count(*)::int as year_days,
        count(*) filter (where status = any(${attended}::text[]))::int as year_attended,
        count(*) filter (where day >= ${w.recentFrom}::date)::int as recent_days,
        count(*) filter (where day >= ${w.recentFrom}::date and status = any(${attended}::text[]))::int as recent_attended
      from ${attendanceDays} a
      where a.tenant_id = ${tenantId} and a.person_id = ids.person_id and a.day between ${w.yearFrom}::date and ${w.today}::date) att
    cross join lateral (
      select
        sum(n)::int as year_incidents, count(*)::int as year_incident_days, count(*) filter (where extra)::int as year_extra_days,
        sum(susp)::int as year_suspensions, sum(susp_days)::float8 as year_suspension_days,
        sum(n) filter (where day >= ${w.recentFrom}::date)::int as recent_incidents,
        count(*) filter (where day >= ${w.recentFrom}::date)::int as recent_incident_days,
        count(*) filter (where day >= ${w.recentFrom}::date and extra)::int as recent_extra_days,
        sum(susp) filter (where day >= ${w.recentFrom}::date)::int as recent_suspensions,
        sum(susp_days) filter (where day >= ${w.recentFrom}::date)::float8 as recent_suspension_days
      from (
        select i.day, count(*)::int as n, count(*) filter (where i.suspension_days > 0)::int as susp, coalesce(sum(i.suspension_days) filter (where i.suspension_days > 0), 0) as susp_days,
          bool_and(a.person_id is null) as extra
        from ${incidents} i left join ${attendanceDays} a on a.tenant_id = i.tenant_id and a.person_id = i.person_id and a.day = i.day
        where i.tenant_id = ${tenantId} and i.person_id = ids.person_id and i.day between ${w.yearFrom}::date and ${w.today}::date
        group by i.day) d) inc
    cross join lateral (
      select json_agg(json_build_array(source, course_key, course_title, period_key, current_score::float8, (observed_at at time zone ${w.timeZone})::date)) as courses
      from (
        select distinct on (source, course_key) source, course_key, course_title, period_key, current_score, observed_at
        from ${courseScores} c
        where c.tenant_id = ${tenantId} and c.person_id = ids.person_id and c.current_score is not null and c.ended_on is null
        order by source, course_key, observed_at desc, length(period_key) desc, period_key desc) latest) sc`);
  });
}

/** A student's comparison window: the school days of one student between two days (inclusive). */
export interface StudentWindow {
  studentId: string;
  from: string;
  to: string;
}

/** What one window holds: school days (attendance records), days attended, incidents, and courses measured and failing at its end. */
export interface WindowFigures {
  schoolDays: number;
  attended: number;
  incidents: number;
  /** Courses with a trend point in the window (the latest point in it per course). */
  coursesMeasured: number;
  /** Of those, courses whose latest point in the window is below `failingBelow`. */
  coursesFailing: number;
}

/** A date list as one `date[]` parameter (days are yyyy-mm-dd, checked). */
const dayArray = (days: readonly string[]) => sql`${`{${days.filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d)).join(',')}}`}::date[]`;

/**
 * For each (student, anchor day): the first day of the `n` school days before the anchor and the last of
 * the `n` school days from the anchor on (up to `today`), or null when the student has fewer such days.
 * A school day is a day with an attendance record, as the indicators count them. One statement: the
 * pairs go as two array parameters, each student's days reached through the (tenant, person, day) key.
 */
export async function schoolDayBounds(db: DbOrTx, tenantId: string, anchors: readonly { studentId: string; day: string }[], n: number, today: string): Promise<{ studentId: string; day: string; beforeFrom: string | null; afterTo: string | null }[]> {
  if (anchors.length === 0) return [];
  const rows = await queryRows<{ person_id: string; anchor: string; before_from: string | null; after_to: string | null }>(db, sql`
    select w.person_id, w.anchor::text as anchor,
      (select a.day from ${attendanceDays} a where a.tenant_id = ${tenantId} and a.person_id = w.person_id and a.day < w.anchor
        order by a.day desc offset ${n - 1} limit 1)::text as before_from,
      (select a.day from ${attendanceDays} a where a.tenant_id = ${tenantId} and a.person_id = w.person_id and a.day >= w.anchor and a.day <= ${today}::date
        order by a.day asc offset ${n - 1} limit 1)::text as after_to
    from unnest(${uuidArray(anchors.map((a) => a.studentId))}, ${dayArray(anchors.map((a) => a.day))}) as w(person_id, anchor)`);
  return rows.map((r) => ({ studentId: r.person_id, day: r.anchor, beforeFrom: r.before_from, afterTo: r.after_to }));
}

/**
 * The figures of many windows in one statement (in the order given): each window's attendance days
 * and incidents counted, and its courses' latest trend points in the window judged against `failingBelow`.
 */
export async function windowFigures(db: DbOrTx, tenantId: string, windows: readonly StudentWindow[], rules: { attended: readonly string[]; failingBelow: number }): Promise<WindowFigures[]> {
  if (windows.length === 0) return [];
  const attended = `{${rules.attended.join(',')}}`;
  const rows = await queryRows<{ i: string; school_days: number; attended: number; incidents: number; courses_measured: number; courses_failing: number }>(db, sql`
    select w.i, att.school_days, att.attended, inc.incidents, sc.courses_measured, sc.courses_failing
    from unnest(${uuidArray(windows.map((w) => w.studentId))}, ${dayArray(windows.map((w) => w.from))}, ${dayArray(windows.map((w) => w.to))}) with ordinality as w(person_id, from_day, to_day, i)
    cross join lateral (
      select count(*)::int as school_days, count(*) filter (where a.status = any(${attended}::text[]))::int as attended
      from ${attendanceDays} a where a.tenant_id = ${tenantId} and a.person_id = w.person_id and a.day between w.from_day and w.to_day) att
    cross join lateral (
      select count(*)::int as incidents from ${incidents} i where i.tenant_id = ${tenantId} and i.person_id = w.person_id and i.day between w.from_day and w.to_day) inc
    cross join lateral (
      select count(*)::int as courses_measured, count(*) filter (where latest.current_score < ${rules.failingBelow})::int as courses_failing
      from (
        select distinct on (c.source, c.course_key) c.current_score
        from ${courseScoreDays} c
        where c.tenant_id = ${tenantId} and c.person_id = w.person_id and c.day between w.from_day and w.to_day and c.current_score is not null
        order by c.source, c.course_key, c.day desc) latest) sc
    order by w.i`);
  return rows.map((r) => ({ schoolDays: Number(r.school_days), attended: Number(r.attended), incidents: Number(r.incidents), coursesMeasured: Number(r.courses_measured), coursesFailing: Number(r.courses_failing) }));
}
