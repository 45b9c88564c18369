import { expect } from 'chai';
import request from 'supertest';
import { and, count, eq } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../support/app.js';
import { seedSchool, ltikFor, asUser, type SeededSchool } from '../../support/school.js';
import { configFormOf, decoded, unescaped } from '../../support/html.js';
import { planEntries, planRevisions, plans } from '../../../src/db/schema.js';
import { documentOf, PLAN_TEMPLATE, planTemplateKind } from '../../../src/plans/plan-template.js';
import { loadPlanTemplates, type PlanTemplate } from '../../../src/plans/plans.schemas.js';
import { locales } from '../../../src/web/i18n.js';

const EDITOR = `/admin/configuration/${PLAN_TEMPLATE}`;

/** The fields a district adds: a pick-one, a number with a rule, and an adult-only note. */
const pathway = {
  key: 'pathway',
  label: 'My pathway after high school',
  type: 'picklist',
  edit: 'both',
  see: ['student', 'adult'],
  options: [
    { value: 'college', label: 'College', translations: { es: { label: 'Universidad' } } },
    { value: 'trade', label: 'Trade school', translations: { es: { label: 'Escuela técnica' } } },
  ],
  translations: { es: { label: 'Mi camino después de la preparatoria' } },
} as const;
const hours = { key: 'service-hours', label: 'Hours of service this year', type: 'number', edit: 'student', see: ['student', 'adult', 'family'] } as const;
const note = { key: 'counsellor-note', label: 'Counsellor planning note', type: 'long', edit: 'adult', see: ['adult'] } as const;
const tooManyHours = { key: 'hours-cap', field: 'service-hours', when: '{">": [{"var": "service-hours"}, 200]}', message: 'That is more hours than a school year holds.', translations: { es: { message: 'Son más horas de las que tiene un año escolar.' } } };

/**
 * The plan template as a configuration document (issue 14 items 2-4): a custom field added in the
 * console appears on the plan form, is saved with authorship and revisions, respects who may see it, and
 * is exported; a validation rule blocks a save with its message; a rollback restores the previous template
 * while words written under the newer one still render; an exported configuration imported into another
 * school reproduces it, and a malformed one is refused whole.
 */
