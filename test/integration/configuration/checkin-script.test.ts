import { expect } from 'chai';
import { and, eq } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../support/app.js';
import { seedSchool, ltikFor, asUser, type SeededSchool } from '../../support/school.js';
import { configFormOf, decoded } from '../../support/html.js';
import { configVersions } from '../../../src/configuration/configuration.tables.js';
import { t as words } from '../../../src/web/i18n.js';

type Agent = ReturnType<typeof asUser>;
const EDITOR = '/admin/configuration/checkin-script';
const WEEK3 = { prompt: 'Which class would you most like to get better at this month?', icebreaker: 'If your week were a weather report, what would it say?' };
const NEW_PROMPT = { en: 'What is one thing that went well since we last met?', es: '¿Qué es algo que salió bien desde la última vez que nos vimos?' };

/** A text as a page shows it: Handlebars escapes these characters. */
const shown = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#x27;').replace(/`/g, '&#x60;').replace(/=/g, '&#x3D;');
const formOf = configFormOf;

/**
 * The check-in script as a configuration document (issue 14 item 3): an admin changes a week's question
 * in English and Spanish from the console, and once published the tenant's advisors ask it (each in
 * their language) while another tenant keeps the shipped script; a malformed draft is refused in place;
 * restoring the shipped version brings its questions back.
 */
