import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../support/app.js';
import { seedSchool, ltikFor, asUser, type SeededSchool } from '../../support/school.js';
import { enterSystemScopeForTests } from '../../../src/db/tenant-scope.js';
import { queryRows } from '../../../src/db/client.js';
import { decoded } from '../../support/html.js';
import { loadStarterCatalogues } from '../../../src/supports/supports.schemas.js';

/** The supports catalogue: the admins' pages (add, edit, deactivate, starter), the referrers' page, and who is refused. */
describe('supports catalogue', function () {
  let t: TestApp;
  let school: SeededSchool;
  let admin: ReturnType<typeof asUser>;
  let advisor: ReturnType<typeof asUser>;
  let student: ReturnType<typeof asUser>;
  let family: ReturnType<typeof asUser>;
  let otherAdvisor: ReturnType<typeof asUser>;
  const starterCount = loadStarterCatalogues(['en']).en!.supports.length;

  const good = { name: 'Saturday reading club', provider: 'Town library', description: 'Stories and games', category: 'academic', tier: '2', eligibility: 'Grades 6 to 8', capacity: '12', contact: 'Library desk', hours: 'Saturdays 10-12', 'lang.en': 'on', 'lang.es': 'on', cost: 'free', referral: 'external' };
  const count = async (tenantId: string) => Number((await queryRows<{ n: string }>(t.ctx.db, sql`select count(*) as n from supports where tenant_id = ${tenantId}`))[0]!.n);
  const audits = async (tenantId: string, entity: string) => queryRows<{ action: string; entity_id: string | null }>(t.ctx.db, sql`select action, entity_id from audit_events where tenant_id = ${tenantId} and entity = ${entity}`);
  const idOf = async (tenantId: string, name: string) => (await queryRows<{ id: string }>(t.ctx.db, sql`select id from supports where tenant_id = ${tenantId} and name = ${name}`))[0]!.id;

  before(async () => {
    enterSystemScopeForTests();
    t = await createTestApp();
    school = await seedSchool(t.ctx);
    admin = asUser(t.app, await ltikFor(t.ctx, school.admin, 'admin', school.advisoryId));
    advisor = asUser(t.app, await ltikFor(t.ctx, school.advisor, 'advisor', school.advisoryId));
    student = asUser(t.app, await ltikFor(t.ctx, school.students[0], 'student', school.advisoryId));
    family = asUser(t.app, await ltikFor(t.ctx, school.mentor, 'family', null));
    otherAdvisor = asUser(t.app, await ltikFor(t.ctx, school.other.advisor, 'advisor', school.other.contextId));
  });
  after(async () => t.ctx.shutdown?.());

  it('is linked from the admin home and the caseload', async () => {
    expect(decoded((await admin.get('/admin').expect(200)).text)).to.contain('/admin/supports?');
    expect(decoded((await advisor.get('/caseload').expect(200)).text)).to.contain('/supports?');
  });

  it('refuses a bad form with its error summary, writes nothing, and keeps what was typed', async () => {
    const bad = await admin.post('/admin/supports', { ...good, name: '', tier: '7', capacity: 'lots', 'lang.english!': 'on', category: 'nope' }).expect(400);
    expect(bad.text).to.contain('class="error-summary"');
    for (const f of ['name', 'tier', 'capacity', 'languages', 'category']) expect(bad.text).to.contain(`href="#s-${f}"`);
    expect(bad.text).to.contain('value="Town library"');
    expect(await count(school.tenantId)).to.equal(0);
  });

  it('adds a support (audited), once however often the form is sent', async () => {
    const once = randomUUID();
    await admin.post('/admin/supports', { ...good, _once: once }).expect(303);
    await admin.post('/admin/supports', { ...good, _once: once }).expect(303);
    expect(await count(school.tenantId)).to.equal(1);
    const id = await idOf(school.tenantId, good.name);
    expect(await audits(school.tenantId, 'support')).to.deep.include({ action: 'create', entity_id: id });
    const page = decoded((await admin.get('/admin/supports').expect(200)).text);
    expect(page).to.contain('Saturday reading club').and.to.contain('Spanish');
  });

  it('edits a support, marks sensitive categories sensitive whatever was posted, and audits the change', async () => {
    const id = await idOf(school.tenantId, good.name);
    const form = decoded((await admin.get(`/admin/supports/${id}`).expect(200)).text);
    expect(form).to.contain('name="lang.es" value="on" checked').and.to.contain('name="lang.vi" value="on">').and.to.contain('value="12"');
    await admin.post(`/admin/supports/${id}`, { ...good, category: 'legal', capacity: '' }).expect(303);
    const [row] = await queryRows<{ category: string; sensitive: boolean; capacity: number | null }>(t.ctx.db, sql`select category, sensitive, capacity from supports where tenant_id = ${school.tenantId} and id = ${id}`);
    expect(row).to.deep.equal({ category: 'legal', sensitive: true, capacity: null });
    expect(await audits(school.tenantId, 'support')).to.deep.include({ action: 'update', entity_id: id });
    await admin.post(`/admin/supports/${id}`, { ...good, referral: 'maybe' }).expect(400);
    await admin.post(`/admin/supports/${id}`, { ...good, category: 'academic' }).expect(303);
  });

  it('deactivates and reactivates: a deactivated support leaves the referrers\' page', async () => {
    const id = await idOf(school.tenantId, good.name);
    await admin.post(`/admin/supports/${id}/active`, {}).expect(303);
    expect((await advisor.get('/supports').expect(200)).text).to.not.contain('Saturday reading club');
    expect((await admin.get('/admin/supports').query({ status: 'inactive' }).expect(200)).text).to.contain('Saturday reading club');
    await admin.post(`/admin/supports/${id}/active`, { active: 'on' }).expect(303);
    expect((await advisor.get('/supports').expect(200)).text).to.contain('Saturday reading club');
    expect((await audits(school.tenantId, 'support')).filter((a) => a.entity_id === id)).to.have.length(5);
  });

  it('adds the starter catalogue once: running it again adds nothing', async () => {
    await admin.post('/admin/supports/starter').expect(303);
    expect(await count(school.tenantId)).to.equal(1 + starterCount);
    const again = await admin.post('/admin/supports/starter').expect(303);
    expect(again.headers.location).to.contain('count=0');
    expect(await count(school.tenantId)).to.equal(1 + starterCount);
    expect(await audits(school.tenantId, 'support_catalogue')).to.have.length(1);
    const [sensitive] = await queryRows<{ n: string }>(t.ctx.db, sql`select count(*) as n from supports where tenant_id = ${school.tenantId} and category in ('wellbeing', 'health', 'substance_use', 'legal') and not sensitive`);
    expect(Number(sensitive!.n)).to.equal(0);
  });

  it('lets advisors search and filter by words, category, tier and language', async () => {
    const names = async (query: Record<string, string>) => decoded((await advisor.get('/supports').query(query).expect(200)).text);
    expect(await names({ q: 'pantry' })).to.contain('School food pantry').and.to.not.contain('Peer tutoring');
    expect(await names({ category: 'food' })).to.contain('Weekend meal packs').and.to.not.contain('Quiet homework room');
    const tier3 = await names({ tier: '3' });
    expect(tier3).to.contain('Housing stability liaison').and.to.not.contain('School food pantry');
    expect(await names({ language: 'vi' })).to.contain('Youth mental health clinic').and.to.not.contain('Peer tutoring');
    expect(await names({ q: '100%_' })).to.contain('No support matches');
    // A bad filter is "any", never an error.
    expect(await names({ tier: 'x', category: 'nope', language: '!!' })).to.contain('Peer tutoring');
    expect(await names({})).to.not.contain('/admin/supports/new');
  });

  it('refuses students and families (403), and an advisor the admin pages', async () => {
    await student.get('/supports').expect(403);
    await family.get('/supports').expect(403);
    await advisor.get('/admin/supports').expect(403);
    await advisor.get('/admin/supports/new').expect(403);
    await advisor.post('/admin/supports', good).expect(403);
    await advisor.post('/admin/supports/starter').expect(403);
    const id = await idOf(school.tenantId, good.name);
    await advisor.post(`/admin/supports/${id}/active`, {}).expect(403);
  });

  it('keeps each school to its own catalogue: another school\'s support id is a 404', async () => {
    const id = await idOf(school.tenantId, good.name);
    expect((await otherAdvisor.get('/supports').expect(200)).text).to.not.contain('Saturday reading club');
    await admin.get(`/admin/supports/${randomUUID()}`).expect(404);
    await admin.get('/admin/supports/not-an-id').expect(404);
    const foreignAdmin = asUser(t.app, await ltikFor(t.ctx, school.other.advisor, 'admin', school.other.contextId));
    await foreignAdmin.get(`/admin/supports/${id}`).expect(404);
    await foreignAdmin.post(`/admin/supports/${id}`, good).expect(404);
    await foreignAdmin.post(`/admin/supports/${id}/active`, {}).expect(404);
  });

  it('speaks Spanish to a Spanish-speaking admin: the pages, a refusal, and the starter catalogue in Spanish', async () => {
    const other = await seedSchool(t.ctx);
    const es = asUser(t.app, await t.ctx.ltiks.issue({ tid: other.tenantId, pid: other.admin.id, cid: null, role: 'admin', loc: 'es' }));
    const refused = decoded((await es.post('/admin/supports', { ...good, name: '' }).expect(400)).text);
    expect(refused).to.contain('Rellene este campo.').and.to.contain('Añadir un apoyo');
    await es.post('/admin/supports/starter').expect(303);
    const page = decoded((await es.get('/admin/supports').query({ done: 'starter', count: String(starterCount) }).expect(200)).text);
    expect(page).to.contain('Gestionar el catálogo de apoyos').and.to.contain('Despensa de alimentos de la escuela').and.to.contain('del catálogo inicial');
    expect(page).to.not.contain('School food pantry');
  });
});
