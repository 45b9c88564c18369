import { z } from 'zod';
import { CanvasApiError, canvasCourseSchema, canvasEnrollmentSchema, canvasStudentSummarySchema, canvasSubmissionSchema, type CanvasClient, type CanvasCourseJson, type CanvasEnrollmentJson } from './canvas.client.js';

/** One student's scores in one Canvas course, as read (Canvas ids; not matched to a person yet). */
export interface CanvasScoreRow {
  userId: string;
  sisUserId: string | null;
  /** The student's name in Canvas: only for the admins' identity review queue. */
  label: string | null;
  courseId: string;
  courseTitle: string;
  /** The current grading period's id when the course has grading periods (its scores are that period's), else ''. */
  periodKey: string;
  currentScore: number | null;
  finalScore: number | null;
  missingCount: number;
  lateCount: number;
}

/** Active student enrollments of a course, with grades (canvas-lms doc/api/enrollments.md). */
const studentEnrollments = (client: CanvasClient, courseId: string, userId?: string) =>
  client.list(
    `/api/v1/courses/${encodeURIComponent(courseId)}/enrollments`,
    { 'type[]': 'StudentEnrollment', 'state[]': 'active', ...(userId ? { user_id: userId } : {}) },
    canvasEnrollmentSchema,
  );

/** Missing and late counts per student from the submissions of a course (submissions.md, student_ids[]). */
async function submissionCounts(client: CanvasClient, courseId: string, studentIds: string[] | 'all'): Promise<Counts> {
  const subs = await client.list(`/api/v1/courses/${encodeURIComponent(courseId)}/students/submissions`, { 'student_ids[]': studentIds === 'all' ? 'all' : studentIds }, canvasSubmissionSchema);
  const counts = new Map<string, { missing: number; late: number }>();
  for (const s of subs) {
    const c = counts.get(s.user_id) ?? { missing: 0, late: 0 };
    if (s.missing && !s.excused) c.missing++;
    if (s.late && !s.excused) c.late++;
    counts.set(s.user_id, c);
  }
  return counts;
}

type Counts = Map<string, { missing: number; late: number }>;

/**
 * Course analytics' student summaries: one row per student with late and missing counts (one request per
 * 100 students, where the submissions list is one row per student and assignment). null where the
 * account has analytics off (404) or the token's user may not see it: then the submissions are counted.
 */
async function summaryCounts(client: CanvasClient, courseId: string, studentId?: string): Promise<Counts | null> {
  try {
    const rows = await client.listOrNull(`/api/v1/courses/${encodeURIComponent(courseId)}/analytics/student_summaries`, studentId ? { student_id: studentId } : {}, canvasStudentSummarySchema);
    if (!rows) return null;
    return new Map(rows.map((r) => [r.id, { missing: r.tardiness_breakdown?.missing ?? 0, late: r.tardiness_breakdown?.late ?? 0 }]));
  } catch (err) {
    if (err instanceof CanvasApiError && err.opts.permission) return null;
    throw err;
  }
}

/** Missing/late counts, by analytics when the account has it (remembered per read), else by submissions. */
function countsReader(client: CanvasClient) {
  let analytics = true;
  return async (courseId: string, studentIds: string[] | 'all'): Promise<Counts> => {
    if (analytics) {
      const one = studentIds === 'all' ? undefined : studentIds.length === 1 ? studentIds[0] : undefined;
      if (studentIds === 'all' || one) {
        const counts = await summaryCounts(client, courseId, one);
        if (counts) return counts;
        analytics = false;
      }
    }
    return submissionCounts(client, courseId, studentIds);
  };
}

function rowsOf(course: CanvasCourseJson, enrollments: CanvasEnrollmentJson[], counts: Map<string, { missing: number; late: number }>): CanvasScoreRow[] {
  const rows = new Map<string, CanvasScoreRow>();
  for (const e of enrollments) {
    if (e.type !== 'StudentEnrollment') continue;
    // A student in two sections of a course has two enrollments with the same course grades: one row.
    if (rows.has(e.user_id)) continue;
    const c = counts.get(e.user_id) ?? { missing: 0, late: 0 };
    // A course with grading periods: the current period's standing is the one that matters now (a past
    // quarter's failing grade no longer is); between periods, or without them, the whole course's.
    const period = e.current_grading_period_id && e.current_period_computed_current_score !== undefined ? e.current_grading_period_id : null;
    rows.set(e.user_id, {
      userId: e.user_id,
      sisUserId: e.sis_user_id ?? e.user?.sis_user_id ?? null,
      label: e.user?.name ?? null,
      courseId: course.id,
      courseTitle: course.name ?? course.course_code ?? course.id,
      periodKey: period ?? '',
      currentScore: period ? (e.current_period_computed_current_score ?? null) : (e.grades?.current_score ?? null),
      finalScore: period ? (e.current_period_computed_final_score ?? null) : (e.grades?.final_score ?? null),
      missingCount: c.missing,
      lateCount: c.late,
    });
  }
  return [...rows.values()];
}

/**
 * Every published course of the account (and its sub-accounts) that has students, and for each its
 * students' current and final scores and missing/late counts: every course a student takes, not only
 * those where the tool is placed.
 */
export async function readAccountScores(client: CanvasClient, accountId: string, onCourse?: (rows: number) => void): Promise<CanvasScoreRow[]> {
  const courses = await client.list(
    `/api/v1/accounts/${encodeURIComponent(accountId)}/courses`,
    { 'state[]': 'available', 'enrollment_type[]': 'student' },
    canvasCourseSchema,
  );
  const rows: CanvasScoreRow[] = [];
  const countsOf = countsReader(client);
  for (const course of courses) {
    const enrollments = await studentEnrollments(client, course.id);
    if (!enrollments.length) continue;
    const counts = await countsOf(course.id, 'all');
    const courseRows = rowsOf(course, enrollments, counts);
    rows.push(...courseRows);
    onCourse?.(courseRows.length);
  }
  return rows;
}

/** One student's row in one course (a Live Event's refresh); null when the enrollment is not active. */
export async function readEnrollmentScore(client: CanvasClient, courseId: string, userId: string): Promise<CanvasScoreRow | null> {
  const course = await client.get(`/api/v1/courses/${encodeURIComponent(courseId)}`, {}, canvasCourseSchema);
  if (!course) return null;
  const enrollments = await studentEnrollments(client, courseId, userId);
  const mine = enrollments.filter((e) => e.user_id === userId);
  if (!mine.length) return null;
  const counts = await countsReader(client)(courseId, [userId]);
  return rowsOf(course, mine, counts)[0] ?? null;
}

/** Canvas ids as Live Events carry them: global (shard * 10^13 + local) or local; the REST API's local id. */
export function localId(id: string | number): string {
  const s = String(id);
  if (!/^\d+$/.test(s)) return s;
  return (BigInt(s) % 10_000_000_000_000n).toString();
}

export const canvasConfigSchema = z.object({
  /** e.g. https://district.instructure.com */
  baseUrl: z.url(),
  /** The account whose courses are read (1 = the root account; a sub-account for one school). */
  accountId: z.string().regex(/^\d+$/).default('1'),
  /** Where Canvas Data Services publishes its Live Events keys. */
  liveEventsJwksUrl: z.url().default('https://8axpcl50e4.execute-api.us-east-1.amazonaws.com/main/jwks'),
  /** When set, Live Events of another Canvas instance are refused (their signing key is shared). */
  rootAccountUuid: z.string().min(1).optional(),
});
export type CanvasConfig = z.infer<typeof canvasConfigSchema>;
