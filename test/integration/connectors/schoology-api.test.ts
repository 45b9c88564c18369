import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import express from 'express';
import { expect } from 'chai';
import OAuth from 'oauth-1.0a';
import { createSchoologyApi, type SchoologyApi } from '../../../src/sandbox/schoology-api/index.js';
import { TestClock } from '../../support/clock.js';
import { serve, type Served } from './sis-fixture.js';

const KEY = 'district-consumer-key';
const SECRET = 'district-consumer-secret';

const clock = new TestClock(new Date('2026-10-15T15:00:00Z'));

function signer(key = KEY, secret = SECRET) {
  const oauth = new OAuth({
    consumer: { key, secret },
    signature_method: 'HMAC-SHA1',
    realm: 'Schoology API',
    hash_function: (base, k) => createHmac('sha1', k).update(base).digest('base64'),
  });
  // The signer reads the same (test) clock as the simulator.
  oauth.getTimeStamp = () => Math.floor(clock.now().getTime() / 1000);
  return (url: string, method = 'GET') => oauth.toHeader(oauth.authorize({ url, method }, { key: '', secret: '' })).Authorization;
}

describe('Schoology REST simulator', () => {
  let s: Served<SchoologyApi>;
  const sign = signer();
  const get = (path: string, authorization = sign(`${s.baseUrl}${path}`)) => fetch(`${s.baseUrl}${path}`, { headers: { authorization } });

  before(async () => {
    s = await serve((baseUrl) => createSchoologyApi({ baseUrl, consumerKey: KEY, consumerSecret: SECRET, clock, rateLimit: { requests: 1000, windowSeconds: 5 } }));
    const { api } = s;
    const q1 = api.addGradingPeriod({ title: 'Quarter 1', start: '2026-08-20', end: '2026-10-30' });
    const q2 = api.addGradingPeriod({ title: 'Quarter 2', start: '2026-11-02', end: '2027-01-15' });
    const course = api.addCourse({ title: 'Algebra I', courseCode: 'ALG1' });
    const section = api.addSection({ courseId: course.id, sectionTitle: 'Period 2', sectionCode: 'P2', gradingPeriods: [q1.id, q2.id] });
    const teacher = api.addUser({ schoolUid: 'T-1', nameFirst: 'Pat', nameLast: 'Park', role: 'teacher' });
    api.enroll(section.id, teacher.id, { admin: true });
    for (let i = 1; i <= 25; i++) {
      const u = api.addUser({ schoolUid: `S-${i}`, nameFirst: `Student`, nameLast: `${i}`, role: 'student' });
      api.enroll(section.id, u.id);
      api.setPeriodGrade(section.id, u.id, q1.id, 60 + i);
    }
  });
  after(() => s.close());

  it('serves a correctly signed request and pages users with start/limit and links.next', async () => {
    const first = await get('/v1/users');
    expect(first.status).to.equal(200);
    const body = (await first.json()) as { user: { id: number; school_uid: string }[]; total: string; links: { next?: string } };
    expect(body.user).to.have.length(20);
    expect(body.total).to.equal('26');
    expect(body.user[0]).to.include({ school_uid: 'T-1' });
    const next = new URL(body.links.next!);
    expect(next.searchParams.get('start')).to.equal('20');
    const second = (await (await get(next.pathname + next.search)).json()) as { user: unknown[]; links: { next?: string } };
    expect(second.user).to.have.length(6);
    expect(second.links.next).to.equal(undefined);
  });

  it('lists section grades per grading period, p<id> then final, paged by enrollment', async () => {
    const [section] = s.api.state.sections.values();
    const res = await get(`/v1/sections/${section.id}/grades?limit=10`);
    expect(res.status).to.equal(200);
    const body = (await res.json()) as { final_grade: { enrollment_id: number; period: { period_id: string; grade: number }[] }[]; links: { next?: string } };
    expect(body.final_grade).to.have.length(10);
    const [q1] = s.api.state.gradingPeriods.values();
    expect(body.final_grade[0].period.map((p) => p.period_id)).to.deep.equal([`p${q1.id}`, 'final']);
    expect(body.final_grade[0].period[0].grade).to.equal(61);
    expect(body.links.next).to.be.a('string');
  });

  it('keeps only enrollments with a grade changed since ?timestamp=', async () => {
    const [section] = s.api.state.sections.values();
    const [q1] = s.api.state.gradingPeriods.values();
    clock.advance(60_000);
    const since = Math.floor(clock.now().getTime() / 1000);
    const student = [...s.api.state.users.values()].find((u) => u.schoolUid === 'S-3')!;
    s.api.setPeriodGrade(section.id, student.id, q1.id, 99);
    const body = (await (await get(`/v1/sections/${section.id}/grades?timestamp=${since}`)).json()) as { final_grade: { period: { grade: number }[] }[] };
    expect(body.final_grade).to.have.length(1);
    expect(body.final_grade[0].period[0].grade).to.equal(99);
  });

  it('refuses a replayed nonce', async () => {
    const header = sign(`${s.baseUrl}/v1/gradingperiods`);
    expect((await get('/v1/gradingperiods', header)).status).to.equal(200);
    const replay = await get('/v1/gradingperiods', header);
    expect(replay.status).to.equal(401);
    expect(s.api.requests.at(-1)).to.include({ status: 401, refusal: 'nonce_reused' });
  });

  const refusals: [string, () => [string, string], string][] = [
    ['a wrong consumer secret', () => ['/v1/users', signer(KEY, 'guessed')(`${s.baseUrl}/v1/users`)], 'bad_signature'],
    ['an unknown consumer key', () => ['/v1/users', signer('someone-else', SECRET)(`${s.baseUrl}/v1/users`)], 'unknown_consumer'],
    ['a query changed after signing', () => ['/v1/users?start=20', sign(`${s.baseUrl}/v1/users?start=0`)], 'bad_signature'],
    ['a path changed after signing', () => ['/v1/courses', sign(`${s.baseUrl}/v1/users`)], 'bad_signature'],
    ['no Authorization header', () => ['/v1/users', ''], 'missing_header'],
    ['a Bearer token instead of OAuth', () => ['/v1/users', 'Bearer abc'], 'missing_header'],
  ];
  for (const [what, make, reason] of refusals) {
    it(`answers 401 to ${what}`, async () => {
      const [path, header] = make();
      const res = await get(path, header);
      expect(res.status).to.equal(401);
      expect(res.headers.get('www-authenticate')).to.equal('OAuth realm="Schoology API"');
      expect(s.api.requests.at(-1)).to.include({ status: 401, refusal: reason });
    });
  }

  it('accepts PLAINTEXT signatures (Schoology documents both methods) and refuses other methods and versions', async () => {
    const plain = new OAuth({ consumer: { key: KEY, secret: SECRET }, signature_method: 'PLAINTEXT', realm: 'Schoology API', hash_function: (_base, key) => key });
    plain.getTimeStamp = () => Math.floor(clock.now().getTime() / 1000);
    const header = (o: OAuth) => o.toHeader(o.authorize({ url: `${s.baseUrl}/v1/users`, method: 'GET' }, { key: '', secret: '' })).Authorization;
    expect((await get('/v1/users', header(plain))).status).to.equal(200);
    const wrongPlain = new OAuth({ consumer: { key: KEY, secret: 'nope' }, signature_method: 'PLAINTEXT', hash_function: (_base, key) => key });
    wrongPlain.getTimeStamp = plain.getTimeStamp;
    expect((await get('/v1/users', header(wrongPlain))).status).to.equal(401);
    expect(s.api.requests.at(-1)).to.include({ refusal: 'bad_signature' });
    const sha256 = sign(`${s.baseUrl}/v1/users`).replace('HMAC-SHA1', 'HMAC-SHA256');
    expect((await get('/v1/users', sha256)).status).to.equal(401);
    expect(s.api.requests.at(-1)).to.include({ refusal: 'unsupported_signature_method' });
    const v2 = sign(`${s.baseUrl}/v1/users`).replace('oauth_version="1.0"', 'oauth_version="2.0"');
    expect((await get('/v1/users', v2)).status).to.equal(401);
    expect(s.api.requests.at(-1)).to.include({ refusal: 'unsupported_version' });
  });

  it('refuses a timestamp outside the window, either way', async () => {
    const header = sign(`${s.baseUrl}/v1/users`);
    clock.advance(301_000);
    expect((await get('/v1/users', header)).status).to.equal(401);
    expect(s.api.requests.at(-1)).to.include({ refusal: 'timestamp_refused' });
    const future = sign(`${s.baseUrl}/v1/users`);
    clock.advance(-602_000);
    expect((await get('/v1/users', future)).status).to.equal(401);
    expect(s.api.requests.at(-1)).to.include({ refusal: 'timestamp_refused' });
    clock.advance(301_000);
    expect((await get('/v1/users')).status).to.equal(200);
  });

  it('stops honouring revoked credentials and honours rotated ones', async () => {
    s.api.rotateCredentials('new-key', 'new-secret');
    try {
      expect((await get('/v1/users')).status).to.equal(401);
      expect((await get('/v1/users', signer('new-key', 'new-secret')(`${s.baseUrl}/v1/users`))).status).to.equal(200);
    } finally {
      s.api.rotateCredentials(KEY, SECRET);
    }
  });

  it('answers 429 past the rate limit and serves again once the window has passed', async () => {
    const limited = await serve((baseUrl) => createSchoologyApi({ baseUrl, consumerKey: KEY, consumerSecret: SECRET, clock, rateLimit: { requests: 3, windowSeconds: 5 } }));
    try {
      const call = () => fetch(`${limited.baseUrl}/v1/users`, { headers: { authorization: sign(`${limited.baseUrl}/v1/users`) } });
      for (let i = 0; i < 3; i++) expect((await call()).status).to.equal(200);
      expect((await call()).status).to.equal(429);
      clock.advance(5_000);
      expect((await call()).status).to.equal(200);
    } finally {
      await limited.close();
    }
  });

  it('answers injected faults, then recovers', async () => {
    s.api.injectFault({ status: 503, times: 1, retryAfterSeconds: 2 });
    const res = await get('/v1/users');
    expect(res.status).to.equal(503);
    expect(res.headers.get('retry-after')).to.equal('2');
    expect((await get('/v1/users')).status).to.equal(200);
  });
});

describe('Schoology REST simulator mounted below a path (as in the sandbox)', () => {
  it('verifies signatures over the full URL and records paths below its base', async () => {
    const app = express();
    const server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const baseUrl = `http://127.0.0.1:${port}/sandbox/schoology`;
    const api = createSchoologyApi({ baseUrl, consumerKey: KEY, consumerSecret: SECRET, clock });
    app.use('/sandbox/schoology', api.router);
    try {
      const sign = signer();
      const ok = await fetch(`${baseUrl}/v1/users`, { headers: { authorization: sign(`${baseUrl}/v1/users`) } });
      expect(ok.status).to.equal(200);
      const body = (await ok.json()) as { links: { self: string } };
      expect(body.links.self).to.equal(`${baseUrl}/v1/users`);
      const bad = await fetch(`${baseUrl}/v1/users`, { headers: { authorization: sign(`http://127.0.0.1:${port}/v1/users`) } });
      expect(bad.status).to.equal(401);
      expect(api.requests.map((r) => [r.path, r.status])).to.deep.equal([
        ['/v1/users', 200],
        ['/v1/users', 401],
      ]);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
