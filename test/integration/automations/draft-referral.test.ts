import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { and, eq } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../support/app.js';
import { ltikFor, asUser } from '../../support/school.js';
import { enterSystemScopeForTests } from '../../../src/db/tenant-scope.js';
import { supports } from '../../../src/supports/supports.tables.js';
import { referralDrafts, referrals } from '../../../src/referrals/referrals.tables.js';
import { automationRuns } from '../../../src/automations/automations.tables.js';
import { auditEvents } from '../../../src/audit/audit.tables.js';
import { t as text, labelOf } from '../../../src/web/i18n.js';
import { decoded } from '../../support/html.js';
import { seedAlertSchool, type AlertSchool } from '../alerts/school.js';

type As = ReturnType<typeof asUser>;

/**
 * The automations' "draft a referral" (issue 14 item 5): a rule drafts, never sends. The draft waits on
 * the student's supports tab and the queue for an adult who may refer the student; one event or many at
 * once, at most one open draft a student and category; sent once as a referral, or dismissed once.
 */
describe('automations: draft a referral', function () {
  this.timeout(60_000);
  let t: TestApp;
  let s: AlertSchool;
  let admin: As;
  let advisor: As;
  let coordinator: As;
  let foodSupport: string;

  const rule = (fields: Record<string, string>) => ({ name: 'Food need: draft a referral', event: 'need_raised', condition: '{"==": [{"var": "category"}, "food"]}', action: 'draft_referral', category: 'event', audience: 'navigator', maxPerHour: '50', ...fields });
  const ruleIdFrom = (location: string) => new URL(location, 'http://x').pathname.split('/').pop()!;
  const draftsOf = (studentId: string) => t.ctx.db.select().from(referralDrafts).where(and(eq(referralDrafts.tenantId, s.tenantId), eq(referralDrafts.studentId, studentId)));
  const raise = (studentId: string, category: string, urgency: 'urgent' | 'concern' = 'urgent') =>
    t.ctx.db.transaction((tx) => t.ctx.automations.needsRaised(tx, s.tenantId, [{ needId: randomUUID(), studentId, category, urgency, at: t.clock.now() }]));
  const switchedOn = async (fields: Record<string, string>) => {
    const created = await admin.post('/admin/automations').type('form').send(rule(fields)).expect(303);
    const id = ruleIdFrom(created.headers.location!);
    await admin.post(`/admin/automations/${id}/state`).type('form').send({ state: 'on' }).expect(303);
    return id;
  };

  before(async () => {
    enterSystemScopeForTests();
    t = await createTestApp();
    s = await seedAlertSchool(t);
    admin = asUser(t.app, await ltikFor(t.ctx, s.admin, 'admin', s.advisoryId));
    advisor = asUser(t.app, await ltikFor(t.ctx, s.advisor, 'advisor', s.advisoryId));
    coordinator = asUser(t.app, await ltikFor(t.ctx, s.coordinator, 'advisor', null));
    [{ id: foodSupport }] = await t.ctx.db.insert(supports).values({ tenantId: s.tenantId, name: 'School pantry', provider: 'School', category: 'food', tier: 2, cost: 'free', referral: 'internal', sensitive: false }).returning({ id: supports.id }) as [{ id: string }];
  });
  after(async () => {
    await t.ctx.shutdown?.();
  });

  it('refuses a rule without its category, or with the need\'s own category on an event that has none, keeping what was typed', async () => {
    const none = await admin.post('/admin/automations').type('form').send(rule({ name: 'No category', category: '' })).expect(400);
    expect(decoded(none.text)).to.contain(text('automations.errors.categoryRequired')).and.to.contain('No category');
    const fromEvent = await admin.post('/admin/automations').type('form').send(rule({ name: 'Wrong event', event: 'checkin_recorded', condition: 'true' })).expect(400);
    expect(decoded(fromEvent.text)).to.contain(text('automations.errors.categoryFromEvent'));
  });

  it('concurrent events draft one referral for the student and category; a student with the referral open gets none; nothing is sent', async () => {
    const id = await switchedOn({});
    const [first, second] = [s.students[0], s.students[1]];
    // students[1] already has a food referral open: a draft beside it would ask twice.
    await coordinator.post(`/students/${second.id}/referrals`, { support: foodSupport, reason: 'Runs short at the end of the month', urgency: 'routine', owner: s.coordinator.id, source: 'direct', need: '' }).expect(303);
    const referralsBefore = (await t.ctx.db.select().from(referrals).where(eq(referrals.tenantId, s.tenantId))).length;
    await Promise.all([raise(first.id, 'food'), raise(first.id, 'food'), raise(first.id, 'food'), raise(second.id, 'food'), raise(first.id, 'housing')]);
    await Promise.all([t.ctx.jobs.runDue(), t.ctx.jobs.runDue()]);

    const drafts = await draftsOf(first.id);
    expect(drafts.map((d) => [d.category, d.state, d.urgency, d.ruleId])).to.deep.equal([['food', 'open', 'urgent', id]]);
    expect(await draftsOf(second.id)).to.have.length(0);
    const runs = await t.ctx.db.select().from(automationRuns).where(and(eq(automationRuns.tenantId, s.tenantId), eq(automationRuns.ruleId, id)));
    expect(runs.map((r) => [r.studentId, r.outcome]).sort()).to.deep.equal([[first.id, 'done'], [first.id, 'skipped'], [first.id, 'skipped'], [second.id, 'skipped']].sort());
    expect(runs.find((r) => r.outcome === 'done')!.resultId).to.equal(drafts[0]!.id);
    expect((await t.ctx.db.select().from(referrals).where(eq(referrals.tenantId, s.tenantId))).length, 'a draft is no referral').to.equal(referralsBefore);
    const audited = await t.ctx.db.select().from(auditEvents).where(and(eq(auditEvents.tenantId, s.tenantId), eq(auditEvents.entity, 'referral_draft'), eq(auditEvents.entityId, drafts[0]!.id)));
    expect(audited.map((a) => [a.action, a.actorId])).to.deep.equal([['create', null]]);
  });

  it('waits on the supports tab for the advisor and in the queue for the coordinator, not for the student; sent once, the second send is a conflict', async () => {
    const student = s.students[0];
    const [draft] = await draftsOf(student.id);
    const tab = decoded((await advisor.get(`/students/${student.id}/supports`).expect(200)).text);
    expect(tab).to.contain(text('referrals.drafts.title')).and.to.contain('Food need: draft a referral').and.to.contain(labelOf('supports.category', 'food'));
    const queue = decoded((await coordinator.get('/referrals').expect(200)).text);
    expect(queue).to.contain(text('referrals.drafts.queueTitle')).and.to.contain(student.name);
    const own = asUser(t.app, await ltikFor(t.ctx, student, 'student', s.advisoryId));
    expect(decoded((await own.get(`/students/${student.id}/supports`).expect(200)).text)).not.to.contain(text('referrals.drafts.title'));

    const form = decoded((await advisor.get(`/students/${student.id}/referrals/new?draft=${draft!.id}`).expect(200)).text);
    expect(form).to.contain(text('referrals.drafts.sending', { rule: 'Food need: draft a referral', category: labelOf('supports.category', 'food') }));
    expect(form).to.match(new RegExp(`name="draft" value="${draft!.id}"`)).and.to.match(new RegExp(`value="${foodSupport}" selected`));
    const post = { support: foodSupport, reason: 'Asked for help with lunches', urgency: 'urgent', owner: '', source: 'automation', need: '', draft: draft!.id };
    const sent = await advisor.post(`/students/${student.id}/referrals`, post).expect(303);
    const referralId = new URL(sent.headers.location!, 'http://x').pathname.split('/').pop();
    const [after] = await draftsOf(student.id);
    expect(after).to.include({ state: 'sent', referralId, decidedBy: s.advisor.id });
    const [made] = await t.ctx.db.select().from(referrals).where(eq(referrals.id, referralId!));
    expect(made).to.include({ source: 'automation', category: 'food', studentId: student.id });

    const again = await coordinator.post(`/students/${student.id}/referrals`, post).expect(409);
    expect(decoded(again.text)).to.contain(text('referrals.drafts.decided'));
    expect((await t.ctx.db.select().from(referrals).where(and(eq(referrals.tenantId, s.tenantId), eq(referrals.studentId, student.id)))).filter((r) => r.category === 'food')).to.have.length(1);
    expect(decoded((await advisor.get(`/students/${student.id}/supports`).expect(200)).text)).not.to.contain(text('referrals.drafts.title'));
  });

  it('a sensitive category is drafted for support staff only; dismissed once, the second dismissal is a conflict', async () => {
    await switchedOn({ name: 'Low well-being: draft a counselling referral', condition: 'true', category: 'wellbeing' });
    const student = s.students[2];
    await raise(student.id, 'academic', 'concern');
    await t.ctx.jobs.runDue();
    const [draft] = (await draftsOf(student.id)).filter((d) => d.category === 'wellbeing');
    expect(draft, 'drafted').to.include({ state: 'open', urgency: 'routine' });
    expect(decoded((await advisor.get(`/students/${student.id}/supports`).expect(200)).text)).not.to.contain('Low well-being: draft a counselling referral');
    await advisor.post(`/students/${student.id}/referral-drafts/${draft!.id}/dismiss`, {}).expect(404);
    const counsellor = asUser(t.app, await ltikFor(t.ctx, s.counsellor, 'advisor', null));
    expect(decoded((await counsellor.get(`/students/${student.id}/supports`).expect(200)).text)).to.contain('Low well-being: draft a counselling referral');
    await counsellor.post(`/students/${student.id}/referral-drafts/${draft!.id}/dismiss`, {}).expect(303);
    expect((await draftsOf(student.id)).find((d) => d.id === draft!.id)).to.include({ state: 'dismissed', decidedBy: s.counsellor.id, referralId: null });
    await counsellor.post(`/students/${student.id}/referral-drafts/${draft!.id}/dismiss`, {}).expect(409);
  });
});
