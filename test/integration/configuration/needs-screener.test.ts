import { expect } from 'chai';
import { and, eq } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../support/app.js';
import { seedSchool, ltikFor, asUser, type SeededSchool } from '../../support/school.js';
import { configFormOf, decoded } from '../../support/html.js';
import { configVersions } from '../../../src/configuration/configuration.tables.js';
import { checkinNeeds } from '../../../src/checkins/checkins.tables.js';
import { t as words } from '../../../src/web/i18n.js';

type Agent = ReturnType<typeof asUser>;
const EDITOR = '/admin/configuration/needs-screener';
const TUTORING = { en: 'After-school tutoring', es: 'Tutoría después de clases' };
const DEVICES = { en: 'Devices and internet at home', es: 'Dispositivos e internet en casa' };

/**
 * The needs screener as a configuration document (issue 14 items 2 and 3): a school relabels a need (in
 * English and Spanish) and stops offering another. Published, the check-in and prep forms offer the new
 * words and not the need no longer offered, while a check-in that raised it still shows it with its
 * label; another school keeps the shipped needs. A draft that removes a need or makes a sensitive one
 * not sensitive is refused, naming each problem in the admin's language.
 */
describe('configuration: the needs screener, per tenant', function () {
  this.timeout(120_000);
  let t: TestApp;
  let s: SeededSchool;
  let [admin, advisor]: Agent[] = [];
  let shipped: { technology: { en: string; es: string }; enrichment: { en: string; es: string } };
  const versions = () => t.ctx.db.select().from(configVersions).where(and(eq(configVersions.tenantId, s.tenantId), eq(configVersions.kind, 'needs-screener')));
  const html = async (agent: Agent, path: string) => decoded((await agent.get(path).expect(200)).text);
  /** The editor's row of a need (its index in the posted form). */
  const rowOf = (form: Record<string, string>, id: string) => Object.keys(form).find((k) => /^f\.needs\.\d+\.id$/.test(k) && form[k] === id)!.split('.')[2]!;

  before(async () => {
    t = await createTestApp({}, { now: new Date('2026-03-18T15:00:00Z') });
    s = await seedSchool(t.ctx);
    [admin, advisor] = [asUser(t.app, await ltikFor(t.ctx, s.admin, 'admin', s.advisoryId)), asUser(t.app, await ltikFor(t.ctx, s.advisor, 'advisor', s.advisoryId))];
    const label = async (id: string, locale: string) => (await t.ctx.checkins.needCategories(s.tenantId, locale)).find((n) => n.id === id)!.label;
    shipped = {
      technology: { en: await label('technology', 'en'), es: await label('technology', 'es') },
      enrichment: { en: await label('enrichment', 'en'), es: await label('enrichment', 'es') },
    };
  });
  after(async () => t.ctx.shutdown?.());

  it('publishes a relabelled need and one no longer offered: the forms follow, a need already raised keeps its label, a Spanish reader reads the Spanish', async () => {
    const raisedBy = s.students[0].id;
    await advisor.post(`/students/${raisedBy}/checkins`, { date: '2026-03-17', format: 'in_person', attended: 'no', 'need.enrichment': 'concern', 'need.technology': 'concern' }).expect(303);

    const page = await html(admin, EDITOR);
    expect(page).to.contain(words('configuration.kinds.needs-screener.title'));
    const form = configFormOf(page);
    const tech = rowOf(form, 'technology');
    const enrichment = rowOf(form, 'enrichment');
    expect(form).to.include({ [`f.needs.${tech}.label`]: shipped.technology.en, [`f.needs.${tech}.translations.es.label`]: shipped.technology.es, [`f.needs.${enrichment}.offered`]: 'on' });
    const posted: Record<string, string> = { ...form, [`f.needs.${tech}.label`]: DEVICES.en, [`f.needs.${tech}.translations.es.label`]: DEVICES.es, note: 'Devices, and no enrichment this year' };
    delete posted[`f.needs.${enrichment}.offered`];
    await admin.post(`${EDITOR}/draft`, posted).expect(303);
    // A draft changes nothing yet.
    expect(await html(advisor, `/students/${s.students[1].id}/checkins/new`)).to.contain(shipped.technology.en).and.to.contain('name="need.enrichment"');
    await admin.post(`${EDITOR}/publish`, { version: '1' }).expect(303);

    const recording = await html(advisor, `/students/${s.students[1].id}/checkins/new`);
    expect(recording).to.contain(`<label for="need-technology">${DEVICES.en}</label>`).and.not.to.contain(shipped.technology.en);
    expect(recording).not.to.contain('name="need.enrichment"').and.not.to.contain(shipped.enrichment.en);
    const student = asUser(t.app, await ltikFor(t.ctx, s.students[1], 'student', s.advisoryId));
    const prep = await html(student, `/students/${s.students[1].id}/checkins/prep`);
    expect(prep).to.contain(DEVICES.en).and.not.to.contain('name="need.enrichment"');

    // The check-in that raised the need no longer offered still shows it, with its label; the relabelled one shows its new words.
    const history = await html(advisor, `/students/${raisedBy}/checkins`);
    expect(history).to.contain(shipped.enrichment.en).and.to.contain(DEVICES.en);
    expect(await html(advisor, '/caseload?view=caseload')).to.contain(DEVICES.en);
    // In Spanish: the form and the history in the school's Spanish words.
    const spanishAdvisor = asUser(t.app, await t.ctx.ltiks.issue({ tid: s.tenantId, pid: s.advisor.id, cid: s.advisoryId, role: 'advisor', loc: 'es' }));
    const spanishForm = await html(spanishAdvisor, `/students/${s.students[1].id}/checkins/new`);
    expect(spanishForm).to.contain('<html lang="es">').and.to.contain(DEVICES.es).and.not.to.contain(shipped.technology.es).and.not.to.contain('name="need.enrichment"');
    expect(await html(spanishAdvisor, `/students/${raisedBy}/checkins`)).to.contain(shipped.enrichment.es).and.to.contain(DEVICES.es);

    // A need no longer offered is not raised again, whatever is posted.
    await advisor.post(`/students/${s.students[1].id}/checkins`, { date: '2026-03-18', format: 'in_person', attended: 'no', 'need.enrichment': 'urgent', 'need.technology': 'concern' }).expect(303);
    const raised = await t.ctx.db.select().from(checkinNeeds).where(and(eq(checkinNeeds.tenantId, s.tenantId), eq(checkinNeeds.studentId, s.students[1].id)));
    expect(raised.map((n) => n.category)).to.deep.equal(['technology']);

    // Another school keeps the shipped needs.
    const otherAdvisor = asUser(t.app, await ltikFor(t.ctx, s.other.advisor, 'advisor', s.other.contextId));
    expect(await html(otherAdvisor, `/students/${s.other.student.id}/checkins/new`)).to.contain(shipped.technology.en).and.to.contain('name="need.enrichment"').and.not.to.contain(DEVICES.en);
  });

  it('refuses a draft that removes a need or makes a sensitive need not sensitive, naming each in the admin\'s language, saving nothing', async () => {
    const form = configFormOf(await html(admin, EDITOR));
    const before = (await versions()).length;
    const posted: Record<string, string> = { ...form, [`f.needs.${rowOf(form, 'workspace')}._remove`]: 'on' };
    expect(posted).to.include({ [`f.needs.${rowOf(form, 'food')}.sensitive`]: 'on' });
    delete posted[`f.needs.${rowOf(form, 'food')}.sensitive`];
    const refused = decoded((await admin.post(`${EDITOR}/draft`, posted).expect(400)).text);
    expect(refused).to.contain('error-summary');
    expect(refused).to.contain(words('configuration.problems.needs_removed', { key: 'workspace' })).and.to.contain(words('configuration.problems.needs_sensitive_kept', { key: 'food' }));

    const spanishAdmin = asUser(t.app, await t.ctx.ltiks.issue({ tid: s.tenantId, pid: s.admin.id, cid: s.advisoryId, role: 'admin', loc: 'es' }));
    const enEspañol = decoded((await spanishAdmin.post(`${EDITOR}/draft`, posted).expect(400)).text);
    expect(enEspañol).to.contain(words('configuration.problems.needs_removed', { key: 'workspace' }, 'es')).and.to.contain(words('configuration.problems.needs_sensitive_kept', { key: 'food' }, 'es'));
    expect(await versions()).to.have.length(before);
  });

  it('previews a draft: the needs section of the check-in form and of the prep form, only the needs offered, in screener order, in the reader\'s language', async () => {
    const form = configFormOf(await html(admin, EDITOR));
    const tech = rowOf(form, 'technology');
    const added = String(Object.keys(form).filter((k) => /^f\.needs\.\d+\.id$/.test(k)).length - 1);
    expect(form[`f.needs.${added}.id`]).to.equal('');
    // A new need, first in the screener (its row swapped with the first), and the devices need reworded.
    const posted: Record<string, string> = { ...form, [`f.needs.${added}.id`]: 'tutoring', [`f.needs.${added}.label`]: TUTORING.en, [`f.needs.${added}.translations.es.label`]: TUTORING.es, [`f.needs.${added}.offered`]: 'on', [`f.needs.${tech}.label`]: 'Laptop and wifi' };
    const swapped = Object.fromEntries(Object.entries(posted).map(([k, v]) => [k.replace(/^f\.needs\.(\d+)\./, (m, i: string) => (i === '0' ? `f.needs.${added}.` : i === added ? 'f.needs.0.' : m)), v]));
    await admin.post(`${EDITOR}/draft`, swapped).expect(303);
    const draft = (await versions()).find((v) => v.state === 'draft')!;
    const preview = (agent: Agent, as: string, extra: Record<string, string> = {}) => agent.get(`${EDITOR}/preview`).query({ version: draft.version, as, ...extra });
    const asked = (page: string) => [...page.matchAll(/name="need\.([a-z_]+)"/g)].map((m) => m[1]);

    const adult = decoded((await preview(admin, 'adult').expect(200)).text);
    expect(asked(adult)).to.deep.equal(['tutoring', 'workspace', 'food', 'housing', 'academic', 'wellbeing', 'health', 'family', 'technology']);
    expect(adult).to.contain(`<label for="need-tutoring">${TUTORING.en}</label>`).and.to.contain('<label for="need-technology">Laptop and wifi</label>').and.to.contain(words('checkins.needs.legend'));
    expect(adult).to.contain('<fieldset disabled>').and.not.to.contain(DEVICES.en).and.not.to.match(/<form method="post"[^>]*checkins/);
    const student = decoded((await preview(admin, 'student').expect(200)).text);
    expect(student).to.contain(TUTORING.en).and.to.contain(words('checkins.needs.legendStudent')).and.to.contain(words('checkins.needs.student.none')).and.not.to.contain('name="need.enrichment"');
    const spanishAdmin = asUser(t.app, await t.ctx.ltiks.issue({ tid: s.tenantId, pid: s.admin.id, cid: s.advisoryId, role: 'admin', loc: 'es' }));
    expect(decoded((await preview(spanishAdmin, 'student').expect(200)).text)).to.contain(TUTORING.es).and.to.contain(DEVICES.es).and.not.to.contain(TUTORING.en);
    // The forms in force are as they were.
    expect(await html(advisor, `/students/${s.students[1].id}/checkins/new`)).to.contain(DEVICES.en).and.not.to.contain(TUTORING.en);

    await preview(admin, 'family').expect(400);
    await preview(admin, 'adult', { part: '2' }).expect(400);
    await preview(advisor, 'adult').expect(403);
  });
});
