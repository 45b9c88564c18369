import { expect } from 'chai';
import { createTestApp, type TestApp } from '../../support/app.js';
import { seedSchool, ltikFor, asUser, type SeededSchool } from '../../support/school.js';
import { decoded } from '../../support/html.js';

type As = ReturnType<typeof asUser>;
const goal = { category: 'academic', statement: 'Be at school every day', measure: '', target: '', targetDate: '2026-06-01', why: 'So I keep up in class' };
const idFrom = (location: string) => /goals\/([0-9a-f-]{36})/.exec(location)![1]!;
const versionIn = (html: string) => Number(/name="version" value="(\d+)"/.exec(html)![1]);

/** Issue 10 item 5: a goal measured by an indicator, from the goal forms. */
describe('goals: an indicator as the measure (forms)', () => {
  let t: TestApp;
  let s: SeededSchool;
  let advisor: As;
  let base: string;

  before(async () => {
    t = await createTestApp();
    s = await seedSchool(t.ctx);
    advisor = asUser(t.app, await ltikFor(t.ctx, s.advisor, 'advisor', s.advisoryId));
    base = `/students/${s.students[0].id}/goals`;
  });

  it('offers "measured by" with every indicator and a target value on the new and edit forms', async () => {
    const page = await advisor.get(`${base}/new`).expect(200);
    expect(page.text).to.match(/<label for="goal-measure-indicator">Measured by/);
    for (const v of ['attendance', 'behaviour', 'grades', 'wellbeing']) expect(page.text).to.contain(`<option value="${v}">`);
    expect(page.text).to.contain('<option value="" selected>The measure in words (above)</option>');
    expect(page.text).to.contain('id="goal-measure-target" name="measureTarget"');
  });

  it('creates a goal measured by attendance: live at once, its measure and target said in words', async () => {
    const created = await advisor.post(base, { ...goal, measureIndicator: 'attendance', measureTarget: '95' }).expect(303);
    const id = idFrom(created.headers.location!);
    const row = (await t.ctx.goals.list({ tenantId: s.tenantId, personId: s.advisor.id, name: '', role: 'advisor', contextId: s.advisoryId, contextTitle: '', contextKind: 'advisory', menteeIds: [] }, s.students[0].id)).goals.find((g) => g.id === id)!;
    expect(row).to.include({ status: 'active', measureIndicator: 'attendance', measureTarget: 95, target: 'at least 95%' });
    const page = await advisor.get(`${base}/${id}`).expect(200);
    expect(decoded(page.text)).to.contain('school days attended').and.contain('at least 95%');
    // The edit form shows the choice as saved; changing it to words drops the target value.
    expect(page.text).to.contain('<option value="attendance" selected>').and.contain('name="measureTarget" maxlength="6" value="95"');
    await advisor.post(`${base}/${id}`, { ...goal, measure: 'Days present on my own log', target: 'all days', version: String(versionIn(page.text)) }).expect(303);
    const again = await advisor.get(`${base}/${id}`).expect(200);
    expect(again.text).to.contain('<option value="" selected>').and.contain('name="measureTarget" maxlength="6" value=""');
  });

  it('refuses an indicator without a target, or a target out of its range, with the error summary linking to the field, and writes nothing', async () => {
    const before = (await t.ctx.goals.summaryFor(s.tenantId, [s.students[1].id])).get(s.students[1].id);
    const other = `/students/${s.students[1].id}/goals`;
    const none = await advisor.post(other, { ...goal, measureIndicator: 'grades', measureTarget: '' }).expect(400);
    expect(none.text).to.contain('data-error-summary').and.contain('href="#goal-measure-target"').and.contain('Enter the target value for the indicator');
    const range = await advisor.post(other, { ...goal, measureIndicator: 'wellbeing', measureTarget: '9' }).expect(400);
    expect(range.text).to.contain('Enter a target from 1 to 5').and.contain('aria-invalid="true" aria-describedby="goal-measure-target-error"');
    const junk = await advisor.post(other, { ...goal, measureIndicator: 'mood', measureTarget: 'lots' }).expect(400);
    expect(junk.text).to.contain('href="#goal-measure-indicator"').and.contain('href="#goal-measure-target"');
    expect((await t.ctx.goals.summaryFor(s.tenantId, [s.students[1].id])).get(s.students[1].id)).to.deep.equal(before);
  });
});
