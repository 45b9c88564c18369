import { expect } from 'chai';
import { and, eq, isNotNull } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../support/app.js';
import { seedSchool, ltikFor, asUser, type SeededSchool } from '../../support/school.js';
import { decoded } from '../../support/html.js';
import type { Person } from '../../../src/roster/roster.service.js';
import { planEntries, planRevisions, plans } from '../../../src/db/schema.js';
import type { ToolRole } from '../../../src/auth/user.js';

/**
 * The school year turns over (1 August in Los Angeles): this year's plan starts from last year's
 * words about the student, shows last year's handover, and last year's plan stays readable, unchanged.
 */
describe('success plans across school years', () => {
  let t: TestApp;
  let school: SeededSchool;
  let s1: string;
  let s2: string;
  const plan = (id: string) => `/students/${id}/plan`;
  // 20:00 on 31 July in Los Angeles: already 1 August in UTC, still school year 2025-2026 at the school.
  const lastDayOfOldYear = new Date('2026-08-01T03:00:00Z');
  // Monday 3 August, 10:00 in Los Angeles: school year 2026-2027.
  const newYear = new Date('2026-08-03T17:00:00Z');

  /** A launched user at the clock's time (an ltik is issued now and lasts a launch, not a summer). */
  const as = async (p: Person, role: ToolRole, cid: string | null = school.advisoryId) => asUser(t.app, await ltikFor(t.ctx, p, role, cid));
  const versionsOf = (html: string): Record<string, string> => Object.fromEntries([...html.matchAll(/name="version\.([a-z0-9-]+)" value="(\d+)"/g)].map((m) => [m[1]!, m[2]!]));
  const save = async (who: ReturnType<typeof asUser>, student: string, section: string, voice: string, texts: Record<string, string>) => {
    const loaded = versionsOf(decoded((await who.get(plan(student)).expect(200)).text));
    const form: Record<string, string> = { section, voice };
    for (const [k, v] of Object.entries(texts)) {
      form[`text.${k}`] = v;
      form[`version.${k}`] = loaded[k] ?? '0';
    }
    await who.post(`${plan(student)}/fields`, form).expect(303);
  };
  const planOf = async (student: string, schoolYear: string) => (await t.ctx.db.select().from(plans).where(and(eq(plans.tenantId, school.tenantId), eq(plans.studentId, student), eq(plans.schoolYear, schoolYear))))[0];
  const entriesOf = async (planId: string) => t.ctx.db.select().from(planEntries).where(and(eq(planEntries.tenantId, school.tenantId), eq(planEntries.planId, planId)));
  const carriedRevisionsOf = async (planId: string) => t.ctx.db.select().from(planRevisions).where(and(eq(planRevisions.tenantId, school.tenantId), eq(planRevisions.planId, planId), isNotNull(planRevisions.carriedFrom)));
  /** The handed-over box of a plan page, or '' when the page has none. */
  const handoverOf = (html: string) => {
    const start = html.indexOf('aria-labelledby="handover-title"');
    return start < 0 ? '' : html.slice(start, html.indexOf('</section>', start));
  };
  /** The plan itself, without the page around it (the layout has a language form). */
  const articleOf = (html: string) => html.slice(html.indexOf('<article'), html.indexOf('</article>'));
  const blockOf = (html: string, id: string) => {
    const start = html.indexOf(`id="${id}"`);
    return start < 0 ? '' : html.slice(start, html.indexOf('</div>', start));
  };

  before(async () => {
    t = await createTestApp();
    t.clock.set(new Date('2026-03-03T18:00:00Z'));
    school = await seedSchool(t.ctx);
    s1 = school.students[0].id;
    s2 = school.students[1].id;
    await t.ctx.platforms.update(school.tenantId, { timeZone: 'America/Los_Angeles' });
    // The navigator, assigned during the old year: an adult of another course, not the advisory teacher.
    await t.ctx.navigators.assign({ tenantId: school.tenantId, studentId: s1, navigatorId: school.otherAdvisor.id, assignedBy: school.admin.id });

    // Last year's plan, written on its last evening, in both voices.
    t.clock.set(lastDayOfOldYear);
    const student = await as(school.students[0], 'student');
    const advisor = await as(school.advisor, 'advisor');
    await save(student, s1, 'about-me', 'student', { strengths: 'I fix bikes for the whole street', 'trusted-adult': 'Coach Rivera' });
    await save(advisor, s1, 'about-me', 'adult', { strengths: 'Patient with younger students' });
    await save(student, s1, 'college-career', 'student', { careers: 'Bike mechanic or engineer' });
    await save(student, s1, 'needs-supports', 'student', { needs: 'A quiet place to do homework' });
    await save(advisor, s1, 'needs-supports', 'adult', { supports: 'Homework club on Tuesdays', 'adult-notes': 'Housing is unsettled this spring' });
    await save(student, s1, 'transition', 'student', { 'next-year': 'I want to join the robotics team' });
    await save(advisor, s1, 'transition', 'adult', { 'next-year': 'Try the robotics team in September', handover: 'Works best with a check-in every Monday' });
    // A second student, for the concurrent first opening.
    await save(await as(school.students[1], 'student'), s2, 'about-me', 'student', { strengths: 'I sing in the choir', interests: 'Music and maps' });
    expect((await planOf(s1, '2025-2026'))?.schoolYear, 'the 31st in Los Angeles is still the old year').to.equal('2025-2026');
    t.clock.set(newYear);
  });

  it('starts this year from last year\'s words about the student, by their authors, and says where they came from', async () => {
    expect(await planOf(s1, '2026-2027')).to.equal(undefined);
    const page = decoded((await (await as(school.advisor, 'advisor')).get(plan(s1)).expect(200)).text);
    expect(page).to.contain('School year 2026-2027');
    const strengthsByStudent = blockOf(page, 'strengths-student');
    expect(strengthsByStudent).to.contain('I fix bikes for the whole street').and.to.contain(school.students[0].name).and.to.contain('carried forward from 2025-2026');
    expect(blockOf(page, 'strengths-adult')).to.contain('Patient with younger students').and.to.contain(school.advisor.name).and.to.contain('carried forward from 2025-2026');
    expect(page).to.match(/<textarea[^>]+id="text-strengths-adult"[^>]*>Patient with younger students<\/textarea>/);
    expect(blockOf(page, 'careers-student')).to.contain('Bike mechanic or engineer');
    // Needs, supports, notes and the transition are this year's to write: they start empty.
    for (const id of ['needs-student', 'next-year-student']) expect(blockOf(page, id), id).to.contain('Not written yet.');
    for (const id of ['needs-adult', 'supports-adult', 'adult-notes-adult', 'next-year-adult', 'handover-adult']) expect(page, id).to.match(new RegExp(`<textarea[^>]+id="text-${id}"[^>]*></textarea>`));

    const rolled = (await planOf(s1, '2026-2027'))!;
    const copied = await entriesOf(rolled.id);
    // 5 words were carried: strengths (both voices), trusted-adult, careers... and nothing else.
    expect(copied.map((e) => `${e.fieldKey}/${e.voice}`).sort()).to.deep.equal(['careers/student', 'strengths/adult', 'strengths/student', 'trusted-adult/student']);
    const byAuthor = Object.fromEntries(copied.map((e) => [`${e.fieldKey}/${e.voice}`, e.authorId]));
    expect(byAuthor['strengths/adult']).to.equal(school.advisor.id);
    expect(byAuthor['careers/student']).to.equal(s1);
    expect(copied.every((e) => e.carriedFrom === '2025-2026')).to.equal(true);
    const revisions = await carriedRevisionsOf(rolled.id);
    expect(revisions).to.have.length(4);
    expect(revisions.every((r) => r.carriedFrom === '2025-2026' && r.oldText === '')).to.equal(true);
    // Last year's plan is as it was: its 10 entries (6 fields in the student's voice, 4 in the adult's), none moved.
    expect(await entriesOf((await planOf(s1, '2025-2026'))!.id)).to.have.length(10);

    const history = decoded((await (await as(school.advisor, 'advisor')).get(`${plan(s1)}/history`).expect(200)).text);
    expect(history).to.contain('carried forward from 2025-2026');
  });

  it('a save over carried words makes them this year\'s', async () => {
    const student = await as(school.students[0], 'student');
    await save(student, s1, 'about-me', 'student', { strengths: 'I fix bikes and build robots' });
    const page = decoded((await student.get(plan(s1)).expect(200)).text);
    expect(blockOf(page, 'strengths-student')).to.contain('I fix bikes and build robots').and.not.to.contain('carried forward');
    expect(blockOf(page, 'careers-student')).to.contain('carried forward from 2025-2026');
  });

  it('shows last year\'s transition at the top, read-only, to each reader as the template lets them see it', async () => {
    const advisorBox = handoverOf(decoded((await (await as(school.advisor, 'advisor')).get(plan(s1)).expect(200)).text));
    expect(advisorBox).to.contain('Handed over from last year (2025-2026)');
    expect(advisorBox).to.contain('Works best with a check-in every Monday').and.to.contain('Try the robotics team in September').and.to.contain('I want to join the robotics team');
    expect(advisorBox).not.to.contain('<form').and.not.to.contain('<textarea');
    // Needs and notes are not handed over: they stay in last year's plan.
    expect(advisorBox).not.to.contain('Housing is unsettled').and.not.to.contain('A quiet place');

    const studentBox = handoverOf(decoded((await (await as(school.students[0], 'student')).get(plan(s1)).expect(200)).text));
    expect(studentBox).to.contain('Works best with a check-in every Monday').and.to.contain('I want to join the robotics team');

    // Family reads the next year the student wants, never what the adults hand over.
    const familyPage = decoded((await (await as(school.mentor, 'family')).get(plan(s1)).expect(200)).text);
    const familyBox = handoverOf(familyPage);
    expect(familyBox).to.contain('I want to join the robotics team');
    expect(familyPage).not.to.contain('Works best with a check-in every Monday');
  });

  it('keeps the same navigator: the adult assigned last year reads this year\'s plan and the handover', async () => {
    const navigator = await as(school.otherAdvisor, 'advisor', school.otherCourseId);
    const page = decoded((await navigator.get(plan(s1)).expect(200)).text);
    expect(page).to.contain('School year 2026-2027').and.to.contain('Bike mechanic or engineer');
    expect(handoverOf(page)).to.contain('Works best with a check-in every Monday');
  });

  it('copies once when two people open a student\'s new plan at the same moment', async () => {
    const [advisor, student] = [await as(school.advisor, 'advisor'), await as(school.students[1], 'student')];
    await Promise.all([advisor.get(plan(s2)).expect(200), student.get(plan(s2)).expect(200)]);
    const rolled = (await planOf(s2, '2026-2027'))!;
    expect((await entriesOf(rolled.id)).map((e) => e.fieldKey).sort()).to.deep.equal(['interests', 'strengths']);
    expect(await carriedRevisionsOf(rolled.id)).to.have.length(2);
    const rolls = (await t.ctx.audit.list(school.tenantId, { studentId: s2 })).filter((e) => e.action === 'create' && e.entity === 'plan');
    expect(rolls).to.have.length(1);
  });

  it('keeps last year\'s plan readable from this year\'s page, read-only, and audits the reading', async () => {
    const advisor = await as(school.advisor, 'advisor');
    const page = decoded((await advisor.get(plan(s1)).expect(200)).text);
    expect(page).to.contain('Previous years').and.to.contain(`href="/students/${s1}/plan/years/2025-2026?ltik=`);
    const oldPlan = (await planOf(s1, '2025-2026'))!;
    const readsOfOldPlan = async () => (await t.ctx.audit.list(school.tenantId, { studentId: s1, actorId: school.advisor.id })).filter((e) => e.action === 'read' && e.entity === 'plan' && e.entityId === oldPlan.id).length;
    const readsBefore = await readsOfOldPlan();
    const old = decoded((await advisor.get(`${plan(s1)}/years/2025-2026`).expect(200)).text);
    expect(old).to.contain('School year 2025-2026').and.to.contain('kept as it was');
    expect(old).to.contain('I fix bikes for the whole street').and.to.contain('Housing is unsettled this spring').and.to.contain('Works best with a check-in every Monday');
    // This year's change is not last year's words.
    expect(old).not.to.contain('build robots');
    expect(articleOf(old)).not.to.contain('<form').and.not.to.contain('<textarea').and.not.to.contain('<input');
    expect((await readsOfOldPlan()) - readsBefore).to.equal(1);

    // There is nothing to post to: an old year's page takes no words, and last year's plan stays as it was.
    await advisor.post(`${plan(s1)}/years/2025-2026/fields`, { section: 'about-me', voice: 'adult', 'text.strengths': 'Rewritten', 'version.strengths': '1' }).expect(404);
    expect((await entriesOf(oldPlan.id)).find((e) => e.fieldKey === 'strengths' && e.voice === 'adult')!.text).to.equal('Patient with younger students');
  });

  it('answers 400 to a malformed year, 404 to a year with no earlier plan, and 404 to strangers', async () => {
    const advisor = await as(school.advisor, 'advisor');
    for (const bad of ['2025-2027', '2025-26', 'last-year']) await advisor.get(`${plan(s1)}/years/${bad}`).expect(400);
    const none = await advisor.get(`${plan(s1)}/years/2019-2020`).expect(404);
    expect(none.text).to.contain('There is no earlier plan for school year 2019-2020.');
    // This year is not an earlier year: its page is the plan itself.
    await advisor.get(`${plan(s1)}/years/2026-2027`).expect(404);
    await (await as(school.other.advisor, 'advisor', school.other.contextId)).get(`${plan(s1)}/years/2025-2026`).expect(404);
    await (await as(school.students[1], 'student')).get(`${plan(s1)}/years/2025-2026`).expect(404);
  });

  it('shows the family last year\'s plan with only what the family sees', async () => {
    const old = decoded((await (await as(school.mentor, 'family')).get(`${plan(s1)}/years/2025-2026`).expect(200)).text);
    expect(old).to.contain('I fix bikes for the whole street').and.to.contain('Homework club on Tuesdays').and.to.contain('I want to join the robotics team');
    for (const hidden of ['Housing is unsettled', 'A quiet place to do homework', 'Coach Rivera', 'Works best with a check-in every Monday']) expect(old, hidden).not.to.contain(hidden);
    expect(articleOf(old)).not.to.contain('<form');
  });

  it('says it in Spanish', async () => {
    const ltik = await t.ctx.ltiks.issue({ tid: school.tenantId, pid: school.advisor.id, cid: school.advisoryId, role: 'advisor', loc: 'es' });
    const es = asUser(t.app, ltik);
    const page = decoded((await es.get(plan(s1)).expect(200)).text);
    expect(page).to.contain('Años anteriores').and.to.contain('Lo que se pasó del año anterior (2025-2026)').and.to.contain('traído del año escolar 2025-2026');
    expect(decoded((await es.get(`${plan(s1)}/years/2025-2026`).expect(200)).text)).to.contain('Este es el plan de un año escolar anterior');
  });
});
