import { expect } from 'chai';
import { and, count, eq } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../support/app.js';
import { seedSchool, ltikFor, asUser, type SeededSchool } from '../../support/school.js';
import { decoded } from '../../support/html.js';
import { planEntries, planRevisions, plans } from '../../../src/db/schema.js';
import { parsePlanTemplate, PlanTemplateError, loadPlanTemplate } from '../../../src/plans/plans.schemas.js';
import { t as text } from '../../../src/web/i18n.js';

describe('success plans', () => {
  let t: TestApp;
  let school: SeededSchool;
  let as: Record<'advisor' | 'student' | 'other' | 'mentor' | 'admin' | 'otherAdvisor' | 'foreign', ReturnType<typeof asUser>>;
  const plan = (id: string) => `/students/${id}/plan`;
  let s1: string;

  /** The version of each field's words the page carried for the editor's voice (`version.<field>` inputs). */
  const versionsOf = (html: string): Record<string, string> => Object.fromEntries([...html.matchAll(/name="version\.([a-z0-9-]+)" value="(\d+)"/g)].map((m) => [m[1]!, m[2]!]));
  /** The plan version on the status form (advisors only). */
  const planVersionOf = (html: string) => Number(/name="version" value="(\d+)"/.exec(html)![1]);
  /** Posts one section's form in one voice, as the page does: `text.<field>` and `version.<field>` per field. */
  const saveSection = (who: ReturnType<typeof asUser>, section: string, voice: string, texts: Record<string, string>, loaded: Record<string, string>, student = s1) => {
    const form: Record<string, string> = { section, voice };
    for (const [k, v] of Object.entries(texts)) {
      form[`text.${k}`] = v;
      form[`version.${k}`] = loaded[k] ?? '0';
    }
    return who.post(`${plan(student)}/fields`, form);
  };
  const loadedBy = async (who: ReturnType<typeof asUser>, student = s1) => versionsOf((await who.get(plan(student)).expect(200)).text);
  const entryText = async (field: string, voice: string, student = s1) => {
    const [p] = await t.ctx.db.select().from(plans).where(and(eq(plans.tenantId, school.tenantId), eq(plans.studentId, student)));
    if (!p) return undefined;
    const [row] = await t.ctx.db.select().from(planEntries).where(and(eq(planEntries.planId, p.id), eq(planEntries.fieldKey, field), eq(planEntries.voice, voice)));
    return row?.text;
  };
  const revisionCount = async () => (await t.ctx.db.select({ n: count() }).from(planRevisions).where(eq(planRevisions.tenantId, school.tenantId)))[0]!.n;

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
    const page = await as.advisor.get(plan(s1)).expect(200);
    for (const title of ['About me', 'Needs and supports', 'College and career interests', 'Community', 'Transition to next grade']) expect(page.text).to.contain(title);
    await saveSection(as.student, 'about-me', 'student', { strengths: 'I am good at drawing and fixing bikes' }, await loadedBy(as.student)).expect(303);
    await saveSection(as.advisor, 'about-me', 'adult', { strengths: 'A patient helper in group work' }, await loadedBy(as.advisor)).expect(303);
    const mine = await as.student.get(plan(s1)).expect(200);
    const studentBlock = mine.text.slice(mine.text.indexOf('id="strengths-student"'), mine.text.indexOf('id="strengths-adult"'));
    expect(studentBlock).to.contain('I am good at drawing and fixing bikes').and.to.contain(school.students[0].name);
    const adultBlock = mine.text.slice(mine.text.indexOf('id="strengths-adult"'));
    expect(adultBlock).to.contain('A patient helper in group work').and.to.contain(school.advisor.name);
  });

  it('saves every field of a section in one post, and names the button for what it saves', async () => {
    const page = await as.student.get(plan(s1)).expect(200);
    // One form per section for the voice this person writes, with one submit named for it.
    expect(page.text.match(/<form[^>]+plan\/fields/g)).to.have.length(5);
    expect(page.text).to.match(/<form[^>]+id="form-about-me"[^>]*data-warn-unsaved/);
    expect(page.text).to.contain('>Save About me (my words)</button>');
    expect(page.text).not.to.match(/>\s*Save\s*<\/button>/);
    expect(page.text, 'a name on a <p> is not read out').not.to.match(/<p[^>]*aria-label/);
    expect(page.text).to.match(/<textarea[^>]+id="text-what-matters-student"[^>]+maxlength="5000"/);
    expect(page.text).to.match(/<input[^>]+id="text-trusted-adult-student"[^>]+maxlength="500"/);
    const before = await revisionCount();
    const res = await saveSection(as.student, 'about-me', 'student', {
      strengths: 'I am good at drawing and fixing bikes',
      'what-matters': 'My little brother and my grandmother',
      interests: 'Soccer and robotics',
      'how-teachers-help': '',
      'trusted-adult': 'Ms. Rivera',
    }, versionsOf(page.text)).expect(303);
    const to = new URL(res.headers.location!, 'http://tool.test');
    expect(to.pathname).to.equal(plan(s1));
    expect(to.hash).to.equal('#sec-about-me');
    expect(await entryText('what-matters', 'student')).to.equal('My little brother and my grandmother');
    expect(await entryText('interests', 'student')).to.equal('Soccer and robotics');
    expect(await entryText('trusted-adult', 'student')).to.equal('Ms. Rivera');
    // Unchanged fields (strengths, the empty one) write nothing.
    expect(await revisionCount()).to.equal(before + 3);
    const advisorPage = await as.advisor.get(plan(s1)).expect(200);
    expect(decoded(advisorPage.text)).to.contain(">Save About me (adult's words)</button>");
  });

  it('lets each person write only their own voice', async () => {
    await saveSection(as.student, 'needs-supports', 'adult', { supports: 'I wrote the adult part' }, {}).expect(403);
    await saveSection(as.advisor, 'about-me', 'student', { 'what-matters': 'the advisor speaking for the student' }, {}).expect(403);
    await saveSection(as.mentor, 'about-me', 'adult', { strengths: 'family writing' }, {}).expect(403);
    await saveSection(as.admin, 'about-me', 'adult', { strengths: 'admin writing' }, {}).expect(403);
  });

  it('keeps staff-only fields from the student and the family, and student-and-staff fields from the family', async () => {
    await saveSection(as.advisor, 'needs-supports', 'adult', { 'adult-notes': 'Staff note: check in about attendance' }, await loadedBy(as.advisor)).expect(303);
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

  it('refuses only the field someone changed meanwhile (409, both texts); the section\'s other fields are saved', async () => {
    const loaded = await loadedBy(as.student);
    // Another tab, loaded at the same time, saves the interests first.
    await saveSection(as.student, 'about-me', 'student', { interests: 'Soccer, robotics and drawing' }, loaded).expect(303);
    const stale = await saveSection(as.student, 'about-me', 'student', { 'what-matters': 'Family, and finishing school', interests: 'Chess club' }, loaded).expect(409);
    expect(stale.text).to.contain('Soccer, robotics and drawing').and.to.contain('Chess club').and.to.contain('changed this while you were editing');
    expect(stale.text).to.match(/Saved:[^<]*What is important to me/);
    expect(stale.text).to.match(/Needs a look:[^<]*My interests in and out of school/);
    expect(stale.text).to.match(/class="error-summary"[\s\S]*href="#text-interests-student"/);
    expect(await entryText('interests', 'student')).to.equal('Soccer, robotics and drawing');
    expect(await entryText('what-matters', 'student')).to.equal('Family, and finishing school');
    // Saving again from the conflict page (which carries the new version) is a deliberate choice and goes through.
    await saveSection(as.student, 'about-me', 'student', { interests: 'Soccer, robotics, drawing and chess' }, versionsOf(stale.text)).expect(303);
    expect(await entryText('interests', 'student')).to.equal('Soccer, robotics, drawing and chess');
  });

  it('lets two people save different fields, and the same field in different voices, from pages loaded at once', async () => {
    const adv = await loadedBy(as.advisor);
    const stu = await loadedBy(as.student);
    await saveSection(as.advisor, 'college-career', 'adult', { careers: 'Engineering pathways' }, adv).expect(303);
    await saveSection(as.student, 'college-career', 'student', { careers: 'Something with bikes' }, stu).expect(303);
    await saveSection(as.advisor, 'college-career', 'adult', { 'after-high-school': 'Community college tour in spring' }, adv).expect(303);
    const page = await as.advisor.get(plan(s1));
    expect(page.text).to.contain('Engineering pathways').and.to.contain('Something with bikes').and.to.contain('Community college tour in spring');
  });

  it('lands ten concurrent saves of different fields', async () => {
    const s3 = school.students[2].id;
    const adv = await loadedBy(as.advisor, s3);
    const third = asUser(t.app, await ltikFor(t.ctx, school.students[2], 'student', school.advisoryId));
    const stu = await loadedBy(third, s3);
    const studentFields: [string, string][] = [['about-me', 'strengths'], ['about-me', 'what-matters'], ['about-me', 'interests'], ['community', 'belonging'], ['transition', 'next-year']];
    const adultFields: [string, string][] = [['about-me', 'strengths'], ['needs-supports', 'supports'], ['needs-supports', 'adult-notes'], ['college-career', 'careers'], ['transition', 'handover']];
    const results = await Promise.all([
      ...studentFields.map(([sec, f]) => saveSection(third, sec, 'student', { [f]: `student words for ${f}` }, stu, s3)),
      ...adultFields.map(([sec, f]) => saveSection(as.advisor, sec, 'adult', { [f]: `adult words for ${f}` }, adv, s3)),
    ]);
    expect(results.map((r) => r.status)).to.deep.equal(new Array(10).fill(303));
    for (const [, f] of studentFields) expect(await entryText(f, 'student', s3)).to.equal(`student words for ${f}`);
    for (const [, f] of adultFields) expect(await entryText(f, 'adult', s3)).to.equal(`adult words for ${f}`);
    const [p] = await t.ctx.db.select().from(plans).where(and(eq(plans.tenantId, school.tenantId), eq(plans.studentId, s3)));
    expect(p!.version).to.equal(10);
  });

  it('refuses bad input with an error summary linking to each bad field, keeps what was typed, and writes nothing', async () => {
    const before = await revisionCount();
    const long = 'x'.repeat(5001);
    const loaded = await loadedBy(as.student);
    const res = await saveSection(as.student, 'community', 'student', { belonging: 'The art club', 'give-back': long }, loaded).expect(400);
    expect(res.text).to.match(/<main[^>]*>\s*<div class="error-summary"[^>]*data-error-summary/);
    expect(res.text).to.match(/<a href="#text-give-back-student">[^<]*Keep it under 5,000 characters/);
    expect(res.text).to.contain(long).and.to.contain('The art club');
    expect(res.text).to.match(/id="text-give-back-student"[^>]*aria-invalid="true" aria-describedby="err-give-back-student"/);
    expect(await entryText('belonging', 'student')).to.equal(undefined);
    const unknown = await saveSection(as.student, 'community', 'student', { belonging: 'The art club', 'no-such-field': 'x' }, loaded).expect(400);
    expect(unknown.text).to.match(/class="error-summary"[\s\S]*<a href="#form-community">/);
    expect(unknown.text).to.contain('The art club');
    // A field of another voice, and a section that does not exist.
    await saveSection(as.advisor, 'about-me', 'adult', { 'what-matters': 'no adult voice on this field' }, {}).expect(400);
    await saveSection(as.student, 'no-such-section', 'student', { strengths: 'x' }, {}).expect(400);
    await as.student.post(`${plan(s1)}/fields`, { section: 'community', voice: 'student', 'text.belonging': 'no version' }).expect(400);
    expect(await revisionCount()).to.equal(before);
  });

  it('speaks Spanish to a student launched in Spanish: the template\'s words, the title, and a refused save\'s errors', async () => {
    const es = asUser(t.app, await t.ctx.ltiks.issue({ tid: school.tenantId, pid: school.students[0].id, cid: school.advisoryId, role: 'student', loc: 'es' }));
    const page = decoded((await es.get(plan(s1)).expect(200)).text);
    const shape = await t.ctx.plans.shapeFor(school.tenantId);
    const tpl = shape.in('es');
    expect(page).to.contain(tpl.sections[0]!.title).and.to.contain('Sobre mí').and.to.contain(`<title>${text('plans.title', {}, 'es')}`);
    expect(page).not.to.contain(t.ctx.plans.template.sections[0]!.title);
    const refused = decoded((await saveSection(es, 'community', 'student', { 'give-back': 'x'.repeat(5001) }, versionsOf(page)).expect(400)).text);
    expect(refused).to.contain(`${shape.fieldIn('es', 'give-back')!.label}: ${text('plans.errors.tooLong.long', {}, 'es')}`);
    expect(refused).not.to.contain('Keep it under');
    // English stays the default.
    expect(decoded((await as.student.get(plan(s1)).expect(200)).text)).to.contain('About me').and.not.to.contain('Sobre mí');
  });

  it('keeps every change and shows what changed in the history', async () => {
    await saveSection(as.student, 'community', 'student', { belonging: 'the art club' }, await loadedBy(as.student)).expect(303);
    await saveSection(as.student, 'community', 'student', { belonging: 'the art club and the bike shop' }, await loadedBy(as.student)).expect(303);
    const history = await as.advisor.get(`${plan(s1)}/history`).expect(200);
    expect(history.text).to.contain('Where I feel I belong').and.to.contain('<ins> and the bike shop</ins>');
    const studentHistory = await as.student.get(`${plan(s1)}/history`).expect(200);
    expect(studentHistory.text).not.to.contain('Staff note');
    await as.mentor.get(`${plan(s1)}/history`).expect(403);
  });

  it('moves the plan from draft to active, refusing a stale status change', async () => {
    const page = await as.advisor.get(plan(s1));
    const v = planVersionOf(page.text);
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

  describe('print', () => {
    let goalId: string;
    before(async () => {
      const created = await as.advisor
        .post(`/students/${s1}/goals`, { category: 'academic', statement: 'Finish every algebra assignment', measure: 'Assignments done in the LMS', target: '4 of 4 each week', targetDate: '2026-06-01', why: 'To pass algebra' })
        .expect(303);
      goalId = /goals\/([0-9a-f-]{36})/.exec(created.headers.location!)![1]!;
      await as.advisor.post(`/students/${s1}/goals/${goalId}/steps`, { text: 'Sit with a study buddy on Tuesdays', owner: 'student', dueDate: '' }).expect(303);
      await as.student.post(`/students/${s1}/goals/${goalId}/progress`, { date: '2026-03-10', value: '3 of 4 done', note: 'Three of four done this week', rating: '4' }).expect(303);
    });

    it('opens from the plan page in a new window, labelled so', async () => {
      const page = await as.advisor.get(plan(s1)).expect(200);
      expect(page.text).to.match(/<a href="[^"]*\/plan\/print\?ltik[^"]*" target="_blank" rel="noopener">[^<]*<span[^>]*>[^<]*opens in a new window/);
    });

    it('prints itself, with a Print button, a way back, the plan, goals, action steps and progress', async () => {
      const res = await as.advisor.get(`${plan(s1)}/print`).expect(200);
      expect(res.text).to.match(/<body[^>]*data-print-on-load/);
      expect(res.text).to.match(/<button type="button"[^>]*data-print[^>]*>Print/);
      expect(res.text).to.match(/<a href="\/students\/[0-9a-f-]+\/plan\?ltik[^"]*">Back to the plan/);
      expect(res.text).to.contain('Success plan: ' + school.students[0].name).and.to.contain('I am good at drawing');
      expect(res.text).to.contain('Finish every algebra assignment').and.to.contain('4 of 4 each week');
      expect(res.text).to.contain('Sit with a study buddy on Tuesdays').and.to.contain('Three of four done this week').and.to.contain('3 of 4 done');
      expect(res.text).not.to.contain('<form').and.not.to.contain('class="tool-nav"');
    });

    it('marks staff-only parts in the staff print; the family\'s print, and the family copy, have none of them', async () => {
      const staff = await as.advisor.get(`${plan(s1)}/print`).expect(200);
      const note = staff.text.indexOf('Staff note: check in about attendance');
      expect(note).to.be.greaterThan(0);
      const staffBlock = staff.text.slice(staff.text.lastIndexOf('<dt', note), note);
      expect(staffBlock).to.contain('Staff only');
      for (const copy of [await as.mentor.get(`${plan(s1)}/print`).expect(200), await as.advisor.get(`${plan(s1)}/print`).query({ copy: 'family' }).expect(200)]) {
        expect(copy.text).to.contain('I am good at drawing').and.to.contain('Finish every algebra assignment');
        expect(copy.text).not.to.contain('Staff note').and.not.to.contain('Notes for the adults').and.not.to.contain('Staff only');
        expect(copy.text).not.to.contain('An adult I trust').and.not.to.contain('Ms. Rivera');
      }
      await as.advisor.get(`${plan(s1)}/print`).query({ copy: 'everything' }).expect(400);
    });
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
    await as.foreign.post(`${plan(s1)}/fields`, { section: 'about-me', voice: 'adult', 'text.strengths': 'x', 'version.strengths': '0' }).expect(404);
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
    // The student filter is a name search (an id from a link is exact); a date that does not exist is refused.
    expect((await as.admin.get('/admin/audit?student=nope-nobody').expect(200)).text).to.contain('Nobody in this school has a name containing');
    await as.admin.get('/admin/audit?from=2026-02-31').expect(400);
  });

  it('reports plan completion for the gradebook score', async () => {
    // students[2] had ten fields saved at once above; students[1] has no plan.
    const done = await t.ctx.plans.completionOf(school.tenantId, [s1, school.students[1].id]);
    const fields = t.ctx.plans.template.sections.flatMap((s) => s.fields).length;
    const [p] = await t.ctx.db.select().from(plans).where(and(eq(plans.tenantId, school.tenantId), eq(plans.studentId, s1)));
    const filled = new Set((await t.ctx.db.select().from(planEntries).where(eq(planEntries.planId, p!.id))).map((e) => e.fieldKey)).size;
    expect(done.get(s1)).to.equal(Math.round((filled / fields) * 100));
    expect(done.get(s1)).to.be.greaterThan(0);
    expect(done.get(school.students[1].id)).to.equal(0);
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
