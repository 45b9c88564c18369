import { randomBytes } from 'node:crypto';
import { Router } from 'express';
import { systemClock, type Clock } from '../../web/clock.js';
import { CanvasState, letterGrade, type CanvasAssignment, type CanvasCourse, type CanvasEnrollment, type CanvasGrades, type CanvasSubmission, type RateLimitSettings } from './state.js';
import { canvasRestRoutes } from './rest.js';
import { LiveEventsSender, liveEventsRoutes, type LiveEvent, type SendMode } from './live-events.js';

export type { LiveEvent, LiveEventName, SendMode, SentLiveEvent } from './live-events.js';
export type { CanvasGrades, RateLimitSettings, RecordedCanvasRequest } from './state.js';

export interface CanvasApiOptions {
  /** Where the router is mounted, e.g. http://127.0.0.1:4200 (API paths are /api/v1/...). */
  baseUrl: string;
  clock?: Clock;
  /** Shard of the global ids Live Events carry (global = shard * 10^13 + local). */
  shardId?: number;
  /** How Live Events reach subscriptions (tests may hand in a fetch bound to an in-process app). */
  fetch?: typeof fetch;
}

export type CanvasApi = Awaited<ReturnType<typeof createCanvasApi>>;

/**
 * A simulated Canvas: the REST API an admin token reads (accounts' courses, enrollments with grades,
 * submissions with missing/late flags; paging, throttling, token expiry) and the Live Events sender of
 * Canvas Data Services (HTTPS, Canvas format, signed JWTs, published JWKS).
 */
