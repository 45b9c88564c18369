import { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { systemClock, type Clock } from '../../web/clock.js';
import { OAuth1Verifier } from './oauth1.js';
import {
  SgyState,
  type SgyAssignmentGrade,
  type SgyCourse,
  type SgyEnrollment,
  type SgyEnrollmentStatus,
  type SgyFault,
  type SgyGradingPeriod,
  type SgySection,
  type SgyUser,
} from './state.js';

export type { SgyUser, SgyCourse, SgySection, SgyEnrollment, SgyGradingPeriod, SgyFault, SgyRequest } from './state.js';
export { percentEncode, signatureBaseString, hmacSha1Signature, parseAuthorizationHeader } from './oauth1.js';

/**
 * A Schoology REST API v1 simulator (https://api.schoology.com/v1), shaped after Schoology's
 * developer documentation: two-legged OAuth 1.0a on every request (HMAC-SHA1 or PLAINTEXT, nonce
 * used once, timestamp within a window, realm "Schoology API"), JSON collections keyed by object
 * type (`user`, `section`, `enrollment`, ...) with `total` and `links.self`/`links.next`, paging
 * with `start` and `limit` (default 20, at most 200), and a per-consumer rate limit answered with
 * 429. Only the reads a grade connector needs are served.
 */
export interface SchoologyApiOptions {
  /** Where the router is mounted, e.g. http://127.0.0.1:4300 (Schoology's own is https://api.schoology.com). */
  baseUrl: string;
  consumerKey: string;
  consumerSecret: string;
  clock?: Clock;
  /** How far oauth_timestamp may be from now, either way (default 300 s). */
  timestampWindowSeconds?: number;
  /** Requests allowed per consumer key in any window (default 50 per 5 s). */
  rateLimit?: { requests: number; windowSeconds: number };
}

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 200;
const ROLE_IDS = { student: 2001, teacher: 2002, admin: 2003 } as const;
const SCHOOL_ID = 94312;
const BUILDING_ID = 94313;

const idParam = z.string().regex(/^\d{1,18}$/).transform(Number);
const pagingSchema = z.object({
  start: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).default(DEFAULT_LIMIT),
});
const csvIds = z
  .string()
  .regex(/^\d+(,\d+)*$/)
  .transform((s) => s.split(',').map(Number));

export type SchoologyApi = ReturnType<typeof createSchoologyApi>;

