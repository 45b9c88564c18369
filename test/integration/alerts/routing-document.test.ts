import { expect } from 'chai';
import { createTestApp, type TestApp } from '../../support/app.js';
import { ltikFor, asUser } from '../../support/school.js';
import { configFormOf, decoded } from '../../support/html.js';
import { enterSystemScopeForTests } from '../../../src/db/tenant-scope.js';
import * as alertsRepo from '../../../src/alerts/alerts.repository.js';
import { t as text } from '../../../src/web/i18n.js';
import { seedAlertSchool, type AlertSchool } from './school.js';

const EDITOR = '/admin/configuration/alert-routing';

/**
 * Alert routing per school (issue 14 item 3): a school sends urgent housing needs to its counsellors
 * instead of its coordinators. Published, the next alert (raised inside the student's save, where the
 * document is read through the save's own transaction) reaches whom it says; another school keeps the
 * shipped routes; a kind left without a default route, or an always-sensitive category unticked, is refused.
 */
describe('alert routing: a configuration document per school', function () {
  this.timeout(120_000);
  let t: TestApp;
  let s: AlertSchool;
  let admin: ReturnType<typeof asUser>;
  const alertsOf = async (tenantId: string, studentId: string) => (await alertsRepo.list(t.ctx.db, tenantId, { all: true }, '', 100)).filter((a) => a.studentId === studentId);

  before(async () => {
    enterSystemScopeForTests();
    t = await createTestApp();
    t.clock.set(new Date('2026-03-20T15:00:00Z'));
    s = await seedAlertSchool(t);
    admin = asUser(t.app, await ltikFor(t.ctx, s.admin, 'admin', s.advisoryId));
  });
  after(async () => t.ctx.shutdown?.());

  it("published, an urgent housing need reaches the school's counsellor, not its coordinator; another school keeps the shipped routes", async () => {
    const form = configFormOf(decoded((await admin.get(EDITOR).expect(200)).text));
    // The shipped first route: urgent housing and food needs to the navigator and the coordinator.
    expect(form).to.include({ 'f.routes.0.kind': 'urgent_need', 'f.routes.0.categories.housing': 'on', 'f.routes.0.to.coordinator': 'on' });
    const posted: Record<string, string> = { ...form, 'f.routes.0.to.counsellor': 'on' };
    delete posted['f.routes.0.to.coordinator'];
    await admin.post(`${EDITOR}/draft`, posted).expect(303);
    await admin.post(`${EDITOR}/publish`, { version: '1' }).expect(303);

    const id = s.students[0].id;
    const student = asUser(t.app, await ltikFor(t.ctx, s.students[0], 'student', s.advisoryId));
    await student.post(`/students/${id}/checkins/prep`, { 'answer.w1-proud': 'We may lose our apartment', 'need.housing': 'urgent' }).expect(303);
    const [alert] = await alertsOf(s.tenantId, id);
    expect(alert).to.include({ kind: 'urgent_need', category: 'housing' });
    expect(alert!.recipientIds).to.have.members([s.advisor.id, s.counsellor.id]);

    const other = asUser(t.app, await ltikFor(t.ctx, s.other.student, 'student', s.other.contextId));
    await other.post(`/students/${s.other.student.id}/checkins/prep`, { 'answer.w1-proud': 'We may lose our apartment', 'need.housing': 'urgent' }).expect(303);
    const [theirs] = await alertsOf(s.other.tenantId, s.other.student.id);
    expect(theirs!.recipientIds).to.include(s.other.advisor.id);
  });

  it('refuses a kind without its default route and an always-sensitive category unticked, naming both, saving nothing', async () => {
    const form = configFormOf(decoded((await admin.get(EDITOR).expect(200)).text));
    const defaultCrisis = Object.keys(form).find((k) => /^f\.routes\.\d+\.kind$/.test(k) && form[k] === 'crisis_words')!.split('.')[2];
    const posted: Record<string, string> = { ...form, [`f.routes.${defaultCrisis}._remove`]: 'on' };
    delete posted['f.sensitiveCategories.wellbeing'];
    const html = decoded((await admin.post(`${EDITOR}/draft`, posted).expect(400)).text);
    expect(html).to.contain(text('configuration.problems.alert_kind_default', { key: 'crisis_words' }));
    expect(html).to.contain(text('configuration.problems.alert_sensitive_floor', { key: 'wellbeing' }));
  });
});
