import { and, eq, gte, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { attendanceDays, incidents, courseScores, courseScoreDays, type DataSource } from './student-data.tables.js';

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
        },
        setWhere: sql`(${courseScores.courseTitle}, ${courseScores.currentScore}, ${courseScores.finalScore}, ${courseScores.missingCount}, ${courseScores.lateCount})
          is distinct from (excluded.course_title, excluded.current_score, excluded.final_score, excluded.missing_count, excluded.late_count)`,
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

export interface StudentData {
  attendance: AttendanceDay[];
  incidents: Incident[];
  scores: CourseScore[];
  scoreDays: CourseScoreDay[];
}

/** Everything the indicators read for these students since a day (the school year's start). */
export async function forStudents(db: DbOrTx, tenantId: string, personIds: string[], sinceDay: string): Promise<StudentData> {
  if (personIds.length === 0) return { attendance: [], incidents: [], scores: [], scoreDays: [] };
  const [attendance, incidentRows, scores, scoreDays] = await Promise.all([
    db.select().from(attendanceDays).where(and(eq(attendanceDays.tenantId, tenantId), inArray(attendanceDays.personId, personIds), gte(attendanceDays.day, sinceDay))).orderBy(attendanceDays.day),
    db.select().from(incidents).where(and(eq(incidents.tenantId, tenantId), inArray(incidents.personId, personIds), gte(incidents.day, sinceDay))).orderBy(incidents.day),
    db.select().from(courseScores).where(and(eq(courseScores.tenantId, tenantId), inArray(courseScores.personId, personIds))),
    db.select().from(courseScoreDays).where(and(eq(courseScoreDays.tenantId, tenantId), inArray(courseScoreDays.personId, personIds), gte(courseScoreDays.day, sinceDay))).orderBy(courseScoreDays.day),
  ]);
  return { attendance, incidents: incidentRows, scores, scoreDays };
}