export function createSchoologyApi(opts: SchoologyApiOptions) {
  const baseUrl = opts.baseUrl.replace(/\/$/, '');
  const origin = new URL(baseUrl).origin;
  const clock = opts.clock ?? systemClock;
  const nowSeconds = () => Math.floor(clock.now().getTime() / 1000);
  const credentials = new Map<string, string>([[opts.consumerKey, opts.consumerSecret]]);
  const verifier = new OAuth1Verifier({
    secretOf: (k) => credentials.get(k),
    nowSeconds,
    timestampWindowSeconds: opts.timestampWindowSeconds ?? 300,
  });
  let rate = opts.rateLimit ?? { requests: 50, windowSeconds: 5 };
  const recent = new Map<string, number[]>();
  const state = new SgyState(10_000_000);

  const basePath = new URL(baseUrl).pathname.replace(/\/$/, '');
  /** The request's path below the simulator's base (req.path is cut short inside a mounted middleware). */
  const pathOf = (req: Request) => new URL(req.originalUrl, origin).pathname.slice(basePath.length);
  const record = (req: Request, status: number, refusal?: string) =>
    state.requests.push({ method: req.method, path: pathOf(req), status, refusal, at: nowSeconds() });

  /** Faults, then the OAuth signature, then the consumer's rate limit: each refusal recorded. */
  const guard = (req: Request, res: Response, next: NextFunction) => {
    const fault = state.takeFault(pathOf(req));
    if (fault) {
      if (fault.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(fault.retryAfterSeconds));
      record(req, fault.status, 'fault');
      res.status(fault.status).json({ error: `simulated ${fault.status}` });
      return;
    }
    const url = new URL(req.originalUrl, origin);
    const verdict = verifier.verify(req.method, url, req.get('authorization'));
    if (!verdict.ok) {
      record(req, 401, verdict.reason);
      res.setHeader('WWW-Authenticate', 'OAuth realm="Schoology API"');
      res.status(401).json({ error: 'Unauthorized', reason: verdict.reason });
      return;
    }
    const now = clock.now().getTime();
    const windowMs = rate.windowSeconds * 1000;
    const times = (recent.get(verdict.consumerKey) ?? []).filter((t) => now - t < windowMs);
    if (times.length >= rate.requests) {
      recent.set(verdict.consumerKey, times);
      record(req, 429, 'rate_limited');
      res.status(429).json({ error: 'Too Many Requests' });
      return;
    }
    times.push(now);
    recent.set(verdict.consumerKey, times);
    res.on('finish', () => record(req, res.statusCode));
    next();
  };

  const selfLink = (path: string) => `${baseUrl}${path}`;

  /** A page of a collection: `{ [key]: items, total, links: { self, next? } }`. */
  const page = <T>(req: Request, res: Response, key: string, all: T[], present: (t: T) => unknown, extra: Record<string, unknown> = {}) => {
    const q = pagingSchema.safeParse(req.query);
    if (!q.success) {
      res.status(400).json({ error: 'Invalid paging parameters' });
      return;
    }
    const limit = Math.min(q.data.limit, MAX_LIMIT);
    const start = q.data.start;
    const items = all.slice(start, start + limit);
    const self = new URL(req.originalUrl, origin);
    const here = new URL(`${baseUrl}${req.path}`);
    for (const [k, v] of self.searchParams) here.searchParams.append(k, v);
    const links: Record<string, string> = { self: here.toString() };
    if (start + limit < all.length) {
      const next = new URL(here);
      next.searchParams.set('start', String(start + limit));
      next.searchParams.set('limit', String(limit));
      links.next = next.toString();
    }
    res.json({ [key]: items.map(present), ...extra, total: String(all.length), links });
  };

  const presentUser = (u: SgyUser) => ({
    uid: String(u.id),
    id: u.id,
    school_id: SCHOOL_ID,
    synced: 1,
    school_uid: u.schoolUid,
    building_id: BUILDING_ID,
    name_title: '',
    name_title_show: 0,
    name_first: u.nameFirst,
    name_first_preferred: '',
    use_preferred_first_name: '1',
    name_middle: '',
    name_middle_show: 0,
    name_last: u.nameLast,
    name_display: `${u.nameFirst} ${u.nameLast}`,
    username: '',
    primary_email: '',
    picture_url: `${baseUrl}/sites/all/themes/schoology_theme/images/user-default.gif`,
    gender: null,
    position: null,
    grad_year: '',
    role_id: ROLE_IDS[u.role],
    tz_offset: -5,
    tz_name: 'America/New_York',
    send_message: 0,
    language: '',
    links: { self: selfLink(`/v1/users/${u.id}`) },
  });

  const presentSection = (s: SgySection) => {
    const course = state.courses.get(s.courseId)!;
    return {
      id: String(s.id),
      course_title: course.title,
      course_code: course.courseCode,
      course_id: String(course.id),
      school_id: String(SCHOOL_ID),
      building_id: String(BUILDING_ID),
      access_code: '',
      section_title: s.sectionTitle,
      section_code: s.sectionCode,
      section_school_code: `${course.courseCode}-${s.sectionCode}`,
      synced: '1',
      active: s.active ? 1 : 0,
      description: '',
      subject_area: '0',
      grade_level_range_start: '0',
      grade_level_range_end: '0',
      parent_id: '0',
      grading_periods: [...s.gradingPeriods],
      profile_url: '',
      location: '',
      meeting_days: [''],
      start_time: '',
      end_time: '',
      class_periods: '',
      options: { weighted_grading_categories: '1', include_rubrics: '1' },
      links: { self: selfLink(`/v1/sections/${s.id}`) },
    };
  };

  const presentEnrollment = (e: SgyEnrollment) => {
    const u = state.users.get(e.uid)!;
    return {
      id: String(e.id),
      uid: String(u.id),
      school_uid: u.schoolUid,
      name_title: '',
      name_title_show: '0',
      name_first: u.nameFirst,
      name_first_preferred: '',
      name_middle: '',
      name_middle_show: '0',
      name_last: u.nameLast,
      name_display: `${u.nameFirst} ${u.nameLast}`,
      admin: e.admin ? 1 : 0,
      status: String(e.status),
      picture_url: '',
      links: { self: selfLink(`/v1/sections/${e.sectionId}/enrollments/${e.id}`) },
    };
  };

  const presentPeriod = (p: SgyGradingPeriod) => {
    const today = clock.now().toISOString().slice(0, 10);
    return { id: String(p.id), title: p.title, start: p.start, end: p.end, active: p.start <= today && today <= p.end ? '1' : '0', links: { self: selfLink(`/v1/gradingperiods/${p.id}`) } };
  };

  const presentAssignmentGrade = (g: SgyAssignmentGrade, sectionId: number) => ({
    enrollment_id: g.enrollmentId,
    assignment_id: g.assignmentId,
    grade: g.exception > 0 && g.exception < 3 ? null : g.grade,
    exception: g.exception,
    max_points: g.maxPoints,
    is_final: 0,
    timestamp: g.timestamp,
    comment: '',
    comment_status: null,
    override: null,
    calculated_grade: null,
    pending: null,
    type: 'assignment',
    location: selfLink(`/v1/sections/${sectionId}/assignments/${g.assignmentId}`),
    scale_id: 0,
    scale_type: 'numeric',
    assignment_type: 'assignment',
    category_id: 0,
  });

  /** Period grades of one enrollment as Schoology lists them: `p<period id>` entries, then `final`. */
  const finalGradeOf = (section: SgySection, e: SgyEnrollment) => {
    const period = section.gradingPeriods.flatMap((pid) => {
      const g = state.periodGrades.find((x) => x.enrollmentId === e.id && x.periodId === pid);
      if (!g) return [];
      return [{ period_id: `p${pid}`, grade: g.grade, weight: Math.round(100 / section.gradingPeriods.length), comment: '', comment_status: null, scale_id: 0, grading_category: [] }];
    });
    const graded = period.filter((p): p is typeof p & { grade: number } => typeof p.grade === 'number');
    if (graded.length) {
      const mean = graded.reduce((s, p) => s + p.grade, 0) / graded.length;
      period.push({ period_id: 'final', grade: Math.round(mean * 100) / 100, weight: 0, comment: '', comment_status: null, scale_id: 0, grading_category: [] });
    }
    return { enrollment_id: e.id, period };
  };

  const router = Router();
  router.use('/v1', guard);

  router.get('/v1/users', (req, res) => {
    const f = z.object({ school_uids: z.string().optional(), role_ids: csvIds.optional() }).safeParse(req.query);
    if (!f.success) return void res.status(400).json({ error: 'Invalid filter' });
    const uids = f.data.school_uids?.split(',');
    const all = [...state.users.values()].filter((u) => (!uids || uids.includes(u.schoolUid)) && (!f.data.role_ids || f.data.role_ids.includes(ROLE_IDS[u.role])));
    page(req, res, 'user', all, presentUser);
  });
  router.get('/v1/users/:id', (req, res) => {
    const id = idParam.safeParse(req.params.id);
    const u = id.success ? state.users.get(id.data) : undefined;
    if (!u) return void res.status(404).json({ error: 'User not found' });
    res.json(presentUser(u));
  });
  router.get('/v1/users/:id/sections', (req, res) => {
    const id = idParam.safeParse(req.params.id);
    const u = id.success ? state.users.get(id.data) : undefined;
    if (!u) return void res.status(404).json({ error: 'User not found' });
    const all = state.enrollments.filter((e) => e.uid === u.id && e.status === 1).map((e) => state.sections.get(e.sectionId)!);
    page(req, res, 'section', all, presentSection);
  });
  router.get('/v1/gradingperiods', (req, res) => page(req, res, 'gradingperiods', [...state.gradingPeriods.values()], presentPeriod));
  router.get('/v1/gradingperiods/:id', (req, res) => {
    const id = idParam.safeParse(req.params.id);
    const p = id.success ? state.gradingPeriods.get(id.data) : undefined;
    if (!p) return void res.status(404).json({ error: 'Grading period not found' });
    res.json(presentPeriod(p));
  });
  router.get('/v1/courses', (req, res) =>
    page(req, res, 'course', [...state.courses.values()], (c) => ({
      id: String(c.id),
      building_id: String(BUILDING_ID),
      title: c.title,
      course_code: c.courseCode,
      department: '',
      description: '',
      credits: '0',
      synced: '1',
      grade_level_range_start: '0',
      grade_level_range_end: '0',
      subject_area: '0',
      links: { self: selfLink(`/v1/courses/${c.id}`) },
    })),
  );
  router.get('/v1/courses/:id/sections', (req, res) => {
    const id = idParam.safeParse(req.params.id);
    const c = id.success ? state.courses.get(id.data) : undefined;
    if (!c) return void res.status(404).json({ error: 'Course not found' });
    // Schoology lists a course's active sections unless include_past=1 asks for the rest too.
    const includePast = req.query.include_past === '1';
    page(req, res, 'section', [...state.sections.values()].filter((s) => s.courseId === c.id && (s.active || includePast)), presentSection);
  });
  router.get('/v1/sections/:id', (req, res) => {
    const id = idParam.safeParse(req.params.id);
    const s = id.success ? state.sections.get(id.data) : undefined;
    if (!s) return void res.status(404).json({ error: 'Section not found' });
    res.json(presentSection(s));
  });
  router.get('/v1/sections/:id/enrollments', (req, res) => {
    const id = idParam.safeParse(req.params.id);
    const s = id.success ? state.sections.get(id.data) : undefined;
    if (!s) return void res.status(404).json({ error: 'Section not found' });
    const f = z.object({ enrollment_status: csvIds.optional(), uid: csvIds.optional() }).safeParse(req.query);
    if (!f.success) return void res.status(400).json({ error: 'Invalid filter' });
    const all = state.enrollments.filter(
      (e) => e.sectionId === s.id && (!f.data.enrollment_status || f.data.enrollment_status.includes(e.status)) && (!f.data.uid || f.data.uid.includes(e.uid)),
    );
    page(req, res, 'enrollment', all, presentEnrollment);
  });
  router.get('/v1/sections/:id/grades', (req, res) => {
    const id = idParam.safeParse(req.params.id);
    const s = id.success ? state.sections.get(id.data) : undefined;
    if (!s) return void res.status(404).json({ error: 'Section not found' });
    const f = z
      .object({ enrollment_id: idParam.optional(), assignment_id: idParam.optional(), timestamp: z.string().regex(/^\d{1,12}$/).transform(Number).optional() })
      .safeParse(req.query);
    if (!f.success) return void res.status(400).json({ error: 'Invalid filter' });
    const since = f.data.timestamp;
    // Paged by enrollment (Schoology's note on grade lists); `timestamp` keeps the enrollments with
    // a grade changed since then, and their grades.
    const changed = (enrollmentId: number) =>
      since === undefined ||
      state.periodGrades.some((g) => g.enrollmentId === enrollmentId && g.timestamp >= since) ||
      state.assignmentGrades.some((g) => g.enrollmentId === enrollmentId && g.timestamp >= since);
    const enrollments = state.enrollments.filter((e) => e.sectionId === s.id && !e.admin && (!f.data.enrollment_id || e.id === f.data.enrollment_id) && changed(e.id));
    const q = pagingSchema.safeParse(req.query);
    const window = q.success ? enrollments.slice(q.data.start, q.data.start + Math.min(q.data.limit, MAX_LIMIT)) : [];
    const ids = new Set(window.map((e) => e.id));
    const grade = state.assignmentGrades
      .filter((g) => ids.has(g.enrollmentId) && (!f.data.assignment_id || g.assignmentId === f.data.assignment_id) && (since === undefined || g.timestamp >= since))
      .map((g) => presentAssignmentGrade(g, s.id));
    page(req, res, 'final_grade', enrollments, (e) => finalGradeOf(s, e), { grades: { grade } });
  });

  /** Seeding and steering, for tests and the sandbox. */
  const api = {
    router,
    state,
    baseUrl,
    get requests() {
      return state.requests;
    },
    addUser(u: Omit<SgyUser, 'id'> & { id?: number }): SgyUser {
      const user = { ...u, id: u.id ?? state.nextId('user') };
      state.users.set(user.id, user);
      return user;
    },
    addGradingPeriod(p: Omit<SgyGradingPeriod, 'id'>): SgyGradingPeriod {
      const period = { ...p, id: state.nextId('period') };
      state.gradingPeriods.set(period.id, period);
      return period;
    },
    addCourse(c: Omit<SgyCourse, 'id'>): SgyCourse {
      const course = { ...c, id: state.nextId('course') };
      state.courses.set(course.id, course);
      return course;
    },
    addSection(s: Omit<SgySection, 'id' | 'active'> & { active?: boolean }): SgySection {
      if (!state.courses.has(s.courseId)) throw new Error('unknown course');
      const section = { ...s, active: s.active ?? true, id: state.nextId('section') };
      state.sections.set(section.id, section);
      return section;
    },
    enroll(sectionId: number, uid: number, o: { admin?: boolean; status?: SgyEnrollmentStatus } = {}): SgyEnrollment {
      if (!state.sections.has(sectionId) || !state.users.has(uid)) throw new Error('unknown section or user');
      const existing = state.enrollmentOf(sectionId, uid);
      if (existing) {
        existing.status = o.status ?? existing.status;
        return existing;
      }
      const e: SgyEnrollment = { id: state.nextId('enrollment'), sectionId, uid, admin: o.admin ?? false, status: o.status ?? 1 };
      state.enrollments.push(e);
      return e;
    },
    /** A teacher's gradebook period grade changes (grade null: not graded yet). */
    setPeriodGrade(sectionId: number, uid: number, periodId: number, grade: number | null): void {
      const e = state.enrollmentOf(sectionId, uid);
      if (!e) throw new Error('not enrolled');
      const ts = nowSeconds();
      const g = state.periodGrades.find((x) => x.enrollmentId === e.id && x.periodId === periodId);
      if (g) Object.assign(g, { grade, timestamp: ts });
      else state.periodGrades.push({ enrollmentId: e.id, periodId, grade, timestamp: ts });
    },
    addAssignmentGrade(sectionId: number, uid: number, g: Omit<SgyAssignmentGrade, 'enrollmentId' | 'assignmentId' | 'timestamp'>): SgyAssignmentGrade {
      const e = state.enrollmentOf(sectionId, uid);
      if (!e) throw new Error('not enrolled');
      const grade = { ...g, enrollmentId: e.id, assignmentId: state.nextId('assignment'), timestamp: nowSeconds() };
      state.assignmentGrades.push(grade);
      return grade;
    },
    injectFault(f: SgyFault): void {
      state.faults.push({ ...f });
    },
    /** The district regenerates its keys: the old pair stops working at once. */
    rotateCredentials(consumerKey: string, consumerSecret: string): void {
      credentials.clear();
      credentials.set(consumerKey, consumerSecret);
    },
    revokeCredentials(): void {
      credentials.clear();
    },
    /** Requests allowed per consumer key in any window of `windowSeconds`. */
    setRateLimit(requests: number, windowSeconds: number): void {
      rate = { requests, windowSeconds };
    },
  };
  return api;
}
