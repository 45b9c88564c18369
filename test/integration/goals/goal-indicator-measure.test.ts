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

  before(async function () {
    this.timeout(120_000);
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
    expect(page.text).to.contain('<option value="attendance" selected>').and.contain('name="measureTarget" value="95"');
    await advisor.post(`${base}/${id}`, { ...goal, measure: 'Days present on my own log', target: 'all days', version: String(versionIn(page.text)) }).expect(303);
    const again = await advisor.get(`${base}/${id}`).expect(200);
    expect(again.text).to.contain('<option value="" selected>').and.contain('name="measureTarget" value=""');
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

/** Issue 10 item 5: a goal measured by an indicator moves by itself as the school's data arrives. */
describe('goals: progress from the indicator', () => {
  let t: TestApp;
  let s: SeededSchool;
  let advisor: As;
  let goalUrl: string;
  const days = ['2026-03-09', '2026-03-10', '2026-03-11', '2026-03-12', '2026-03-13', '2026-03-16', '2026-03-17', '2026-03-18', '2026-03-19', '2026-03-20'];

  before(async function () {
    this.timeout(120_000);
    t = await createTestApp();
    t.clock.set(new Date('2026-03-20T15:00:00Z'));
    s = await seedSchool(t.ctx);
    advisor = asUser(t.app, await ltikFor(t.ctx, s.advisor, 'advisor', s.advisoryId));
    const base = `/students/${s.students[0].id}/goals`;
    const created = await advisor.post(base, { ...goal, measureIndicator: 'attendance', measureTarget: '95' }).expect(303);
    goalUrl = `${base}/${idFrom(created.headers.location!)}`;
  });

  const attend = async (statuses: ('present' | 'absent')[]) => {
    await t.ctx.studentData.upsertAttendance(s.tenantId, 'csv', statuses.map((status, i) => ({ personId: s.students[0].id, day: days[i]!, status })));
    await t.ctx.indicators.recomputeStudents(s.tenantId, [s.students[0].id]);
  };

  it('before any data: says there is none yet, and the target', async () => {
    const page = await advisor.get(goalUrl).expect(200);
    expect(decoded(page.text)).to.contain('Progress from the data').and.contain('No recent data yet (target at least 95%).');
  });

  it('shows the current value against the target on the goal and the goals list, and moves as attendance arrives', async () => {
    await attend(['present', 'present', 'absent', 'absent', 'present', 'present', 'present', 'present', 'absent', 'present']);
    let page = decoded((await advisor.get(goalUrl).expect(200)).text);
    expect(page).to.contain('Now 70%, target at least 95%: 74% of the way there.');
    expect(page).to.match(/<progress max="100" value="74" aria-hidden="true">/);
    const list = decoded((await advisor.get(`/students/${s.students[0].id}/goals`).expect(200)).text);
    expect(list).to.contain('Now 70%, target at least 95%');
    // The absences were excused as present by a later import: nobody touches the goal, its progress moves.
    await attend(Array<'present'>(10).fill('present'));
    page = decoded((await advisor.get(goalUrl).expect(200)).text);
    expect(page).to.contain('Now 100%, target at least 95%: reached.');
  });

  it('the student sees their own goal\'s progress; the family as the school chose; reading it is audited', async () => {
    const student = asUser(t.app, await ltikFor(t.ctx, s.students[0], 'student', s.advisoryId));
    expect(decoded((await student.get(goalUrl).expect(200)).text)).to.contain('Now 100%, target at least 95%');
    const mentor = asUser(t.app, await ltikFor(t.ctx, s.mentor, 'family', s.advisoryId));
    expect(decoded((await mentor.get(goalUrl).expect(200)).text)).to.contain('Now 100%');
    const admin = asUser(t.app, await ltikFor(t.ctx, s.admin, 'admin', s.advisoryId));
    await admin.post('/admin/indicators', { familyView: 'none' }).expect(303);
    const hidden = decoded((await mentor.get(goalUrl).expect(200)).text);
    expect(hidden).not.to.contain('Progress from the data');
    expect(hidden).to.contain('at least 95%'); // the goal's own words stay
    const audit = await t.ctx.audit.list(s.tenantId, { studentId: s.students[0].id, actorId: s.students[0].id });
    expect(audit.some((a) => a.entity === 'indicator' && a.action === 'read')).to.equal(true);
  });
});
