import { expect } from 'chai';
import request from 'supertest';
import { and, eq } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../support/app.js';
import { seedSchool, ltikFor, asUser, type SeededSchool } from '../../support/school.js';
import { decoded } from '../../support/html.js';
import { configVersions } from '../../../src/configuration/configuration.tables.js';
import { loadReferralsConfig, referralRulesKind } from '../../../src/referrals/referrals.schemas.js';

type Agent = ReturnType<typeof asUser>;
const EDITOR = '/admin/configuration/referral-rules';

/**
 * The configuration console's pages over HTTP (issue 14, items 4 and 8): the referral rules' editor drawn
 * from their schema, errors in place with the admin's input kept, draft, publish, compare, restore,
 * export and import; admins only.
 */
describe('configuration pages: an editor drawn from the schema', function () {
  this.timeout(120_000);
  let t: TestApp;
  let s: SeededSchool;
  let admin: Agent;
  let advisor: Agent;
  const rules = referralRulesKind(loadReferralsConfig());
  const inForce = async () => (await t.ctx.configuration.current(s.tenantId, rules)).body;
  const versions = () => t.ctx.db.select().from(configVersions).where(and(eq(configVersions.tenantId, s.tenantId), eq(configVersions.kind, rules.id)));
  /** Every field of the form as the page fills it in: text inputs, selected options, ticked boxes. */
  const formOf = (html: string): Record<string, string> => {
    const form = html.slice(html.indexOf('/draft'), html.indexOf('</form>', html.indexOf('/draft')));
    const out: Record<string, string> = {};
    for (const m of form.matchAll(/<input id="[^"]*" name="(f\.[^"]+)" value="([^"]*)"/g)) out[m[1]!] = m[2]!;
    for (const m of form.matchAll(/<input type="checkbox" id="[^"]*" name="(f\.[^"]+)" checked>/g)) out[m[1]!] = 'on';
    for (const m of form.matchAll(/<select id="[^"]*" name="(f\.[^"]+)"[^>]*>([\s\S]*?)<\/select>/g)) out[m[1]!] = /<option value="([^"]*)" selected>/.exec(m[2]!)?.[1] ?? '';
    const edits = /name="edits" value="([^"]*)"/.exec(form);
    out.edits = edits?.[1] ?? '';
    return out;
  };

  /** The import form's post: the file an export downloaded, as a browser uploads it. */
  const upload = (ltik: string, json: string) =>
    request(t.app).post('/admin/configuration/import').query({ ltik }).set('Accept', 'text/html').attach('file', Buffer.from(json), { filename: 'configuration.json', contentType: 'application/json' });
  let adminLtik: string;
  let advisorLtik: string;

  before(async () => {
    t = await createTestApp({}, { now: new Date('2026-03-18T15:00:00Z') });
    s = await seedSchool(t.ctx);
    adminLtik = await ltikFor(t.ctx, s.admin, 'admin', s.advisoryId);
    advisorLtik = await ltikFor(t.ctx, s.advisor, 'advisor', s.advisoryId);
    admin = asUser(t.app, adminLtik);
    advisor = asUser(t.app, advisorLtik);
  });
  after(async () => t.ctx.shutdown?.());

  it('lists the documents from the admin home, and draws the referral rules as a form of their settings', async () => {
    expect(decoded((await admin.get('/admin').expect(200)).text)).to.contain('/admin/configuration');
    const list = decoded((await admin.get('/admin/configuration').expect(200)).text);
    expect(list).to.contain('Referral rules').and.to.contain('Shipped default');
    const form = formOf(decoded((await admin.get(EDITOR).expect(200)).text));
    expect(form).to.deep.include({ 'f.responseBusinessDays.urgent': '1', 'f.responseBusinessDays.routine': '2', 'f.familyView': 'arrangedOnly', 'f.consentCategories.housing': 'on', edits: '' });
  });

  it('shows each error in place with what the admin typed, and saves nothing', async () => {
    const form = formOf(decoded((await admin.get(EDITOR)).text));
    const res = await admin.post(`${EDITOR}/draft`, { ...form, 'f.responseBusinessDays.urgent': 'soon', 'f.responseBusinessDays.routine': '45' }).expect(400);
    const html = decoded(res.text);
    expect(html).to.contain('error-summary').and.to.contain('href="#cfg-responseBusinessDays-routine"');
    expect(html).to.contain('Use 30 or less.').and.to.contain('This is not the right kind of value.');
    expect(formOf(html)).to.deep.include({ 'f.responseBusinessDays.urgent': 'soon', 'f.responseBusinessDays.routine': '45' });
    expect(await versions()).to.have.length(0);
  });

  it('saves a draft (nothing changes), compares it, publishes it (the rules change), and restores the shipped ones', async () => {
    const form = formOf(decoded((await admin.get(EDITOR)).text));
    delete form['f.consentCategories.tutoring'];
    await admin.post(`${EDITOR}/draft`, { ...form, 'f.responseBusinessDays.routine': '3', 'f.familyView': 'nonSensitiveByName', note: 'Routine in three days' }).expect(303);
    expect((await inForce()).responseBusinessDays.routine).to.equal(2);
    const page = decoded((await admin.get(EDITOR)).text);
    expect(page).to.contain('You are editing draft version 1').and.to.contain('Routine in three days');
    // A second save from the page that read the first draft carries its save count; a stale one is a 409.
    expect(formOf(page).edits).to.equal('0');
    await admin.post(`${EDITOR}/draft`, { ...formOf(page), 'f.responseBusinessDays.urgent': '0' }).expect(303);
    await admin.post(`${EDITOR}/draft`, { ...formOf(page) }).expect(409);

    const diff = decoded((await admin.get(`${EDITOR}/diff?a=0&b=1`).expect(200)).text);
    expect(diff).to.match(/<del>[^<]*&quot;routine&quot;: 2/).and.to.match(/<ins>[^<]*&quot;routine&quot;: 3/);
    expect(diff).to.match(/<del>[^<]*&quot;tutoring&quot;/).and.not.to.match(/<(ins|del)>[^<]*&quot;housing&quot;/);

    await admin.post(`${EDITOR}/publish`, { version: '1' }).expect(303);
    const now = await inForce();
    expect(now).to.deep.include({ familyView: 'nonSensitiveByName' });
    expect(now.responseBusinessDays).to.deep.equal({ urgent: 0, routine: 3 });
    expect(now.consentCategories).to.not.include('tutoring');
    expect(now.consentCategories).to.include('housing');

    await admin.post(`${EDITOR}/restore`, { version: '0' }).expect(303);
    expect(await inForce()).to.deep.equal(rules.shipped());
    expect((await versions()).map((v) => [v.version, v.state]).sort()).to.deep.equal([[1, 'retired'], [2, 'published']]);
  });

  it('exports the configuration and imports it back; a broken file is refused whole, every problem listed', async () => {
    const exported = await admin.get('/admin/configuration/export').expect(200).expect('content-type', /json/);
    const file = JSON.parse(exported.text) as { documents: Record<string, unknown> };
    expect(file.documents['referral-rules']).to.deep.equal(rules.shipped());

    const broken = { ...file, documents: { 'referral-rules': { ...rules.shipped(), familyView: 'everything', responseBusinessDays: { urgent: -1, routine: 2 } }, 'no-such': {} } };
    const refused = decoded((await upload(adminLtik, JSON.stringify(broken)).expect(400)).text);
    expect(refused).to.contain('3 problem(s)').and.to.contain('referral-rules › familyView').and.to.contain('no-such').and.to.contain('Use 0 or more.');
    expect(decoded((await upload(adminLtik, '{not json').expect(400)).text)).to.contain('could not be read as JSON');
    expect(await versions()).to.have.length(2);

    const changed = { ...file, documents: { 'referral-rules': { ...rules.shipped(), familyView: 'nonSensitiveByName' } } };
    await upload(adminLtik, JSON.stringify(changed)).expect(303);
    expect((await inForce()).familyView).to.equal('nonSensitiveByName');
    // The same file again: nothing to change.
    await upload(adminLtik, JSON.stringify(changed)).expect(303);
    expect(await versions()).to.have.length(3);
  });

  it('is for admins: an advisor is refused every page and form', async () => {
    for (const path of ['/admin/configuration', EDITOR, `${EDITOR}/diff?a=0&b=1`, '/admin/configuration/export']) await advisor.get(path).expect(403);
    for (const path of [`${EDITOR}/draft`, `${EDITOR}/publish`, `${EDITOR}/restore`]) await advisor.post(path, { version: '0' }).expect(403);
    await upload(advisorLtik, '{}').expect(403);
    await admin.get('/admin/configuration/no-such-kind').expect(404);
    await admin.get(`${EDITOR}/diff?a=x`).expect(400);
  });

  it('offers no Publish on a draft begun before another version went in force, and says why; a post of it is a 409', async () => {
    const form = formOf((await admin.get(EDITOR).expect(200)).text);
    await admin.post(`${EDITOR}/draft`, { ...form, edits: '' }).expect(303);
    const draft = Math.max(...(await versions()).map((v) => v.version));
    const inForceNow = (await t.ctx.configuration.current(s.tenantId, rules)).version;
    await admin.post(`${EDITOR}/restore`, { version: String(inForceNow) }).expect(303);
    const page = (await admin.get(EDITOR).expect(200)).text;
    expect(page).to.contain(`after draft version ${draft} began`).and.not.to.contain(`Publish version ${draft}`);
    await admin.post(`${EDITOR}/publish`, { version: String(draft) }).expect(409);
    await admin.post(`${EDITOR}/discard`).expect(303);
  });
});
