import { expect } from 'chai';
import { createCanvasClient, CanvasApiError } from '../../../src/connectors/canvas/canvas.client.js';
import { readAccountScores, readEnrollmentScore, localId } from '../../../src/connectors/canvas/canvas.reader.js';
import { affectedEnrollment, createLiveEventVerifier } from '../../../src/connectors/canvas/canvas.live-events.js';
import { startCanvas, type RunningCanvas } from '../../support/canvas-api.js';
import { TestClock } from '../../support/clock.js';

const DAY = 86_400_000;

describe('connectors/canvas: REST client and reader against the simulated Canvas', () => {
  let c: RunningCanvas;
  const clock = new TestClock(new Date('2026-10-05T15:00:00Z'));
  let token: string;
  let algebra: string;
  let ana: string;
  let quiz2: string;
  const sleeps: number[] = [];
  // Sleeping moves the simulated clock: the bucket refills as it would in real time.
  const sleep = (ms: number) => {
    sleeps.push(ms);
    clock.advance(ms);
    return Promise.resolve();
  };
  const client = (t = token, o: { retries?: number } = {}) => createCanvasClient({ baseUrl: c.baseUrl, token: t, userAgent: 'SuccessPlans/test', sleep, ...o });

  before(async () => {
    c = await startCanvas({ clock });
    const { canvas } = c;
    token = canvas.issueToken();
    const school = canvas.addAccount({ name: 'North High' });
    algebra = canvas.addCourse({ name: 'Algebra I', accountId: school });
    const big = canvas.addCourse({ name: 'Assembly', accountId: school });
    canvas.addCourse({ name: 'Empty', accountId: school });
    canvas.addCourse({ name: 'Draft', accountId: school, workflowState: 'unpublished' });
    ana = canvas.addUser({ name: 'Ana', sisUserId: 'S-1' });
    const ben = canvas.addUser({ name: 'Ben', sisUserId: null });
    canvas.enroll(algebra, ana);
    canvas.enroll(algebra, ben);
    canvas.enroll(algebra, canvas.addUser({ name: 'Teacher T' }), { type: 'TeacherEnrollment' });
    for (let i = 0; i < 230; i++) canvas.enroll(big, canvas.addUser({ name: `S${i}`, sisUserId: `B-${i}` }));
    const quiz1 = canvas.addAssignment(algebra, { name: 'Quiz 1', pointsPossible: 10, dueAt: new Date(clock.now().getTime() - 2 * DAY) });
    quiz2 = canvas.addAssignment(algebra, { name: 'Quiz 2', pointsPossible: 10, dueAt: new Date(clock.now().getTime() - DAY) });
    canvas.addAssignment(algebra, { name: 'Quiz 3', pointsPossible: 10, dueAt: new Date(clock.now().getTime() + DAY) });
    canvas.submit(quiz1, ana, new Date(clock.now().getTime() - 3 * DAY));
    await canvas.grade(quiz1, ana, 9);
    canvas.submit(quiz2, ana, new Date(clock.now().getTime() - DAY / 2));
  });
  after(() => c.close());
  beforeEach(() => {
    sleeps.length = 0;
    c.canvas.setRateLimit({ costPerRequest: 1, outflowPerSecond: 10 });
    c.canvas.state.buckets.clear();
  });

  it('reads every published course with students, paging by Link, with scores and missing/late counts', async () => {
    const cl = client();
    const rows = await readAccountScores(cl, '1');
    expect(rows.filter((r) => r.courseTitle === 'Assembly')).to.have.length(230);
    const anaRow = rows.find((r) => r.userId === ana)!;
    expect(anaRow).to.deep.include({ sisUserId: 'S-1', courseId: algebra, courseTitle: 'Algebra I', currentScore: 90, finalScore: 30, missingCount: 0, lateCount: 1 });
    const benRow = rows.find((r) => r.courseId === algebra && r.userId !== ana)!;
    expect(benRow).to.deep.include({ sisUserId: null, currentScore: null, missingCount: 2, lateCount: 0 });
    expect(rows.some((r) => r.courseTitle === 'Draft' || r.courseTitle === 'Empty')).to.equal(false);
    // Every request named us.
    expect(c.canvas.requests.every((r) => r.userAgent === 'SuccessPlans/test')).to.equal(true);
  });

  it('counts missing/late from course analytics where it is on, from the submissions where it is off: the same counts', async () => {
    const paths = (from: number) => c.canvas.requests.slice(from).map((r) => r.path);
    let from = c.canvas.requests.length;
    const withAnalytics = await readAccountScores(client(), '1');
    expect(paths(from).some((p) => p.endsWith('/analytics/student_summaries'))).to.equal(true);
    expect(paths(from).some((p) => p.endsWith('/students/submissions'))).to.equal(false);
    c.canvas.state.analyticsEnabled = false;
    try {
      from = c.canvas.requests.length;
      const withoutAnalytics = await readAccountScores(client(), '1');
      // One 404 from analytics, then the submissions of every course.
      expect(paths(from).filter((p) => p.endsWith('/analytics/student_summaries'))).to.have.length(1);
      expect(paths(from).some((p) => p.endsWith('/students/submissions'))).to.equal(true);
      expect(withoutAnalytics).to.deep.equal(withAnalytics);
      expect((await readEnrollmentScore(client(), algebra, ana))?.lateCount).to.equal(1);
    } finally {
      c.canvas.state.analyticsEnabled = true;
    }
  });

  it('reads one enrollment for a Live Event refresh; null once the enrollment is gone', async () => {
    const row = await readEnrollmentScore(client(), algebra, ana);
    expect(row).to.deep.include({ userId: ana, currentScore: 90, lateCount: 1 });
    const other = c.canvas.addUser({ name: 'Cleo' });
    expect(await readEnrollmentScore(client(), algebra, other)).to.equal(null);
    expect(await readEnrollmentScore(client(), '999999', ana)).to.equal(null);
  });

  it('slows down when X-Rate-Limit-Remaining runs low', async () => {
    const cl = client();
    c.canvas.setRemaining(token, 100);
    await readEnrollmentScore(cl, algebra, ana);
    expect(sleeps.length).to.be.greaterThan(0);
    expect(sleeps[0]).to.be.greaterThan(1000);
  });

  it('backs off on 403 Rate Limit Exceeded and succeeds once the bucket refills', async () => {
    c.canvas.setRemaining(token, 0);
    const before = c.canvas.requests.length;
    const row = await readEnrollmentScore(client(), algebra, ana);
    expect(row?.currentScore).to.equal(90);
    const statuses = c.canvas.requests.slice(before).map((r) => r.status);
    expect(statuses[0]).to.equal(403);
    expect(statuses.at(-1)).to.equal(200);
    expect(sleeps[0]).to.be.greaterThan(0);
  });

  it('gives up with rate_limited when throttled on every try', async () => {
    c.canvas.setRateLimit({ outflowPerSecond: 0 });
    c.canvas.setRemaining(token, 0);
    const err = await readEnrollmentScore(client(token, { retries: 2 }), algebra, ana).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(CanvasApiError);
    expect((err as CanvasApiError).kind).to.equal('rate_limited');
    expect(sleeps).to.have.length(2);
  });

  it('an expired, revoked or unknown token is an auth error at once (no retry)', async () => {
    const expired = c.canvas.issueToken();
    c.canvas.expireToken(expired);
    const revoked = c.canvas.issueToken();
    c.canvas.revokeToken(revoked);
    for (const t of [expired, revoked, 'nonsense']) {
      const err = await readAccountScores(client(t), '1').catch((e: unknown) => e);
      expect((err as CanvasApiError).kind, t).to.equal('auth');
    }
    expect(sleeps).to.have.length(0);
  });

  it('a teacher\'s token (no account rights) is an auth error', async () => {
    const err = await readAccountScores(client(c.canvas.issueToken({ userId: ana, admin: false })), '1').catch((e: unknown) => e);
    expect((err as CanvasApiError).kind).to.equal('auth');
  });

  it('retries an outage and reports unavailable when it lasts', async () => {
    c.canvas.outage(1);
    expect((await readEnrollmentScore(client(), algebra, ana))?.currentScore).to.equal(90);
    c.canvas.outage(10);
    const err = await readEnrollmentScore(client(token, { retries: 2 }), algebra, ana).catch((e: unknown) => e);
    expect((err as CanvasApiError).kind).to.equal('unavailable');
    c.canvas.outage(0);
  });

  it('verifies Live Events against the published keys and names the affected enrollment', async () => {
    const verifier = createLiveEventVerifier({ cooldownMs: 0 });
    const { canvas } = c;
    const enrollment = canvas.state.enrollments.find((e) => e.courseId === algebra && e.userId === ana)!;
    const event = canvas.events.enrollmentUpdated(enrollment);
    const good = await verifier.verify((await canvas.liveEvents.encode(event)).body, canvas.jwksUrl);
    expect(good.ok).to.equal(true);
    if (good.ok) expect(affectedEnrollment(good.event)).to.deep.equal({ courseId: algebra, userId: ana });
    for (const [mode, reason] of [['forged', 'bad_signature'], ['tampered', 'bad_signature'], ['unsigned', 'unsigned'], ['alg-none', 'unsigned']] as const) {
      const r = await verifier.verify((await canvas.liveEvents.encode(event, mode)).body, canvas.jwksUrl);
      expect(r, mode).to.deep.equal({ ok: false, reason });
    }
    const other = await verifier.verify((await canvas.liveEvents.encode(event)).body, canvas.jwksUrl, 'another-instance');
    expect(other).to.deep.equal({ ok: false, reason: 'other_instance' });
    // After a key rotation, the new key is fetched on its unknown kid.
    await canvas.liveEvents.rotate();
    await canvas.liveEvents.rotate();
    expect((await verifier.verify((await canvas.liveEvents.encode(event)).body, canvas.jwksUrl)).ok).to.equal(true);
    expect(localId('21070000000000048')).to.equal('48');
  });
});
