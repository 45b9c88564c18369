import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { startCanvas, type RunningCanvas } from '../../support/canvas-api.js';
import { TestClock } from '../../support/clock.js';

const UA = 'success-plans-test/1.0';
const DAY = 86_400_000;

function links(header: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(',')) {
    const m = /<([^>]+)>;\s*rel="([^"]+)"/.exec(part);
    if (m?.[1] && m[2]) out[m[2]] = m[1];
  }
  return out;
}

describe('simulator: Canvas REST API', () => {
  let c: RunningCanvas;
  let token: string;
  const clock = new TestClock(new Date('2026-10-05T15:00:00Z'));
  let course1: string;
  let ana: string;
  let ben: string;
  let a1: string;
  let a2: string;
  before(async () => {
    c = await startCanvas({ clock });
    const { canvas } = c;
    token = canvas.issueToken();
    const school = canvas.addAccount({ name: 'North High' });
    course1 = canvas.addCourse({ name: 'Algebra I', accountId: school });
    const course2 = canvas.addCourse({ name: 'Biology', accountId: '1' });
    canvas.addCourse({ name: 'Gone', accountId: school, workflowState: 'deleted' });
    ana = canvas.addUser({ name: 'Ana', sisUserId: 'S-1' });
    ben = canvas.addUser({ name: 'Ben', sisUserId: 'S-2' });
    for (let i = 0; i < 23; i++) canvas.enroll(course2, canvas.addUser({ name: `Student ${i}`, sisUserId: `X-${i}` }));
    canvas.enroll(course1, ana);
    canvas.enroll(course1, ben);
    a1 = canvas.addAssignment(course1, { name: 'Quiz 1', pointsPossible: 10, dueAt: new Date(clock.now().getTime() - 2 * DAY) });
    a2 = canvas.addAssignment(course1, { name: 'Quiz 2', pointsPossible: 10, dueAt: new Date(clock.now().getTime() - DAY) });
    canvas.submit(a1, ana, new Date(clock.now().getTime() - 3 * DAY));
    await canvas.grade(a1, ana, 8);
    canvas.submit(a2, ana, new Date(clock.now().getTime() - DAY / 2));
    await canvas.grade(a1, ben, 5);
  });
  after(() => c.close());
  const get = (path: string, t: string | null = token) =>
    fetch(path.startsWith('http') ? path : `${c.baseUrl}${path}`, { headers: { ...(t ? { authorization: `Bearer ${t}` } : {}), 'user-agent': UA } });

  it('lists an account and its sub-accounts\' courses, deleted ones left out', async () => {
    const res = await get('/api/v1/accounts/1/courses?per_page=100');
    expect(res.status).to.equal(200);
    const body = (await res.json()) as { name: string; workflow_state: string }[];
    expect(body.map((x) => x.name)).to.deep.equal(['Algebra I', 'Biology']);
  });

  it('pages with per_page and a Link header (current, next, first, last) until no next', async () => {
    const seen: number[] = [];
    let next: string | undefined = `${c.baseUrl}/api/v1/courses/${c.canvas.state.courses.size > 0 ? [...c.canvas.state.courses.values()].find((x) => x.name === 'Biology')!.id : ''}/enrollments?type[]=StudentEnrollment&per_page=10`;
    let pages = 0;
    while (next) {
      const res = await get(next);
      expect(res.status).to.equal(200);
      const l = links(res.headers.get('link'));
      expect(l).to.have.keys(pages === 0 ? ['current', 'next', 'first', 'last'] : l.next ? ['current', 'next', 'prev', 'first', 'last'] : ['current', 'prev', 'first', 'last']);
      seen.push(...((await res.json()) as { id: number }[]).map((e) => e.id));
      next = l.next;
      pages++;
    }
    expect(pages).to.equal(3);
    expect(new Set(seen).size).to.equal(23);
  });

  it('includes grades (current/final score and grade) and the SIS user id in student enrollments', async () => {
    const res = await get(`/api/v1/courses/${course1}/enrollments?type[]=StudentEnrollment&state[]=active`);
    const body = (await res.json()) as { user_id: number; sis_user_id: string; user: { sis_user_id: string }; grades: { current_score: number; final_score: number; current_grade: string } }[];
    const anaRow = body.find((e) => String(e.user_id) === ana)!;
    expect(anaRow.sis_user_id).to.equal('S-1');
    expect(anaRow.user.sis_user_id).to.equal('S-1');
    expect(anaRow.grades).to.include({ current_score: 80, final_score: 40, current_grade: 'B-' });
  });

  it('lists a user\'s enrollments by sis_user_id', async () => {
    const res = await get('/api/v1/users/sis_user_id:S-2/enrollments?type[]=StudentEnrollment');
    const body = (await res.json()) as { course_id: number; grades: { current_score: number } }[];
    expect(body).to.have.length(1);
    expect(body[0]!.grades.current_score).to.equal(50);
  });

  it('flags missing and late submissions', async () => {
    const res = await get(`/api/v1/courses/${course1}/students/submissions?student_ids[]=all&per_page=100`);
    const body = (await res.json()) as { user_id: number; assignment_id: number; missing: boolean; late: boolean }[];
    const flags = (u: string, a: string) => body.find((s) => String(s.user_id) === u && String(s.assignment_id) === a);
    expect(flags(ana, a1)).to.include({ missing: false, late: false });
    expect(flags(ana, a2)).to.include({ missing: false, late: true });
    expect(flags(ben, a2)).to.include({ missing: true, late: false });
  });

  it('answers ids as strings for Accept: application/json+canvas-string-ids', async () => {
    const res = await fetch(`${c.baseUrl}/api/v1/courses/${course1}/enrollments?type[]=StudentEnrollment`, { headers: { authorization: `Bearer ${token}`, 'user-agent': UA, accept: 'application/json+canvas-string-ids' } });
    const [first] = (await res.json()) as { id: unknown; user_id: unknown; course_id: unknown; user: { id: unknown } }[];
    expect([typeof first!.id, typeof first!.user_id, typeof first!.course_id, typeof first!.user.id]).to.deep.equal(['string', 'string', 'string', 'string']);
  });

  it('refuses a request without a User-Agent with 403 (fetch always sends one, node:http does not)', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${c.baseUrl}/api/v1/accounts/1/courses`, { headers: { authorization: `Bearer ${token}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).to.equal(403);
    expect((await get('/api/v1/accounts/1/courses')).status).to.equal(200);
  });

  it('answers an unknown, expired or revoked token with 401 and WWW-Authenticate', async () => {
    const expired = c.canvas.issueToken({ expiresAt: new Date(clock.now().getTime() + 1000) });
    const revoked = c.canvas.issueToken();
    clock.advance(2000);
    c.canvas.revokeToken(revoked);
    for (const t of ['nope', expired, revoked]) {
      const res = await get('/api/v1/accounts/1/courses', t);
      expect(res.status).to.equal(401);
      expect(res.headers.get('www-authenticate')).to.equal('Bearer realm="canvas-lms"');
      expect(await res.json()).to.deep.equal({ errors: [{ message: 'Invalid access token.' }] });
    }
  });

  it('a teacher\'s token may not list account courses (401 unauthorized)', async () => {
    const res = await get('/api/v1/accounts/1/courses', c.canvas.issueToken({ userId: ana, admin: false }));
    expect(res.status).to.equal(401);
    expect(((await res.json()) as { status: string }).status).to.equal('unauthorized');
  });

  it('throttles: X-Request-Cost, X-Rate-Limit-Remaining, and 403 (Rate Limit Exceeded) when empty, refilled over time', async () => {
    const t = c.canvas.issueToken();
    const ok = await get('/api/v1/accounts/1/courses', t);
    expect(Number(ok.headers.get('x-request-cost'))).to.be.greaterThan(0);
    expect(Number(ok.headers.get('x-rate-limit-remaining'))).to.be.closeTo(699, 0.01);
    c.canvas.setRemaining(t, 0);
    const limited = await get('/api/v1/accounts/1/courses', t);
    expect(limited.status).to.equal(403);
    expect(await limited.text()).to.equal('403 Forbidden (Rate Limit Exceeded)\n');
    clock.advance(5000);
    const again = await get('/api/v1/accounts/1/courses', t);
    expect(again.status).to.equal(200);
    expect(Number(again.headers.get('x-rate-limit-remaining'))).to.be.closeTo(49, 0.01);
  });
});

