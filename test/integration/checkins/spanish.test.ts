import { expect } from 'chai';
import { createTestApp, type TestApp } from '../../support/app.js';
import { seedSchool, asUser, type SeededSchool } from '../../support/school.js';
import { t } from '../../../src/web/i18n.js';
import type { Person } from '../../../src/roster/roster.service.js';
import type { ToolRole } from '../../../src/auth/user.js';

/** The text as a page shows it: Handlebars escapes quotes and apostrophes. */
const shown = (text: string) => text.replace(/'/g, '&#x27;').replace(/"/g, '&quot;');

describe('check-ins and the caseload in Spanish (the ltik\'s language)', () => {
  let t0: TestApp;
  let s: SeededSchool;
  const now = new Date('2026-03-20T15:00:00Z');
  const inSpanish = async (person: Person, role: ToolRole) =>
    asUser(t0.app, await t0.ctx.ltiks.issue({ tid: person.tenantId, pid: person.id, cid: s.advisoryId, role, loc: 'es' }));

  before(async () => {
    t0 = await createTestApp();
    t0.clock.set(now);
    s = await seedSchool(t0.ctx);
  });

  it('a Spanish student prepares with the Spanish script: theme, icebreaker and prompts, need labels', async () => {
    const student = await inSpanish(s.students[1], 'student');
    const page = await student.get(`/students/${s.students[1].id}/checkins/prep`).expect(200);
    const es = t0.ctx.checkins.shippedWeek(1, 'es');
    const en = t0.ctx.checkins.shippedWeek(1);
    expect(es.theme).to.not.equal(en.theme);
    expect(page.text).to.contain('<html lang="es">').and.to.contain(shown(es.theme)).and.to.contain(shown(es.icebreaker));
    for (const q of es.questions) expect(page.text).to.contain(shown(q.prompt));
    for (const q of en.questions) expect(page.text).not.to.contain(shown(q.prompt));
    expect(page.text).to.contain(shown((await t0.ctx.checkins.needCategories(s.tenantId, 'es'))[0]!.label));
    await student.post(`/students/${s.students[1].id}/checkins/prep`, { 'answer.w1-proud': 'Arreglé mi bici', 'need.food': 'urgent' }).expect(303);
  });

  it('an English advisor reads the Spanish student\'s answer under the English question; the student reads it in Spanish', async () => {
    const advisor = asUser(t0.app, await t0.ctx.ltiks.issue({ tid: s.advisor.tenantId, pid: s.advisor.id, cid: s.advisoryId, role: 'advisor' }));
    const form = await advisor.get(`/students/${s.students[1].id}/checkins/new`).expect(200);
    expect(form.text).to.contain('<html lang="en">').and.to.contain(shown(t0.ctx.checkins.shippedWeek(1).questions[0]!.prompt)).and.to.contain('Arreglé mi bici');
    await advisor.post(`/students/${s.students[1].id}/checkins`, {
      date: '2026-03-20', format: 'video', attended: 'yes', 'answer.w1-proud': 'Arreglé mi bici', 'answer.w1-matters': 'Mi hermana', 'answer.w1-tech': 'Sí', 'answer.w1-space': 'La cocina',
    }).expect(303);
    const history = await (await inSpanish(s.students[1], 'student')).get(`/students/${s.students[1].id}/checkins`).expect(200);
    expect(history.text).to.contain(t('checkins.formats.video', {}, 'es')).and.not.to.contain('>Video<');
    expect(history.text).to.contain(shown(t0.ctx.checkins.shippedWeek(1, 'es').questions[0]!.prompt));
    const english = await advisor.get(`/students/${s.students[1].id}/checkins`).expect(200);
    expect(english.text).to.contain(shown(t0.ctx.checkins.shippedWeek(1).questions[0]!.prompt)).and.to.contain('Video');
  });

  it('a refused check-in form says what is wrong in Spanish, in the summary and next to the field', async () => {
    const advisor = await inSpanish(s.advisor, 'advisor');
    const form = await advisor.get(`/students/${s.students[2].id}/checkins/new`).expect(200);
    expect(form.text).to.contain(`>${t('checkins.formats.in_person', {}, 'es')}<`);
    const res = await advisor.post(`/students/${s.students[2].id}/checkins`, { date: 'no', format: 'fax', attended: 'yes', sharedNote: 'x'.repeat(4001) }).expect(400);
    expect(res.text).to.contain('data-error-summary');
    for (const text of [t('common.realDate', {}, 'es'), t('checkins.errors.chooseFormat', {}, 'es'), t('checkins.errors.needsAnswer', {}, 'es'), t('checkins.errors.tooLong', { maximum: 4000 }, 'es')]) {
      expect(res.text).to.contain(shown(text));
    }
    expect(res.text).not.to.contain('Choose how you met').and.not.to.contain('This question needs an answer');
  });

  it('the caseload in Spanish gives its reasons, choices and navigator in Spanish', async () => {
    const advisor = await inSpanish(s.advisor, 'advisor');
    const page = await advisor.get('/caseload?view=caseload').expect(200);
    expect(page.text).to.contain('<html lang="es">');
    expect(page.text).to.contain(`necesidad urgente de ${(await t0.ctx.checkins.needCategories(s.tenantId, 'es')).find((n) => n.id === 'food')!.label.toLowerCase()}, planteada hoy`);
    expect(page.text).to.contain(t('caseload.sorts.attention', {}, 'es')).and.to.contain(t('caseload.you', {}, 'es'));
    expect(page.text).not.to.contain('urgent food need').and.not.to.contain('Needs attention first');
    const quick = await advisor.post('/caseload/checkins', { date: '2026-03-20', format: 'in_person' }).expect(400);
    expect(quick.text).to.contain(shown(t('caseload.errors.nothingSaved', {}, 'es')));
  });
});
