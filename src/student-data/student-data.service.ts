import type { Db, DbOrTx } from '../db/client.js';
import type { Clock } from '../web/clock.js';
import { localDate } from '../web/time-zone.js';
import { schoolYearAt, type SchoolYear } from '../web/school-year.js';
import type { DataSource } from './student-data.tables.js';
import * as repo from './student-data.repository.js';

export type { AttendanceInput, IncidentInput, CourseScoreInput, CourseScoreKey, StudentData, AttendanceDay, Incident, CourseScore, CourseScoreDay, IndicatorCountsRow, StudentWindow, WindowFigures } from './student-data.repository.js';
export { attendanceStatuses, incidentSeverities, dataSources, type AttendanceStatus, type IncidentSeverity, type DataSource } from './student-data.tables.js';

export interface StudentDataDeps {
  db: Db;
  clock: Clock;
  timeZoneOf: (tenantId: string) => Promise<string>;
  /** The school year's first day (MM-DD), the same one plans and indicators count from (platforms service). */
  schoolYearStartOf: (tenantId: string) => Promise<string>;
  /**
   * Told which students' data changed (after the write's transaction, by the caller's `tx` or at once):
   * the indicators recompute them. Bound late, as the indicators read through this service.
   */
  onChanged?: (tenantId: string, personIds: string[]) => Promise<void>;
}

/**
 * The one writer and reader of attendance, incidents and course standings. Connectors, imports and
 * manual entry write through it (idempotent upserts keyed by the source's own ids); the indicators read.
 * Callers that need all-or-nothing pass their transaction and call `changed` once it has committed.
 */
export function createStudentDataService(deps: StudentDataDeps) {
  const { db, clock } = deps;
  const changed = async (tenantId: string, personIds: Iterable<string>) => {
    const ids = [...new Set(personIds)];
    if (ids.length > 0 && deps.onChanged) await deps.onChanged(tenantId, ids);
  };
  const notify = async <T>(tenantId: string, tx: DbOrTx | undefined, personIds: Iterable<string>, n: T): Promise<T> => {
    // Inside a caller's transaction the caller notifies after its commit; rows not yet visible must not be recomputed.
    if (!tx) await changed(tenantId, personIds);
    return n;
  };
  /** The school's today. */
  const todayOf = async (tenantId: string) => localDate(clock.now(), await deps.timeZoneOf(tenantId));
  return {
    changed,
    upsertAttendance: async (tenantId: string, source: DataSource, rows: readonly repo.AttendanceInput[], tx?: DbOrTx) =>
      notify(tenantId, tx, rows.map((r) => r.personId), await repo.upsertAttendance(tx ?? db, tenantId, source, rows, clock.now())),
    upsertIncidents: async (tenantId: string, source: DataSource, rows: readonly repo.IncidentInput[], tx?: DbOrTx) =>
      notify(tenantId, tx, rows.map((r) => r.personId), await repo.upsertIncidents(tx ?? db, tenantId, source, rows)),
    /** The school's today, for a caller that writes standings inside its own transaction (see upsertCourseScores). */
    today: todayOf,
    /** The school's today and the school year that holds it (the days imports and entries may name). */
    async schoolYear(tenantId: string): Promise<SchoolYear & { today: string }> {
      const [zone, start] = await Promise.all([deps.timeZoneOf(tenantId), deps.schoolYearStartOf(tenantId)]);
      const today = localDate(clock.now(), zone);
      return { ...schoolYearAt(today, start), today };
    },
    /**
     * Standings and the day's trend point. Inside a caller's transaction the caller passes the school's
     * `day` (from `today`, read before it opened the transaction: PGlite has one connection, so a read
     * outside the transaction would wait on it forever).
     */
    async upsertCourseScores(tenantId: string, source: DataSource, rows: readonly repo.CourseScoreInput[], within?: { tx: DbOrTx; day: string }): Promise<number> {
      const day = within?.day ?? (await todayOf(tenantId));
      return notify(tenantId, within?.tx, rows.map((r) => r.personId), await repo.upsertCourseScores(within?.tx ?? db, tenantId, source, rows, clock.now(), day));
    },
    /**
     * After a full read of a source (every enrollment it has): its standings not among `seen` are marked
     * ended, inside the caller's transaction. Returns the student of each standing ended; the caller
     * notifies `changed` with them once it has committed.
     */
    endCourseScoresNotIn: (tenantId: string, source: DataSource, seen: readonly repo.CourseScoreKey[], within: { tx: DbOrTx; day: string }): Promise<string[]> =>
      repo.endCourseScoresNotIn(within.tx, tenantId, source, seen, clock.now(), within.day),
    /** One student's standings in one course marked ended (the source said the enrollment ended); returns how many. */
    async endCourseScores(tenantId: string, source: DataSource, key: { personId: string; courseKey: string }, within?: { tx: DbOrTx; day: string }): Promise<number> {
      const day = within?.day ?? (await todayOf(tenantId));
      return notify(tenantId, within?.tx, [key.personId], await repo.endCourseScores(within?.tx ?? db, tenantId, source, key, clock.now(), day));
    },
    /** What the indicators read: the students' rows since a day (the school year's start). */
    forStudents: (tenantId: string, personIds: string[], sinceDay: string): Promise<repo.StudentData> => repo.forStudents(db, tenantId, [...new Set(personIds)], sinceDay),
    /** What the indicators read for a whole school: each student's records counted per window in PostgreSQL, and their latest standings. */
    indicatorCounts: (tenantId: string, personIds: readonly string[], windows: { yearFrom: string; recentFrom: string; today: string; attended: readonly string[]; timeZone: string }) =>
      repo.indicatorCounts(db, tenantId, [...new Set(personIds)], windows),
    /**
     * For reports (which gate and audit their own reads): per (student, anchor day), the first of the `n`
     * school days before the anchor and the last of the `n` from it on, up to `today` (null: fewer days).
     */
    schoolDayBounds: (tenantId: string, anchors: readonly { studentId: string; day: string }[], n: number, today: string) => repo.schoolDayBounds(db, tenantId, anchors, n, today),
    /** For reports: school days, days attended, incidents and courses failing at the end of each window, in the order given (one statement). */
    windowFigures: (tenantId: string, windows: readonly repo.StudentWindow[], rules: { attended: readonly string[]; failingBelow: number }) => repo.windowFigures(db, tenantId, windows, rules),
  };
}
export type StudentDataService = ReturnType<typeof createStudentDataService>;
