import { randomBytes, timingSafeEqual } from 'node:crypto';
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { systemClock, type Clock } from '../../web/clock.js';
import { byField, parseFilter, matches, valuesAt } from './filter.js';

export { parseFilter, matches } from './filter.js';

/**
 * A OneRoster 1.2 REST simulator (rostering and gradebook services, JSON binding), shaped after
 * 1EdTech's REST bindings and the Security Framework:
 * - OAuth 2.0 client credentials at `tokenPath`, the client authenticated with HTTP Basic, scopes
 *   named as the spec names them (https://purl.imsglobal.org/spec/or/v1p2/scope/...), bearer
 *   tokens that expire (401 after), 403 for a scope not granted;
 * - collections paged with `limit` (default 100) and `offset`, answered with `X-Total-Count` and a
 *   `Link` header (next, last, first, prev), filtered with `filter=` (for instance
 *   `dateLastModified>'2026-09-01T00:00:00Z'`), sorted with `sort`/`orderBy`, trimmed with `fields`;
 * - errors as imsx status info (codeMajor failure, codeMinor such as invalid_filter_field).
 * Records keep `status` 'tobedeleted' rather than vanishing, as the spec asks for delta consumers.
 */

export const ONEROSTER_SCOPES = {
  rosterCore: 'https://purl.imsglobal.org/spec/or/v1p2/scope/roster-core.readonly',
  roster: 'https://purl.imsglobal.org/spec/or/v1p2/scope/roster.readonly',
  rosterDemographics: 'https://purl.imsglobal.org/spec/or/v1p2/scope/roster-demographics.readonly',
  gradebook: 'https://purl.imsglobal.org/spec/or/v1p2/scope/gradebook.readonly',
  gradebookCore: 'https://purl.imsglobal.org/spec/or/v1p2/scope/gradebook-core.readonly',
  gradebookCreatePut: 'https://purl.imsglobal.org/spec/or/v1p2/scope/gradebook.createput',
  gradebookDelete: 'https://purl.imsglobal.org/spec/or/v1p2/scope/gradebook.delete',
} as const;

export const ROSTERING_PATH = '/ims/oneroster/rostering/v1p2';
export const GRADEBOOK_PATH = '/ims/oneroster/gradebook/v1p2';

type Status = 'active' | 'tobedeleted';
export interface GuidRef {
  href: string;
  sourcedId: string;
  type: string;
}
interface Base {
  sourcedId: string;
  status: Status;
  dateLastModified: string;
  metadata?: Record<string, unknown>;
}
export interface OrUser extends Base {
  userMasterIdentifier: string;
  username: string;
  userIds: { type: string; identifier: string }[];
  enabledUser: boolean;
  givenName: string;
  familyName: string;
  middleName: string;
  roles: { roleType: 'primary' | 'secondary'; role: string; org: GuidRef }[];
  identifier: string;
  email: string;
  grades: string[];
}
export interface OrClass extends Base {
  title: string;
  classCode: string;
  classType: 'homeroom' | 'scheduled';
  location: string;
  grades: string[];
  subjects: string[];
  course: GuidRef;
  school: GuidRef;
  terms: GuidRef[];
}
export interface OrEnrollment extends Base {
  user: GuidRef;
  class: GuidRef;
  school: GuidRef;
  role: 'administrator' | 'proctor' | 'student' | 'teacher' | 'aide' | 'guardian' | 'parent';
  primary: boolean;
  beginDate: string;
  endDate: string;
}
export interface OrAcademicSession extends Base {
  title: string;
  type: 'gradingPeriod' | 'semester' | 'schoolYear' | 'term';
  startDate: string;
  endDate: string;
  schoolYear: string;
  parent?: GuidRef;
}
export interface OrLineItem extends Base {
  title: string;
  description: string;
  assignDate: string;
  dueDate: string;
  class: GuidRef;
  school: GuidRef;
  category: GuidRef;
  gradingPeriod?: GuidRef;
  academicSession?: GuidRef;
  resultValueMin: number;
  resultValueMax: number;
}
export type ScoreStatus = 'exempt' | 'fully graded' | 'not submitted' | 'partially graded' | 'submitted';
export interface OrResult extends Base {
  lineItem: GuidRef;
  student: GuidRef;
  class: GuidRef;
  scoreStatus: ScoreStatus;
  score?: number;
  textScore?: string;
  scoreDate: string;
  comment: string;
  late: 'true' | 'false';
  missing: 'true' | 'false';
}