export async function createCanvasApi(opts: CanvasApiOptions) {
  const baseUrl = opts.baseUrl.replace(/\/$/, '');
  const state = new CanvasState(baseUrl, opts.clock ?? systemClock, opts.shardId ?? 2107);
  const liveEvents = await LiveEventsSender.create(state, opts.fetch ?? fetch);
  state.accounts.set('1', { id: '1', name: 'Simulated District', parentAccountId: null });

  const router = Router();
  router.use(liveEventsRoutes(liveEvents));
  router.use(canvasRestRoutes(state));

  const course = (id: string): CanvasCourse => {
    const c = state.courses.get(id);
    if (!c) throw new Error(`unknown course ${id}`);
    return c;
  };
  const enrollmentOf = (courseId: string, userId: string): CanvasEnrollment => {
    const e = state.enrollments.find((x) => x.courseId === courseId && x.userId === userId && x.type === 'StudentEnrollment');
    if (!e) throw new Error(`no student enrollment of ${userId} in ${courseId}`);
    return e;
  };
  const submissionOf = (assignmentId: string, userId: string): CanvasSubmission => {
    let s = state.submissions.find((x) => x.assignmentId === assignmentId && x.userId === userId);
    if (!s) {
      s = { id: state.next(), assignmentId, userId, score: null, grade: null, workflowState: 'unsubmitted', submittedAt: null, gradedAt: null, late: false, missing: false, excused: false, updatedAt: state.now() };
      state.submissions.push(s);
    }
    return s;
  };
  const assignmentOf = (id: string): CanvasAssignment => {
    const a = state.assignments.find((x) => x.id === id);
    if (!a) throw new Error(`unknown assignment ${id}`);
    return a;
  };
  /** Canvas creates a submission row per student and assignment. */
  const materialize = (courseId: string) => {
    for (const a of state.assignments.filter((x) => x.courseId === courseId))
      for (const e of state.enrollments.filter((x) => x.courseId === courseId && x.type === 'StudentEnrollment')) submissionOf(a.id, e.userId);
  };

  const events = {
    gradeChange(s: CanvasSubmission, old: { score: number | null; grade: string | null }, graderId: string | null): LiveEvent {
      const a = assignmentOf(s.assignmentId);
      const student = state.users.get(s.userId);
      return {
        metadata: liveEvents.metadata('grade_change', a.courseId, graderId),
        body: {
          assignment_id: state.globalId(a.id),
          grade: s.grade,
          grader_id: graderId ? state.globalId(graderId) : null,
          grading_complete: s.workflowState === 'graded',
          muted: false,
          old_grade: old.grade,
          old_points_possible: a.pointsPossible,
          old_score: old.score,
          points_possible: a.pointsPossible,
          score: s.score,
          student_id: state.globalId(s.userId),
          student_sis_id: student?.sisUserId ?? null,
          submission_id: state.globalId(s.id),
          user_id: state.globalId(s.userId),
        },
      };
    },
    submissionUpdated(s: CanvasSubmission, actorId: string | null): LiveEvent {
      const a = assignmentOf(s.assignmentId);
      return {
        metadata: liveEvents.metadata('submission_updated', a.courseId, actorId),
        body: {
          submission_id: state.globalId(s.id),
          assignment_id: state.globalId(a.id),
          user_id: state.globalId(s.userId),
          submitted_at: s.submittedAt,
          graded_at: s.gradedAt,
          updated_at: s.updatedAt,
          score: s.score,
          grade: s.grade,
          submission_type: s.submittedAt ? 'online_text_entry' : null,
          body: null,
          url: null,
          attempt: s.submittedAt ? 1 : null,
          workflow_state: s.workflowState,
          late: s.late,
          missing: s.missing,
          excused: s.excused,
        },
      };
    },
    enrollmentUpdated(e: CanvasEnrollment): LiveEvent {
      const user = state.users.get(e.userId);
      return {
        // Sent from a background job: no user or course context in the metadata.
        metadata: Object.fromEntries(Object.entries(liveEvents.metadata('enrollment_updated', null, null)).filter(([k]) => !['hostname', 'http_method', 'request_id'].includes(k))) as LiveEvent['metadata'],
        body: {
          course_id: state.globalId(e.courseId),
          course_section_id: state.globalId(e.sectionId),
          created_at: e.createdAt,
          enrollment_id: state.globalId(e.id),
          limit_privileges_to_course_section: false,
          type: e.type,
          updated_at: e.updatedAt,
          user_id: state.globalId(e.userId),
          user_name: user?.name ?? '',
          workflow_state: e.state,
        },
      };
    },
  };

  return {
    router,
    state,
    liveEvents,
    baseUrl,
    /** The JWKS URL a receiver verifies Live Events against. */
    jwksUrl: `${baseUrl}/live-events/main/jwks`,
    rootAccountId: '1',
    events,

    addAccount(a: { id?: string; name: string; parentAccountId?: string }): string {
      const id = a.id ?? state.next();
      state.accounts.set(id, { id, name: a.name, parentAccountId: a.parentAccountId ?? '1' });
      return id;
    },
    addUser(u: { id?: string; name: string; sisUserId?: string | null; loginId?: string }): string {
      const id = u.id ?? state.next();
      state.users.set(id, { id, name: u.name, sisUserId: u.sisUserId ?? null, loginId: u.loginId });
      return id;
    },
    addCourse(c: { id?: string; name: string; courseCode?: string; accountId?: string; sisCourseId?: string | null; workflowState?: CanvasCourse['workflowState'] }): string {
      const id = c.id ?? state.next();
      state.courses.set(id, {
        id,
        accountId: c.accountId ?? '1',
        name: c.name,
        courseCode: c.courseCode ?? c.name,
        sisCourseId: c.sisCourseId ?? null,
        workflowState: c.workflowState ?? 'available',
        enrollmentTermId: '1',
      });
      return id;
    },
    enroll(courseId: string, userId: string, o: { type?: CanvasEnrollment['type']; state?: CanvasEnrollment['state'] } = {}): string {
      course(courseId);
      if (!state.users.has(userId)) throw new Error(`unknown user ${userId}`);
      const type = o.type ?? 'StudentEnrollment';
      const existing = state.enrollments.find((e) => e.courseId === courseId && e.userId === userId && e.type === type);
      if (existing) {
        existing.state = o.state ?? existing.state;
        existing.updatedAt = state.now();
        return existing.id;
      }
      const id = state.next();
      const none: CanvasGrades = { current_score: null, final_score: null, current_grade: null, final_grade: null };
      state.enrollments.push({ id, courseId, sectionId: `${courseId}0`, userId, type, state: o.state ?? 'active', grades: none, periodGrades: {}, createdAt: state.now(), updatedAt: state.now() });
      materialize(courseId);
      state.recompute(courseId);
      return id;
    },
    /** Changes an enrollment's state (e.g. 'completed', 'deleted') and sends enrollment_updated. */
    async setEnrollmentState(courseId: string, userId: string, s: CanvasEnrollment['state'], o: { publish?: boolean } = {}): Promise<void> {
      const e = enrollmentOf(courseId, userId);
      e.state = s;
      e.updatedAt = state.now();
      if (o.publish ?? true) await liveEvents.publish(events.enrollmentUpdated(e));
    },
    /**
     * Gives a course a grading period (start inclusive, end exclusive): enrollments then carry the
     * current period's id and scores, and its assignments count in the period of their due date.
     */
    addGradingPeriod(courseId: string, p: { id?: string; title: string; start: Date; end: Date }): string {
      course(courseId);
      const id = p.id ?? state.next();
      state.gradingPeriods.push({ id, courseId, title: p.title, startDate: p.start.toISOString(), endDate: p.end.toISOString() });
      state.recompute(courseId);
      return id;
    },
    addAssignment(courseId: string, a: { id?: string; name: string; pointsPossible: number; dueAt?: Date | null }): string {
      course(courseId);
      const id = a.id ?? state.next();
      state.assignments.push({ id, courseId, name: a.name, pointsPossible: a.pointsPossible, dueAt: a.dueAt ? a.dueAt.toISOString() : null });
      materialize(courseId);
      state.recompute(courseId);
      return id;
    },
    /** The student turns work in (late when after the due date). */
    submit(assignmentId: string, userId: string, at?: Date): void {
      const s = submissionOf(assignmentId, userId);
      const a = assignmentOf(assignmentId);
      const when = at ?? state.clock.now();
      s.submittedAt = when.toISOString();
      s.workflowState = 'submitted';
      s.late = a.dueAt !== null && when.getTime() > new Date(a.dueAt).getTime();
      s.missing = false;
      s.updatedAt = state.now();
    },
    /** Sets a late-policy status by hand, as a teacher can in the gradebook. */
    markSubmission(assignmentId: string, userId: string, flags: { late?: boolean; missing?: boolean; excused?: boolean }): void {
      const s = submissionOf(assignmentId, userId);
      Object.assign(s, Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined)));
      s.updatedAt = state.now();
      state.recompute(assignmentOf(assignmentId).courseId);
    },
    /**
     * A teacher grades a submission: the course scores are recomputed and, unless publish is false,
     * grade_change and submission_updated go to every subscription (awaited).
     */
    async grade(assignmentId: string, userId: string, score: number | null, o: { graderId?: string; publish?: boolean } = {}): Promise<void> {
      const a = assignmentOf(assignmentId);
      const s = submissionOf(assignmentId, userId);
      const old = { score: s.score, grade: s.grade };
      s.score = score;
      s.grade = score === null ? null : String(score);
      s.workflowState = score === null ? (s.submittedAt ? 'submitted' : 'unsubmitted') : 'graded';
      s.gradedAt = score === null ? null : state.now();
      if (score !== null) s.missing = false;
      s.updatedAt = state.now();
      state.recompute(a.courseId);
      if (o.publish ?? true) {
        await liveEvents.publish(events.gradeChange(s, old, o.graderId ?? null));
        await liveEvents.publish(events.submissionUpdated(s, o.graderId ?? null));
      }
    },
    /** Sets an enrollment's course grades directly (no recomputation from submissions in that course any more). */
    setGrades(courseId: string, userId: string, g: { current: number | null; final?: number | null }): void {
      const e = enrollmentOf(courseId, userId);
      state.manualGrades.add(courseId);
      const final = g.final === undefined ? g.current : g.final;
      e.grades = { current_score: g.current, final_score: final, current_grade: letterGrade(g.current), final_grade: letterGrade(final) };
      e.updatedAt = state.now();
    },
    enrollment: (courseId: string, userId: string): Readonly<CanvasEnrollment> => enrollmentOf(courseId, userId),
    submission: (assignmentId: string, userId: string): Readonly<CanvasSubmission> => submissionOf(assignmentId, userId),

    /** An access token (admin by default), as an admin generates one under Settings. */
    issueToken(o: { userId?: string; admin?: boolean; expiresAt?: Date | null; token?: string } = {}): string {
      const userId = o.userId ?? (state.users.has('1') ? '1' : this.addUser({ id: '1', name: 'Simulated Admin' }));
      const token = o.token ?? `${state.shardId}~${randomBytes(24).toString('base64url')}`;
      state.tokens.set(token, { token, userId, admin: o.admin ?? true, expiresAt: o.expiresAt ?? null, revoked: false });
      return token;
    },
    revokeToken(token: string): void {
      const t = state.tokens.get(token);
      if (t) t.revoked = true;
    },
    expireToken(token: string): void {
      const t = state.tokens.get(token);
      if (t) t.expiresAt = new Date(state.clock.now().getTime() - 1000);
    },
    /** The token stops working after `n` more accepted requests. */
    expireTokenAfter(token: string, n: number): void {
      const t = state.tokens.get(token);
      if (t) t.requestsLeft = n;
    },
    setRateLimit(r: Partial<RateLimitSettings>): void {
      state.rate = { ...state.rate, ...r };
    },
    /** Empties a token's bucket down to `remaining` (0 = throttled on the next request). */
    setRemaining(token: string, remaining: number): void {
      state.buckets.set(token, { level: state.rate.highWaterMark - remaining, at: state.clock.now().getTime() });
    },
    /** The next `times` API calls answer 503. */
    outage(times: number): void {
      state.outages = times;
    },
    subscribe(url: string): void {
      liveEvents.subscriptions.add(url);
    },
    unsubscribe(url: string): void {
      liveEvents.subscriptions.delete(url);
    },
    /** Sends one event to one URL in a mode (signed, forged, unsigned, alg-none, tampered); the receiver's status. */
    send: (event: LiveEvent, url: string, mode: SendMode = 'signed'): Promise<number> => liveEvents.send(event, url, mode),
    get requests() {
      return state.requests;
    },
  };
}
