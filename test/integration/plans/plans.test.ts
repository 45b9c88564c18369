import { expect } from 'chai';
import { and, count, eq } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../support/app.js';
import { seedSchool, ltikFor, asUser, type SeededSchool } from '../../support/school.js';
import { planEntries, planRevisions, plans } from '../../../src/db/schema.js';
import { parsePlanTemplate, PlanTemplateError, loadPlanTemplate } from '../../../src/plans/plans.schemas.js';

describe('success plans', () => {
  let t: TestApp;
  let school: SeededSchool;
  let as: Record<'advisor' | 'student' | 'other' | 'mentor' | 'admin' | 'otherAdvisor' | 'foreign', ReturnType<typeof asUser>>;
  const plan = (id: string) => `/students/${id}/plan`;
  let s1: string;

  const versionOf = (html: string) => Number(/name="version" value="(\d+)"/.exec(html)![1]);
  const save = (who: ReturnType<typeof asUser>, field: string, voice: string, text: string, version: number) =>
    who.post(`${plan(s1)}/fields`, { field, voice, text, version: String(version) });

  before(async () => {
    t = await createTestApp();
    school = await seedSchool(t.ctx);
    s1 = school.students[0].id;
    const l = async (p: Parameters<typeof ltikFor>[1], role: Parameters<typeof ltikFor>[2], cid: string | null = school.advisoryId) => asUser(t.app, await ltikFor(t.ctx, p, role, cid));
    as = {
      advisor: await l(school.advisor, 'advisor'),
      student: await l(school.students[0], 'student'),
      other: await l(school.students[1], 'student'),
      mentor: await l(school.mentor, 'family'),
      admin: await l(school.admin, 'admin'),
      otherAdvisor: await l(school.otherAdvisor, 'advisor', school.otherCourseId),
      foreign: await l(school.other.advisor, 'advisor', school.other.contextId),
    };
  });

  it('shows the template sections, and the student and adult words apart with their authors', async () => {
    let page = await as.advisor.get(plan(s1)).expect(200);
    for (const title of ['About me', 'Needs and supports', 'College and career interests', 'Community', 'Transition to next grade']) expect(page.text).to.contain(title);
    await save(as.student, 'strengths', 'student', 'I am good at drawing and fixing bikes', versionOf(page.text)).expect(303);
    page = await as.advisor.get(plan(s1)).expect(200);
    await save(as.advisor, 'strengths', 'adult', 'A patient helper in group work', versionOf(page.text)).expect(303);
    page = await as.student.get(plan(s1)).expect(200);
    const studentBlock = page.text.slice(page.text.indexOf('id="strengths-student"'), page.text.indexOf('id="strengths-adult"'));
    expect(studentBlock).to.contain('I am good at drawing and fixing bikes').and.to.contain(school.students[0].name);
    const adultBlock = page.text.slice(page.text.indexOf('id="strengths-adult"'));
    expect(adultBlock).to.contain('A patient helper in group work').and.to.contain(school.advisor.name);
  });

  it('lets each person write only their own voice', async () => {
    const page = await as.student.get(plan(s1)).expect(200);
    await save(as.student, 'supports', 'adult', 'I wrote the adult part', versionOf(page.text)).expect(403);
    await save(as.advisor, 'what-matters', 'student', 'the advisor speaking for the student', versionOf(page.text)).expect(403);
    await save(as.advisor, 'what-matters', 'adult', 'no adult voice on this field', versionOf(page.text)).expect(400);
    await save(as.mentor, 'strengths', 'adult', 'family writing', versionOf(page.text)).expect(403);
    await save(as.admin, 'strengths', 'adult', 'admin writing', versionOf(page.text)).expect(403);
  });

  it('keeps staff-only fields from the student and the family, and student-and-staff fields from the family', async () => {
    const adv = await as.advisor.get(plan(s1)).expect(200);
    await save(as.advisor, 'adult-notes', 'adult', 'Staff note: check in about attendance', versionOf(adv.text)).expect(303);
    const studentPage = await as.student.get(plan(s1)).expect(200);
    expect(studentPage.text).not.to.contain('Notes for the adults').and.not.to.contain('Staff note');
    expect(studentPage.text).to.contain('An adult I trust');
    const mentorPage = await as.mentor.get(plan(s1)).expect(200);
    expect(mentorPage.text).not.to.contain('Staff note').and.not.to.contain('An adult I trust');
    expect(mentorPage.text).to.contain('I am good at drawing and fixing bikes');
    const adminPage = await as.admin.get(plan(s1)).expect(200);
    expect(adminPage.text).to.contain('Staff note');
    expect(adminPage.text).not.to.match(/<form[^>]+plan\/fields/);
  });

  it('refuses a save made on words someone changed meanwhile, shows both texts and loses nothing', async () => {
    const loaded = versionOf((await as.student.get(plan(s1))).text);
    await save(as.student, 'interests', 'student', 'Soccer and robotics', loaded).expect(303);
    // A second tab, loaded before that save, edits the same words.
    const stale = await save(as.student, 'interests', 'student', 'Chess club', loaded).expect(409);
    expect(stale.text).to.contain('Soccer and robotics').and.to.contain('Chess club').and.to.contain('changed this while you were editing');
    const [row] = await t.ctx.db.select().from(planEntries).where(and(eq(planEntries.tenantId, school.tenantId), eq(planEntries.fieldKey, 'interests')));
    expect(row!.text).to.equal('Soccer and robotics');
    // Saving again from the conflict page (which carries the new version) is a deliberate choice and goes through.
    await save(as.student, 'interests', 'student', 'Soccer, robotics and chess', versionOf(stale.text)).expect(303);
  });

  it('lets two people save different fields from pages loaded at the same version', async () => {
    const v = versionOf((await as.advisor.get(plan(s1))).text);
    await save(as.advisor, 'careers', 'adult', 'Engineering pathways', v).expect(303);
    await save(as.student, 'careers', 'student', 'Something with bikes', v).expect(303);
    const page = await as.advisor.get(plan(s1));
    expect(page.text).to.contain('Engineering pathways').and.to.contain('Something with bikes');
  });

  it('refuses bad input next to the field, keeps what was typed, and writes nothing', async () => {
    const before = await t.ctx.db.select({ n: count() }).from(planRevisions).where(eq(planRevisions.tenantId, school.tenantId));
    const long = 'x'.repeat(5001);
    const res = await save(as.student, 'give-back', 'student', long, versionOf((await as.student.get(plan(s1))).text)).expect(400);
    expect(res.text).to.contain('Keep it under 5,000 characters').and.to.contain(long);
    expect(res.text).to.match(/aria-describedby="err-give-back-student"/);
    await save(as.student, 'no-such-field', 'student', 'x', 0).expect(400);
    const after = await t.ctx.db.select({ n: count() }).from(planRevisions).where(eq(planRevisions.tenantId, school.tenantId));
    expect(after[0]!.n).to.equal(before[0]!.n);
  });

  it('keeps every change and shows what changed in the history', async () => {
    const v = versionOf((await as.student.get(plan(s1))).text);
    await save(as.student, 'belonging', 'student', 'the art club', v).expect(303);
    await save(as.student, 'belonging', 'student', 'the art club and the bike shop', v + 1).expect(303);
    const history = await as.advisor.get(`${plan(s1)}/history`).expect(200);
    expect(history.text).to.contain('Where I feel I belong').and.to.contain('<ins> and the bike shop</ins>');
    const studentHistory = await as.student.get(`${plan(s1)}/history`).expect(200);
    expect(studentHistory.text).not.to.contain('Staff note');
    await as.mentor.get(`${plan(s1)}/history`).expect(403);
  });

  it('moves the plan from draft to active, refusing a stale status change', async () => {
    const page = await as.advisor.get(plan(s1));
    const v = versionOf(page.text);
    await as.student.post(`${plan(s1)}/status`, { status: 'active', version: String(v) }).expect(403);
    await as.advisor.post(`${plan(s1)}/status`, { status: 'active', version: String(v - 1) }).expect(409);
    await as.advisor.post(`${plan(s1)}/status`, { status: 'active', version: String(v) }).expect(303);
    const status = await t.ctx.plans.statusFor(school.tenantId, [s1, school.students[1].id]);
    expect(status.get(s1)!.status).to.equal('active');
    expect(status.get(s1)!.updatedByName).to.equal(school.advisor.name);
    expect(status.get(school.students[1].id)!.status).to.equal('none');
    const caseload = await as.advisor.get('/caseload').expect(200);
    expect(caseload.text).to.match(/active/);
  });

  it('prints as a clean document without forms or navigation', async () => {
    const res = await as.advisor.get(`${plan(s1)}/print`).expect(200);
    expect(res.text).to.contain('Success plan: ' + school.students[0].name).and.to.contain('I am good at drawing');
    expect(res.text).not.to.contain('<form').and.not.to.contain('class="tool-nav"');
  });

  it('family: lists only their students, reads and comments; the advisor and student see the comment', async () => {
    const home = await as.mentor.get('/family').expect(200);
    expect(home.text).to.contain(school.students[0].name).and.not.to.contain(school.students[1].name);
    await as.mentor.post(`${plan(s1)}/comments`, { text: '' }).expect(400);
    await as.mentor.post(`${plan(s1)}/comments`, { text: 'So proud of the bike shop idea!' }).expect(303);
    expect((await as.advisor.get(plan(s1))).text).to.contain('So proud of the bike shop idea!');
    expect((await as.student.get(plan(s1))).text).to.contain('So proud of the bike shop idea!');
    await as.mentor.get(plan(school.students[1].id)).expect(404);
  });

  it('the student home is their own plan with this week\'s check-in prompts', async () => {
    const res = await as.student.get('/my-plan').expect(200);
    expect(res.text).to.contain('My success plan').and.to.contain(school.students[0].name).and.to.contain('I am good at drawing');
    expect(res.text).to.contain(`/students/${s1}/checkins/prep`);
    await as.advisor.get('/my-plan').expect(403);
  });

  it('answers 404 to strangers on every plan URL, even with a real student id of another tenant', async () => {
    const urls = [plan(s1), `${plan(s1)}/history`, `${plan(s1)}/print`];
    for (const u of urls) {
      await as.foreign.get(u).expect(404);
      await as.other.get(u).expect(404);
      await as.otherAdvisor.get(u).expect(404);
    }
    await as.advisor.get(plan(school.other.student.id)).expect(404);
    await as.foreign.post(`${plan(s1)}/fields`, { field: 'strengths', voice: 'adult', text: 'x', version: '0' }).expect(404);
    await as.advisor.get('/students/not-a-uuid/plan').expect(404);
  });

  it('audits every read and write without storing the words, and shows the log to admins only', async () => {
    const events = await t.ctx.audit.list(school.tenantId, { studentId: s1 });
    const kinds = new Set(events.map((e) => `${e.entity}:${e.action}`));
    for (const k of ['plan:read', 'plan:update', 'plan-comment:create', 'plan-history:read']) expect(kinds).to.include(k);
    expect(events.some((e) => e.actorId === school.mentor.id && e.action === 'read')).to.equal(true);
    expect(JSON.stringify(events)).not.to.contain('bike');
    const log = await as.admin.get(`/admin/audit?student=${s1}`).expect(200);
    expect(log.text).to.contain(school.students[0].name).and.to.contain(school.mentor.name);
    await as.advisor.get('/admin/audit').expect(403);
    await as.admin.get('/admin/audit?student=nope').expect(400);
  });

  it('reports plan completion for the gradebook score', async () => {
    const done = await t.ctx.plans.completionOf(school.tenantId, [s1, school.students[2].id]);
    const fields = t.ctx.plans.template.sections.flatMap((s) => s.fields).length;
    const [p] = await t.ctx.db.select().from(plans).where(and(eq(plans.tenantId, school.tenantId), eq(plans.studentId, s1)));
    const filled = new Set((await t.ctx.db.select().from(planEntries).where(eq(planEntries.planId, p!.id))).map((e) => e.fieldKey)).size;
    expect(done.get(s1)).to.equal(Math.round((filled / fields) * 100));
    expect(done.get(s1)).to.be.greaterThan(0);
    expect(done.get(school.students[2].id)).to.equal(0);
  });
});

