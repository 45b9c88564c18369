import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { createTestApp, type TestApp } from '../../support/app.js';
import { seedSchool, ltikFor, asUser, type SeededSchool } from '../../support/school.js';
import { decoded } from '../../support/html.js';
import { t as text } from '../../../src/web/i18n.js';

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

  it('speaks Spanish to a student launched in Spanish: the status label, the page title, and a refused form\'s error summary', async () => {
    const es = asUser(t.app, await t.ctx.ltiks.issue({ tid: s.tenantId, pid: s.students[0].id, cid: s.advisoryId, role: 'student', loc: 'es' }));
    const created = await es.post(base, goal).expect(303);
    const page = decoded((await es.get(`${base}/${idFrom(created.headers.location!)}`).expect(200)).text);
    expect(page).to.contain(text('goals.statuses.proposed', {}, 'es')).and.to.contain(text('goals.categories.academic', {}, 'es'));
    expect(page).to.contain(`<title>${text('goals.show.title', { statement: goal.statement }, 'es')}`);
    expect(page).not.to.contain('Proposed, waiting for approval');
    const refused = decoded((await es.post(base, { ...goal, category: '', statement: 'x' }).expect(400)).text);
    expect(refused).to.match(new RegExp(`class="error-summary"[\\s\\S]*${text('goals.errors.category', {}, 'es')}[\\s\\S]*${text('goals.errors.statement', {}, 'es')}`));
    expect(refused).not.to.contain('Choose a category');
  });

  it('an advisor\'s goal is active at once; progress updates name their author', async () => {
    const created = await advisor.post(base, { ...goal, category: 'well-being', statement: 'Sleep 8 hours on school nights' }).expect(303);
    const id = idFrom(created.headers.location!);
    await student.post(`${base}/${id}/progress`, { date: '2026-03-10', value: '4 nights', note: 'Slept 8 hours 4 nights this week', rating: '4' }).expect(303);
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
    const { goals } = await t.ctx.goals.list(adv, s.students[0].id);
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
    await peer.post(`${base}/${id}/progress`, { date: '2026-03-10', value: '1', note: 'not mine' }).expect(404);
    const otherCourse = asUser(t.app, await ltikFor(t.ctx, s.otherAdvisor, 'advisor', s.otherCourseId));
    await otherCourse.get(base).expect(404);
    const other = asUser(t.app, await ltikFor(t.ctx, s.other.advisor, 'advisor', s.other.contextId));
    await other.get(base).expect(404);
    await other.get(`${base}/${id}`).expect(404);
    await other.post(`${base}/${id}/approve`, { version: '1' }).expect(404);
    // A goal id under a student it does not belong to is not found either.
    await advisor.get(`/students/${s.students[1].id}/goals/${id}`).expect(404);
  });
  describe('issue 7: SMART goals, progress toward the target, the goal page', () => {
    const partial = { category: 'academic', statement: 'Get better at math this term' };
    const statusOf = async (studentId: string, id: string) => {
      const adv = (await t.ctx.roster.userFromClaims({ tid: s.tenantId, pid: s.advisor.id, cid: s.advisoryId, role: 'advisor' }))!;
      return (await t.ctx.goals.list(adv, studentId)).goals.find((g) => g.id === id)!.status;
    };
    const summaryLinks = (html: string) => [...(/data-error-summary>([\s\S]*?)<\/div>/.exec(html)?.[1] ?? '').matchAll(/<a href="#([^"]+)">([^<]+)</g)].map((m) => `${m[1]}: ${m[2]}`);

    it('approving a goal with SMART parts missing is refused, naming each; filled in, it is approved', async () => {
      const id = idFrom((await student.post(base, partial).expect(303)).headers.location!);
      let page = await advisor.get(`${base}/${id}`).expect(200);
      const refused = await advisor.post(`${base}/${id}/approve`, { version: String(versionIn(page.text)) }).expect(400);
      expect(summaryLinks(refused.text)).to.deep.equal([
        'goal-measure: Add how it is measured',
        'goal-target: Add the target',
        'goal-date: Add the date it should be reached by',
        'goal-why: Add why it matters',
      ]);
      // The edit form on the same page marks each missing part, so the advisor can fill them in.
      expect(refused.text).to.match(/id="goal-measure"[^>]*aria-invalid="true"/).and.to.match(/id="goal-measure-error">Add how it is measured/);
      expect(await statusOf(s.students[0].id, id)).to.equal('draft');

      page = await advisor.get(`${base}/${id}`).expect(200);
      expect(page.text).to.contain('Save and approve').and.to.contain('Before this goal can be approved');
      expect(page.text).to.contain('<li>Add how it is measured</li>');
      await advisor.post(`${base}/${id}`, { ...goal, ...partial, version: String(versionIn(page.text)), approve: 'yes' }).expect(303);
      expect(await statusOf(s.students[0].id, id)).to.equal('active');
    });

    it('an incomplete goal never goes live another way', async () => {
      const other = `/students/${s.students[2].id}/goals`;
      // An advisor's goal is active at once only when it is complete; otherwise it waits as a draft.
      const id = idFrom((await advisor.post(other, partial).expect(303)).headers.location!);
      expect(await statusOf(s.students[2].id, id)).to.equal('draft');
      let page = await advisor.get(`${other}/${id}`).expect(200);
      const byStatus = await advisor.post(`${other}/${id}/status`, { version: String(versionIn(page.text)), status: 'active' }).expect(400);
      expect(summaryLinks(byStatus.text)).to.include('goal-target: Add the target');
      expect(await statusOf(s.students[2].id, id)).to.equal('draft');
      // Nor does an active goal lose its parts in an edit.
      const live = idFrom((await advisor.post(other, goal).expect(303)).headers.location!);
      expect(await statusOf(s.students[2].id, live)).to.equal('active');
      page = await advisor.get(`${other}/${live}`).expect(200);
      const cleared = await advisor.post(`${other}/${live}`, { ...goal, measure: '', version: String(versionIn(page.text)) }).expect(400);
      expect(summaryLinks(cleared.text)).to.deep.equal(['goal-measure: Add how it is measured']);
    });

    it('progress records a value toward the target, the rating beside it optional, shown as a history toward the target', async () => {
      const id = idFrom((await advisor.post(base, { ...goal, statement: 'Turn in math homework', target: '4 of 4 each week' }).expect(303)).headers.location!);
      const missing = await student.post(`${base}/${id}/progress`, { date: '2026-03-10', note: 'It went ok', rating: '3' }).expect(400);
      expect(summaryLinks(missing.text)).to.deep.equal(['progress-value: Say where it stands toward the target']);
      expect(missing.text).to.match(/id="progress-value-error">Say where it stands/).and.to.contain('>It went ok</textarea>');
      await student.post(`${base}/${id}/progress`, { date: '2026-03-10', value: '2 of 4' }).expect(303);
      await student.post(`${base}/${id}/progress`, { date: '2026-03-17', value: '3 of 4 assignments', note: 'Better week', rating: '4' }).expect(303);
      const page = await advisor.get(`${base}/${id}`).expect(200);
      expect(page.text).to.match(/Progress toward the target: <strong>4 of 4 each week<\/strong>/);
      const entries = [...page.text.matchAll(/<li class="voice-[a-z]+">([\s\S]*?)<\/li>/g)].map((m) => m[1]!.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim());
      expect(entries).to.deep.equal([
        `${s.students[0].name} · Mar 17, 2026 · feeling 4/5 3 of 4 assignments toward 4 of 4 each week Better week`,
        `${s.students[0].name} · Mar 10, 2026 2 of 4 toward 4 of 4 each week`,
      ]);
    });

    it('the advisor\'s suggestion stays on the goal after it is answered and approved', async () => {
      const id = idFrom((await student.post(base, { ...goal, statement: 'Read one book a month' }).expect(303)).headers.location!);
      let page = await advisor.get(`${base}/${id}`).expect(200);
      await advisor.post(`${base}/${id}/suggest`, { version: String(versionIn(page.text)), suggestion: 'Start with one short book' }).expect(303);
      page = await student.get(`${base}/${id}`).expect(200);
      await student.post(`${base}/${id}`, { ...goal, statement: 'Read one short book this month', version: String(versionIn(page.text)) }).expect(303);
      page = await advisor.get(`${base}/${id}`).expect(200);
      await advisor.post(`${base}/${id}/approve`, { version: String(versionIn(page.text)) }).expect(303);
      for (const as of [student, advisor]) {
        page = await as.get(`${base}/${id}`).expect(200);
        expect(page.text).not.to.contain('Suggested change');
        const history = /<section[^>]*aria-labelledby="suggestions-title"[\s\S]*?<\/section>/.exec(decoded(page.text))?.[0] ?? '';
        expect(history).to.contain('Advisor\'s suggestion').and.to.contain('Start with one short book').and.to.contain(s.advisor.name);
      }
    });

    it('step buttons show the name they are read by; fields carry their limits; buttons have distinct names', async () => {
      const id = idFrom((await advisor.post(base, { ...goal, statement: 'Use the library' }).expect(303)).headers.location!);
      await advisor.post(`${base}/${id}/steps`, { text: 'Visit the library', owner: 'student' }).expect(303);
      let page = await advisor.get(`${base}/${id}`).expect(200);
      // The accessible name starts with the words the button shows (axe label-content-name-mismatch).
      expect(page.text).to.match(/<button type="submit" class="secondary small" aria-label="Mark done: Visit the library">Mark done<\/button>/);
      const stepId = /steps\/([0-9a-f-]{36})\?/.exec(page.text)![1];
      await advisor.post(`${base}/${id}/steps/${stepId}`, { done: 'yes' }).expect(303);
      page = await advisor.get(`${base}/${id}`).expect(200);
      expect(page.text).to.match(/aria-label="Mark not done: Visit the library">Mark not done<\/button>/);
      for (const [, name, shown] of page.text.matchAll(/<button[^>]*aria-label="([^"]*)"[^>]*>([^<]*)<\/button>/g)) expect(name!.startsWith(shown!.trim()), name).to.equal(true);
      for (const [field, max] of [['goal-statement', 500], ['goal-measure', 500], ['goal-target', 200], ['goal-why', 1000], ['suggestion', 1000], ['step-text', 300], ['progress-value', 100], ['progress-note', 2000]] as const) {
        expect(page.text, field).to.match(new RegExp(`id="${field}"[^>]*maxlength="${max}"`));
      }
      const names = [...page.text.matchAll(/<button([^>]*)>([\s\S]*?)<\/button>/g)].map((m) => /aria-label="([^"]*)"/.exec(m[1]!)?.[1] ?? m[2]!.replace(/<[^>]+>/g, '').trim());
      expect(names.length).to.be.greaterThan(5);
      expect(new Set(names).size, names.join(' | ')).to.equal(names.length);
    });

    it('every invalid goal form shows the error summary linking to its fields', async () => {
      const id = idFrom((await advisor.post(base, { ...goal, statement: 'Walk to school' }).expect(303)).headers.location!);
      const page = await advisor.get(`${base}/${id}`).expect(200);
      const v = String(versionIn(page.text));
      const cases: [string, Record<string, string>, string[]][] = [
        [base, { category: '', statement: 'x' }, ['goal-category: Choose a category', 'goal-statement: Say what the goal is, in a sentence']],
        [`${base}/${id}`, { ...goal, statement: '', version: v }, ['goal-statement: Say what the goal is, in a sentence']],
        [`${base}/${id}/suggest`, { version: v, suggestion: '' }, ['suggestion: Write the change you suggest']],
        [`${base}/${id}/status`, { version: v, status: 'paused' }, ['goal-status: Choose a status']],
        [`${base}/${id}/steps`, { text: '', owner: 'robot' }, ['step-text: Say what the step is', 'step-owner: Choose who does it']],
        [`${base}/${id}/progress`, { date: 'soon', value: 'x'.repeat(101) }, ['progress-date: Enter a real date', 'progress-value: Keep the value under 100 characters']],
      ];
      for (const [url, form, expected] of cases) {
        const res = await advisor.post(url, form).expect(400);
        expect(summaryLinks(res.text), url).to.deep.equal(expected);
      }
    });

    it('a progress update sent twice with the same one-time token is added once', async () => {
      const id = idFrom((await advisor.post(base, { ...goal, statement: 'Practise piano' }).expect(303)).headers.location!);
      const form = { date: '2026-03-12', value: '3 days', note: 'Sent twice by the back button', _once: randomUUID() };
      const first = await student.post(`${base}/${id}/progress`, form).expect(303);
      const again = await student.post(`${base}/${id}/progress`, form).expect(303);
      expect(again.headers.location).to.equal(first.headers.location);
      const page = await student.get(`${base}/${id}`).expect(200);
      expect(page.text.split('Sent twice by the back button').length - 1).to.equal(1);
    });
  });
});