describe('simulator: Canvas Live Events sender', () => {
  let c: RunningCanvas;
  let server: Server;
  let receiverUrl: string;
  const received: { contentType: string | undefined; body: string }[] = [];
  before(async () => {
    c = await startCanvas();
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        received.push({ contentType: req.headers['content-type'], body });
        res.statusCode = 204;
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    receiverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`;
  });
  after(async () => {
    await c.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('a grade sends grade_change and submission_updated as RS256 JWTs verifiable with the published JWKS', async () => {
    const { canvas } = c;
    const courseId = canvas.addCourse({ name: 'Chemistry' });
    const user = canvas.addUser({ name: 'Cleo', sisUserId: 'S-9' });
    canvas.enroll(courseId, user);
    const a = canvas.addAssignment(courseId, { name: 'Lab', pointsPossible: 20 });
    canvas.subscribe(receiverUrl);
    received.length = 0;
    await canvas.grade(a, user, 15);
    expect(received).to.have.length(2);
    const jwks = createRemoteJWKSet(new URL(canvas.jwksUrl));
    const names: string[] = [];
    for (const r of received) {
      expect(r.contentType).to.equal('application/jwt');
      expect(decodeProtectedHeader(r.body).kid).to.equal(canvas.liveEvents.jwks().keys[1]!.kid);
      const { payload } = await jwtVerify(r.body, jwks, { algorithms: ['RS256'] });
      const ev = payload as unknown as { metadata: { event_name: string; context_id: string }; body: { user_id: string } };
      names.push(ev.metadata.event_name);
      expect(ev.metadata.context_id).to.equal(canvas.state.globalId(courseId));
      expect(BigInt(ev.body.user_id) % 10_000_000_000_000n).to.equal(BigInt(user));
    }
    expect(names).to.deep.equal(['grade_change', 'submission_updated']);
  });

  it('forged and tampered events do not verify', async () => {
    const { canvas } = c;
    const event = canvas.events.enrollmentUpdated(canvas.state.enrollments[0]!);
    const jwks = createRemoteJWKSet(new URL(canvas.jwksUrl));
    for (const mode of ['forged', 'tampered'] as const) {
      const { body } = await canvas.liveEvents.encode(event, mode);
      let failed = false;
      await jwtVerify(body, jwks, { algorithms: ['RS256'] }).catch(() => (failed = true));
      expect(failed, mode).to.equal(true);
    }
  });
});