export interface OneRosterClient {
  clientId: string;
  clientSecret: string;
  scopes: string[];
}

export interface OneRosterFault {
  status: number;
  times: number;
  retryAfterSeconds?: number;
  pathIncludes?: string;
}

export interface OneRosterRequest {
  method: string;
  path: string;
  status: number;
  refusal?: string;
  at: number;
}

export interface OneRosterApiOptions {
  baseUrl: string;
  clients: OneRosterClient[];
  clock?: Clock;
  tokenPath?: string;
  tokenTtlSeconds?: number;
  /** Largest page served whatever `limit` asks (default 1000). */
  maxLimit?: number;
}

interface Token {
  clientId: string;
  scopes: string[];
  expiresAt: number;
}

const pagingSchema = z.object({
  limit: z.coerce.number().int().min(1).default(100),
  offset: z.coerce.number().int().min(0).default(0),
  sort: z.string().regex(/^[A-Za-z][A-Za-z0-9.]*$/).optional(),
  orderBy: z.enum(['asc', 'desc']).default('asc'),
  filter: z.string().optional(),
  fields: z.string().regex(/^[A-Za-z][A-Za-z0-9]*(,[A-Za-z][A-Za-z0-9]*)*$/).optional(),
});

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The imsx status payload OneRoster answers errors with. */
function imsxError(res: Response, status: number, codeMinor: string, description: string): void {
  res.status(status).json({
    imsx_codeMajor: 'failure',
    imsx_severity: 'error',
    imsx_description: description,
    imsx_CodeMinor: { imsx_codeMinorField: [{ imsx_codeMinorFieldName: 'TargetEndSystem', imsx_codeMinorFieldValue: codeMinor }] },
  });
}

export type OneRosterApi = ReturnType<typeof createOneRosterApi>;