describe('plan template', () => {
  it('the shipped template is valid', () => {
    expect(loadPlanTemplate().sections.length).to.be.greaterThan(4);
  });
  it('a bad template names every problem', () => {
    const bad = {
      name: 'x',
      sections: [{ key: 'a', title: 'A', fields: [
        { key: 'f', label: 'F', type: 'long', edit: 'student', see: ['adult'] },
        { key: 'f', label: 'F2', type: 'poem', edit: 'both', see: ['student', 'adult'] },
      ] }],
    };
    try {
      parsePlanTemplate(bad);
      expect.fail('should have thrown');
    } catch (err) {
      expect(err).to.be.instanceOf(PlanTemplateError);
      const text = (err as PlanTemplateError).problems.join('\n');
      expect(text).to.contain('type');
    }
    const dup = { name: 'x', sections: [{ key: 'a', title: 'A', fields: [
      { key: 'f', label: 'F', type: 'long', edit: 'student', see: ['adult'] },
      { key: 'f', label: 'F2', type: 'long', edit: 'both', see: ['student', 'adult'] },
    ] }] };
    try {
      parsePlanTemplate(dup);
      expect.fail('should have thrown');
    } catch (err) {
      const text = (err as PlanTemplateError).problems.join('\n');
      expect(text).to.contain('used twice').and.to.contain('not visible to student');
    }
  });
});
