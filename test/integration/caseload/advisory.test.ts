import { expect } from 'chai';
import { createTestApp, type TestApp } from '../../support/app.js';
import { seedSchool, ltikFor, asUser, type SeededSchool } from '../../support/school.js';
import { validData } from '../../../src/web/forms.js';
import type { AppUser } from '../../../src/auth/user.js';
import type { Person } from '../../../src/roster/roster.service.js';

const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/membership#';

/** Issue 7 item 6: subject courses are not advisories; their teachers see only what plans share with teachers. */
describe('advisories and subject courses', () => {
  let t: TestApp;
  let s: SeededSchool;
  let algebraId: string;
  let algebraTeacher: Person;
  let secondAdvisor: Person;
  const auditCount = async (entity: string, actorId: string) => (await t.ctx.audit.list(s.tenantId, { actorId })).filter((e) => e.entity === entity).length;

  before(async function () {
    // Many writes through the services on a shared machine.
    this.timeout(120_000);
    t = await createTestApp();
    s = await seedSchool(t.ctx);
    const [s1, s2] = s.students;
    // Biology (a subject course by its placement) has s1 and s2; Algebra has not been decided yet.
    for (const st of [s1, s2]) await t.ctx.roster.upsertMembership(s.tenantId, { contextId: s.otherCourseId, personId: st.id, role: 'student', roles: [`${LIS}Learner`] });
    algebraTeacher = await t.ctx.roster.upsertPerson(s.tenantId, { sub: `alg-${s.tenantId}`, name: 'Al Gebra' });
    const algebra = await t.ctx.roster.upsertContext(s.tenantId, { contextId: `alg-${s.tenantId}`, title: 'Algebra I' });
    algebraId = algebra.id;
    await t.ctx.roster.upsertMembership(s.tenantId, { contextId: algebraId, personId: algebraTeacher.id, role: 'advisor', roles: [`${LIS}Instructor`] });
    for (const st of s.students) await t.ctx.roster.upsertMembership(s.tenantId, { contextId: algebraId, personId: st.id, role: 'student', roles: [`${LIS}Learner`] });
    // s3 is also in a second advisory: both its advisory teachers are its navigators.
    secondAdvisor = await t.ctx.roster.upsertPerson(s.tenantId, { sub: `adv2-${s.tenantId}`, name: 'Bea Second' });
    const adv2 = await t.ctx.roster.upsertContext(s.tenantId, { contextId: `adv2-${s.tenantId}`, title: 'Advisory 2', placementKind: 'advisory' });
    await t.ctx.roster.upsertMembership(s.tenantId, { contextId: adv2.id, personId: secondAdvisor.id, role: 'advisor', roles: [`${LIS}Instructor`] });
    await t.ctx.roster.upsertMembership(s.tenantId, { contextId: adv2.id, personId: s.students[2].id, role: 'student', roles: [`${LIS}Learner`] });

    // s1's plan: shared fields (strengths, how teachers can help) and private ones (needs, adult notes).
    const advisorUser: AppUser = { tenantId: s.tenantId, personId: s.advisor.id, name: '', role: 'advisor', contextId: s.advisoryId, contextTitle: '', contextKind: 'advisory', menteeIds: [] };
    const studentUser: AppUser = { ...advisorUser, personId: s1.id, role: 'student' };
    const save = async (user: AppUser, field: string, voice: 'student' | 'adult', text: string) => {
      const section = t.ctx.plans.template.sections.find((sec) => sec.fields.some((f) => f.key === field))!.key;
      await t.ctx.plans.saveSection(user, s1.id, validData({ section, voice, fields: [{ key: field, text, version: 0 }] }));
    };
    await save(studentUser, 'strengths', 'student', 'SHARED-strength drawing diagrams');
    await save(studentUser, 'how-teachers-help', 'student', 'SHARED-help check in quietly');
    await save(studentUser, 'needs', 'student', 'PRIVATE-need a quiet place at home');
    await save(advisorUser, 'adult-notes', 'adult', 'PRIVATE-adult note about family');
  });

  it('the teacher of an undecided course launching is asked first, with both choices explained, and gets no caseload', async () => {
    const teacher = asUser(t.app, await ltikFor(t.ctx, algebraTeacher, 'advisor', algebraId));
    const home = await teacher.get('/caseload').expect(303);
    expect(new URL(home.headers.location!, 'http://x').pathname).to.equal(`/courses/${algebraId}/kind`);
    const page = await teacher.get(`/courses/${algebraId}/kind`).expect(200);
    expect(page.text).to.contain('Is Algebra I an advisory?').and.contain('caseload').and.contain('read-only view');
    expect(page.text).to.match(/maxlength|type="radio"/);
    // No choice: the error summary at the top links to the first choice.
    const invalid = await teacher.post(`/courses/${algebraId}/kind`).expect(400);
    expect(invalid.text).to.contain('data-error-summary').and.contain('href="#kind-advisory"').and.contain('aria-invalid="true"');
    expect((await t.ctx.roster.findContext(s.tenantId, algebraId))!.kind).to.equal('undecided');
    // Another course's teacher may not answer for Algebra.
    await asUser(t.app, await ltikFor(t.ctx, s.advisor, 'advisor', s.advisoryId)).post(`/courses/${algebraId}/kind`, { kind: 'advisory' }).expect(403);
  });

  it('the admin page lists the courses, sets a kind (audited), and cannot override the placement', async () => {
    const admin = asUser(t.app, await ltikFor(t.ctx, s.admin, 'admin', s.advisoryId));
    const home = await admin.get('/admin').expect(200);
    expect(home.text).to.contain('href="/admin/courses?');
    const page = await admin.get('/admin/courses').expect(200);
    expect(page.text).to.contain('Algebra I').and.contain('Not decided').and.contain(`Biology`);
    const invalid = await admin.post(`/admin/courses/${algebraId}`, { kind: 'maybe' }).expect(400);
    expect(invalid.text).to.contain('data-error-summary').and.contain(`href="#kind-${algebraId}"`);
    await admin.post(`/admin/courses/${s.otherCourseId}`, { kind: 'advisory' }).expect(409);
    await admin.post(`/admin/courses/00000000-0000-4000-8000-000000000000`, { kind: 'advisory' }).expect(404);
    const before = await auditCount('context', s.admin.id);
    await admin.post(`/admin/courses/${algebraId}`, { kind: 'subject' }).expect(303);
    expect(await t.ctx.roster.findContext(s.tenantId, algebraId)).to.include({ kind: 'subject', kindSetBy: 'admin' });
    expect(await auditCount('context', s.admin.id)).to.equal(before + 1);
    // Decided: the instructor is no longer asked.
    await asUser(t.app, await ltikFor(t.ctx, algebraTeacher, 'advisor', algebraId)).get(`/courses/${algebraId}/kind`).expect(403);
    // Advisors do not manage courses.
    await asUser(t.app, await ltikFor(t.ctx, s.advisor, 'advisor', s.advisoryId)).get('/admin/courses').expect(403);
  });

  it("a subject course's teacher sees what the plans share with teachers, and nothing else of the record", async () => {
    const bio = asUser(t.app, await ltikFor(t.ctx, s.otherAdvisor, 'advisor', s.otherCourseId));
    const home = await bio.get('/caseload').expect(303);
    expect(new URL(home.headers.location!, 'http://x').pathname).to.equal(`/courses/${s.otherCourseId}/students`);
    const before = await auditCount('plan', s.otherAdvisor.id);
    const list = await bio.get(`/courses/${s.otherCourseId}/students`).expect(200);
    expect(list.text).to.contain(s.students[0].name).and.contain(s.students[1].name).and.not.contain(s.students[2].name);
    expect(list.text).to.contain('SHARED-strength drawing diagrams').and.contain('SHARED-help check in quietly');
    expect(list.text).not.to.contain('PRIVATE-');
    expect(await auditCount('plan', s.otherAdvisor.id)).to.equal(before + 1);
    const [read] = (await t.ctx.audit.list(s.tenantId, { actorId: s.otherAdvisor.id })).filter((e) => e.entity === 'plan');
    expect(read!.studentIds, 'every student the list showed, with a plan or not').to.have.members([s.students[0].id, s.students[1].id]);
    // No plan page, no check-ins, no goals, no navigator page for a subject teacher.
    const s1 = s.students[0].id;
    for (const path of [`/students/${s1}/plan`, `/students/${s1}/checkins`, `/students/${s1}/checkins/new`, `/students/${s1}/goals`, `/caseload/students/${s1}/navigator`]) {
      const res = await bio.get(path);
      expect(res.status, path).to.be.oneOf([403, 404]);
    }
    await bio.post(`/students/${s1}/checkins`, { date: '2026-03-20', format: 'in_person', attended: 'yes' }).expect((r) => expect(r.status).to.be.oneOf([403, 404]));
    // Advisors use their caseload, not the subject view; another tenant's id is a 404.
    await asUser(t.app, await ltikFor(t.ctx, s.advisor, 'advisor', s.advisoryId)).get(`/courses/${s.otherCourseId}/students`).expect(403);
    await bio.get(`/courses/${s.other.contextId}/students`).expect(404);
  });

  it("a subject teacher's caseload holds none of that course's students (no \"Navigator: You\" for them)", async () => {
    const alg = asUser(t.app, await ltikFor(t.ctx, algebraTeacher, 'advisor', null));
    const res = await alg.get('/caseload').expect(200);
    for (const st of s.students) expect(res.text).not.to.contain(st.name);
    expect(res.text).not.to.contain('Record check-ins for the advisory');
  });

  it('the caseload names the real navigator: you, another advisory teacher, or the assigned advisor', async () => {
    const ada = asUser(t.app, await ltikFor(t.ctx, s.advisor, 'advisor', s.advisoryId));
    await ada.post(`/caseload/students/${s.students[1].id}/navigator`, { navigatorId: s.otherAdvisor.id }).expect(303);
    const res = await ada.get('/caseload').query({ sort: 'name' }).expect(200);
    const card = (name: string) => res.text.slice(res.text.indexOf(name), res.text.indexOf('</li>', res.text.indexOf(name)));
    expect(card(s.students[0].name)).to.match(/<dt>Navigator<\/dt><dd><a [^>]*>You<\/a>/);
    expect(card(s.students[1].name)).to.contain(s.otherAdvisor.name).and.not.match(/>You</);
    expect(card(s.students[2].name)).to.contain('Bea Second').and.to.match(/>[^<]*You[^<]*</);
    expect(res.text).to.contain('Record check-ins for the advisory');
  });
});
