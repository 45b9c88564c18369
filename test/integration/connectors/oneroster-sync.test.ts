import { expect } from 'chai';
import { createOneRosterApi, ONEROSTER_SCOPES, type OneRosterApi } from '../../../src/sandbox/oneroster-api/index.js';
import { syncOneRoster } from '../../../src/connectors/oneroster/oneroster.sync.js';
import { ConnectorError } from '../../../src/connectors/connector.js';
import { TestClock } from '../../support/clock.js';
import { serve, type Served } from './sis-fixture.js';
import { memoryRun } from './sis-ports.js';

const CLIENT = { clientId: 'district', clientSecret: 'district-secret', scopes: [ONEROSTER_SCOPES.rosterCore, ONEROSTER_SCOPES.gradebook] };

describe('OneRoster REST connector sync (against the OneRoster simulator)', () => {
  let s: Served<OneRosterApi>;
  let clock: TestClock;
  let ids: { bio: string; alg: string; lab: string; quiz: string };

  const start = async (opts: { maxLimit?: number; clients?: (typeof CLIENT)[] } = {}) => {
    s = await serve((baseUrl) => createOneRosterApi({ baseUrl, clients: opts.clients ?? [CLIENT], clock, maxLimit: opts.maxLimit }));
    const { api } = s;
    const year = api.addAcademicSession({ title: '2026-27', type: 'schoolYear', startDate: '2026-08-20', endDate: '2027-06-10', schoolYear: '2027' });
    const bio = api.addClass({ title: 'Biology - P3', classCode: 'BIO-3', terms: [year.sourcedId] });
    const alg = api.addClass({ title: 'Algebra - P1', classCode: 'ALG-1', terms: [year.sourcedId] });
    for (const n of [1, 2, 3]) {
      api.addUser({ givenName: 'Student', familyName: `${n}`, role: 'student', sourcedId: `stu-${n}` });
      api.enroll(bio.sourcedId, `stu-${n}`);
      api.enroll(alg.sourcedId, `stu-${n}`);
    }
    api.addUser({ givenName: 'Terry', familyName: 'Teach', role: 'teacher', sourcedId: 'tch-1' });
    const lab = api.addLineItem({ classId: bio.sourcedId, title: 'Lab', resultValueMax: 20 });
    const test = api.addLineItem({ classId: bio.sourcedId, title: 'Test', resultValueMax: 100 });
    const quiz = api.addLineItem({ classId: alg.sourcedId, title: 'Quiz', resultValueMax: 10 });
    api.setResult(lab.sourcedId, 'stu-1', { score: 15 });
    api.setResult(test.sourcedId, 'stu-1', { score: 90, late: true });
    api.setResult(lab.sourcedId, 'stu-2', { scoreStatus: 'not submitted', missing: true });
    api.setResult(test.sourcedId, 'stu-2', { score: 40 });
    api.setResult(quiz.sourcedId, 'stu-1', { score: 7 });
    api.setResult(quiz.sourcedId, 'stu-3', { score: 9 });
    ids = { bio: bio.sourcedId, alg: alg.sourcedId, lab: lab.sourcedId, quiz: quiz.sourcedId };
  };

  beforeEach(() => {
    clock = new TestClock(new Date('2026-10-15T15:00:00Z'));
  });
  afterEach(() => s.close());

  // stu-1 and stu-2 are people of the tool (their LTI lis_person_sourcedid is the OneRoster sourcedId).
  const people = { 'stu-1': 'person-1', 'stu-2': 'person-2' };
  const config = () => ({ baseUrl: s.baseUrl, tokenUrl: s.api.tokenUrl, clientId: CLIENT.clientId });
  const run = (m: ReturnType<typeof memoryRun>, secret = CLIENT.clientSecret) => m.sync((r) => syncOneRoster(r, m.backoff), { config: config(), secret });

  it('matches students by sourcedId and writes each class current score as the mean of score / resultValueMax', async () => {
    await start();
    const m = memoryRun(clock, people);
    await run(m);
    expect(m.scores.get(`person-1|${ids.bio}|`)).to.include({ currentScore: 82.5, courseTitle: 'Biology - P3', missingCount: 0, lateCount: 1, periodKey: '' });
    expect(m.scores.get(`person-2|${ids.bio}|`)).to.include({ currentScore: 40, missingCount: 1 });
    expect(m.scores.get(`person-1|${ids.alg}|`)).to.include({ currentScore: 70 });
    expect(m.scores.size).to.equal(3);
    expect(m.counters).to.deep.equal({ fetched: 3 + 6, upserted: 3, unmatched: 0, notInTool: 1 });
    // One match per run, every student with the SIS's name as the admins' label; teachers are not students.
    expect(m.matched).to.have.length(1);
    expect(m.matched[0].rows.map((r) => r.externalId).sort()).to.deep.equal(['stu-1', 'stu-2', 'stu-3']);
    expect(m.matched[0].rows.find((r) => r.externalId === 'stu-3')).to.include({ label: 'Student 3' });
  });

  it('reads only what changed since the cursor (dateLastModified), rescoring just the classes touched', async () => {
    await start();
    const m = memoryRun(clock, people);
    await run(m);
    clock.advance(10 * 60_000);
    s.api.setResult(ids.quiz, 'stu-1', { score: 10 });
    await run(m);
    expect(m.scores.get(`person-1|${ids.alg}|`)).to.include({ currentScore: 100 });
    const cursor = m.state.cursor as { gradebookSince: string };
    expect(cursor.gradebookSince).to.equal(clock.now().toISOString());
    // The filter is `>=` the newest change seen, so only that change's class is read again, and
    // Biology, untouched since the first run, is not.
    clock.advance(60_000);
    s.api.requests.length = 0;
    await run(m);
    const classReads = s.api.requests.map((r) => r.path).filter((p) => p.endsWith('/results') && p.includes('/classes/'));
    expect(classReads).to.deep.equal([`/ims/oneroster/gradebook/v1p2/classes/${ids.alg}/results`]);
    expect(s.api.requests.find((r) => r.path.endsWith('/results') && !r.path.includes('/classes/'))).to.include({ status: 200 });
    // A day later, a full run reads every class again.
    clock.advance(24 * 3600_000);
    s.api.requests.length = 0;
    await run(m);
    const fullReads = s.api.requests.map((r) => r.path).filter((p) => p.endsWith('/results') && p.includes('/classes/'));
    expect(fullReads).to.have.length(2);
  });

  it('follows the Link header through pages the server caps', async () => {
    await start({ maxLimit: 2 });
    const m = memoryRun(clock, people);
    await run(m);
    expect(m.scores.size).to.equal(3);
    expect(s.api.requests.filter((r) => r.path.endsWith('/students')).length).to.equal(2);
  });

  it('takes a new token when the server says the old one expired, and goes on', async () => {
    await start();
    const m = memoryRun(clock, people);
    let calls = 0;
    const expiring: typeof fetch = (input, init) => {
      if (++calls === 4) s.api.expireTokens();
      return fetch(input, init);
    };
    await m.sync((r) => syncOneRoster(r, m.backoff), { fetch: expiring, config: config(), secret: CLIENT.clientSecret });
    expect(s.api.tokenRequests.filter((t) => t.ok)).to.have.length(2);
    expect(s.api.requests.some((r) => r.refusal === 'token_expired')).to.equal(true);
    expect(m.scores.size).to.equal(3);
  });

  it('refuses a wrong secret with ConnectorError auth and writes nothing', async () => {
    await start();
    const m = memoryRun(clock, people);
    const err = await run(m, 'wrong').catch((e: unknown) => e);
    expect(err).to.be.instanceOf(ConnectorError);
    expect((err as ConnectorError).kind).to.equal('auth');
    expect(s.api.tokenRequests.at(-1)).to.include({ ok: false, error: 'invalid_client' });
    expect(m.scores.size).to.equal(0);
    expect(m.matched).to.have.length(0);
    expect(m.state.cursor).to.equal(undefined);
  });

  it('stops with auth, writing nothing, when the client is revoked mid-run (expired token, no new one)', async () => {
    await start();
    const m = memoryRun(clock, people);
    let calls = 0;
    const revoking: typeof fetch = (input, init) => {
      if (++calls === 4) {
        s.api.expireTokens();
        s.api.revokeClient(CLIENT.clientId);
      }
      return fetch(input, init);
    };
    const err = await m.sync((r) => syncOneRoster(r, m.backoff), { fetch: revoking, config: config(), secret: CLIENT.clientSecret }).catch((e: unknown) => e);
    expect((err as ConnectorError).kind).to.equal('auth');
    expect(m.scores.size).to.equal(0);
    expect(m.matched).to.have.length(0);
  });

  it('treats a client without the gradebook scope as auth (the admin must grant it)', async () => {
    await start({ clients: [{ ...CLIENT, scopes: [ONEROSTER_SCOPES.rosterCore] }] });
    const m = memoryRun(clock, people);
    const err = await run(m).catch((e: unknown) => e);
    expect((err as ConnectorError).kind).to.equal('auth');
    expect(s.api.tokenRequests.at(-1)).to.include({ error: 'invalid_scope' });
  });

  it('backs off on 429 honouring Retry-After, and gives up with rate_limited when it persists', async () => {
    await start();
    s.api.injectFault({ status: 429, times: 2, retryAfterSeconds: 5, pathIncludes: '/results' });
    const m = memoryRun(clock, people);
    const t0 = clock.now().getTime();
    await run(m);
    expect(clock.now().getTime() - t0).to.equal(10_000);
    expect(m.scores.size).to.equal(3);

    s.api.injectFault({ status: 429, times: 100, retryAfterSeconds: 60 });
    const m2 = memoryRun(clock, people);
    const err = await run(m2).catch((e: unknown) => e);
    expect(err).to.include({ kind: 'rate_limited', retryAfterMs: 60_000 });
    expect(m2.scores.size).to.equal(0);
  });

  it('leaves out students and classes marked tobedeleted', async () => {
    await start();
    s.api.markDeleted('users', 'stu-2');
    s.api.markDeleted('classes', ids.alg);
    const m = memoryRun(clock, people);
    await run(m);
    expect([...m.scores.keys()].some((k) => k.includes(ids.alg))).to.equal(false);
    expect(m.matched[0].rows.find((r) => r.externalId === 'stu-2')?.label).to.equal(undefined);
  });

  it('a class deleted in the SIS: its standings end on the next full run, not on a run of changes', async () => {
    await start();
    const m = memoryRun(clock, people);
    await run(m);
    expect(m.scores.has(`person-1|${ids.alg}|`)).to.equal(true);
    s.api.markDeleted('classes', ids.alg);
    clock.advance(60_000);
    await run(m);
    expect([...m.ended], 'a run of changes ends nothing').to.deep.equal([]);
    clock.advance(24 * 3600_000);
    await run(m);
    expect([...m.ended]).to.deep.equal([`person-1|${ids.alg}|`]);
  });
});
