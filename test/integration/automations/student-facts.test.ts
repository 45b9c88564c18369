import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { and, eq } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../support/app.js';
import { ltikFor, asUser } from '../../support/school.js';
import { configFormOf, decoded } from '../../support/html.js';
import { enterSystemScopeForTests } from '../../../src/db/tenant-scope.js';
import { automationRuns } from '../../../src/automations/automations.tables.js';
import { t as text } from '../../../src/web/i18n.js';
import { seedAlertSchool, type AlertSchool } from '../alerts/school.js';

type As = ReturnType<typeof asUser>;

/** An answer to every question of every week, so a check-in is complete whatever week it falls in. */
const everyAnswer: Record<string, string> = Object.fromEntries(
  (JSON.parse(readFileSync('config/checkin-script.json', 'utf8')) as { weeks: { questions: { id: string }[] }[] }).weeks.flatMap((w) => w.questions.map((q) => [`answer.${q.id}`, 'Fine'])),
);

/**
 * The student's own fields (src/custom-fields) as facts of every event, `student.<key>`: a rule "a need
 * is raised and the student's grade band is 9" fires for a student in band 9 and not for one in band 10,
 * live and in the dry run; a condition naming a text field or a field the student does not have is
 * refused in place, as other refused conditions are.
 */
describe("automations: the student's own fields as facts", function () {
  this.timeout(60_000);
  let t: TestApp;
  let s: AlertSchool;
  let admin: As;
  let advisor: As;
  const condition = '{"and": [{"==": [{"var": "category"}, "food"]}, {"==": [{"var": "student.grade-band"}, "9"]}]}';
  const rule = (fields: Record<string, string>) => ({ name: 'Food need in grade 9', event: 'need_raised', condition, action: 'alert_role', audience: 'counsellor', maxPerHour: '50', ...fields });
  const ruleIdFrom = (location: string) => new URL(location, 'http://x').pathname.split('/').pop()!;
  const runsOf = (ruleId: string) => t.ctx.db.select().from(automationRuns).where(and(eq(automationRuns.tenantId, s.tenantId), eq(automationRuns.ruleId, ruleId)));
  const [band9, band10, noBand] = [0, 1, 2];

  before(async () => {
    enterSystemScopeForTests();
    t = await createTestApp();
    s = await seedAlertSchool(t);
    admin = asUser(t.app, await ltikFor(t.ctx, s.admin, 'admin', s.advisoryId));
    advisor = asUser(t.app, await ltikFor(t.ctx, s.advisor, 'advisor', s.advisoryId));
    // The school adds a grade band (pick one) to the student, beside the shipped name (text) and contact.
    const editor = '/admin/configuration/custom-fields';
    const form = configFormOf(decoded((await admin.get(editor).expect(200)).text));
    const layout = Object.entries(form).find(([k, v]) => /^f\.layouts\.\d+\.object$/.test(k) && v === 'student')![0].split('.')[2];
    const at = `f.layouts.${layout}.sections.0.fields.2`;
    Object.assign(form, {
      [`${at}.key`]: 'grade-band',
      [`${at}.label`]: 'Grade band',
      [`${at}.type`]: 'picklist',
      [`${at}.options.0.value`]: '9',
      [`${at}.options.0.label`]: 'Ninth grade',
      [`${at}.options.1.value`]: '10',
      [`${at}.options.1.label`]: 'Tenth grade',
      [`${at}.edit.adult`]: 'on',
      [`${at}.see.adult`]: 'on',
    });
    await admin.post(`${editor}/draft`, form).expect(303);
    await admin.post(`${editor}/publish`, { version: '1' }).expect(303);
    for (const [i, band] of [[band9, '9'], [band10, '10']] as const) await advisor.post(`/students/${s.students[i].id}/plan/details`, { 'text.grade-band': band, 'version.grade-band': '0' }).expect(303);
    // A food need raised for each student in the last days: the dry run's history.
    for (const p of s.students) {
      await advisor.post(`/students/${p.id}/checkins`, { date: t.clock.now().toISOString().slice(0, 10), format: 'in_person', attended: 'yes', wellbeing: '3', ...everyAnswer, 'need.food': 'concern' }).expect(303);
    }
  });
  after(async () => {
    await t.ctx.shutdown?.();
  });

  it("lists the student's fields a rule may read in the editor's facts, never the text ones", async () => {
    const page = decoded((await admin.get('/admin/automations/new').expect(200)).text);
    expect(page).to.contain('student.grade-band (Grade band)').and.to.contain('student.best-contact').and.not.to.contain('student.preferred-name');
  });

  it('refuses a condition naming a text field or a field the student does not have, in place with the input kept, writing nothing', async () => {
    for (const [typed, error] of [
      ['{"==": [{"var": "student.preferred-name"}, "Ami"]}', text('automations.errors.conditionStudentText', { key: 'preferred-name', label: 'Name I like to be called' })],
      ['{"==": [{"var": "student.shoe-size"}, 9]}', text('automations.errors.conditionStudentField', { key: 'shoe-size' })],
      ['{"==": [{"var": "student"}, 9]}', text('automations.errors.conditionStudentField', { key: '' })],
    ] as const) {
      const res = await admin.post('/admin/automations').type('form').send(rule({ condition: typed })).expect(400);
      expect(decoded(res.text)).to.contain(error).and.to.contain('data-error-summary').and.to.contain('aria-invalid="true"');
      expect(decoded(res.text), 'the typed condition is kept').to.contain(typed.replace(/"/g, '&quot;'));
    }
    const list = decoded((await admin.get('/admin/automations').expect(200)).text);
    expect(list).not.to.contain('Food need in grade 9');
  });

  it("the dry run lists only the students whose field holds the value, as it stands today", async () => {
    const created = await admin.post('/admin/automations').type('form').send(rule({})).expect(303);
    const id = ruleIdFrom(created.headers.location!);
    const page = decoded((await admin.get(`/admin/automations/${id}/dry-run`).expect(200)).text);
    expect(page).to.contain(s.students[band9].name).and.not.to.contain(s.students[band10].name).and.not.to.contain(s.students[noBand].name);
    expect(page).to.contain(text('automations.dryRun.summary', { days: 30, events: 3, fired: 1, students: 1 }));
  });

  it('switched on, it fires for the student in band 9 and not for the one in band 10 or without a band', async () => {
    const created = await admin.post('/admin/automations').type('form').send(rule({ name: 'Food need in grade 9, live' })).expect(303);
    const id = ruleIdFrom(created.headers.location!);
    await admin.post(`/admin/automations/${id}/state`).type('form').send({ state: 'on' }).expect(303);
    await t.ctx.db.transaction((tx) => t.ctx.automations.needsRaised(tx, s.tenantId, s.students.map((p) => ({ needId: randomUUID(), studentId: p.id, category: 'food', urgency: 'concern' as const, at: t.clock.now() }))));
    await t.ctx.jobs.runDue();
    expect((await runsOf(id)).map((r) => [r.studentId, r.outcome])).to.deep.equal([[s.students[band9].id, 'done']]);
    // The value is read at delivery: the student moved to band 10 meanwhile is no longer matched.
    const plan = decoded((await advisor.get(`/students/${s.students[band9].id}/plan`).expect(200)).text);
    const version = /name="version\.grade-band" value="(\d+)"/.exec(plan)![1]!;
    await advisor.post(`/students/${s.students[band9].id}/plan/details`, { 'text.grade-band': '10', 'version.grade-band': version }).expect(303);
    await t.ctx.db.transaction((tx) => t.ctx.automations.needsRaised(tx, s.tenantId, [{ needId: randomUUID(), studentId: s.students[band9].id, category: 'food', urgency: 'concern' as const, at: t.clock.now() }]));
    await t.ctx.jobs.runDue();
    expect(await runsOf(id)).to.have.length(1);
  });
});
