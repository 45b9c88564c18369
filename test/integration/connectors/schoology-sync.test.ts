import { expect } from 'chai';
import { createSchoologyApi, type SchoologyApi } from '../../../src/sandbox/schoology-api/index.js';
import { syncSchoology } from '../../../src/connectors/schoology/schoology.sync.js';
import { ConnectorError } from '../../../src/connectors/connector.js';
import { TestClock } from '../../support/clock.js';
import { serve, type Served } from './sis-fixture.js';
import { memoryRun } from './sis-ports.js';

const KEY = 'district-key';
const SECRET = 'district-secret';

describe('Schoology connector sync (against the Schoology simulator)', () => {
  let s: Served<SchoologyApi>;
  let clock: TestClock;
  let ids: { q1: number; q2: number; alg: number; bio: number; students: number[] };

  beforeEach(async () => {
    clock = new TestClock(new Date('2026-10-15T15:00:00Z'));
    s = await serve((baseUrl) => createSchoologyApi({ baseUrl, consumerKey: KEY, consumerSecret: SECRET, clock, rateLimit: { requests: 1000, windowSeconds: 5 } }));
    const { api } = s;
    const q1 = api.addGradingPeriod({ title: 'Quarter 1', start: '2026-08-20', end: '2026-10-30' });
    const q2 = api.addGradingPeriod({ title: 'Quarter 2', start: '2026-11-02', end: '2027-01-15' });
    const algebra = api.addCourse({ title: 'Algebra I', courseCode: 'ALG1' });
    const biology = api.addCourse({ title: 'Biology', courseCode: 'BIO' });
    const alg = api.addSection({ courseId: algebra.id, sectionTitle: 'Period 2', sectionCode: 'P2', gradingPeriods: [q1.id, q2.id] });
    const bio = api.addSection({ courseId: biology.id, sectionTitle: 'Period 5', sectionCode: 'P5', gradingPeriods: [q1.id] });
    const old = api.addSection({ courseId: biology.id, sectionTitle: 'Last year', sectionCode: 'LY', gradingPeriods: [q1.id], active: false });
    const teacher = api.addUser({ schoolUid: 'T-1', nameFirst: 'Pat', nameLast: 'Park', role: 'teacher' });
    api.enroll(alg.id, teacher.id, { admin: true });
    const students: number[] = [];
    for (let i = 1; i <= 3; i++) {
      const u = api.addUser({ schoolUid: `S-${i}`, nameFirst: 'Student', nameLast: `${i}`, role: 'student' });
      students.push(u.id);
      api.enroll(alg.id, u.id);
      api.enroll(bio.id, u.id);
      api.enroll(old.id, u.id);
      api.setPeriodGrade(alg.id, u.id, q1.id, 70 + i);
      api.setPeriodGrade(bio.id, u.id, q1.id, 80 + i);
      api.setPeriodGrade(old.id, u.id, q1.id, 10);
    }
    api.setPeriodGrade(alg.id, students[0], q2.id, 65.5);
    ids = { q1: q1.id, q2: q2.id, alg: alg.id, bio: bio.id, students };
  });
  afterEach(() => s.close());

  // S-1 and S-2 are people of the tool (matched by the SIS id Schoology carries); S-3 is not.
  const people = { 'sis:S-1': 'person-1', 'sis:S-2': 'person-2' };
  const run = (m: ReturnType<typeof memoryRun>, secret = SECRET) => m.sync((r) => syncSchoology(r, m.backoff), { config: { baseUrl: s.baseUrl, consumerKey: KEY }, secret });

  it('writes each matched student\'s grade per section and grading period, keyed by the period id', async () => {
    const m = memoryRun(clock, people);
    await run(m);
    expect(m.scores.get(`person-1|${ids.alg}|${ids.q1}`)).to.include({ currentScore: 71, courseTitle: 'Algebra I: Period 2', periodKey: String(ids.q1) });
    expect(m.scores.get(`person-1|${ids.alg}|${ids.q2}`)).to.include({ currentScore: 65.5 });
    expect(m.scores.get(`person-2|${ids.bio}|${ids.q1}`)).to.include({ currentScore: 82 });
    // Inactive sections, the 'final' column and the student not in the tool are left out.
    expect(m.scores.size).to.equal(5);
    expect(m.counters).to.deep.equal({ fetched: 7, upserted: 5, unmatched: 0, notInTool: 1 });
    expect(m.matched).to.have.length(1);
    expect(m.matched[0].rows.find((r) => r.sisId === 'S-3')).to.include({ externalId: String(ids.students[2]), label: 'Student 3' });
    // Every request was signed and accepted.
    expect(s.api.requests.filter((r) => r.status !== 200)).to.deep.equal([]);
  });

  it('reads only grades changed since the cursor on the next run, then everything again a day later', async () => {
    const m = memoryRun(clock, people);
    // The first run comes well after the grades were given (the cursor keeps a 10-minute overlap).
    clock.advance(20 * 60_000);
    await run(m);
    clock.advance(15 * 60_000);
    s.api.setPeriodGrade(ids.bio, ids.students[1], ids.q1, 55);
    s.api.requests.length = 0;
    await run(m);
    expect(s.api.requests.filter((r) => r.path.endsWith('/enrollments')).map((r) => r.path)).to.deep.equal([`/v1/sections/${ids.bio}/enrollments`]);
    expect(m.scores.get(`person-2|${ids.bio}|${ids.q1}`)).to.include({ currentScore: 55 });
    expect(m.counters.upserted).to.equal(6);

    clock.advance(24 * 3600_000);
    s.api.requests.length = 0;
    await run(m);
    expect(s.api.requests.filter((r) => r.path.endsWith('/enrollments'))).to.have.length(2);
  });

  it('a student who leaves a section: the standings end on the next full run, not on a run of changes', async () => {
    const m = memoryRun(clock, people);
    clock.advance(20 * 60_000);
    await run(m);
    s.api.enroll(ids.alg, ids.students[1], { status: 2 });
    clock.advance(15 * 60_000);
    await run(m);
    expect([...m.ended], 'a run of changes ends nothing').to.deep.equal([]);
    clock.advance(24 * 3600_000);
    await run(m);
    expect([...m.ended]).to.deep.equal([`person-2|${ids.alg}|${ids.q1}`]);
    expect(m.scores.has(`person-1|${ids.alg}|${ids.q1}`)).to.equal(true);
  });

  it('follows links.next through sections larger than a page', async () => {
    for (let i = 0; i < 230; i++) {
      const u = s.api.addUser({ schoolUid: `X-${i}`, nameFirst: 'Many', nameLast: `${i}`, role: 'student' });
      s.api.enroll(ids.alg, u.id);
      s.api.setPeriodGrade(ids.alg, u.id, ids.q1, 90);
    }
    const m = memoryRun(clock, { ...people, 'sis:X-229': 'person-last' });
    await run(m);
    expect(m.scores.get(`person-last|${ids.alg}|${ids.q1}`)).to.include({ currentScore: 90 });
    expect(s.api.requests.filter((r) => r.path.endsWith(`${ids.alg}/grades`))).to.have.length(2);
  });

  it('refuses a wrong secret with ConnectorError auth: the simulator saw a bad signature, nothing is written, the cursor stays', async () => {
    const m = memoryRun(clock, people);
    const err = await run(m, 'not-the-secret').then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(ConnectorError);
    expect((err as ConnectorError).kind).to.equal('auth');
    expect(s.api.requests.at(-1)).to.include({ status: 401, refusal: 'bad_signature' });
    expect(m.scores.size).to.equal(0);
    expect(m.matched).to.have.length(0);
    expect(m.state.cursor).to.equal(undefined);
  });

  it('stops with auth when the district revokes its keys mid-way through the school, writing nothing', async () => {
    const m = memoryRun(clock, people);
    let calls = 0;
    const revokingFetch: typeof fetch = (input, init) => {
      if (++calls === 4) s.api.revokeCredentials();
      return fetch(input, init);
    };
    const err = await m.sync((r) => syncSchoology(r, m.backoff), { fetch: revokingFetch, config: { baseUrl: s.baseUrl, consumerKey: KEY }, secret: SECRET }).catch((e: unknown) => e);
    expect((err as ConnectorError).kind).to.equal('auth');
    expect(s.api.requests.filter((r) => r.status === 200)).to.have.length(3);
    expect(s.api.requests.at(-1)).to.include({ refusal: 'unknown_consumer' });
    expect(m.scores.size).to.equal(0);
    expect(m.state.cursor).to.equal(undefined);
  });

  it('backs off on 429 (Retry-After honoured) and finishes the run', async () => {
    s.api.injectFault({ status: 429, times: 2, retryAfterSeconds: 7, pathIncludes: '/grades' });
    const m = memoryRun(clock, people);
    const before = clock.now().getTime();
    await run(m);
    expect(clock.now().getTime() - before).to.equal(14_000);
    expect(m.counters.upserted).to.equal(5);
  });

  it("backs off past Schoology's own rate limit (4 requests per 5 s here)", async () => {
    s.api.setRateLimit(4, 5);
    const m = memoryRun(clock, people);
    await run(m);
    expect(s.api.requests.filter((r) => r.status === 429).length).to.be.greaterThan(0);
    expect(m.counters.upserted).to.equal(5);
  });

  it('gives up with rate_limited (and the wait asked) when Schoology keeps refusing, writing nothing', async () => {
    s.api.injectFault({ status: 429, times: 50, retryAfterSeconds: 30, pathIncludes: '/grades' });
    const m = memoryRun(clock, people);
    const err = await run(m).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(ConnectorError);
    expect(err).to.include({ kind: 'rate_limited', retryAfterMs: 30_000 });
    expect(m.scores.size).to.equal(0);
  });

  it('treats a missing consumer key or secret as not configured (an admin problem) without calling Schoology', async () => {
    const m = memoryRun(clock, people);
    const noKey = await m.sync((r) => syncSchoology(r, m.backoff), { config: { baseUrl: s.baseUrl }, secret: SECRET }).catch((e: unknown) => e);
    const noSecret = await m.sync((r) => syncSchoology(r, m.backoff), { config: { baseUrl: s.baseUrl, consumerKey: KEY }, secret: null }).catch((e: unknown) => e);
    expect([(noKey as ConnectorError).kind, (noSecret as ConnectorError).kind]).to.deep.equal(['not_configured', 'not_configured']);
    expect(s.api.requests).to.have.length(0);
  });
});