describe('configuration: the check-in script, per tenant', function () {
  this.timeout(120_000);
  let t: TestApp;
  let s: SeededSchool;
  let admin: Agent;
  let advisor: Agent;
  let spanishAdvisor: Agent;
  let otherAdvisor: Agent;
  let shippedWeek1: { en: string; es: string };
  const recordPage = (agent: Agent, studentId: string) => agent.get(`/students/${studentId}/checkins/new`).expect(200);
  const versions = () => t.ctx.db.select().from(configVersions).where(and(eq(configVersions.tenantId, s.tenantId), eq(configVersions.kind, 'checkin-script')));

  before(async () => {
    t = await createTestApp({}, { now: new Date('2026-03-18T15:00:00Z') });
    s = await seedSchool(t.ctx);
    admin = asUser(t.app, await ltikFor(t.ctx, s.admin, 'admin', s.advisoryId));
    advisor = asUser(t.app, await ltikFor(t.ctx, s.advisor, 'advisor', s.advisoryId));
    spanishAdvisor = asUser(t.app, await t.ctx.ltiks.issue({ tid: s.tenantId, pid: s.advisor.id, cid: s.advisoryId, role: 'advisor', loc: 'es' }));
    otherAdvisor = asUser(t.app, await ltikFor(t.ctx, s.other.advisor, 'advisor', s.other.contextId));
    shippedWeek1 = { en: t.ctx.checkins.shippedWeek(1).questions[0]!.prompt, es: t.ctx.checkins.shippedWeek(1, 'es').questions[0]!.prompt };
  });
  after(async () => t.ctx.shutdown?.());

  it('publishes a week 1 question in English and Spanish: that tenant\'s advisors ask it, another tenant still asks the shipped one', async () => {
    const page = await admin.get(EDITOR).expect(200);
    expect(decoded(page.text)).to.contain(words('configuration.kinds.checkin-script.title'));
    const form = formOf(page.text);
    expect(form).to.include({ 'f.weekFrom': 'firstCheckin', 'f.weeks.0.questions.0.prompt': shippedWeek1.en, 'f.weeks.0.questions.0.es.prompt': shippedWeek1.es, 'f.weeks.35.week': '36' });

    await admin.post(`${EDITOR}/draft`, { ...form, 'f.weeks.0.questions.0.prompt': NEW_PROMPT.en, 'f.weeks.0.questions.0.es.prompt': NEW_PROMPT.es, note: 'Week 1 opens on what went well' }).expect(303);
    const [draft] = await versions();
    expect(draft).to.include({ version: 1, state: 'draft' });
    // A draft changes nothing yet.
    expect((await recordPage(advisor, s.students[0].id)).text).to.contain(shown(shippedWeek1.en)).and.not.to.contain(shown(NEW_PROMPT.en));

    await admin.post(`${EDITOR}/publish`, { version: '1' }).expect(303);
    const english = (await recordPage(advisor, s.students[0].id)).text;
    expect(english).to.contain(shown(NEW_PROMPT.en)).and.not.to.contain(shown(shippedWeek1.en)).and.not.to.contain(shown(NEW_PROMPT.es));
    const spanish = (await recordPage(spanishAdvisor, s.students[0].id)).text;
    expect(spanish).to.contain('<html lang="es">').and.to.contain(shown(NEW_PROMPT.es)).and.not.to.contain(shown(shippedWeek1.es));
    // The rest of the week is as shipped, in each language.
    expect(spanish).to.contain(shown(t.ctx.checkins.shippedWeek(1, 'es').questions[1]!.prompt));

    const other = (await recordPage(otherAdvisor, s.other.student.id)).text;
    expect(other).to.contain(shown(shippedWeek1.en)).and.not.to.contain(shown(NEW_PROMPT.en));

    // A check-in recorded now keeps the question as it was asked.
    await advisor.post(`/students/${s.students[0].id}/checkins`, {
      date: '2026-03-18', format: 'in_person', attended: 'yes', 'answer.w1-proud': 'My art project', 'answer.w1-matters': 'Family', 'answer.w1-tech': 'Yes', 'answer.w1-space': 'Library',
    }).expect(303);
    const [checkin] = await t.ctx.db.query.checkins.findMany({ where: (c, { eq: is }) => is(c.studentId, s.students[0].id) });
    expect(checkin!.answers.find((a) => a.questionId === 'w1-proud')).to.deep.include({ prompt: NEW_PROMPT.en, answer: 'My art project' });
    // Read back in each reader's language while the script still asks it in those words.
    expect((await advisor.get(`/students/${s.students[0].id}/checkins`).expect(200)).text).to.contain(shown(NEW_PROMPT.en));
    expect((await spanishAdvisor.get(`/students/${s.students[0].id}/checkins`).expect(200)).text).to.contain(shown(NEW_PROMPT.es));
  });

  it('refuses a malformed draft: each error in place, the admin\'s input kept, nothing saved', async () => {
    const form = formOf((await admin.get(EDITOR).expect(200)).text);
    const before = (await versions()).length;
    // Week 3 without a required question: its boxes unticked, so the browser leaves them out.
    for (const k of Object.keys(form)) if (/^f\.weeks\.2\.questions\.\d+\.required$/.test(k)) delete form[k];
    const res = await admin.post(`${EDITOR}/draft`, { ...form, 'f.weeks.0.questions.0.prompt': '', 'f.weeks.1.theme': 'Belonging, with a theme typed by the admin' }).expect(400);
    const html = decoded(res.text);
    expect(html).to.contain('error-summary').and.to.contain('href="#cfg-weeks-0-questions-0-prompt"').and.to.contain('href="#cfg-weeks-2-questions"');
    expect(html).to.contain(words('configuration.problems.too_small_text', { minimum: 1 })).and.to.contain(words('configuration.problems.requiredQuestion'));
    const again = formOf(res.text);
    expect(again).to.include({ 'f.weeks.0.questions.0.prompt': '', 'f.weeks.0.questions.0.es.prompt': NEW_PROMPT.es, 'f.weeks.1.theme': 'Belonging, with a theme typed by the admin' });
    expect(Object.keys(again).filter((k) => k.startsWith('f.weeks.2.questions.') && k.endsWith('.required'))).to.deep.equal([]);
    expect(await versions()).to.have.length(before);
    expect((await recordPage(advisor, s.students[0].id)).text).to.contain(shown(NEW_PROMPT.en));
  });

  it('restores the shipped script: its week 1 question is back, in English and in Spanish', async () => {
    await admin.post(`${EDITOR}/restore`, { version: '0' }).expect(303);
    expect((await versions()).map((v) => [v.version, v.state]).sort()).to.deep.equal([[1, 'retired'], [2, 'published']]);
    expect((await recordPage(advisor, s.students[1].id)).text).to.contain(shown(shippedWeek1.en)).and.not.to.contain(shown(NEW_PROMPT.en));
    expect((await recordPage(spanishAdvisor, s.students[1].id)).text).to.contain(shown(shippedWeek1.es)).and.not.to.contain(shown(NEW_PROMPT.es));
    // The check-in recorded under the published script keeps its question as it was asked, not the restored words.
    const history = (await advisor.get(`/students/${s.students[0].id}/checkins`).expect(200)).text;
    expect(history).to.contain(shown(NEW_PROMPT.en)).and.to.contain('My art project');
  });

  it('previews a draft a week at a time: the recording form as the adults see it, the prep form as the student does, nothing to post', async () => {
    const form = formOf((await admin.get(EDITOR).expect(200)).text);
    const inForceWeek3 = form['f.weeks.2.questions.0.prompt']!;
    const id = form['f.weeks.2.questions.0.id']!;
    await admin.post(`${EDITOR}/draft`, { ...form, 'f.weeks.2.questions.0.prompt': WEEK3.prompt, 'f.weeks.2.icebreaker': WEEK3.icebreaker }).expect(303);
    const draft = (await versions()).find((v) => v.state === 'draft')!;
    const preview = (agent: Agent, as: string, part?: string) => agent.get(`${EDITOR}/preview`).query({ version: draft.version, as, ...(part === undefined ? {} : { part }) });

    const adult = decoded((await preview(admin, 'adult', '3').expect(200)).text);
    expect(adult).to.contain(`name="answer.${id}"`).and.to.contain(WEEK3.prompt).and.to.contain(WEEK3.icebreaker).and.to.contain(`Week 3: ${form['f.weeks.2.theme']}`);
    expect(adult).not.to.contain(inForceWeek3);
    // The real form's fields (well-being, the needs the screener in force offers), disabled: nothing posts.
    expect(adult).to.contain('id="checkin-wellbeing-1"').and.to.contain('name="need.academic"').and.to.contain('<fieldset disabled>').and.not.to.match(/<form method="post"[^>]*checkins/);
    // With the school's own check-in fields in force, as the real form carries them.
    expect(adult).to.contain('Where we met').and.to.contain('Follow up by');
    const student = decoded((await preview(admin, 'student', '3').expect(200)).text);
    expect(student).to.contain(words('checkins.prep.title')).and.to.contain(WEEK3.prompt).and.to.contain(WEEK3.icebreaker).and.to.contain(words('checkins.needs.legendStudent'));
    expect(student).not.to.contain(inForceWeek3).and.not.to.contain('checkin-wellbeing');
    // Week 1 unless a week is chosen; the page moves between weeks by plain links (and a GET form).
    const first = decoded((await preview(admin, 'adult').expect(200)).text);
    expect(first).to.contain(`name="answer.${form['f.weeks.0.questions.0.id']}"`).and.to.contain('part=2').and.to.contain('<form method="get"').and.not.to.contain(WEEK3.prompt);

    await preview(admin, 'adult', '99').expect(400);
    await preview(admin, 'adult', 'three;').expect(400);
    await preview(admin, 'teacher', '3').expect(400);
    await preview(advisor, 'adult', '3').expect(403);
  });
});