describe('plan template: custom fields, rules and rollback, from the console', function () {
  this.timeout(180_000);
  let t: TestApp;
  let s: SeededSchool;
  let s1: string;
  let ltik: Record<'admin' | 'student' | 'advisor' | 'family' | 'studentEs', string>;
  const as = (who: keyof typeof ltik) => asUser(t.app, ltik[who]);
  const plan = (id: string) => `/students/${id}/plan`;

  const formOf = configFormOf;
  /** A field as the editor's blank row takes it: `f.sections.<s>.fields.<i>.*`. */
  const fieldRow = (section: number, index: number, f: Record<string, unknown>): Record<string, string> => {
    const at = `f.sections.${section}.fields.${index}`;
    const out: Record<string, string> = { [`${at}.key`]: String(f.key), [`${at}.label`]: String(f.label), [`${at}.type`]: String(f.type), [`${at}.edit`]: String(f.edit) };
    for (const who of f.see as string[]) out[`${at}.see.${who}`] = 'on';
    ((f.options ?? []) as { value: string; label: string; translations: { es: { label: string } } }[]).forEach((o, i) => {
      Object.assign(out, { [`${at}.options.${i}.value`]: o.value, [`${at}.options.${i}.label`]: o.label, [`${at}.options.${i}.translations.es.label`]: o.translations.es.label });
    });
    const es = (f.translations as { es?: { label?: string } } | undefined)?.es?.label;
    if (es) out[`${at}.translations.es.label`] = es;
    return out;
  };
  const kind = planTemplateKind(documentOf(loadPlanTemplates(locales)));
  const inForce = (tenantId = s.tenantId) => t.ctx.configuration.current(tenantId, kind);
  const versionsOf = (html: string): Record<string, string> => Object.fromEntries([...html.matchAll(/name="version\.([a-z0-9-]+)" value="(\d+)"/g)].map((m) => [m[1]!, m[2]!]));
  const save = async (who: keyof typeof ltik, section: string, voice: string, texts: Record<string, string>, status: number) => {
    const loaded = versionsOf((await as(who).get(plan(s1)).expect(200)).text);
    const form: Record<string, string> = { section, voice };
    for (const [k, v] of Object.entries(texts)) {
      form[`text.${k}`] = v;
      form[`version.${k}`] = loaded[k] ?? '0';
    }
    return as(who).post(`${plan(s1)}/fields`, form).expect(status);
  };
  const revisions = async () => (await t.ctx.db.select({ n: count() }).from(planRevisions).where(eq(planRevisions.tenantId, s.tenantId)))[0]!.n;

  before(async () => {
    t = await createTestApp({}, { now: new Date('2026-03-18T15:00:00Z') });
    s = await seedSchool(t.ctx);
    s1 = s.students[0].id;
    ltik = {
      admin: await ltikFor(t.ctx, s.admin, 'admin', s.advisoryId),
      student: await ltikFor(t.ctx, s.students[0], 'student', s.advisoryId),
      advisor: await ltikFor(t.ctx, s.advisor, 'advisor', s.advisoryId),
      family: await ltikFor(t.ctx, s.mentor, 'family', s.advisoryId),
      studentEs: await t.ctx.ltiks.issue({ tid: s.tenantId, pid: s.students[0].id, cid: s.advisoryId, role: 'student', loc: 'es' }),
    };
  });
  after(async () => t.ctx.shutdown?.());

  it('adds fields and a rule in the console editor (the form drawn from the schema), refuses a broken rule in place, and publishes', async () => {
    const page = decoded((await as('admin').get(EDITOR).expect(200)).text);
    expect(page).to.contain('Plan template').and.to.contain('Kind of answer').and.to.contain('Validation rules');
    const form = formOf(page);
    // The shipped template as the form shows it: the first section's first field, its Spanish beside it.
    expect(form).to.deep.include({ 'f.sections.0.fields.0.key': 'strengths', 'f.sections.0.fields.0.type': 'long', 'f.sections.0.fields.0.see.teacher': 'on', 'f.sections.0.fields.0.translations.es.label': 'Cosas que hago bien' });
    // college-career (index 2) has two fields: the blank third row takes the pathway; community (3) the hours; needs-supports (1) the note.
    const added = { ...form, ...fieldRow(2, 2, pathway), ...fieldRow(3, 2, hours), ...fieldRow(1, 3, note) };
    const broken = { ...added, 'f.rules.0.key': 'hours-cap', 'f.rules.0.field': 'service-hours', 'f.rules.0.when': '{">": [{"var": "hours"}, 200]}', 'f.rules.0.message': tooManyHours.message };
    const refused = decoded((await as('admin').post(`${EDITOR}/draft`, broken).expect(400)).text);
    expect(refused).to.contain('This names hours, which the template has no field for.');
    expect(formOf(refused)).to.deep.include({ 'f.sections.2.fields.2.key': 'pathway', 'f.rules.0.when': '{">": [{"var": "hours"}, 200]}' });
    expect((await inForce()).version).to.equal(0);

    await as('admin')
      .post(`${EDITOR}/draft`, { ...broken, 'f.rules.0.when': tooManyHours.when, 'f.rules.0.translations.es.message': tooManyHours.translations.es.message })
      .expect(303);
    const draft = (await t.ctx.configuration.editor({ tenantId: s.tenantId, personId: s.admin.id, name: 'x', role: 'admin', contextId: null, contextTitle: '', contextKind: null, menteeIds: [] }, PLAN_TEMPLATE)).draft!;
    // The draft's real page, before anyone meets it: the editor links each audience's preview.
    const editor = decoded((await as('admin').get(EDITOR).expect(200)).text);
    expect(editor).to.contain(`${EDITOR}/preview?as=student&amp;version=${draft.version}`);
    const asStudent = decoded((await as('admin').get(`${EDITOR}/preview`).query({ version: draft.version, as: 'student' }).expect(200)).text);
    expect(asStudent).to.contain('Sample Student').and.to.contain('<option value="trade">Trade school</option>').and.to.contain('name="text.service-hours"').and.not.to.contain('Counsellor planning note');
    const asAdult = decoded((await as('admin').get(`${EDITOR}/preview`).query({ version: draft.version, as: 'adult' }).expect(200)).text);
    expect(asAdult).to.contain('Counsellor planning note');
    await as('admin').get(`${EDITOR}/preview`).query({ version: draft.version, as: 'teacher' }).expect(400);
    await as('advisor').get(`${EDITOR}/preview`).query({ version: draft.version, as: 'student' }).expect(403);
    // A preview changes nothing in force.
    expect((await inForce()).version).to.equal(0);
    await as('admin').post(`${EDITOR}/publish`, { version: String(draft.version) }).expect(303);
    const body = (await inForce()).body;
    expect(body.sections[2]!.fields.map((f) => f.key)).to.deep.equal(['careers', 'after-high-school', 'pathway']);
    expect(body.rules).to.deep.equal([tooManyHours]);
  });

  it('shows the new fields on the plan form in each reader\'s language, only to whom they are for', async () => {
    const student = decoded((await as('student').get(plan(s1)).expect(200)).text);
    expect(student).to.contain('My pathway after high school').and.to.contain('<option value="trade">Trade school</option>').and.to.contain('Hours of service this year');
    expect(student).not.to.contain('Counsellor planning note');
    const spanish = decoded((await as('studentEs').get(plan(s1)).expect(200)).text);
    expect(spanish).to.contain('Mi camino después de la preparatoria').and.to.contain('Escuela técnica');
    const advisor = decoded((await as('advisor').get(plan(s1)).expect(200)).text);
    expect(advisor).to.contain('Counsellor planning note').and.to.contain('My pathway after high school');
  });

  it('saves a choice with its author and a revision, refuses a value not offered, and the history reads its label', async () => {
    const before = await revisions();
    const notOffered = decoded((await save('student', 'college-career', 'student', { pathway: 'astronaut' }, 400)).text);
    expect(notOffered).to.contain('Choose one of the options offered.');
    expect(await revisions()).to.equal(before);
    await save('student', 'college-career', 'student', { pathway: 'trade' }, 303);
    const [p] = await t.ctx.db.select().from(plans).where(and(eq(plans.tenantId, s.tenantId), eq(plans.studentId, s1)));
    const [entry] = await t.ctx.db.select().from(planEntries).where(and(eq(planEntries.planId, p!.id), eq(planEntries.fieldKey, 'pathway')));
    expect(entry).to.deep.include({ text: 'trade', voice: 'student', authorId: s.students[0].id });
    expect(await revisions()).to.equal(before + 1);
    const page = decoded((await as('student').get(plan(s1)).expect(200)).text);
    expect(page).to.contain('<option value="trade" selected>Trade school</option>');
    const history = decoded((await as('advisor').get(`${plan(s1)}/history`).expect(200)).text);
    expect(history).to.contain('My pathway after high school').and.to.contain('Trade school');
  });

  it('blocks a save that breaks a validation rule, with the rule\'s message at its field, and writes nothing', async () => {
    const before = await revisions();
    const refused = decoded((await save('student', 'community', 'student', { 'service-hours': '250', belonging: 'the robotics team' }, 400)).text);
    expect(refused).to.contain('That is more hours than a school year holds.').and.to.contain('error-summary');
    expect(refused).to.contain('value="250"').and.to.contain('the robotics team');
    expect(await revisions()).to.equal(before);
    const spanish = decoded((await asUser(t.app, ltik.studentEs).post(`${plan(s1)}/fields`, { section: 'community', voice: 'student', 'text.service-hours': '999', 'version.service-hours': '0' }).expect(400)).text);
    expect(spanish).to.contain('Son más horas de las que tiene un año escolar.');
    await save('student', 'community', 'student', { 'service-hours': '40' }, 303);
    expect(await revisions()).to.equal(before + 1);
    // A rule only guards its own field's save: another section saves whatever the hours say.
    await save('student', 'about-me', 'student', { interests: 'bikes' }, 303);
  });

  it('never shows a field in force to more readers than it had: widening an adult-only note is refused, naming the field', async () => {
    const form = formOf(decoded((await as('admin').get(EDITOR).expect(200)).text));
    expect(form['f.sections.1.fields.3.key']).to.equal('counsellor-note');
    const refused = unescaped((await as('admin').post(`${EDITOR}/draft`, { ...form, 'f.sections.1.fields.3.see.student': 'on' }).expect(400)).text);
    expect(refused).to.contain('"counsellor-note" would newly be shown to student');
    const family = decoded((await as('family').get(plan(s1)).expect(200)).text);
    expect(family).to.contain('Hours of service this year').and.not.to.contain('My pathway after high school').and.not.to.contain('Counsellor planning note');
  });

  it("puts the custom field's words in the student's records export", async () => {
    const res = await as('admin').get(`/admin/students/${s1}/records/export.json`).expect(200);
    const entries = Object.values((JSON.parse(res.text) as { features: Record<string, Record<string, Record<string, unknown>[]>> }).features).flatMap((tables) => tables.plan_entries ?? []);
    expect(entries.map((e) => [e.field_key ?? e.fieldKey, e.text])).to.deep.include(['pathway', 'trade']);
  });

  it('reproduces the configuration in another school from its export; a malformed one is refused whole, naming every problem', async () => {
    const exported = (await as('admin').get('/admin/configuration/export').expect(200)).text;
    const otherAdmin = await ltikFor(t.ctx, s.other.advisor, 'admin', s.other.contextId);
    const upload = (json: string) => request(t.app).post('/admin/configuration/import').query({ ltik: otherAdmin }).set('Accept', 'text/html').attach('file', Buffer.from(json), { filename: 'configuration.json', contentType: 'application/json' });
    const malformed = JSON.parse(exported) as { documents: Record<string, PlanTemplate> };
    const tpl = malformed.documents[PLAN_TEMPLATE]!;
    tpl.sections[2]!.fields[2]!.options = [];
    tpl.rules![0]!.field = 'no-such-field';
    const refused = unescaped((await upload(JSON.stringify(malformed)).expect(400)).text);
    expect(refused).to.contain('"pathway" is a pick-one or pick-any field: give it its choices.').and.to.contain('The template has no field "no-such-field".');
    expect((await inForce(s.other.tenantId)).version).to.equal(0);
    await upload(exported).expect(303);
    expect((await inForce(s.other.tenantId)).body).to.deep.equal((await inForce()).body);
  });

  it('takes pick-any, yes/no and date answers as the form sends them: boxes joined in the template order, a value not offered or a day that does not exist refused', async () => {
    const admin = { tenantId: s.tenantId, personId: s.admin.id, name: 'x', role: 'admin' as const, contextId: null, contextTitle: '', contextKind: null, menteeIds: [] };
    const body = (await inForce()).body;
    const clubs = { key: 'clubs', label: 'Clubs I am in', type: 'multi' as const, edit: 'student' as const, see: ['student' as const, 'adult' as const], options: ['robotics', 'choir', 'soccer'].map((value) => ({ value, label: value[0]!.toUpperCase() + value.slice(1) })) };
    const safe = { key: 'feels-safe', label: 'I feel safe at school', type: 'yesno' as const, edit: 'student' as const, see: ['student' as const, 'adult' as const] };
    const meeting = { key: 'next-meeting', label: 'Our next family meeting', type: 'date' as const, edit: 'adult' as const, see: ['student' as const, 'adult' as const] };
    const next = { ...body, sections: body.sections.map((sec) => (sec.key === 'community' ? { ...sec, fields: [...sec.fields, clubs, safe, meeting] } : sec)) };
    const draft = await t.ctx.configuration.saveDraft(admin, PLAN_TEMPLATE, { body: next, edits: null });
    await t.ctx.configuration.publish(admin, PLAN_TEMPLATE, draft.version);

    const page = decoded((await as('student').get(plan(s1)).expect(200)).text);
    expect(page).to.contain('name="choice.clubs.robotics"').and.to.contain('<input type="hidden" name="text.clubs" value="">').and.to.contain('name="text.feels-safe" value="yes"');
    const post = (who: keyof typeof ltik, fields: Record<string, string>) => as(who).post(`${plan(s1)}/fields`, { section: 'community', voice: who === 'advisor' ? 'adult' : 'student', ...fields });
    const versions = versionsOf(page);
    await post('student', { 'text.clubs': '', 'choice.clubs.soccer': 'on', 'choice.clubs.robotics': 'on', 'version.clubs': versions.clubs ?? '0', 'text.feels-safe': 'yes', 'version.feels-safe': versions['feels-safe'] ?? '0' }).expect(303);
    const stored = async (key: string, voice: string) => {
      const [p] = await t.ctx.db.select().from(plans).where(and(eq(plans.tenantId, s.tenantId), eq(plans.studentId, s1)));
      const [row] = await t.ctx.db.select().from(planEntries).where(and(eq(planEntries.planId, p!.id), eq(planEntries.fieldKey, key), eq(planEntries.voice, voice)));
      return row?.text;
    };
    expect(await stored('clubs', 'student')).to.equal('robotics,soccer');
    expect(await stored('feels-safe', 'student')).to.equal('yes');
    const shown = decoded((await as('advisor').get(plan(s1)).expect(200)).text);
    expect(shown).to.contain('Robotics, Soccer');
    const again = versionsOf(decoded((await as('student').get(plan(s1)).expect(200)).text));
    expect(decoded((await post('student', { 'text.clubs': '', 'choice.clubs.chess': 'on', 'version.clubs': again.clubs! }).expect(400)).text)).to.contain('Choose one of the options offered.');
    expect(decoded((await post('student', { 'text.feels-safe': 'maybe', 'version.feels-safe': again['feels-safe']! }).expect(400)).text)).to.contain('Choose one of the options offered.');
    // Nothing ticked is an answer too: the field empties.
    await post('student', { 'text.clubs': '', 'version.clubs': again.clubs! }).expect(303);
    expect(await stored('clubs', 'student')).to.equal('');
    const adult = versionsOf(decoded((await as('advisor').get(plan(s1)).expect(200)).text));
    expect(decoded((await post('advisor', { 'text.next-meeting': '2026-02-30', 'version.next-meeting': adult['next-meeting'] ?? '0' }).expect(400)).text)).to.contain('Enter a real date.');
    await post('advisor', { 'text.next-meeting': '2026-04-02', 'version.next-meeting': adult['next-meeting'] ?? '0' }).expect(303);
    expect(decoded((await as('student').get(plan(s1)).expect(200)).text)).to.contain('Apr 2, 2026');
  });

  it('rolls back to the shipped template: its form returns, and words written under the newer one still show, read-only, as written', async () => {
    await as('admin').post(`${EDITOR}/restore`, { version: '0' }).expect(303);
    expect((await inForce()).body.sections[2]!.fields.map((f) => f.key)).to.deep.equal(['careers', 'after-high-school']);
    const student = decoded((await as('student').get(plan(s1)).expect(200)).text);
    expect(student).not.to.contain('name="text.pathway"').and.not.to.contain('name="text.service-hours"');
    expect(student).to.contain('From an earlier version of the plan').and.to.contain('My pathway after high school').and.to.contain('Trade school').and.to.contain('40');
    // Who may read still follows the template the words were written under.
    const family = decoded((await as('family').get(plan(s1)).expect(200)).text);
    expect(family).to.contain('Hours of service this year').and.not.to.contain('Trade school');
    const advisor = decoded((await as('advisor').get(`${plan(s1)}/history`).expect(200)).text);
    expect(advisor).to.contain('My pathway after high school');
    // A save of a dropped field is refused: it is no longer on the form.
    await save('student', 'college-career', 'student', { pathway: 'college' }, 400);
  });

  it('never shows a field the school once had to more readers than it had then: the adult-only note dropped by the rollback and added back for the student is refused', async () => {
    const form = formOf(decoded((await as('admin').get(EDITOR).expect(200)).text));
    // needs-supports (1) has three fields in the shipped template: its blank fourth row takes the note again, now shown to the student.
    const refused = unescaped((await as('admin').post(`${EDITOR}/draft`, { ...form, ...fieldRow(1, 3, note), 'f.sections.1.fields.3.see.student': 'on' }).expect(400)).text);
    expect(refused).to.contain('"counsellor-note" would newly be shown to student');
    // Added back as it was, it is taken.
    await as('admin').post(`${EDITOR}/draft`, { ...form, ...fieldRow(1, 3, note) }).expect(303);
  });
});
