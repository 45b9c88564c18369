import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import request from 'supertest';
import { createTestApp, type TestApp } from '../../support/app.js';
import { seedSchool, ltikFor, asUser, type SeededSchool } from '../../support/school.js';
import { decoded } from '../../support/html.js';
import { connectCanvas, startCanvas, type RunningCanvas } from '../../support/canvas-api.js';
import { TestClock } from '../../support/clock.js';
import { enterSystemScopeForTests } from '../../../src/db/tenant-scope.js';
import { queryRows } from '../../../src/db/client.js';
import { liveEventsPath } from '../../../src/connectors/canvas/canvas.routes.js';
import type { AppUser } from '../../../src/auth/user.js';
import { RECOMPUTE_JOB } from '../../../src/indicators/indicators.service.js';

const DAY = 86_400_000;

/**
 * The Canvas connector against the simulated Canvas: every course of the account (not only where the
 * tool is placed), scores and missing/late counts, Link paging, throttling honoured, a refused token
 * leaves nothing written and puts the connector in front of the admin; Live Events signed like Canvas
 * signs them refresh one enrollment through the job queue, forged or unsigned ones are refused.
 */
describe('connectors/canvas: REST sync and Live Events against the simulated Canvas', function () {
  this.timeout(60_000);
  let t: TestApp;
  let school: SeededSchool;
  let admin: AppUser;
  let c: RunningCanvas;
  let server: Server;
  let eventsUrl: string;
  const canvasClock = new TestClock(new Date('2026-10-05T15:00:00Z'));
  const sleeps: number[] = [];
  let token: string;
  // Canvas ids
  const ids = { amara: '', liam: '', sofia: '', stranger: '', twin: '', algebra: '', biology: '', quiz1: '', quiz2: '', lab: '' };

  before(async () => {
    enterSystemScopeForTests();
    t = await createTestApp();
    school = await seedSchool(t.ctx);
    admin = { tenantId: school.tenantId, personId: school.admin.id, name: 'a', role: 'admin', contextId: null, contextTitle: '', contextKind: null, menteeIds: [] };
    const sis = (n: string) => `SIS-${n}-${school.tenantId}`;
    for (const [i, s] of school.students.entries()) await t.ctx.roster.upsertPerson(school.tenantId, { sub: s.sub, name: s.name, sisId: sis(String(i)) });
    // Two people of the tool carry one SIS id: a Canvas user with it is a case for an admin.
    for (const sub of ['twin-a', 'twin-b']) await t.ctx.roster.upsertPerson(school.tenantId, { sub, name: `Twin ${sub}`, sisId: 'SIS-TWIN' });

    c = await startCanvas({ clock: canvasClock });
    const { canvas } = c;
    const north = canvas.addAccount({ name: 'North High' });
    ids.algebra = canvas.addCourse({ name: 'Algebra I', accountId: north });
    ids.biology = canvas.addCourse({ name: 'Biology', accountId: '1' });
    ids.amara = canvas.addUser({ name: 'Amara', sisUserId: sis('0') });
    ids.liam = canvas.addUser({ name: 'Liam', sisUserId: sis('1') });
    ids.sofia = canvas.addUser({ name: 'Sofia', sisUserId: sis('2') });
    ids.stranger = canvas.addUser({ name: 'Nobody Known', sisUserId: 'SIS-unknown' });
    ids.twin = canvas.addUser({ name: 'Twin', sisUserId: 'SIS-TWIN' });
    for (const u of [ids.amara, ids.liam, ids.stranger, ids.twin]) canvas.enroll(ids.algebra, u);
    canvas.enroll(ids.biology, ids.amara);
    canvas.enroll(ids.biology, ids.sofia);
    // Enough students in Biology for several pages of 100.
    for (let i = 0; i < 120; i++) canvas.enroll(ids.biology, canvas.addUser({ name: `Extra ${i}`, sisUserId: `X-${i}` }));
    const now = canvasClock.now().getTime();
    ids.quiz1 = canvas.addAssignment(ids.algebra, { name: 'Quiz 1', pointsPossible: 10, dueAt: new Date(now - 2 * DAY) });
    ids.quiz2 = canvas.addAssignment(ids.algebra, { name: 'Quiz 2', pointsPossible: 10, dueAt: new Date(now - DAY) });
    ids.lab = canvas.addAssignment(ids.biology, { name: 'Lab', pointsPossible: 20, dueAt: new Date(now + DAY) });
    canvas.submit(ids.quiz1, ids.amara, new Date(now - 3 * DAY));
    await canvas.grade(ids.quiz1, ids.amara, 9);
    canvas.submit(ids.quiz2, ids.amara, new Date(now - DAY / 2));
    await canvas.grade(ids.quiz2, ids.amara, 7);
    await canvas.grade(ids.quiz1, ids.liam, 5);
    canvas.submit(ids.lab, ids.sofia, new Date(now));
    await canvas.grade(ids.lab, ids.sofia, 18);

    // Waits move the simulated Canvas's clock, so its bucket refills as it would.
    t.ctx.canvas.tuning.sleep = (ms: number) => {
      sleeps.push(ms);
      canvasClock.advance(ms);
      return Promise.resolve();
    };
    server = await new Promise<Server>((resolve) => {
      const s = t.app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const toolUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    eventsUrl = `${toolUrl}${liveEventsPath(school.tenantId)}`;
    token = await connectCanvas(t.ctx, admin, c, toolUrl);
    expect([...c.canvas.liveEvents.subscriptions]).to.deep.equal([eventsUrl]);
    // The Live Events tests subscribe again themselves.
    c.canvas.unsubscribe(eventsUrl);
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await c.close();
    await t.ctx.shutdown?.();
  });
  beforeEach(() => {
    // Runs are ordered by their start.
    t.clock.advance(1000);
    sleeps.length = 0;
    c.canvas.setRateLimit({ outflowPerSecond: 10 });
    c.canvas.state.buckets.clear();
  });

  const scores = () =>
    queryRows<{ person_id: string; course_key: string; course_title: string; current_score: number | null; final_score: number | null; missing_count: number; late_count: number }>(
      t.ctx.db,
      sql`select person_id, course_key, course_title, current_score::float8 as current_score, final_score::float8 as final_score, missing_count, late_count
          from course_scores where tenant_id = ${school.tenantId} and source = 'canvas' order by course_key, person_id`,
    );
  const runs = () =>
    queryRows<{ trigger: string; status: string; fetched: number; upserted: number; unmatched: number; not_in_tool: number; error_class: string | null }>(
      t.ctx.db,
      sql`select trigger, status, fetched, upserted, unmatched, not_in_tool, error_class from connector_runs where tenant_id = ${school.tenantId} and kind = 'canvas' order by started_at, id`,
    );
  const status = async () => (await t.ctx.connectors.overview(admin)).connectors.find((x) => x.kind === 'canvas');
  const pendingRefreshes = async () => (await queryRows<{ n: number }>(t.ctx.db, sql`select count(*)::int as n from jobs where type = 'connectors.canvas.refresh' and tenant_id = ${school.tenantId} and status = 'pending'`))[0]!.n;
  const runEventJobs = async () => {
    t.clock.advance(2000);
    await t.ctx.jobs.runDue();
  };

  it('a sync writes current and final score and missing/late counts for every course of matched students; students not in the tool are left out, not queued', async () => {
    await t.ctx.connectors.syncNow(school.tenantId, 'canvas', 'admin');
    const [amara, liam, sofia] = school.students.map((s) => s.id);
    const rows = await scores();
    const of = (p: string | undefined, course: string) => rows.find((r) => r.person_id === p && r.course_key === course);
    expect(of(amara, ids.algebra)).to.deep.include({ course_title: 'Algebra I', current_score: 80, final_score: 80, missing_count: 0, late_count: 1 });
    expect(of(liam, ids.algebra)).to.deep.include({ current_score: 50, final_score: 25, missing_count: 1, late_count: 0 });
    expect(of(amara, ids.biology)).to.deep.include({ course_title: 'Biology', current_score: null, missing_count: 0 });
    expect(of(sofia, ids.biology)).to.deep.include({ current_score: 90, final_score: 90 });
    expect(rows).to.have.length(4);
    // 4 in Algebra + 122 in Biology read; 121 Canvas users are no one the tool knows (left out), one SIS id names two people (queued).
    expect((await runs()).at(-1)).to.deep.include({ trigger: 'admin', status: 'succeeded', fetched: 126, upserted: 4, unmatched: 1, not_in_tool: 121 });
    const reviews = await queryRows<{ external_id: string; reason: string }>(t.ctx.db, sql`select external_id, reason from identity_reviews where tenant_id = ${school.tenantId} and source = 'canvas'`);
    expect(reviews).to.deep.equal([{ external_id: ids.twin, reason: 'ambiguous' }]);
    // The admins' run history says so in words.
    const page = decoded((await asUser(t.app, await ltikFor(t.ctx, school.admin, 'admin', school.advisoryId)).get('/admin/connectors').expect(200)).text);
    expect(page).to.contain('121 not in the tool').and.contain('1 waiting for identity review');
    expect(c.canvas.requests.filter((r) => r.path.includes(`/courses/${ids.biology}/enrollments`)).length, 'Biology paged by Link').to.equal(2);
    expect(c.canvas.requests.every((r) => r.userAgent?.startsWith('SuccessPlans/'))).to.equal(true);
    expect((await status())?.status).to.equal('ok');
  });

  it('a second sync with nothing changed in Canvas writes nothing', async () => {
    await t.ctx.connectors.syncNow(school.tenantId, 'canvas', 'schedule');
    expect((await runs()).at(-1)).to.deep.include({ status: 'succeeded', upserted: 0 });
  });

  it('throttling: pauses when X-Rate-Limit-Remaining is low, backs off on 403 Rate Limit Exceeded, and completes', async () => {
    await c.canvas.grade(ids.quiz1, ids.liam, 6, { publish: false });
    c.canvas.setRemaining(token, 0);
    const before = c.canvas.requests.length;
    await t.ctx.connectors.syncNow(school.tenantId, 'canvas', 'schedule');
    const statuses = c.canvas.requests.slice(before).map((r) => r.status);
    expect(statuses[0]).to.equal(403);
    expect(statuses.slice(1).every((s) => s === 200)).to.equal(true);
    expect(sleeps.length).to.be.greaterThan(1);
    expect((await runs()).at(-1)).to.deep.include({ status: 'succeeded', upserted: 1 });
    expect((await scores()).find((r) => r.person_id === school.students[1].id && r.course_key === ids.algebra)?.current_score).to.equal(60);
  });

  it('throttled on every try: the run fails as rate_limited, writes nothing, and stays scheduled for a retry', async () => {
    await c.canvas.grade(ids.quiz1, ids.liam, 10, { publish: false });
    c.canvas.setRateLimit({ outflowPerSecond: 0 });
    c.canvas.setRemaining(token, 0);
    const before = await scores();
    let thrown: unknown;
    await t.ctx.connectors.syncNow(school.tenantId, 'canvas', 'schedule').catch((e: unknown) => (thrown = e));
    expect(thrown).to.have.property('kind', 'rate_limited');
    expect(await scores()).to.deep.equal(before);
    expect((await runs()).at(-1)).to.deep.include({ status: 'failed', error_class: 'rate_limited', upserted: 0 });
    expect((await status())?.status).to.equal('ok');
  });

  it('a token that expires part-way: an admin-facing error, nothing written, not retried', async () => {
    c.canvas.setRateLimit({ outflowPerSecond: 10 });
    const before = await scores();
    c.canvas.expireTokenAfter(token, 3);
    await t.ctx.connectors.syncNow(school.tenantId, 'canvas', 'schedule');
    expect(await scores()).to.deep.equal(before);
    expect((await runs()).at(-1)).to.deep.include({ status: 'failed', error_class: 'auth', upserted: 0 });
    expect(await status()).to.deep.include({ status: 'needs_attention', statusReason: 'auth' });
    expect(t.logs.text()).to.not.contain(token);
    // The admin pastes a new token: the next run succeeds and clears the status.
    token = c.canvas.issueToken();
    await t.ctx.connectors.save(admin, 'canvas', { config: { baseUrl: c.baseUrl, accountId: '1', liveEventsJwksUrl: c.canvas.jwksUrl }, secret: token, enabled: true });
    await t.ctx.connectors.syncNow(school.tenantId, 'canvas', 'admin');
    expect((await status())?.status).to.equal('ok');
    expect((await scores()).find((r) => r.person_id === school.students[1].id && r.course_key === ids.algebra)?.current_score).to.equal(100);
  });

  it('a revoked token: the same admin-facing error and nothing written', async () => {
    await c.canvas.grade(ids.quiz1, ids.liam, 1, { publish: false });
    const before = await scores();
    c.canvas.revokeToken(token);
    await t.ctx.connectors.syncNow(school.tenantId, 'canvas', 'schedule');
    expect(await scores()).to.deep.equal(before);
    expect(await status()).to.deep.include({ status: 'needs_attention', statusReason: 'auth' });
    token = c.canvas.issueToken();
    await t.ctx.connectors.save(admin, 'canvas', { config: { baseUrl: c.baseUrl, accountId: '1', liveEventsJwksUrl: c.canvas.jwksUrl }, secret: token, enabled: true });
    await t.ctx.connectors.syncNow(school.tenantId, 'canvas', 'admin');
  });

  it('a grade changed in Canvas reaches the tool through a signed Live Event and a queued refresh, well under a minute', async () => {
    c.canvas.subscribe(eventsUrl);
    const started = Date.now();
    const sent = c.canvas.liveEvents.sent.length;
    await c.canvas.grade(ids.quiz2, ids.liam, 9);
    expect(c.canvas.liveEvents.sent.slice(sent).map((s) => [s.eventName, s.status])).to.deep.equal([['grade_change', 204], ['submission_updated', 204]]);
    expect(await pendingRefreshes(), 'both events, one refresh').to.equal(1);
    await runEventJobs();
    const liam = (await scores()).find((r) => r.person_id === school.students[1].id && r.course_key === ids.algebra);
    expect(liam).to.deep.include({ current_score: 50, final_score: 50, missing_count: 0 });
    expect(Date.now() - started).to.be.lessThan(60_000);
    expect((await runs()).at(-1)).to.deep.include({ trigger: 'event', status: 'succeeded', fetched: 1, upserted: 1 });
    c.canvas.unsubscribe(eventsUrl);
  });

  it('repeated deliveries of one event are idempotent: one refresh, no second write', async () => {
    const s = c.canvas.submission(ids.quiz2, ids.liam);
    const event = c.canvas.events.gradeChange(s, { score: 9, grade: '9' }, null);
    for (let i = 0; i < 3; i++) expect(await c.canvas.send(event, eventsUrl)).to.equal(204);
    expect(await pendingRefreshes()).to.equal(1);
    const before = (await runs()).length;
    await runEventJobs();
    const after = await runs();
    expect(after.length - before).to.equal(1);
    expect(after.at(-1)).to.deep.include({ trigger: 'event', upserted: 0 });
  });

  it('enrollment_updated refreshes that enrollment', async () => {
    c.canvas.setGrades(ids.biology, ids.sofia, { current: 42.5, final: 40 });
    const e = c.canvas.enrollment(ids.biology, ids.sofia);
    expect(await c.canvas.send(c.canvas.events.enrollmentUpdated(e), eventsUrl)).to.equal(204);
    await runEventJobs();
    expect((await scores()).find((r) => r.person_id === school.students[2].id && r.course_key === ids.biology)).to.deep.include({ current_score: 42.5, final_score: 40 });
  });

  it('forged, tampered, unsigned and alg-none events: 401, logged without their body, nothing queued or written', async () => {
    await c.canvas.grade(ids.quiz1, ids.amara, 0, { publish: false });
    const s = c.canvas.submission(ids.quiz1, ids.amara);
    const event = c.canvas.events.gradeChange(s, { score: 9, grade: '9' }, null);
    const before = await scores();
    const logged = t.logs.lines.length;
    for (const mode of ['forged', 'tampered', 'unsigned', 'alg-none'] as const) {
      const { body } = await c.canvas.liveEvents.encode(event, mode);
      expect(await c.canvas.send(event, eventsUrl, mode), mode).to.equal(401);
      expect(t.logs.text()).to.not.contain(body.slice(0, 40));
    }
    // No body at all: unsigned. Not an event at all, or another content type: the app's odd-body answers.
    const path = liveEventsPath(school.tenantId);
    expect((await request(t.app).post(path)).status).to.equal(401);
    expect((await request(t.app).post(path).set('content-type', 'application/json').send('{"metadata":{}}')).status).to.equal(400);
    expect((await request(t.app).post(path).set('content-type', 'text/plain').send('hello')).status).to.equal(415);
    expect(await pendingRefreshes()).to.equal(0);
    await runEventJobs();
    expect(await scores()).to.deep.equal(before);
    const refusals = t.logs.lines.slice(logged).filter((l) => l.msg === 'canvas live event refused');
    expect(refusals.map((l) => l.reason)).to.deep.equal(['bad_signature', 'bad_signature', 'unsigned', 'unsigned', 'unsigned']);
    expect(JSON.stringify(refusals)).to.not.contain('Amara');
  });

  it('a signed event sent as application/json (before July 2026) is accepted; unknown schools answer 404', async () => {
    const s = c.canvas.submission(ids.quiz1, ids.amara);
    const { body } = await c.canvas.liveEvents.encode(c.canvas.events.gradeChange(s, { score: 9, grade: '9' }, null));
    const path = liveEventsPath(school.tenantId);
    expect((await request(t.app).post(path).set('content-type', 'application/json').send(body)).status).to.equal(204);
    await runEventJobs();
    expect((await scores()).find((r) => r.person_id === school.students[0].id && r.course_key === ids.algebra)?.current_score).to.equal(35);
    expect((await request(t.app).post(liveEventsPath(school.other.tenantId)).set('content-type', 'application/jwt').send(body)).status).to.equal(404);
    expect((await request(t.app).post('/connectors/canvas/live-events/not-a-uuid').set('content-type', 'application/jwt').send(body)).status).to.equal(404);
  });

  it('events of another Canvas instance are refused when the root account is set', async () => {
    await t.ctx.connectors.save(admin, 'canvas', { config: { baseUrl: c.baseUrl, accountId: '1', liveEventsJwksUrl: c.canvas.jwksUrl, rootAccountUuid: 'AnotherInstanceUuid' }, secret: null, enabled: true });
    const s = c.canvas.submission(ids.quiz1, ids.amara);
    expect(await c.canvas.send(c.canvas.events.gradeChange(s, { score: 0, grade: '0' }, null), eventsUrl)).to.equal(401);
    await t.ctx.connectors.save(admin, 'canvas', { config: { baseUrl: c.baseUrl, accountId: '1', liveEventsJwksUrl: c.canvas.jwksUrl, rootAccountUuid: 'SimRootAccountUuid0000000000000000000000' }, secret: null, enabled: true });
    expect(await c.canvas.send(c.canvas.events.gradeChange(s, { score: 0, grade: '0' }, null), eventsUrl)).to.equal(204);
  });

  const endedOn = async (personId: string, courseKey: string) =>
    (await queryRows<{ ended_on: string | null }>(t.ctx.db, sql`select ended_on::text from course_scores where tenant_id = ${school.tenantId} and source = 'canvas' and person_id = ${personId} and course_key = ${courseKey}`)).map((r) => r.ended_on);
  const currentCourses = async (personId: string) => (await t.ctx.studentData.forStudents(school.tenantId, [personId], '2026-07-01')).scores.map((s) => s.courseKey).sort();

  it('a student who leaves a course: the next sync marks that standing ended on the day (kept), the indicators leave it out; back in the course, it counts again', async () => {
    const liam = school.students[1].id;
    await c.canvas.setEnrollmentState(ids.algebra, ids.liam, 'deleted', { publish: false });
    await t.ctx.connectors.syncNow(school.tenantId, 'canvas', 'admin');
    expect(await endedOn(liam, ids.algebra)).to.deep.equal([await t.ctx.studentData.today(school.tenantId)]);
    expect((await runs()).at(-1)).to.deep.include({ status: 'succeeded', upserted: 1 });
    const stillCurrent = await queryRows<{ n: number }>(t.ctx.db, sql`select count(*)::int as n from course_scores where tenant_id = ${school.tenantId} and source = 'canvas' and ended_on is null`);
    expect(stillCurrent[0]!.n, 'the other standings are untouched').to.equal(3);
    expect(await currentCourses(liam)).to.deep.equal([]);

    await c.canvas.setEnrollmentState(ids.algebra, ids.liam, 'active', { publish: false });
    await t.ctx.connectors.syncNow(school.tenantId, 'canvas', 'admin');
    expect(await endedOn(liam, ids.algebra)).to.deep.equal([null]);
    expect(await currentCourses(liam)).to.deep.equal([ids.algebra]);
  });

  it('enrollment_updated for a concluded or deleted enrollment ends that standing at once', async () => {
    const sofia = school.students[2].id;
    await c.canvas.setEnrollmentState(ids.biology, ids.sofia, 'completed', { publish: false });
    const before = (await runs()).length;
    expect(await c.canvas.send(c.canvas.events.enrollmentUpdated(c.canvas.enrollment(ids.biology, ids.sofia)), eventsUrl)).to.equal(204);
    await runEventJobs();
    expect(await endedOn(sofia, ids.biology)).to.deep.equal([await t.ctx.studentData.today(school.tenantId)]);
    // (An event of the test before may be refreshed in the same pass: its run is the other one.)
    expect((await runs()).slice(before).filter((r) => r.upserted === 1)).to.have.length(1);
    expect(await currentCourses(sofia)).to.deep.equal([]);
    await c.canvas.setEnrollmentState(ids.biology, ids.sofia, 'active', { publish: false });
  });

  it('a course with grading periods: the standing is the current period\'s (keyed by its id), the indicators use it, and when the period moves on the last one ends', async () => {
    const { canvas } = c;
    const amara = school.students[0].id;
    const now = canvasClock.now().getTime();
    const history = canvas.addCourse({ name: 'World History' });
    canvas.addGradingPeriod(history, { title: 'Quarter 1', start: new Date(now - 60 * DAY), end: new Date(now - 20 * DAY) });
    const q2 = canvas.addGradingPeriod(history, { title: 'Quarter 2', start: new Date(now - 20 * DAY), end: new Date(now + 5 * DAY) });
    const q3 = canvas.addGradingPeriod(history, { title: 'Quarter 3', start: new Date(now + 5 * DAY), end: new Date(now + 60 * DAY) });
    canvas.enroll(history, ids.amara);
    const essay = canvas.addAssignment(history, { name: 'Essay', pointsPossible: 100, dueAt: new Date(now - 30 * DAY) });
    const project = canvas.addAssignment(history, { name: 'Project', pointsPossible: 100, dueAt: new Date(now - 2 * DAY) });
    const exam = canvas.addAssignment(history, { name: 'Exam', pointsPossible: 100, dueAt: new Date(now + 10 * DAY) });
    await canvas.grade(essay, ids.amara, 40, { publish: false });
    await canvas.grade(project, ids.amara, 90, { publish: false });
    // The simulator lists the periods as Canvas does.
    const listed = await fetch(`${c.baseUrl}/api/v1/courses/${history}/grading_periods`, { headers: { Authorization: `Bearer ${token}`, 'User-Agent': 'test' } });
    expect(((await listed.json()) as { grading_periods: { title: string }[] }).grading_periods.map((p) => p.title)).to.deep.equal(['Quarter 1', 'Quarter 2', 'Quarter 3']);

    const historyRows = () =>
      queryRows<{ period_key: string; current_score: number | null; ended_on: string | null }>(
        t.ctx.db,
        sql`select period_key, current_score::float8 as current_score, ended_on::text from course_scores where tenant_id = ${school.tenantId} and person_id = ${amara} and course_key = ${history} order by period_key`,
      );
    const historyInIndicators = async () => {
      await t.ctx.indicators.jobHandlers[RECOMPUTE_JOB]!(school.tenantId);
      return (await t.ctx.indicators.summaryFor(school.tenantId, [amara])).get(amara)!.indicators!.grades.courses.filter((x) => x.courseKey === history).map((x) => x.score);
    };

    await t.ctx.connectors.syncNow(school.tenantId, 'canvas', 'admin');
    // Quarter 2's 90, not the whole course's 65.
    expect(await historyRows()).to.deep.equal([{ period_key: q2, current_score: 90, ended_on: null }]);
    expect(await historyInIndicators()).to.deep.equal([90]);

    canvasClock.advance(6 * DAY);
    await canvas.grade(exam, ids.amara, 70, { publish: false });
    await t.ctx.connectors.syncNow(school.tenantId, 'canvas', 'admin');
    const today = await t.ctx.studentData.today(school.tenantId);
    expect(await historyRows()).to.deep.equal(
      [
        { period_key: q2, current_score: 90, ended_on: today },
        { period_key: q3, current_score: 70, ended_on: null },
      ].sort((a, b) => a.period_key.localeCompare(b.period_key)),
    );
    expect(await historyInIndicators()).to.deep.equal([70]);
  });

  it('a refresh whose token was revoked asks for a full sync, which shows the admin the problem', async () => {
    const s = c.canvas.submission(ids.quiz1, ids.amara);
    c.canvas.revokeToken(token);
    expect(await c.canvas.send(c.canvas.events.gradeChange(s, { score: 0, grade: '0' }, null), eventsUrl)).to.equal(204);
    const before = await scores();
    await runEventJobs();
    await runEventJobs();
    expect(await scores()).to.deep.equal(before);
    expect(await status()).to.deep.include({ status: 'needs_attention', statusReason: 'auth' });
  });
});
