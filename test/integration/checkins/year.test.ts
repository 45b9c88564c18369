import { expect } from 'chai';
import { createTestApp, type TestApp } from '../../support/app.js';
import { seedSchool, ltikFor, asUser, type SeededSchool } from '../../support/school.js';
import { t as translate } from '../../../src/web/i18n.js';

type As = ReturnType<typeof asUser>;
const DAY = 86_400_000;
const WEEK = 7 * DAY;
/** The text as a page shows it: Handlebars escapes quotes and apostrophes. */
const shown = (text: string) => text.replace(/'/g, '&#x27;').replace(/"/g, '&quot;');
const dayOf = (d: Date) => d.toISOString().slice(0, 10);
const week1 = { 'answer.w1-proud': 'I fixed my bike', 'answer.w1-matters': 'My little sister', 'answer.w1-tech': 'The laptop is shared', 'answer.w1-space': 'Kitchen table' };

/**
 * A whole year of the script (src/checkins/README.md): weeks count from the first check-in, a student in
 * week 20 gets week 20's questions on both forms, and past the last week the last week's open check-in
 * comes again, with the page saying so.
 */
describe('check-ins across the school year (the 36-week script)', () => {
  let t: TestApp;
  let s: SeededSchool;
  // An ltik expires: each step signs in again at the clock's time, as a launch would.
  const signIn = async (): Promise<{ advisor: As; student: As }> => ({
    advisor: asUser(t.app, await ltikFor(t.ctx, s.advisor, 'advisor', s.advisoryId)),
    student: asUser(t.app, await ltikFor(t.ctx, s.students[0], 'student', s.advisoryId)),
  });
  // Early in a school year (the seeded school's year starts 1 August): week 45 is still in it.
  const firstDay = new Date('2026-08-24T15:00:00Z');
  const inWeek = (week: number) => new Date(firstDay.getTime() + (week - 1) * WEEK + DAY);
  const studentId = () => s.students[0].id;

  before(async () => {
    t = await createTestApp();
    t.clock.set(firstDay);
    s = await seedSchool(t.ctx);
    // Week 1 starts at the first check-in (the shipped script's weekFrom).
    const { advisor } = await signIn();
    await advisor.post(`/students/${studentId()}/checkins`, { date: dayOf(firstDay), format: 'in_person', attended: 'yes', ...week1 }).expect(303);
  });
  afterEach(() => t.clock.set(firstDay));

  it('a student in week 20 prepares week 20\'s questions, and the advisor records them on week 20\'s form', async () => {
    t.clock.set(inWeek(20));
    const { advisor, student } = await signIn();
    const w20 = t.ctx.checkins.shippedWeek(20);
    expect(w20.week).to.equal(20);
    expect(w20.questions.map((q) => q.id)).to.include('w20-grades');

    const prep = await student.get(`/students/${studentId()}/checkins/prep`).expect(200);
    expect(prep.text).to.contain(shown(`Week 20: ${w20.theme}`)).and.to.contain(shown(w20.icebreaker));
    for (const q of w20.questions) expect(prep.text).to.contain(`id="q-${q.id}"`).and.to.contain(shown(q.prompt));
    expect(prep.text, 'no other week\'s questions').to.not.match(/id="q-w(?!20-)/);
    expect(prep.text, 'within the script: no note').to.not.contain('script ends');
    await student.post(`/students/${studentId()}/checkins/prep`, { 'answer.w20-grades': 'Better in math, worse in history' }).expect(303);

    const form = await advisor.get(`/students/${studentId()}/checkins/new`).expect(200);
    expect(form.text).to.contain(shown(`Week 20: ${w20.theme}`)).and.to.contain(shown(w20.icebreaker)).and.to.contain('Better in math, worse in history');
    for (const q of w20.questions) expect(form.text).to.contain(`id="q-${q.id}"`);
    expect(form.text).to.not.match(/id="q-w(?!20-)/);

    // Week 20's required questions are the ones a student who came must answer.
    const required = w20.questions.filter((q) => q.required);
    const missing = await advisor.post(`/students/${studentId()}/checkins`, { date: dayOf(inWeek(20)), format: 'in_person', attended: 'yes', ...week1 }).expect(400);
    for (const q of required) expect(missing.text).to.contain(`id="q-${q.id}-error"`);
    const answers = Object.fromEntries(required.map((q) => [`answer.${q.id}`, `About ${q.id}`]));
    await advisor.post(`/students/${studentId()}/checkins`, { date: dayOf(inWeek(20)), format: 'in_person', attended: 'yes', ...answers }).expect(303);
    const adult = (await t.ctx.roster.userFromClaims({ tid: s.tenantId, pid: s.advisor.id, cid: s.advisoryId, role: 'advisor' }))!;
    const latest = (await t.ctx.checkins.history(adult, studentId())).checkins.find((c) => c.date === dayOf(inWeek(20)))!;
    expect(latest.week).to.equal(20);
    expect(latest.answers.map((a) => a.questionId)).to.have.members(required.map((q) => q.id));
  });

  it('after week 36, the last week\'s open check-in comes again, the week keeps counting, and the pages say so', async () => {
    const last = t.ctx.checkins.shippedWeek(36);
    expect(last.theme).to.equal('Keeping in touch');
    for (const week of [37, 45]) {
      t.clock.set(inWeek(week));
      const { advisor, student } = await signIn();
      expect(t.ctx.checkins.shippedWeek(week)).to.deep.equal(last);
      const note = shown(translate('checkins.afterScript', { lastWeek: 36 }));
      const form = await advisor.get(`/students/${studentId()}/checkins/new`).expect(200);
      expect(form.text).to.contain(shown(`Week ${week}: ${last.theme}`)).and.to.contain(note);
      for (const q of last.questions) expect(form.text).to.contain(`id="q-${q.id}"`);
      expect(form.text).to.not.match(/id="q-w(?!36-)/);
      const prep = await student.get(`/students/${studentId()}/checkins/prep`).expect(200);
      expect(prep.text).to.contain(shown(`Week ${week}: ${last.theme}`)).and.to.contain(note);
      const home = await student.get(`/students/${studentId()}/plan`).expect(200);
      expect(home.text, 'the student home lists the questions, with the note').to.contain(note).and.to.contain(shown(last.questions[0]!.prompt));
    }

    t.clock.set(inWeek(37));
    const { advisor } = await signIn();
    const answers = Object.fromEntries(last.questions.filter((q) => q.required).map((q) => [`answer.${q.id}`, 'Fine, busy with summer work']));
    await advisor.post(`/students/${studentId()}/checkins`, { date: dayOf(inWeek(37)), format: 'phone', attended: 'yes', ...answers }).expect(303);
    const adult = (await t.ctx.roster.userFromClaims({ tid: s.tenantId, pid: s.advisor.id, cid: s.advisoryId, role: 'advisor' }))!;
    const recorded = (await t.ctx.checkins.history(adult, studentId())).checkins.find((c) => c.date === dayOf(inWeek(37)))!;
    expect(recorded.week, 'stored as the week it was, not the script week').to.equal(37);
    expect(recorded.answers.map((a) => a.questionId)).to.deep.equal(['w36-going']);
  });

  it('says so in Spanish too', async () => {
    t.clock.set(inWeek(40));
    const spanish = asUser(t.app, await t.ctx.ltiks.issue({ tid: s.tenantId, pid: studentId(), cid: s.advisoryId, role: 'student', loc: 'es' }));
    const prep = await spanish.get(`/students/${studentId()}/checkins/prep`).expect(200);
    const last = t.ctx.checkins.shippedWeek(36, 'es');
    expect(prep.text).to.contain(shown(`Semana 40: ${last.theme}`)).and.to.contain(shown(translate('checkins.afterScript', { lastWeek: 36 }, 'es')));
    for (const q of last.questions) expect(prep.text).to.contain(shown(q.prompt));
  });

  it('starts the script again at week 1 in the next school year, counted from the first check-in of that year', async () => {
    t.clock.set(new Date('2027-08-16T15:00:00Z'));
    const before = await signIn();
    const fresh = await before.student.get(`/students/${studentId()}/checkins/prep`).expect(200);
    expect(fresh.text).to.contain(shown(`Week 1: ${t.ctx.checkins.shippedWeek(1).theme}`)).and.to.not.contain('script ends');
    await before.advisor.post(`/students/${studentId()}/checkins`, { date: '2027-08-16', format: 'in_person', attended: 'yes', ...week1 }).expect(303);

    t.clock.set(new Date('2027-08-24T15:00:00Z'));
    const { advisor } = await signIn();
    const form = await advisor.get(`/students/${studentId()}/checkins/new`).expect(200);
    expect(form.text).to.contain(shown(`Week 2: ${t.ctx.checkins.shippedWeek(2).theme}`));
  });
});
