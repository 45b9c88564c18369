import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { createTestApp, type TestApp } from '../../support/app.js';
import { seedSchool, ltikFor, asUser, type SeededSchool } from '../../support/school.js';
import { configFormOf, decoded } from '../../support/html.js';
import { t as text } from '../../../src/web/i18n.js';

const EDITOR = '/admin/configuration/pulse-surveys';
const ADMIN = '/admin/surveys';

/**
 * Pulse questions per school (issue 14 item 3): an admin rewords a statement and adds a survey of the
 * school's own in the console; its students answer it, in English or Spanish; its answers are scored by
 * the construct the document gives. A statement in use keeps how it is scored and a survey in use is
 * never removed, only no longer offered. Another school keeps the shipped survey.
 */
describe('pulse surveys: a configuration document per school', function () {
  this.timeout(120_000);
  let t: TestApp;
  let s: SeededSchool;
  let admin: ReturnType<typeof asUser>;
  const now = new Date('2026-03-20T15:00:00Z');
  const window = (surveyId: string) => ({ surveyId, opensOn: '2026-03-16', closesOn: '2026-03-27', schoolId: '' });
  const study = [
    ['sh-plan-week', 'connectedness', 'I plan my week with someone at school.', 'Planifico mi semana con alguien de la escuela.'],
    ['sh-ask-help', 'belonging', 'I ask for help when I am stuck.', 'Pido ayuda cuando me atasco.'],
    ['sh-rested', 'wellbeing', 'I sleep enough to learn.', 'Duermo lo suficiente para aprender.'],
    ['sh-safe-hall', 'safety', 'I feel unsafe in the hallways.', 'Me siento inseguro en los pasillos.'],
  ] as const;

  before(async () => {
    t = await createTestApp();
    t.clock.set(now);
    s = await seedSchool(t.ctx);
    admin = asUser(t.app, await ltikFor(t.ctx, s.admin, 'admin', s.advisoryId));
  });
  after(async () => t.ctx.shutdown?.());

  it('a statement reworded and a survey added in the console: students answer them in their language, scored as the document says', async () => {
    const form = configFormOf(decoded((await admin.get(EDITOR).expect(200)).text));
    expect(form).to.include({ 'f.surveys.0.id': 'belonging-pulse', 'f.surveys.0.items.0.id': 'bp-part-of-school' });
    const added: Record<string, string> = { 'f.surveys.1.id': 'study-habits', 'f.surveys.1.offered': 'on', 'f.surveys.1.title': 'Study habits', 'f.surveys.1.intro': 'Four quick statements about how you study.', 'f.surveys.1.es.title': 'Hábitos de estudio', 'f.surveys.1.es.intro': 'Cuatro frases rápidas sobre cómo estudias.' };
    study.forEach(([id, construct, en, es], i) => Object.assign(added, { [`f.surveys.1.items.${i}.id`]: id, [`f.surveys.1.items.${i}.construct`]: construct, [`f.surveys.1.items.${i}.text`]: en, [`f.surveys.1.items.${i}.es.text`]: es }));
    added['f.surveys.1.items.3.reverse'] = 'on';
    await admin.post(`${EDITOR}/draft`, { ...form, 'f.surveys.0.items.0.text': 'This school feels like mine.', ...added }).expect(303);
    await admin.post(`${EDITOR}/publish`, { version: '1' }).expect(303);

    expect(decoded((await admin.get(ADMIN).expect(200)).text)).to.contain('Study habits');
    await admin.post(ADMIN, window('study-habits')).expect(303);
    await admin.post(ADMIN, window('belonging-pulse')).expect(303);
    const windows = await t.ctx.surveys.windowsFor(s.tenantId);
    const studyWindow = windows.find((w) => w.surveyId === 'study-habits')!;
    const belonging = windows.find((w) => w.surveyId === 'belonging-pulse')!;
    expect(studyWindow.title).to.equal('Study habits');

    const student = asUser(t.app, await ltikFor(t.ctx, s.students[0], 'student', s.advisoryId));
    expect(decoded((await student.get(`/surveys/${belonging.id}`).expect(200)).text)).to.contain('This school feels like mine.').and.not.to.contain('I feel like I am part of this school.');
    const inSpanish = asUser(t.app, await t.ctx.ltiks.issue({ tid: s.tenantId, pid: s.students[1].id, cid: s.advisoryId, role: 'student', loc: 'es' }));
    expect(decoded((await inSpanish.get(`/surveys/${studyWindow.id}`).expect(200)).text)).to.contain('Hábitos de estudio').and.to.contain('Me siento inseguro en los pasillos.');

    await student.post(`/surveys/${studyWindow.id}`, { _once: randomUUID(), 'answer.sh-plan-week': '5', 'answer.sh-ask-help': '4', 'answer.sh-rested': '3', 'answer.sh-safe-hall': '1' }).expect(303);
    const [answered] = (await t.ctx.surveys.answeredSince(s.tenantId, new Date(now.getTime() - 3600_000))).filter((a) => a.surveyId === 'study-habits');
    // "I feel unsafe" answered 1 (strongly disagree) is reverse-scored: safety 5.
    expect(answered!.score.constructs).to.deep.equal({ belonging: 4, connectedness: 5, wellbeing: 3, safety: 5 });

    // Another school keeps the shipped survey only.
    const other = asUser(t.app, await ltikFor(t.ctx, s.other.advisor, 'admin', s.other.contextId));
    expect(decoded((await other.get(ADMIN).expect(200)).text)).to.contain('Belonging pulse').and.not.to.contain('Study habits');
  });

  it('refuses a survey or a statement in use removed or scored otherwise, naming each; a survey no longer offered opens no window', async () => {
    const form = configFormOf(decoded((await admin.get(EDITOR).expect(200)).text));
    const removed = await admin.post(`${EDITOR}/draft`, { ...form, 'f.surveys.1._remove': 'on', 'f.surveys.0.items.4.construct': 'belonging' }).expect(400);
    const html = decoded(removed.text);
    expect(html).to.contain(text('configuration.problems.pulse_survey_removed', { key: 'study-habits' }));
    expect(html).to.contain(text('configuration.problems.pulse_item_rescored', { key: 'bp-worried-safety' }));

    const notOffered = { ...form };
    delete notOffered['f.surveys.0.offered'];
    await admin.post(`${EDITOR}/draft`, notOffered).expect(303);
    await admin.post(`${EDITOR}/publish`, { version: '2' }).expect(303);
    const refused = await admin.post(ADMIN, { ...window('belonging-pulse'), opensOn: '2026-04-01', closesOn: '2026-04-03' }).expect(400);
    expect(decoded(refused.text)).to.contain(text('surveys.errors.chooseSurvey'));
    // Its window and answers still read.
    expect((await t.ctx.surveys.windowsFor(s.tenantId)).map((w) => w.title)).to.include('Belonging pulse');
  });

  it('previews a draft one offered survey at a time: the answering form as the student meets it, in their language, nothing to post', async () => {
    const form = configFormOf(decoded((await admin.get(EDITOR).expect(200)).text));
    expect(form).to.include({ 'f.surveys.1.id': 'study-habits', 'f.surveys.1.items.2.text': 'I sleep enough to learn.', 'f.surveys.1.items.4.id': '' });
    const breakfast = { 'f.surveys.1.items.4.id': 'sh-breakfast', 'f.surveys.1.items.4.construct': 'wellbeing', 'f.surveys.1.items.4.text': 'I eat breakfast before school.', 'f.surveys.1.items.4.es.text': 'Desayuno antes de ir a la escuela.' };
    await admin.post(`${EDITOR}/draft`, { ...form, ...breakfast, 'f.surveys.0.offered': 'on', 'f.surveys.1.items.2.text': 'I get enough sleep on school nights.' }).expect(303);
    const preview = (agent: ReturnType<typeof asUser>, as: string, part?: string) => agent.get(`${EDITOR}/preview`).query({ version: 3, as, ...(part === undefined ? {} : { part }) });

    // The first survey offered unless another is chosen; the others a link away.
    const first = decoded((await preview(admin, 'student').expect(200)).text);
    expect(first).to.contain('<h1 id="preview-title">Belonging pulse</h1>').and.to.contain('This school feels like mine.').and.to.contain('part=study-habits');
    const study = decoded((await preview(admin, 'student', 'study-habits').expect(200)).text);
    expect(study).to.contain('<legend>I eat breakfast before school.</legend>').and.to.contain('name="answer.sh-breakfast"').and.to.contain('I get enough sleep on school nights.');
    expect(study).to.contain('<fieldset disabled>').and.not.to.contain('I sleep enough to learn.').and.not.to.match(/<form method="post"[^>]*surveys/);
    const inSpanish = asUser(t.app, await t.ctx.ltiks.issue({ tid: s.tenantId, pid: s.admin.id, cid: s.advisoryId, role: 'admin', loc: 'es' }));
    expect(decoded((await preview(inSpanish, 'student', 'study-habits').expect(200)).text)).to.contain('Desayuno antes de ir a la escuela.').and.not.to.contain('I eat breakfast before school.');

    await preview(admin, 'student', 'no-such-survey').expect(400);
    await preview(admin, 'adult').expect(400);
    await preview(asUser(t.app, await ltikFor(t.ctx, s.advisor, 'advisor', s.advisoryId)), 'student').expect(403);
  });
});