export function createOneRosterApi(opts: OneRosterApiOptions) {
  const baseUrl = opts.baseUrl.replace(/\/$/, '');
  const clock = opts.clock ?? systemClock;
  const nowSeconds = () => Math.floor(clock.now().getTime() / 1000);
  const tokenPath = opts.tokenPath ?? '/oauth2/token';
  const ttl = opts.tokenTtlSeconds ?? 3600;
  const maxLimit = opts.maxLimit ?? 1000;
  const clients = new Map(opts.clients.map((c) => [c.clientId, { ...c }]));
  const tokens = new Map<string, Token>();
  const requests: OneRosterRequest[] = [];
  let faults: OneRosterFault[] = [];
  const tokenRequests: { clientId: string | null; scopes: string[]; ok: boolean; error?: string }[] = [];
  let seq = 0;

  const data = {
    orgs: new Map<string, Base & { name: string; type: string; identifier: string }>(),
    users: new Map<string, OrUser>(),
    classes: new Map<string, OrClass>(),
    enrollments: new Map<string, OrEnrollment>(),
    academicSessions: new Map<string, OrAcademicSession>(),
    lineItems: new Map<string, OrLineItem>(),
    results: new Map<string, OrResult>(),
  };
  const stamp = () => clock.now().toISOString();
  const newId = (prefix: string) => `${prefix}-${(++seq).toString().padStart(6, '0')}`;
  const ref = (path: string, sourcedId: string, type: string): GuidRef => ({ href: `${baseUrl}${path}/${sourcedId}`, sourcedId, type });

  const schoolId = 'org-school-1';
  data.orgs.set(schoolId, { sourcedId: schoolId, status: 'active', dateLastModified: stamp(), name: 'Sample High School', type: 'school', identifier: 'SHS' });
  const schoolRef = ref(`${ROSTERING_PATH}/schools`, schoolId, 'org');

  const record = (req: Request, status: number, refusal?: string) => requests.push({ method: req.method, path: req.path, status, refusal, at: nowSeconds() });

  const takeFault = (path: string) => {
    const f = faults.find((x) => x.times > 0 && (!x.pathIncludes || path.includes(x.pathIncludes)));
    if (!f) return undefined;
    f.times -= 1;
    if (f.times <= 0) faults = faults.filter((x) => x !== f);
    return f;
  };
  const answerFault = (req: Request, res: Response): boolean => {
    const f = takeFault(req.path);
    if (!f) return false;
    if (f.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(f.retryAfterSeconds));
    record(req, f.status, 'fault');
    imsxError(res, f.status, f.status === 429 ? 'server_busy' : 'internal_server_error', `simulated ${f.status}`);
    return true;
  };

  const router = Router();

  // RFC 6749 section 4.4 with the client authenticated by HTTP Basic (section 2.3.1: id and secret
  // form-urlencoded, then base64), as the 1EdTech Security Framework requires.
  router.post(tokenPath, express.urlencoded({ extended: false }), (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    if (answerFault(req, res)) return;
    const oauthError = (status: number, error: string, clientId: string | null, scopes: string[] = []) => {
      tokenRequests.push({ clientId, scopes, ok: false, error });
      record(req, status, error);
      if (status === 401) res.setHeader('WWW-Authenticate', 'Basic realm="OneRoster"');
      res.status(status).json({ error });
    };
    const body = z.object({ grant_type: z.string().optional(), scope: z.string().optional() }).safeParse(req.body ?? {});
    const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(req.get('authorization') ?? '');
    let clientId: string | null = null;
    let secret = '';
    if (basic) {
      const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      try {
        if (colon > 0) {
          clientId = decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '));
          secret = decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' '));
        }
      } catch {
        clientId = null;
      }
    }
    const client = clientId ? clients.get(clientId) : undefined;
    if (!client || !sameText(client.clientSecret, secret)) return oauthError(401, 'invalid_client', clientId);
    if (!body.success || !body.data.grant_type) return oauthError(400, 'invalid_request', clientId);
    if (body.data.grant_type !== 'client_credentials') return oauthError(400, 'unsupported_grant_type', clientId);
    const requested = (body.data.scope ?? '').split(' ').filter(Boolean);
    const granted = requested.filter((s) => client.scopes.includes(s));
    if (!requested.length || granted.length !== requested.length) return oauthError(400, 'invalid_scope', clientId, requested);
    const token = randomBytes(24).toString('base64url');
    tokens.set(token, { clientId: client.clientId, scopes: granted, expiresAt: nowSeconds() + ttl });
    tokenRequests.push({ clientId, scopes: granted, ok: true });
    record(req, 200);
    res.json({ access_token: token, token_type: 'bearer', expires_in: ttl, scope: granted.join(' ') });
  });

  /** Faults, then a live bearer token (401), then one of the scopes the call needs (403). */
  const bearer =
    (anyOf: string[]) =>
    (req: Request, res: Response, next: NextFunction): void => {
      if (answerFault(req, res)) return;
      const m = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
      const token = m ? tokens.get(m[1]) : undefined;
      if (!token || token.expiresAt <= nowSeconds() || !clients.has(token.clientId)) {
        const reason = token && token.expiresAt <= nowSeconds() ? 'token_expired' : 'invalid_token';
        record(req, 401, reason);
        res.setHeader('WWW-Authenticate', 'Bearer error="invalid_token"');
        return imsxError(res, 401, 'unauthorisedrequest', 'The access token is missing, unknown or expired');
      }
      if (!anyOf.some((s) => token.scopes.includes(s))) {
        record(req, 403, 'insufficient_scope');
        return imsxError(res, 403, 'forbidden', 'The access token does not carry the scope this call needs');
      }
      res.on('finish', () => record(req, res.statusCode));
      next();
    };

  /** One collection request: filter, sort, page, trim; X-Total-Count and Link headers. */
  const collection = <T extends Base>(req: Request, res: Response, key: string, all: T[]) => {
    const q = pagingSchema.safeParse(req.query);
    if (!q.success) {
      const bad = q.error.issues[0]?.path[0];
      const minor = bad === 'sort' ? 'invalid_sort_field' : bad === 'fields' ? 'invalid_selection_field' : 'invalid_data';
      return imsxError(res, 400, minor, `Invalid query parameter ${String(bad)}`);
    }
    let rows = all;
    if (q.data.filter !== undefined) {
      const f = parseFilter(q.data.filter);
      const sample = all[0];
      if (!f || (sample && f.clauses.some((c) => valuesAt(sample, c.field) === undefined && !knownOptional(c.field)))) {
        return imsxError(res, 400, 'invalid_filter_field', 'The filter does not follow the grammar or names an unknown field');
      }
      rows = rows.filter((r) => matches(r, f));
    }
    rows = [...rows].sort(byField(q.data.sort ?? 'sourcedId', q.data.orderBy));
    const limit = Math.min(q.data.limit, maxLimit);
    const offset = q.data.offset;
    const pageRows = rows.slice(offset, offset + limit);
    const fields = q.data.fields?.split(',');
    const trimmed = fields ? pageRows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => fields.includes(k)))) : pageRows;

    const self = new URL(`${baseUrl}${req.path}`);
    for (const [k, v] of new URL(req.originalUrl, 'http://x').searchParams) if (k !== 'offset' && k !== 'limit') self.searchParams.append(k, v);
    const at = (o: number) => {
      const u = new URL(self);
      u.searchParams.set('limit', String(limit));
      u.searchParams.set('offset', String(o));
      return u.toString();
    };
    const lastOffset = rows.length === 0 ? 0 : Math.floor((rows.length - 1) / limit) * limit;
    const links = [`<${at(0)}>; rel="first"`, `<${at(lastOffset)}>; rel="last"`];
    if (offset + limit < rows.length) links.unshift(`<${at(offset + limit)}>; rel="next"`);
    if (offset > 0) links.push(`<${at(Math.max(0, offset - limit))}>; rel="prev"`);
    res.setHeader('X-Total-Count', String(rows.length));
    res.setHeader('Link', links.join(', '));
    res.json({ [key]: trimmed });
  };
  // Optional fields a record may simply not carry; filtering on them is still valid.
  const knownOptional = (field: string) => ['gradingPeriod', 'academicSession', 'parent', 'score', 'textScore', 'metadata'].some((f) => field === f || field.startsWith(`${f}.`));

  const single = <T>(res: Response, key: string, found: T | undefined) => {
    if (!found) return imsxError(res, 404, 'unknownobject', 'No such object');
    res.json({ [key]: found });
  };

  const roster = [ONEROSTER_SCOPES.rosterCore, ONEROSTER_SCOPES.roster];
  const gradebook = [ONEROSTER_SCOPES.gradebook, ONEROSTER_SCOPES.gradebookCore];
  const r = Router();
  const students = () => [...data.users.values()].filter((u) => u.roles.some((x) => x.role === 'student'));
  r.get(`${ROSTERING_PATH}/users`, bearer(roster), (req, res) => collection(req, res, 'users', [...data.users.values()]));
  r.get(`${ROSTERING_PATH}/users/:id`, bearer(roster), (req, res) => single(res, 'user', data.users.get(String(req.params.id))));
  r.get(`${ROSTERING_PATH}/students`, bearer(roster), (req, res) => collection(req, res, 'users', students()));
  r.get(`${ROSTERING_PATH}/students/:id`, bearer(roster), (req, res) => single(res, 'user', students().find((u) => u.sourcedId === req.params.id)));
  r.get(`${ROSTERING_PATH}/classes`, bearer(roster), (req, res) => collection(req, res, 'classes', [...data.classes.values()]));
  r.get(`${ROSTERING_PATH}/classes/:id`, bearer(roster), (req, res) => single(res, 'class', data.classes.get(String(req.params.id))));
  r.get(`${ROSTERING_PATH}/classes/:id/students`, bearer(roster), (req, res) => {
    const c = data.classes.get(String(req.params.id));
    if (!c) return imsxError(res, 404, 'unknownobject', 'No such class');
    const ids = new Set([...data.enrollments.values()].filter((e) => e.class.sourcedId === c.sourcedId && e.role === 'student' && e.status === 'active').map((e) => e.user.sourcedId));
    collection(req, res, 'users', students().filter((u) => ids.has(u.sourcedId)));
  });
  r.get(`${ROSTERING_PATH}/enrollments`, bearer(roster), (req, res) => collection(req, res, 'enrollments', [...data.enrollments.values()]));
  r.get(`${ROSTERING_PATH}/enrollments/:id`, bearer(roster), (req, res) => single(res, 'enrollment', data.enrollments.get(String(req.params.id))));
  r.get(`${ROSTERING_PATH}/academicSessions`, bearer(roster), (req, res) => collection(req, res, 'academicSessions', [...data.academicSessions.values()]));
  r.get(`${ROSTERING_PATH}/academicSessions/:id`, bearer(roster), (req, res) => single(res, 'academicSession', data.academicSessions.get(String(req.params.id))));
  r.get(`${ROSTERING_PATH}/gradingPeriods`, bearer(roster), (req, res) =>
    collection(req, res, 'academicSessions', [...data.academicSessions.values()].filter((s) => s.type === 'gradingPeriod')),
  );
  r.get(`${GRADEBOOK_PATH}/lineItems`, bearer(gradebook), (req, res) => collection(req, res, 'lineItems', [...data.lineItems.values()]));
  r.get(`${GRADEBOOK_PATH}/lineItems/:id`, bearer(gradebook), (req, res) => single(res, 'lineItem', data.lineItems.get(String(req.params.id))));
  r.get(`${GRADEBOOK_PATH}/results`, bearer(gradebook), (req, res) => collection(req, res, 'results', [...data.results.values()]));
  r.get(`${GRADEBOOK_PATH}/results/:id`, bearer(gradebook), (req, res) => single(res, 'result', data.results.get(String(req.params.id))));
  r.get(`${GRADEBOOK_PATH}/classes/:id/lineItems`, bearer(gradebook), (req, res) => {
    if (!data.classes.has(String(req.params.id))) return imsxError(res, 404, 'unknownobject', 'No such class');
    collection(req, res, 'lineItems', [...data.lineItems.values()].filter((l) => l.class.sourcedId === req.params.id));
  });
  r.get(`${GRADEBOOK_PATH}/classes/:id/results`, bearer(gradebook), (req, res) => {
    if (!data.classes.has(String(req.params.id))) return imsxError(res, 404, 'unknownobject', 'No such class');
    collection(req, res, 'results', [...data.results.values()].filter((x) => x.class.sourcedId === req.params.id));
  });
  router.use(r);

  const touch = <T extends Base>(rec: T): T => Object.assign(rec, { dateLastModified: stamp() });

  return {
    router,
    baseUrl,
    tokenUrl: `${baseUrl}${tokenPath}`,
    rosteringUrl: `${baseUrl}${ROSTERING_PATH}`,
    gradebookUrl: `${baseUrl}${GRADEBOOK_PATH}`,
    data,
    requests,
    tokenRequests,
    addUser(u: { givenName: string; familyName: string; role: 'student' | 'teacher'; identifier?: string; sourcedId?: string }): OrUser {
      const sourcedId = u.sourcedId ?? newId('usr');
      const user: OrUser = {
        sourcedId,
        status: 'active',
        dateLastModified: stamp(),
        userMasterIdentifier: u.identifier ?? sourcedId,
        username: `${u.givenName}.${u.familyName}`.toLowerCase(),
        userIds: [{ type: 'SIS', identifier: u.identifier ?? sourcedId }],
        enabledUser: true,
        givenName: u.givenName,
        familyName: u.familyName,
        middleName: '',
        roles: [{ roleType: 'primary', role: u.role, org: schoolRef }],
        identifier: u.identifier ?? sourcedId,
        email: '',
        grades: u.role === 'student' ? ['09'] : [],
      };
      data.users.set(sourcedId, user);
      return user;
    },
    addAcademicSession(s: { title: string; type: OrAcademicSession['type']; startDate: string; endDate: string; schoolYear: string; parent?: string }): OrAcademicSession {
      const sourcedId = newId('as');
      const session: OrAcademicSession = {
        sourcedId,
        status: 'active',
        dateLastModified: stamp(),
        title: s.title,
        type: s.type,
        startDate: s.startDate,
        endDate: s.endDate,
        schoolYear: s.schoolYear,
        ...(s.parent ? { parent: ref(`${ROSTERING_PATH}/academicSessions`, s.parent, 'academicSession') } : {}),
      };
      data.academicSessions.set(sourcedId, session);
      return session;
    },
    addClass(c: { title: string; classCode: string; terms: string[] }): OrClass {
      const sourcedId = newId('cls');
      const cls: OrClass = {
        sourcedId,
        status: 'active',
        dateLastModified: stamp(),
        title: c.title,
        classCode: c.classCode,
        classType: 'scheduled',
        location: '',
        grades: ['09'],
        subjects: [],
        course: ref(`${ROSTERING_PATH}/courses`, `crs-${c.classCode}`, 'course'),
        school: schoolRef,
        terms: c.terms.map((t) => ref(`${ROSTERING_PATH}/academicSessions`, t, 'academicSession')),
      };
      data.classes.set(sourcedId, cls);
      return cls;
    },
    enroll(classId: string, userId: string, role: OrEnrollment['role'] = 'student'): OrEnrollment {
      const sourcedId = newId('enr');
      const e: OrEnrollment = {
        sourcedId,
        status: 'active',
        dateLastModified: stamp(),
        user: ref(`${ROSTERING_PATH}/users`, userId, 'user'),
        class: ref(`${ROSTERING_PATH}/classes`, classId, 'class'),
        school: schoolRef,
        role,
        primary: role === 'teacher',
        beginDate: '',
        endDate: '',
      };
      data.enrollments.set(sourcedId, e);
      return e;
    },
    addLineItem(l: { classId: string; title: string; resultValueMax: number; resultValueMin?: number; gradingPeriod?: string; dueDate?: string }): OrLineItem {
      const sourcedId = newId('li');
      const item: OrLineItem = {
        sourcedId,
        status: 'active',
        dateLastModified: stamp(),
        title: l.title,
        description: '',
        assignDate: stamp(),
        dueDate: l.dueDate ?? stamp(),
        class: ref(`${ROSTERING_PATH}/classes`, l.classId, 'class'),
        school: schoolRef,
        category: ref(`${GRADEBOOK_PATH}/categories`, 'cat-default', 'category'),
        ...(l.gradingPeriod ? { gradingPeriod: ref(`${ROSTERING_PATH}/academicSessions`, l.gradingPeriod, 'academicSession') } : {}),
        resultValueMin: l.resultValueMin ?? 0,
        resultValueMax: l.resultValueMax,
      };
      data.lineItems.set(sourcedId, item);
      return item;
    },
    /** The SIS gradebook records (or changes) one student's result on a line item. */
    setResult(lineItemId: string, studentId: string, r: { score?: number; scoreStatus?: ScoreStatus; late?: boolean; missing?: boolean; status?: Status }): OrResult {
      const item = data.lineItems.get(lineItemId);
      if (!item) throw new Error('unknown line item');
      const existing = [...data.results.values()].find((x) => x.lineItem.sourcedId === lineItemId && x.student.sourcedId === studentId);
      const fields = {
        scoreStatus: r.scoreStatus ?? (r.score === undefined ? 'not submitted' : 'fully graded'),
        ...(r.score === undefined ? {} : { score: r.score }),
        late: r.late ? ('true' as const) : ('false' as const),
        missing: r.missing ? ('true' as const) : ('false' as const),
        status: r.status ?? 'active',
        scoreDate: stamp().slice(0, 10),
      };
      if (existing) {
        if (r.score === undefined) delete existing.score;
        return touch(Object.assign(existing, fields));
      }
      const result: OrResult = {
        sourcedId: newId('res'),
        dateLastModified: stamp(),
        lineItem: ref(`${GRADEBOOK_PATH}/lineItems`, lineItemId, 'lineItem'),
        student: ref(`${ROSTERING_PATH}/users`, studentId, 'user'),
        class: item.class,
        comment: '',
        ...fields,
      };
      data.results.set(result.sourcedId, result);
      return result;
    },
    /** Marks a record deleted the OneRoster way: still listed, status 'tobedeleted', newly modified. */
    markDeleted(kind: keyof typeof data, sourcedId: string): void {
      const rec = data[kind].get(sourcedId);
      if (!rec) throw new Error('unknown record');
      touch(Object.assign(rec, { status: 'tobedeleted' as const }));
    },
    touch,
    injectFault(f: OneRosterFault): void {
      faults.push({ ...f });
    },
    /** The district revokes the client: its secret stops working and its tokens die with it. */
    revokeClient(clientId: string): void {
      clients.delete(clientId);
    },
    /** Every token issued so far expires now (the server's clock ran ahead of the client's, say). */
    expireTokens(): void {
      for (const t of tokens.values()) t.expiresAt = nowSeconds();
    },
    setClientSecret(clientId: string, secret: string): void {
      const c = clients.get(clientId);
      if (c) c.clientSecret = secret;
    },
  };
}
