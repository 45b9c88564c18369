import { expect } from 'chai';
import { createTestApp, type TestApp } from '../../support/app.js';
import { seedSchool, ltikFor, asUser, type SeededSchool } from '../../support/school.js';

type As = ReturnType<typeof asUser>;
const goal = { category: 'academic', statement: 'Turn in every math homework on time', measure: 'Homework log', target: '100% for 4 weeks', targetDate: '2026-05-01', why: 'I want to pass Algebra' };
const idFrom = (location: string) => /goals\/([0-9a-f-]{36})/.exec(location)![1]!;
const versionIn = (html: string) => Number(/name="version" value="(\d+)"/.exec(html)![1]);

describe('goals', () => {
  let t: TestApp;
  let s: SeededSchool;
  let advisor: As;
  let student: As;
  let base: string;

  before(async () => {
    t = await createTestApp();
    s = await seedSchool(t.ctx);
    advisor = asUser(t.app, await ltikFor(t.ctx, s.advisor, 'advisor', s.advisoryId));
    student = asUser(t.app, await ltikFor(t.ctx, s.students[0], 'student', s.advisoryId));
    base = `/students/${s.students[0].id}/goals`;
  });

  it('student proposes -> advisor suggests a change -> student sees it and revises -> advisor approves', async () => {
    const created = await student.post(base, goal).expect(303);
    const id = idFrom(created.headers.location!);
    let page = await student.get(`${base}/${id}`).expect(200);
    expect(page.text).to.contain('Proposed, waiting for approval');
    expect(page.text).not.to.contain('Approve goal');

    const caseload = await advisor.get('/caseload').expect(200);
    expect(caseload.text).to.contain('1 goal waiting for approval');

    page = await advisor.get(`${base}/${id}`).expect(200);
    expect(page.text).to.contain('Approve goal');
    await advisor.post(`${base}/${id}/suggest`, { version: String(versionIn(page.text)), suggestion: 'Make it 3 weeks first, then grow' }).expect(303);

    page = await student.get(`${base}/${id}`).expect(200);
    expect(page.text).to.contain('Suggested change').and.to.contain('Make it 3 weeks first, then grow').and.to.contain(s.advisor.name);
    await student.post(`${base}/${id}`, { ...goal, target: '100% for 3 weeks', version: String(versionIn(page.text)) }).expect(303);
    page = await student.get(`${base}/${id}`).expect(200);
    expect(page.text).not.to.contain('Suggested change');
    expect(page.text).to.contain('100% for 3 weeks');

    page = await advisor.get(`${base}/${id}`).expect(200);
    await advisor.post(`${base}/${id}/approve`, { version: String(versionIn(page.text)) }).expect(303);
    const row = await t.ctx.goals.summaryFor(s.tenantId, [s.students[0].id]);
    expect(row.get(s.students[0].id)).to.deep.equal({ active: 1, achieved: 0, proposed: 0 });

    // A student changing an approved goal sends it back for approval.
    page = await student.get(`${base}/${id}`).expect(200);
    await student.post(`${base}/${id}`, { ...goal, statement: 'Turn in every homework on time', version: String(versionIn(page.text)) }).expect(303);
    page = await advisor.get(`${base}/${id}`).expect(200);
    expect(page.text).to.contain('Revised, waiting for approval').and.to.contain('Approve goal');
  });

  it('an advisor\'s goal is active at once; progress updates name their author', async () => {
    const created = await advisor.post(base, { ...goal, category: 'well-being', statement: 'Sleep 8 hours on school nights' }).expect(303);
    const id = idFrom(created.headers.location!);
    await student.post(`${base}/${id}/progress`, { date: '2026-03-10', note: 'Slept 8 hours 4 nights this week', rating: '4' }).expect(303);
    const page = await advisor.get(`${base}/${id}`).expect(200);
    expect(page.text).to.contain('Active');
    expect(page.text).to.match(new RegExp(`progress-author">${s.students[0].name}</span> · Mar 10, 2026 · feeling 4/5`));
    expect(page.text).to.contain('Slept 8 hours 4 nights this week');
    const audit = await t.ctx.audit.list(s.tenantId, { studentId: s.students[0].id });
    expect(audit.some((a) => a.entity === 'goal_progress' && a.action === 'create' && a.actorId === s.students[0].id)).to.equal(true);
    expect(JSON.stringify(audit)).not.to.contain('Slept');
  });

  it('action steps: owner, due date, done', async () => {
    const id = idFrom((await advisor.post(base, { ...goal, statement: 'Join one club' }).expect(303)).headers.location!);
    await advisor.post(`${base}/${id}/steps`, { text: 'Visit the club fair', owner: 'student', dueDate: '2026-04-02' }).expect(303);
    let page = await student.get(`${base}/${id}`).expect(200);
    expect(page.text).to.contain('Visit the club fair').and.to.contain('Student').and.to.contain('due Apr 2, 2026');
    const stepId = /steps\/([0-9a-f-]{36})\?/.exec(page.text)![1];
    // Forms inside a list carry the ltik too, not only their action URL.
    expect(page.text).to.match(/steps\/[0-9a-f-]{36}\?ltik(=|&#x3D;)[^"]+" class="inline-form">\s*<input type="hidden" name="ltik"/);
    await student.post(`${base}/${id}/steps/${stepId}`, { done: 'yes' }).expect(303);
    page = await student.get(`${base}/${id}`).expect(200);
    expect(page.text).to.contain(' · done');
    const bad = await advisor.post(`${base}/${id}/steps`, { text: '', owner: 'robot' }).expect(400);
    expect(bad.text).to.contain('Say what the step is').and.to.contain('Choose who does it');
  });

  it('refuses a stale save and shows both texts', async () => {
    const id = idFrom((await advisor.post(base, goal).expect(303)).headers.location!);
    const advisorPage = await advisor.get(`${base}/${id}`).expect(200);
    const studentPage = await student.get(`${base}/${id}`).expect(200);
    await student.post(`${base}/${id}`, { ...goal, statement: 'Student version of the goal', version: String(versionIn(studentPage.text)) }).expect(303);
    const res = await advisor.post(`${base}/${id}`, { ...goal, statement: 'Advisor version of the goal', version: String(versionIn(advisorPage.text)) }).expect(409);
    expect(res.text).to.contain('Someone saved this goal while you were editing it');
    expect(res.text).to.match(/conflict-theirs">Student version of the goal/);
    expect(res.text).to.match(/conflict-yours">Advisor version of the goal/);
    expect(res.text).to.contain('>Advisor version of the goal</textarea>');
    // Nothing lost: the saved goal is the student's, and the advisor's text came back in the form.
    const adv = (await t.ctx.roster.userFromClaims({ tid: s.tenantId, pid: s.advisor.id, cid: s.advisoryId, role: 'advisor' }))!;
    const { goals } = await t.ctx.goals.listForStudent(adv, s.students[0].id);
    expect(goals.find((g) => g.id === id)!.statement).to.equal('Student version of the goal');
  });

  it('checks the form: errors next to the field, typed values kept, nothing written', async () => {
    const before = (await t.ctx.goals.summaryFor(s.tenantId, [s.students[1].id])).get(s.students[1].id);
    const res = await advisor.post(`/students/${s.students[1].id}/goals`, { ...goal, category: 'hobbies', statement: 'abc', targetDate: '2026-02-31' }).expect(400);
    expect(res.text).to.match(/id="goal-category-error">Choose a category/);
    expect(res.text).to.match(/id="goal-statement-error">Say what the goal is/);
    expect(res.text).to.match(/id="goal-date-error">Enter a real date/);
    expect(res.text).to.contain('>abc</textarea>').and.to.contain('value="Homework log"');
    expect((await t.ctx.goals.summaryFor(s.tenantId, [s.students[1].id])).get(s.students[1].id)).to.deep.equal(before);
  });

  it('family reads their student\'s goals only; admins read but do not write', async () => {
    const mentor = asUser(t.app, await ltikFor(t.ctx, s.mentor, 'family', s.advisoryId));
    const list = await mentor.get(base).expect(200);
    expect(list.text).to.contain('Turn in every');
    await mentor.post(base, goal).expect(403);
    await mentor.get(`/students/${s.students[1].id}/goals`).expect(404);
    const admin = asUser(t.app, await ltikFor(t.ctx, s.admin, 'admin', s.advisoryId));
    await admin.get(base).expect(200);
    await admin.post(base, goal).expect(403);
    const audit = await t.ctx.audit.list(s.tenantId, { actorId: s.admin.id });
    expect(audit.some((a) => a.entity === 'goal' && a.action === 'read')).to.equal(true);
  });

  it('another student, another course and another tenant get 404', async () => {
    const id = idFrom((await advisor.post(base, goal).expect(303)).headers.location!);
    const peer = asUser(t.app, await ltikFor(t.ctx, s.students[1], 'student', s.advisoryId));
    await peer.get(`${base}/${id}`).expect(404);
    await peer.post(`${base}/${id}/progress`, { date: '2026-03-10', note: 'not mine' }).expect(404);
    const otherCourse = asUser(t.app, await ltikFor(t.ctx, s.otherAdvisor, 'advisor', s.otherCourseId));
    await otherCourse.get(base).expect(404);
    const other = asUser(t.app, await ltikFor(t.ctx, s.other.advisor, 'advisor', s.other.contextId));
    await other.get(base).expect(404);
    await other.get(`${base}/${id}`).expect(404);
    await other.post(`${base}/${id}/approve`, { version: '1' }).expect(404);
    // A goal id under a student it does not belong to is not found either.
    await advisor.get(`/students/${s.students[1].id}/goals/${id}`).expect(404);
  });
});
