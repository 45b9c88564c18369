import { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import type { CanvasEnrollment, CanvasState, CanvasSubmission, CanvasToken } from './state.js';

/*
 * Canvas REST API as documented (doc/api/{pagination,throttling,enrollments,submissions,courses}.md):
 * - paging: `per_page` (default 10, at most 100), `page`; a `Link` header with rel current/next/prev/first/last,
 *   absolute URLs to be followed as they are (response header names are lower case since 2024);
 * - throttling: a leaky bucket per access token; every response carries `X-Request-Cost` and
 *   `X-Rate-Limit-Remaining`; an empty bucket answers `403 Forbidden (Rate Limit Exceeded)`;
 * - a bad, expired or deleted token: 401, `WWW-Authenticate: Bearer realm="canvas-lms"`,
 *   `{"errors":[{"message":"Invalid access token."}]}`; a token of a user without the right: 401
 *   `{"status":"unauthorized",...}`;
 * - no User-Agent: 403 (enforced in production since January 2026).
 */

const DEFAULT_PER_PAGE = 10;
const MAX_PER_PAGE = 100;

const pageQuery = z.object({
  page: z.coerce.number().int().positive().optional(),
  per_page: z.coerce.number().int().positive().optional(),
});

/** `type[]=a&type[]=b` (Canvas's Rails-style array parameters) as an array. */
function arrayParam(req: Request, name: string): string[] {
  const v = (req.query as Record<string, unknown>)[`${name}[]`] ?? (req.query as Record<string, unknown>)[name];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).map(String);
}

interface Locals {
  token: CanvasToken;
}
const tokenOf = (res: Response): CanvasToken => (res.locals as Locals).token;

/** Canvas's string-ids mode: `id` and every `*_id` that is a number becomes a string. */
function stringIds(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stringIds);
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, (k === 'id' || k.endsWith('_id')) && typeof x === 'number' ? String(x) : stringIds(x)]));
  }
  return v;
}

function notFound(res: Response): void {
  res.status(404).json({ errors: [{ message: 'The specified resource does not exist.' }] });
}

function unauthorized(res: Response): void {
  res.status(401).json({ status: 'unauthorized', errors: [{ message: 'user not authorized to perform that action' }] });
}

