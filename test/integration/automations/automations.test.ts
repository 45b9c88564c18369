import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { and, eq, sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../support/app.js';
import { ltikFor, asUser } from '../../support/school.js';
import { enterSystemScopeForTests } from '../../../src/db/tenant-scope.js';
import { queryRows } from '../../../src/db/client.js';
import { alerts, alertRecipients } from '../../../src/alerts/alerts.tables.js';
import { goals, goalSteps } from '../../../src/goals/goals.tables.js';
import { supports } from '../../../src/supports/supports.tables.js';
import { surveyWindows } from '../../../src/surveys/surveys.tables.js';
import { mailOutbox } from '../../../src/mail/mail.tables.js';
import { navigatorAssignments } from '../../../src/navigators/navigators.tables.js';
import { automationRules, automationRuns, automationEventLog } from '../../../src/automations/automations.tables.js';
import { createAutomationsService, DELIVER_JOB, GOALS_DUE_JOB } from '../../../src/automations/automations.service.js';
import type { JobHandler } from '../../../src/jobs/jobs.service.js';
import { t as text } from '../../../src/web/i18n.js';
import { decoded } from '../../support/html.js';
import { seedAlertSchool, type AlertSchool } from '../alerts/school.js';

type As = ReturnType<typeof asUser>;

/** An answer to every question of every week, so a check-in is complete whatever week it falls in. */
const everyAnswer: Record<string, string> = Object.fromEntries(
  (JSON.parse(readFileSync('config/checkin-script.json', 'utf8')) as { weeks: { questions: { id: string }[] }[] }).weeks.flatMap((w) => w.questions.map((q) => [`answer.${q.id}`, 'Fine'])),
);

const DAY = 24 * 3600_000;
const NOW = new Date('2026-03-20T15:00:00Z');

/**
 * Automations (issue 14, item 5) over HTTP on a seeded school: an admin writes a rule, its dry run lists
 * the students it would have touched in the last 30 days, switched on it alerts the role it names once
 * per event, under concurrent events and re-deliveries alike; a failing action pauses the rule and
 * leaves nothing of the run behind.
 */
describe('automations: when EVENT and CONDITION then ACTION', function () {
  this.timeout(60_000);
  let t: TestApp;
  let s: AlertSchool;
  let admin: As;
  let advisor: As;

  // A launch of its own at the clock's time (the clock moves back and forth over the history).
  const checkin = async (studentId: string, wellbeing: number, extra: Record<string, string> = {}) =>
    asUser(t.app, await ltikFor(t.ctx, s.advisor, 'advisor', s.advisoryId)).post(`/students/${studentId}/checkins`, { date: t.clock.now().toISOString().slice(0, 10), format: 'in_person', attended: 'yes', wellbeing: String(wellbeing), ...everyAnswer, ...extra }).expect(303);
  const rule = (fields: Record<string, string>) => ({ name: 'Low well-being to the counsellor', event: 'checkin_recorded', condition: '{"<=": [{"var": "wellbeing"}, 2]}', action: 'alert_role', audience: 'counsellor', maxPerHour: '50', ...fields });
  const ruleIdFrom = (location: string) => new URL(location, 'http://x').pathname.split('/').pop()!;
  const rulesCount = async () => (await queryRows<{ n: number }>(t.ctx.db, sql`select count(*)::int as n from automation_rules where tenant_id = ${s.tenantId}`))[0]!.n;
  const runsOf = (ruleId: string) => t.ctx.db.select().from(automationRuns).where(and(eq(automationRuns.tenantId, s.tenantId), eq(automationRuns.ruleId, ruleId)));
  const automationAlerts = () => t.ctx.db.select().from(alerts).where(and(eq(alerts.tenantId, s.tenantId), eq(alerts.kind, 'automation')));

  before(async () => {
    enterSystemScopeForTests();
    t = await createTestApp();
    s = await seedAlertSchool(t);
    // History: one low rating 40 days ago (outside the dry run), and within the last 30 days two low
    // ratings of Liam and a good one of Mei.
    t.clock.set(new Date(NOW.getTime() - 40 * DAY));
    await checkin(s.students[0].id, 1);
    t.clock.set(new Date(NOW.getTime() - 10 * DAY));
    await checkin(s.students[1].id, 2);
    await checkin(s.students[2].id, 4);
    t.clock.set(new Date(NOW.getTime() - 2 * DAY));
    await checkin(s.students[1].id, 1);
    t.clock.set(NOW);
    admin = asUser(t.app, await ltikFor(t.ctx, s.admin, 'admin', s.advisoryId));
    advisor = asUser(t.app, await ltikFor(t.ctx, s.advisor, 'advisor', s.advisoryId));
  });
  after(async () => {
    await t.ctx.shutdown?.();
  });

  it('is for admins only: an advisor gets 403 on the pages and the posts', async () => {
    await advisor.get('/admin/automations').expect(403);
    await advisor.get('/admin/automations/new').expect(403);
    await advisor.post('/admin/automations').type('form').send(rule({})).expect(403);
    expect(await rulesCount()).to.equal(0);
  });

  it('refuses a condition that is no JSON, no JSON Logic or reads a fact the event lacks, in place with the input kept, writing nothing', async () => {
    for (const [condition, error] of [
      ['{"<=": [{"var": "wellbeing"}, 2]', 'automations.errors.conditionJson'],
      ['{"frobnicate": [1, 2]}', 'automations.errors.conditionLogic'],
      ['{"<=": [{"var": "mood"}, 2]}', 'automations.errors.conditionFact'],
    ] as const) {
      const res = await admin.post('/admin/automations').type('form').send(rule({ condition })).expect(400);
      expect(decoded(res.text)).to.contain(text(error)).and.to.contain('data-error-summary').and.to.contain('aria-invalid="true"');
      expect(decoded(res.text), 'the typed condition is kept').to.contain(condition.replace(/"/g, '&quot;').replace(/</g, '&lt;'));
    }
    await admin.post('/admin/automations').type('form').send(rule({ name: '' })).expect(400);
    expect(await rulesCount()).to.equal(0);
  });

  it("a dry run lists exactly the students the rule would have touched in the last 30 days, writing nothing", async () => {
    const created = await admin.post('/admin/automations').type('form').send(rule({})).expect(303);
    const id = ruleIdFrom(created.headers.location!);
    const before = await queryRows<{ n: number }>(t.ctx.db, sql`select (select count(*) from alerts where tenant_id = ${s.tenantId}) + (select count(*) from automation_runs where tenant_id = ${s.tenantId}) as n`);
    const page = { text: decoded((await admin.get(`/admin/automations/${id}/dry-run`).expect(200)).text) };
    // Liam twice (ratings 2 and 1 in the window); Amara's 1 was 40 days ago, Mei's 4 does not match.
    expect(page.text).to.contain(s.students[1].name).and.not.to.contain(s.students[0].name).and.not.to.contain(s.students[2].name);
    expect(page.text).to.contain(text('automations.dryRun.summary', { days: 30, events: 3, fired: 2, students: 1 }));
    const after = await queryRows<{ n: number }>(t.ctx.db, sql`select (select count(*) from alerts where tenant_id = ${s.tenantId}) + (select count(*) from automation_runs where tenant_id = ${s.tenantId}) as n`);
    expect(after[0]!.n).to.equal(before[0]!.n);
    const [stored] = await t.ctx.db.select().from(automationRules).where(eq(automationRules.id, id));
    expect(stored!.state, 'a new rule is a draft').to.equal('draft');
  });

  it('switched on, it alerts the counsellor once per event: concurrent check-ins and a second delivery add nothing', async () => {
    const [stored] = await t.ctx.db.select().from(automationRules).where(eq(automationRules.tenantId, s.tenantId));
    await admin.post(`/admin/automations/${stored!.id}/state`).type('form').send({ state: 'on' }).expect(303);
    const alertsBefore = (await automationAlerts()).length;
    expect(alertsBefore, 'a draft rule did nothing').to.equal(0);

    // Nine check-ins at once, three per student, all with a low rating; one good rating that does not match.
    await Promise.all([...s.students, ...s.students, ...s.students].map((p) => checkin(p.id, 2)));
    await checkin(s.students[0].id, 5);
    await t.ctx.jobs.runDue();
    let runs = await runsOf(stored!.id);
    expect(runs.filter((r) => r.outcome === 'done')).to.have.length(9);
    const raised = await automationAlerts();
    expect(raised, 'one open alert per student and rule').to.have.length(3);
    const recipients = await t.ctx.db.select().from(alertRecipients).where(eq(alertRecipients.alertId, raised[0]!.id));
    expect(recipients.map((r) => r.personId)).to.deep.equal([s.counsellor.id]);

    // The same events delivered again (a retry, a second worker): nothing more.
    const events = await t.ctx.db.select().from(automationEventLog).where(eq(automationEventLog.tenantId, s.tenantId));
    for (const e of events) await t.ctx.jobs.enqueue(DELIVER_JOB, `${s.tenantId}/${e.id}`, t.clock.now(), s.tenantId);
    await t.ctx.jobs.runDue();
    runs = await runsOf(stored!.id);
    expect(runs).to.have.length(9);

    const page = decoded((await admin.get(`/admin/automations/${stored!.id}`).expect(200)).text);
    expect(page).to.contain(text('automations.outcomes.done'));
  });

  it('keeps to its hourly limit: past it a firing is recorded as skipped and does nothing', async () => {
    const created = await admin.post('/admin/automations').type('form').send(rule({ name: 'Any check-in, at most 2 an hour', condition: 'true', audience: 'navigator', maxPerHour: '2' })).expect(303);
    const id = ruleIdFrom(created.headers.location!);
    await admin.post(`/admin/automations/${id}/state`).type('form').send({ state: 'on' }).expect(303);
    for (const p of s.students) await checkin(p.id, 4);
    await t.ctx.jobs.runDue();
    const runs = await runsOf(id);
    expect(runs.map((r) => r.outcome).sort()).to.deep.equal(['done', 'done', 'rate_limited']);
  });

  it('a rule whose action fails is paused and reported, with nothing of the run written; two deliveries of one event run it once', async () => {
    const handlers = new Map<string, JobHandler>();
    const queued: string[] = [];
    let calls = 0;
    const failing = createAutomationsService({
      db: t.ctx.db, clock: t.clock, logger: t.ctx.logger, audit: t.ctx.audit, roster: t.ctx.roster,
      jobs: { register: (type, handler) => void handlers.set(type, handler), enqueue: async () => undefined, enqueueIn: async (_tx, _type, key) => void queued.push(key) },
      history: { recordedSince: async () => [], needsRaisedSince: async () => [], overdueSince: async () => [], answeredSince: async () => [], activeDueBetween: async () => [] }, timeZoneOf: async () => 'UTC', navigatorChoices: async () => [],
      // The alert is written, then the action fails: the run's transaction must take the alert back with it.
      actions: { alertRole: async (tx, r) => { calls++; await t.ctx.alerts.raiseForRule(tx, { ...r, audience: 'navigator' }); throw new Error('boom'); }, addPlanAction: async () => null, notifyFamily: async () => null, assignNavigator: async () => null, draftReferral: async () => null },
    });
    const created = await admin.post('/admin/automations').type('form').send(rule({ name: 'Fails', event: 'need_raised', condition: '{"==": [{"var": "category"}, "food"]}' })).expect(303);
    const id = ruleIdFrom(created.headers.location!);
    await admin.post(`/admin/automations/${id}/state`).type('form').send({ state: 'on' }).expect(303);
    const student = s.students[2];
    const alertsBefore = (await automationAlerts()).filter((a) => a.studentId === student.id).length;
    await t.ctx.db.transaction((tx) => failing.needsRaised(tx, s.tenantId, [{ needId: randomUUID(), studentId: student.id, category: 'food', urgency: 'concern', at: t.clock.now() }]));
    expect(queued).to.have.length(1);
    await Promise.all([handlers.get(DELIVER_JOB)!(queued[0]!), handlers.get(DELIVER_JOB)!(queued[0]!)]);

    expect(calls, 'the action ran once, not once per delivery').to.equal(1);
    const [paused] = await t.ctx.db.select().from(automationRules).where(eq(automationRules.id, id));
    expect(paused).to.include({ state: 'paused', pausedReason: 'Error' });
    expect((await automationAlerts()).filter((a) => a.studentId === student.id), 'no alert of the failed run').to.have.length(alertsBefore);
    expect((await runsOf(id)).map((r) => r.outcome)).to.deep.equal(['failed']);
    const page = decoded((await admin.get(`/admin/automations/${id}`).expect(200)).text);
    expect(page).to.contain(text('automations.editor.pausedAfterFailure', { reason: 'Error' }));
    const list = decoded((await admin.get('/admin/automations').expect(200)).text);
    expect(list).to.contain(text('automations.index.failed'));
  });

  it("a referral past its response standard adds a plan action on the student's active goal once, skips a student with none, and the dry run lists them", async () => {
    const [support] = await t.ctx.db.insert(supports).values({ tenantId: s.tenantId, name: 'Family housing desk', provider: 'District', category: 'housing', tier: 2, cost: 'free', referral: 'internal', sensitive: false }).returning({ id: supports.id });
    const [withGoal, withoutGoal] = [s.students[0], s.students[1]];
    const [goal] = await t.ctx.db.insert(goals).values({ tenantId: s.tenantId, studentId: withGoal.id, category: 'academic', statement: 'Pass every class this term', status: 'active', createdBy: s.advisor.id, createdByRole: 'advisor', updatedBy: s.advisor.id }).returning({ id: goals.id });
    t.clock.set(new Date(NOW.getTime() - 20 * DAY));
    const coordinator = asUser(t.app, await ltikFor(t.ctx, s.coordinator, 'advisor', null));
    for (const p of [withGoal, withoutGoal]) await coordinator.post(`/students/${p.id}/referrals`, { support: support!.id, reason: 'Needs a stable place to sleep', urgency: 'urgent', owner: s.coordinator.id, source: 'direct', need: '' }).expect(303);
    t.clock.set(NOW);

    const created = await admin.post('/admin/automations').type('form').send(rule({ name: 'Overdue housing: a step for the advisor', event: 'referral_overdue', condition: '{"==": [{"var": "category"}, "housing"]}', action: 'add_plan_action', step: 'Call the family about the housing referral' })).expect(303);
    const id = ruleIdFrom(created.headers.location!);
    // Switched on before the referrals are marked overdue: it hears the scan.
    await admin.post(`/admin/automations/${id}/state`).type('form').send({ state: 'on' }).expect(303);
    await t.ctx.referrals.scanOverdue();
    await Promise.all([t.ctx.jobs.runDue(), t.ctx.jobs.runDue()]);
    expect(await t.ctx.referrals.scanOverdue(), 'marked once').to.equal(0);
    await t.ctx.jobs.runDue();

    const steps = await t.ctx.db.select().from(goalSteps).where(and(eq(goalSteps.tenantId, s.tenantId), eq(goalSteps.goalId, goal!.id)));
    expect(steps.map((st) => ({ text: st.text, owner: st.owner, createdBy: st.createdBy }))).to.deep.equal([{ text: 'Call the family about the housing referral', owner: 'advisor', createdBy: s.admin.id }]);
    const runs = await runsOf(id);
    expect(runs.map((r) => [r.studentId, r.outcome]).sort()).to.deep.equal([[withGoal.id, 'done'], [withoutGoal.id, 'skipped']].sort());
    expect(runs.find((r) => r.outcome === 'done')!.resultId).to.equal(steps[0]!.id);

    const dry = decoded((await admin.get(`/admin/automations/${id}/dry-run`).expect(200)).text);
    expect(dry).to.contain(withGoal.name).and.to.contain(withoutGoal.name).and.not.to.contain(s.students[2].name);
  });

  it("a pulse answered with low belonging alerts the counsellor, in the answer's transaction; a good one does not; the dry run lists the student", async () => {
    await admin.post('/admin/surveys', { surveyId: 'belonging-pulse', opensOn: '2026-03-16', closesOn: '2026-03-27', schoolId: '' }).expect(303);
    const [window] = await t.ctx.db.select().from(surveyWindows).where(eq(surveyWindows.tenantId, s.tenantId));
    const created = await admin.post('/admin/automations').type('form').send(rule({ name: 'Low belonging to the counsellor', event: 'pulse_answered', condition: '{"<=": [{"var": "belonging"}, 2]}', audience: 'counsellor' })).expect(303);
    const id = ruleIdFrom(created.headers.location!);
    await admin.post(`/admin/automations/${id}/state`).type('form').send({ state: 'on' }).expect(303);
    const answer = async (who: (typeof s.students)[number], partOfSchool: string) =>
      asUser(t.app, await ltikFor(t.ctx, who, 'student', s.advisoryId)).post(`/surveys/${window!.id}`, { _once: randomUUID(), 'answer.bp-part-of-school': partOfSchool, 'answer.bp-adult-to-ask': '4' }).expect(303);
    const [low, fine] = [s.students[0], s.students[2]];
    await answer(low, '1');
    await answer(fine, '5');
    const events = await t.ctx.db.select().from(automationEventLog).where(and(eq(automationEventLog.tenantId, s.tenantId), eq(automationEventLog.event, 'pulse_answered')));
    expect(events.map((e) => e.facts.belonging).sort()).to.deep.equal([1, 5]);
    await t.ctx.jobs.runDue();
    const runs = await runsOf(id);
    expect(runs.map((r) => [r.studentId, r.outcome])).to.deep.equal([[low.id, 'done']]);
    const [alert] = await t.ctx.db.select().from(alerts).where(eq(alerts.id, runs[0]!.resultId!));
    const to = await t.ctx.db.select().from(alertRecipients).where(eq(alertRecipients.alertId, alert!.id));
    expect(to.map((r) => r.personId)).to.deep.equal([s.counsellor.id]);
    const dry = decoded((await admin.get(`/admin/automations/${id}/dry-run`).expect(200)).text);
    expect(dry).to.contain(low.name).and.not.to.contain(fine.name);
  });

  it("an indicator moving to a worse band alerts the counsellor once, in the recompute's transaction; a better move does not; the dry run replays the stored changes", async () => {
    const [mei] = [s.students[2]];
    const wellbeing = async () => {
      await t.ctx.indicators.recomputeStudents(s.tenantId, [mei.id]);
      return (await queryRows<{ n: number; average: number; band: string }>(t.ctx.db, sql`select (indicators->'wellbeing'->>'count')::int as n, (indicators->'wellbeing'->>'average')::float as average, indicators->'bands'->>'wellbeing' as band from student_indicators where student_id = ${mei.id}`))[0]!;
    };
    /** Ratings of `rating` until the window's average passes `bound` (earlier tests left Mei ratings of their own). */
    const rateUntil = async (rating: number, done: (average: number) => boolean) => {
      for (let w = await wellbeing(); !done(w.average); w = await wellbeing()) await checkin(mei.id, rating);
    };
    // On track before the rule (an average of 4 or more).
    await rateUntil(5, (avg) => avg >= 4);
    expect((await wellbeing()).band).to.equal('on-track');
    const created = await admin.post('/admin/automations').type('form').send(rule({ name: 'Well-being slipping', event: 'indicator_band_changed', condition: '{"and": [{"==": [{"var": "indicator"}, "wellbeing"]}, {"var": "worse"}]}', audience: 'counsellor' })).expect(303);
    const id = ruleIdFrom(created.headers.location!);
    await admin.post(`/admin/automations/${id}/state`).type('form').send({ state: 'on' }).expect(303);
    // Mei's own changes: the queued recompute that runDue runs may move other students' bands too (their earlier check-ins).
    const bandEvents = () => t.ctx.db.select().from(automationEventLog).where(and(eq(automationEventLog.tenantId, s.tenantId), eq(automationEventLog.event, 'indicator_band_changed'), eq(automationEventLog.studentId, mei.id)));
    const meisRuns = async () => (await runsOf(id)).filter((r) => r.studentId === mei.id);
    // A recompute with nothing new changes no band: nothing published.
    await wellbeing();
    expect(await bandEvents()).to.have.length(0);
    // Down to off track (under 2), a recompute after each rating: each band it passes is one change, worse, published with its write.
    await rateUntil(1, (avg) => avg < 2);
    const slipped = (await bandEvents()).map((e) => e.facts as { from: string; to: string; worse: boolean });
    expect(slipped.length).to.be.greaterThan(0);
    expect(slipped.every((f) => f.worse)).to.equal(true);
    // Each band passed once, from on track down to off track (the standing test clock gives them one time, so no order is asserted).
    expect(slipped.map((f) => f.from)).to.include('on-track');
    expect(slipped.map((f) => f.to)).to.include('off-track');
    await t.ctx.jobs.runDue();
    const runs = await meisRuns();
    expect(runs.map((r) => [r.studentId, r.outcome])).to.deep.equal(slipped.map(() => [mei.id, 'done']));
    // Better again: published (a change) but the condition does not hold, so no further alert.
    await rateUntil(5, (avg) => avg >= 2);
    const all = await bandEvents();
    expect(all.filter((e) => e.facts.worse === true)).to.have.length(slipped.length);
    expect(all.filter((e) => e.facts.worse === false).length).to.be.greaterThan(0);
    await t.ctx.jobs.runDue();
    expect(await meisRuns()).to.have.length(runs.length);
    const dry = decoded((await admin.get(`/admin/automations/${id}/dry-run`).expect(200)).text);
    expect(dry).to.contain(mei.name);
  });

  it('tells the family: one e-mail to each family member with an address, saying nothing of what happened; a student with no family is skipped', async () => {
    const u = randomUUID().slice(0, 8);
    await t.ctx.roster.upsertPerson(s.tenantId, { sub: s.mentor.sub, name: s.mentor.name, email: `family-${u}@home.example` });
    const created = await admin.post('/admin/automations').type('form').send(rule({ name: 'Urgent need: tell the family', event: 'need_raised', condition: '{"==": [{"var": "urgency"}, "urgent"]}', action: 'notify_family' })).expect(303);
    const id = ruleIdFrom(created.headers.location!);
    await admin.post(`/admin/automations/${id}/state`).type('form').send({ state: 'on' }).expect(303);
    const [withFamily, withoutFamily] = [s.students[0], s.students[1]];
    await t.ctx.db.transaction((tx) => t.ctx.automations.needsRaised(tx, s.tenantId, [withFamily, withoutFamily].map((p) => ({ needId: randomUUID(), studentId: p.id, category: 'housing', urgency: 'urgent' as const, at: t.clock.now() }))));
    await t.ctx.jobs.runDue();
    const runs = await runsOf(id);
    expect(runs.map((r) => [r.studentId, r.outcome]).sort()).to.deep.equal([[withFamily.id, 'done'], [withoutFamily.id, 'skipped']].sort());
    const [sent] = await t.ctx.db.select().from(mailOutbox).where(eq(mailOutbox.id, runs.find((r) => r.outcome === 'done')!.resultId!));
    expect(sent).to.include({ recipient: `family-${u}@home.example`, template: 'family.update' });
    expect(sent!.params).to.deep.equal({});
  });

  it('a goal still active at its target day is published once per target day by the scheduled round, not before, not once achieved', async () => {
    const today = await t.ctx.platforms.timeZoneOf(s.tenantId).then((zone) => new Intl.DateTimeFormat('en-CA', { timeZone: zone }).format(NOW));
    const day = (n: number) => new Date(Date.parse(`${today}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
    const goal = async (studentId: string, targetDate: string, status = 'active') =>
      (await t.ctx.db.insert(goals).values({ tenantId: s.tenantId, studentId, category: 'academic', statement: 'Hand in every assignment', status, targetDate, createdBy: s.advisor.id, createdByRole: 'advisor', updatedBy: s.advisor.id }).returning({ id: goals.id }))[0]!.id;
    const dueToday = await goal(s.students[0].id, day(0));
    const lateThree = await goal(s.students[1].id, day(-3));
    await goal(s.students[2].id, day(2));
    await goal(s.students[2].id, day(-1), 'achieved');
    const created = await admin.post('/admin/automations').type('form').send(rule({ name: 'Goal due: a step', event: 'goal_due', condition: 'true', action: 'add_plan_action', step: 'Check the goal with the student' })).expect(303);
    const id = ruleIdFrom(created.headers.location!);
    await admin.post(`/admin/automations/${id}/state`).type('form').send({ state: 'on' }).expect(303);
    const round = async () => {
      await t.ctx.jobs.enqueue(GOALS_DUE_JOB, 'all', t.clock.now());
      await t.ctx.jobs.runDue();
      await t.ctx.jobs.runDue();
    };
    await Promise.all([round(), round()]);
    const published = async () => (await t.ctx.db.select().from(automationEventLog).where(and(eq(automationEventLog.tenantId, s.tenantId), eq(automationEventLog.event, 'goal_due')))).map((e) => [e.sourceId, e.facts.daysLate]);
    expect((await published()).sort()).to.deep.equal([[dueToday, 0], [lateThree, 3]].sort());
    expect((await runsOf(id)).map((r) => r.outcome)).to.deep.equal(['done', 'done']);
    // Given a new target day, the goal is due again on it.
    await t.ctx.db.update(goals).set({ targetDate: day(-1) }).where(eq(goals.id, dueToday));
    await round();
    expect((await published()).filter(([source]) => source === dueToday).map(([, late]) => late).sort()).to.deep.equal([0, 1]);
  });

  it("assigns the named adult as navigator to a student who has none, leaves one who has, and refuses an adult who is not the school's", async () => {
    const refused = await admin.post('/admin/automations').type('form').send(rule({ name: 'Nobody', event: 'need_raised', condition: 'true', action: 'assign_navigator', navigator: randomUUID() })).expect(400);
    expect(decoded(refused.text)).to.contain(text('automations.errors.navigatorRequired'));
    const created = await admin.post('/admin/automations').type('form').send(rule({ name: 'Unadvised students to the coordinator', event: 'need_raised', condition: 'true', action: 'assign_navigator', navigator: s.coordinator.id })).expect(303);
    const id = ruleIdFrom(created.headers.location!);
    await admin.post(`/admin/automations/${id}/state`).type('form').send({ state: 'on' }).expect(303);
    // A student the roster puts in no advisory (a new arrival) has no navigator; students[0] has their advisory teacher.
    const arrival = await t.ctx.roster.upsertPerson(s.tenantId, { sub: `arrival-${randomUUID().slice(0, 8)}`, name: 'New Arrival' });
    await t.ctx.db.transaction((tx) => t.ctx.automations.needsRaised(tx, s.tenantId, [arrival.id, s.students[0].id].map((studentId) => ({ needId: randomUUID(), studentId, category: 'academic', urgency: 'concern' as const, at: t.clock.now() }))));
    await t.ctx.jobs.runDue();
    const runs = await runsOf(id);
    expect(runs.map((r) => [r.studentId, r.outcome]).sort()).to.deep.equal([[arrival.id, 'done'], [s.students[0].id, 'skipped']].sort());
    const assigned = await t.ctx.db.select().from(navigatorAssignments).where(eq(navigatorAssignments.tenantId, s.tenantId));
    expect(assigned.filter((a) => a.studentId === arrival.id).map((a) => [a.navigatorId, a.assignedBy])).to.deep.equal([[s.coordinator.id, s.admin.id]]);
    expect(assigned.filter((a) => a.studentId === s.students[0].id)).to.have.length(0);
  });

  it('refuses an add-a-plan-action rule without its step, keeping what was typed', async () => {
    const before = await rulesCount();
    const res = await admin.post('/admin/automations').type('form').send(rule({ name: 'No step yet', action: 'add_plan_action', step: '' })).expect(400);
    const page = decoded(res.text);
    expect(page).to.contain(text('automations.errors.stepRequired')).and.to.contain('No step yet');
    expect(await rulesCount()).to.equal(before);
  });

  it('a save over a rule someone saved since is a conflict; a fresh one lands', async () => {
    const [stored] = await t.ctx.db.select().from(automationRules).where(and(eq(automationRules.tenantId, s.tenantId), eq(automationRules.name, 'Fails')));
    const edits = String(stored!.edits);
    await admin.post(`/admin/automations/${stored!.id}`).type('form').send(rule({ name: 'Fails, renamed', event: 'need_raised', condition: 'true', edits })).expect(303);
    await admin.post(`/admin/automations/${stored!.id}`).type('form').send(rule({ name: 'Stale', event: 'need_raised', condition: 'true', edits })).expect(409);
    const [after] = await t.ctx.db.select().from(automationRules).where(eq(automationRules.id, stored!.id));
    expect(after!.name).to.equal('Fails, renamed');
  });
});