export function canvasRestRoutes(state: CanvasState): Router {
  const r = Router();

  // Every API request: User-Agent, outage, token, throttle; recorded for the tests.
  r.use('/api/v1', (req: Request, res: Response, next: NextFunction) => {
    const record = (remaining: number) =>
      res.on('finish', () => state.requests.push({ method: req.method, path: req.path, status: res.statusCode, userAgent: req.get('user-agent'), remaining }));
    if (state.requireUserAgent && !req.get('user-agent')) {
      record(NaN);
      res.status(403).json({ error: 'Forbidden', message: 'You are not authorized to access this site because you have not provided a valid user agent.' });
      return;
    }
    if (state.outages > 0) {
      state.outages--;
      record(NaN);
      res.status(503).type('text/html').send('<html><body><h1>Canvas is temporarily unavailable</h1></body></html>');
      return;
    }
    const auth = req.get('authorization') ?? '';
    const m = /^Bearer\s+(\S+)$/i.exec(auth);
    const raw = m?.[1] ?? (typeof req.query.access_token === 'string' ? req.query.access_token : undefined);
    if (!raw) {
      record(NaN);
      res.status(401).set('WWW-Authenticate', 'Bearer realm="canvas-lms"').json({ status: 'unauthenticated', errors: [{ message: 'user authorization required' }] });
      return;
    }
    const token = state.tokens.get(raw);
    if (!token || token.revoked || (token.expiresAt && token.expiresAt.getTime() <= state.clock.now().getTime())) {
      record(NaN);
      res.status(401).set('WWW-Authenticate', 'Bearer realm="canvas-lms"').json({ errors: [{ message: 'Invalid access token.' }] });
      return;
    }
    if (token.requestsLeft !== undefined && --token.requestsLeft <= 0) token.expiresAt = state.clock.now();
    // Leaky bucket: drained at outflowPerSecond since the last request.
    const nowMs = state.clock.now().getTime();
    const bucket = state.buckets.get(raw) ?? { level: 0, at: nowMs };
    bucket.level = Math.max(0, bucket.level - ((nowMs - bucket.at) / 1000) * state.rate.outflowPerSecond);
    bucket.at = nowMs;
    state.buckets.set(raw, bucket);
    const remainingNow = state.rate.highWaterMark - bucket.level;
    if (remainingNow <= 0) {
      record(remainingNow);
      res.status(403).set({ 'X-Request-Cost': '0', 'X-Rate-Limit-Remaining': remainingNow.toFixed(4) }).type('text/plain').send('403 Forbidden (Rate Limit Exceeded)\n');
      return;
    }
    const { preflightPenalty, costPerRequest } = state.rate;
    bucket.level += preflightPenalty + costPerRequest;
    const remaining = state.rate.highWaterMark - bucket.level + preflightPenalty;
    res.set({ 'X-Request-Cost': costPerRequest.toFixed(4), 'X-Rate-Limit-Remaining': remaining.toFixed(4) });
    res.on('finish', () => {
      bucket.level = Math.max(0, bucket.level - preflightPenalty);
    });
    record(remaining);
    (res.locals as Locals).token = token;
    // `Accept: application/json+canvas-string-ids` (pagination.md/README): every integer id as a string.
    if ((req.get('accept') ?? '').includes('application/json+canvas-string-ids')) {
      const json = res.json.bind(res);
      res.json = (body: unknown) => json(stringIds(body));
    }
    next();
  });

  /** Pages `all` and sets the Link header Canvas sends. */
  function paged<T>(req: Request, res: Response, all: T[]): T[] | undefined {
    const q = pageQuery.safeParse(req.query);
    if (!q.success) {
      res.status(400).json({ errors: [{ message: 'Invalid page or per_page' }] });
      return undefined;
    }
    const perPage = Math.min(q.data.per_page ?? DEFAULT_PER_PAGE, MAX_PER_PAGE);
    const page = q.data.page ?? 1;
    const lastPage = Math.max(1, Math.ceil(all.length / perPage));
    const self = new URL(`${state.baseUrl}${req.originalUrl.slice(req.baseUrl.length)}`);
    self.searchParams.delete('access_token');
    const pageUrl = (n: number) => {
      const u = new URL(self);
      u.searchParams.set('page', String(n));
      u.searchParams.set('per_page', String(perPage));
      return u.toString();
    };
    const links = [`<${pageUrl(page)}>; rel="current"`];
    if (page < lastPage) links.push(`<${pageUrl(page + 1)}>; rel="next"`);
    if (page > 1) links.push(`<${pageUrl(page - 1)}>; rel="prev"`);
    links.push(`<${pageUrl(1)}>; rel="first"`, `<${pageUrl(lastPage)}>; rel="last"`);
    res.setHeader('link', links.join(','));
    return all.slice((page - 1) * perPage, page * perPage);
  }

  /** `sis_user_id:XYZ` or a plain id; `self` for the token's user. */
  function resolveUserId(raw: string, token: CanvasToken): string | undefined {
    if (raw === 'self') return token.userId;
    const sis = /^sis_user_id:(.+)$/.exec(raw);
    if (sis) return [...state.users.values()].find((u) => u.sisUserId === sis[1])?.id;
    return state.users.has(raw) ? raw : undefined;
  }

  const courseJson = (id: string) => {
    const c = state.courses.get(id);
    if (!c) return undefined;
    return {
      id: Number(c.id),
      name: c.name,
      course_code: c.courseCode,
      sis_course_id: c.sisCourseId,
      workflow_state: c.workflowState,
      account_id: Number(c.accountId),
      root_account_id: 1,
      enrollment_term_id: Number(c.enrollmentTermId),
      uuid: `sim-course-${c.id}`,
      default_view: 'modules',
      is_public: false,
      time_zone: 'America/Denver',
    };
  };

  /**
   * A student enrollment in a course with grading periods carries the current period and its scores
   * (enrollments.md: has_grading_periods, current_grading_period_id, current_period_computed_*);
   * `grades` stays the whole course's.
   */
  const periodJson = (e: CanvasEnrollment) => {
    if (e.type !== 'StudentEnrollment' || state.periodsOf(e.courseId).length === 0) return {};
    const current = state.currentPeriod(e.courseId);
    const g = current ? e.periodGrades[current.id] : undefined;
    return {
      has_grading_periods: true,
      totals_for_all_grading_periods_option: true,
      current_grading_period_title: current?.title ?? null,
      current_grading_period_id: current ? Number(current.id) : null,
      current_period_computed_current_score: g?.current_score ?? null,
      current_period_computed_final_score: g?.final_score ?? null,
      current_period_computed_current_grade: g?.current_grade ?? null,
      current_period_computed_final_grade: g?.final_grade ?? null,
      current_period_unposted_current_score: g?.current_score ?? null,
      current_period_unposted_final_score: g?.final_score ?? null,
    };
  };

  const enrollmentJson = (e: CanvasEnrollment, admin: boolean) => {
    const user = state.users.get(e.userId);
    const course = state.courses.get(e.courseId);
    const htmlUrl = `${state.baseUrl}/courses/${e.courseId}/users/${e.userId}`;
    return {
      ...periodJson(e),
      id: Number(e.id),
      user_id: Number(e.userId),
      course_id: Number(e.courseId),
      type: e.type,
      created_at: e.createdAt,
      updated_at: e.updatedAt,
      associated_user_id: null,
      start_at: null,
      end_at: null,
      course_section_id: Number(e.sectionId),
      root_account_id: 1,
      limit_privileges_to_course_section: false,
      enrollment_state: e.state,
      role: e.type,
      role_id: 3,
      last_activity_at: null,
      last_attended_at: null,
      total_activity_time: 0,
      sis_account_id: null,
      sis_course_id: admin ? (course?.sisCourseId ?? null) : undefined,
      course_integration_id: null,
      sis_section_id: null,
      section_integration_id: null,
      sis_user_id: admin ? (user?.sisUserId ?? null) : undefined,
      html_url: htmlUrl,
      grades:
        e.type === 'StudentEnrollment'
          ? {
              html_url: `${state.baseUrl}/courses/${e.courseId}/grades/${e.userId}`,
              current_grade: e.grades.current_grade,
              current_score: e.grades.current_score,
              final_grade: e.grades.final_grade,
              final_score: e.grades.final_score,
              unposted_current_score: e.grades.current_score,
              unposted_current_grade: e.grades.current_grade,
              unposted_final_score: e.grades.final_score,
              unposted_final_grade: e.grades.final_grade,
            }
          : undefined,
      user: user
        ? {
            id: Number(user.id),
            name: user.name,
            created_at: e.createdAt,
            sortable_name: user.sortableName ?? user.name,
            short_name: user.name,
            sis_user_id: admin ? user.sisUserId : undefined,
            integration_id: null,
            login_id: admin ? (user.loginId ?? null) : undefined,
          }
        : undefined,
    };
  };

  const flagsOf = (s: CanvasSubmission) => {
    const assignment = state.assignments.find((a) => a.id === s.assignmentId);
    const due = assignment?.dueAt ? new Date(assignment.dueAt).getTime() : null;
    const now = state.clock.now().getTime();
    // Canvas's Submission#missing?: past due and nothing turned in or graded (unless a late policy status says otherwise).
    const missing = s.missing || (s.workflowState === 'unsubmitted' && s.score === null && !s.excused && due !== null && due < now);
    const late = s.late || (s.submittedAt !== null && due !== null && new Date(s.submittedAt).getTime() > due);
    return { assignment, due, missing, late };
  };

  const submissionJson = (s: CanvasSubmission) => {
    const { assignment, due, missing, late } = flagsOf(s);
    return {
      id: Number(s.id),
      assignment_id: Number(s.assignmentId),
      user_id: Number(s.userId),
      attempt: s.submittedAt ? 1 : null,
      body: null,
      grade: s.grade,
      score: s.score,
      entered_grade: s.grade,
      entered_score: s.score,
      grade_matches_current_submission: true,
      html_url: `${state.baseUrl}/courses/${assignment?.courseId ?? ''}/assignments/${s.assignmentId}/submissions/${s.userId}`,
      preview_url: `${state.baseUrl}/courses/${assignment?.courseId ?? ''}/assignments/${s.assignmentId}/submissions/${s.userId}?preview=1&version=1`,
      submission_type: s.submittedAt ? 'online_text_entry' : null,
      submitted_at: s.submittedAt,
      url: null,
      grader_id: s.gradedAt ? 1 : null,
      graded_at: s.gradedAt,
      late,
      missing,
      excused: s.excused,
      late_policy_status: s.missing ? 'missing' : s.late ? 'late' : null,
      points_deducted: late ? 0 : null,
      seconds_late: late && s.submittedAt && due !== null ? Math.max(0, Math.round((new Date(s.submittedAt).getTime() - due) / 1000)) : 0,
      workflow_state: s.workflowState,
      extra_attempts: null,
      assignment_visible: true,
      posted_at: s.gradedAt,
      redo_request: false,
    };
  };

  // Courses of an account and its sub-accounts (account admins only).
  r.get('/api/v1/accounts/:accountId/courses', (req, res) => {
    const token = tokenOf(res);
    const accountId = String(req.params.accountId);
    if (!state.accounts.has(accountId)) return notFound(res);
    if (!token.admin) return unauthorized(res);
    const states = arrayParam(req, 'state');
    const types = arrayParam(req, 'enrollment_type').map((t) => `${t[0]?.toUpperCase() ?? ''}${t.slice(1)}Enrollment`);
    const tree = state.accountTree(accountId);
    const all = [...state.courses.values()]
      .filter((c) => tree.has(c.accountId))
      // Default: every state but deleted.
      .filter((c) => (states.length ? states.includes(c.workflowState) || (states.includes('all') && c.workflowState !== 'deleted') : c.workflowState !== 'deleted'))
      .filter((c) => !types.length || state.enrollments.some((e) => e.courseId === c.id && types.includes(e.type) && e.state !== 'deleted'))
      .sort((a, b) => Number(a.id) - Number(b.id));
    const page = paged(req, res, all);
    if (page) res.json(page.map((c) => courseJson(c.id)));
  });

  r.get('/api/v1/courses/:courseId', (req, res) => {
    const token = tokenOf(res);
    const id = String(req.params.courseId);
    const json = courseJson(id);
    if (!json || state.courses.get(id)?.workflowState === 'deleted') return notFound(res);
    if (!token.admin && !state.enrollments.some((e) => e.courseId === id && e.userId === token.userId)) return unauthorized(res);
    res.json(json);
  });

  const enrollmentFilter = (req: Request) => {
    const types = arrayParam(req, 'type');
    // Canvas's default: active and invited; `state[]` narrows or widens.
    const states = arrayParam(req, 'state');
    const wanted = states.length ? states : ['active', 'invited'];
    return (e: CanvasEnrollment) => (!types.length || types.includes(e.type)) && wanted.includes(e.state);
  };

  // A course's grading periods (grading_periods.md), wrapped as Canvas wraps them.
  r.get('/api/v1/courses/:courseId/grading_periods', (req, res) => {
    const token = tokenOf(res);
    const courseId = String(req.params.courseId);
    const course = state.courses.get(courseId);
    if (!course || course.workflowState === 'deleted') return notFound(res);
    if (!token.admin && !state.enrollments.some((e) => e.courseId === courseId && e.userId === token.userId)) return unauthorized(res);
    const now = state.clock.now().getTime();
    const periods = state.periodsOf(courseId).map((p) => ({
      id: Number(p.id),
      title: p.title,
      start_date: p.startDate,
      end_date: p.endDate,
      close_date: p.endDate,
      weight: null,
      is_closed: Date.parse(p.endDate) <= now,
    }));
    res.json({ grading_periods: periods, meta: { primaryCollection: 'grading_periods' } });
  });

  r.get('/api/v1/courses/:courseId/enrollments', (req, res) => {
    const token = tokenOf(res);
    const courseId = String(req.params.courseId);
    const course = state.courses.get(courseId);
    if (!course || course.workflowState === 'deleted') return notFound(res);
    if (!token.admin) return unauthorized(res);
    const filter = enrollmentFilter(req);
    let userFilter: string | undefined;
    if (typeof req.query.user_id === 'string') {
      userFilter = resolveUserId(req.query.user_id, token);
      if (!userFilter) return notFound(res);
    }
    const all = state.enrollments
      .filter((e) => e.courseId === courseId && filter(e) && (!userFilter || e.userId === userFilter))
      .sort((a, b) => Number(a.id) - Number(b.id));
    const page = paged(req, res, all);
    if (page) res.json(page.map((e) => enrollmentJson(e, true)));
  });

  r.get('/api/v1/users/:userId/enrollments', (req, res) => {
    const token = tokenOf(res);
    const userId = resolveUserId(String(req.params.userId), token);
    if (!userId) return notFound(res);
    if (!token.admin && userId !== token.userId) return unauthorized(res);
    const filter = enrollmentFilter(req);
    const all = state.enrollments
      .filter((e) => e.userId === userId && filter(e) && state.courses.get(e.courseId)?.workflowState !== 'deleted')
      .sort((a, b) => Number(a.id) - Number(b.id));
    const page = paged(req, res, all);
    if (page) res.json(page.map((e) => enrollmentJson(e, token.admin)));
  });

  // Submissions of many students (submissions.md "List submissions for multiple assignments").
  r.get('/api/v1/courses/:courseId/students/submissions', (req, res) => {
    const token = tokenOf(res);
    const courseId = String(req.params.courseId);
    const course = state.courses.get(courseId);
    if (!course || course.workflowState === 'deleted') return notFound(res);
    const studentIds = arrayParam(req, 'student_ids');
    const assignmentIds = arrayParam(req, 'assignment_ids');
    const workflowState = typeof req.query.workflow_state === 'string' ? req.query.workflow_state : undefined;
    const students = state.enrollments.filter((e) => e.courseId === courseId && e.type === 'StudentEnrollment' && e.state === 'active').map((e) => e.userId);
    let wanted: string[];
    if (!studentIds.length) wanted = [token.userId];
    else if (studentIds.includes('all')) wanted = students;
    else wanted = studentIds.map((id) => resolveUserId(id, token)).filter((id): id is string => !!id);
    if (!token.admin && wanted.some((id) => id !== token.userId)) return unauthorized(res);
    const assignments = new Set(state.assignments.filter((a) => a.courseId === courseId && (!assignmentIds.length || assignmentIds.includes(a.id))).map((a) => a.id));
    const all = state.submissions
      .filter((s) => assignments.has(s.assignmentId) && wanted.includes(s.userId) && students.includes(s.userId))
      .filter((s) => !workflowState || s.workflowState === workflowState)
      .sort((a, b) => Number(a.id) - Number(b.id));
    const page = paged(req, res, all);
    if (page) res.json(page.map(submissionJson));
  });

  // Course analytics (analytics.md "Get course-level student summary data"): one row per student with
  // the tardiness breakdown of their assignments. 404 where the account has analytics off.
  r.get('/api/v1/courses/:courseId/analytics/student_summaries', (req, res) => {
    const token = tokenOf(res);
    const courseId = String(req.params.courseId);
    const course = state.courses.get(courseId);
    if (!course || course.workflowState === 'deleted' || !state.analyticsEnabled) return notFound(res);
    if (!token.admin) return unauthorized(res);
    const only = typeof req.query.student_id === 'string' ? req.query.student_id : undefined;
    const students = state.enrollments
      .filter((e) => e.courseId === courseId && e.type === 'StudentEnrollment' && e.state === 'active' && (!only || e.userId === only))
      .map((e) => e.userId)
      .filter((id, i, all) => all.indexOf(id) === i)
      .sort((a, b) => Number(a) - Number(b));
    const assignments = state.assignments.filter((a) => a.courseId === courseId);
    const all = students.map((userId) => {
      const t = { total: 0, on_time: 0, late: 0, missing: 0, floating: 0 };
      for (const a of assignments) {
        const s = state.submissions.find((x) => x.assignmentId === a.id && x.userId === userId);
        if (s?.excused) continue;
        t.total++;
        const f = s ? flagsOf(s) : { missing: false, late: false };
        if (f.missing) t.missing++;
        else if (f.late) t.late++;
        else if (s?.submittedAt || s?.workflowState === 'graded') t.on_time++;
        else t.floating++;
      }
      return { id: Number(userId), page_views: 0, max_page_views: 0, page_views_level: 0, participations: 0, max_participations: 0, participations_level: 0, tardiness_breakdown: t };
    });
    const page = paged(req, res, all);
    if (page) res.json(page);
  });

  r.use('/api/v1', (_req, res) => notFound(res));
  return r;
}
