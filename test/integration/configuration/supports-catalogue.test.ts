import { expect } from 'chai';
import request from 'supertest';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../support/app.js';
import { seedSchool, ltikFor, asUser, type SeededSchool } from '../../support/school.js';
import { decoded } from '../../support/html.js';
import { queryRows } from '../../../src/db/client.js';
import { enterSystemScopeForTests } from '../../../src/db/tenant-scope.js';

interface Entry {
  key: string | null;
  name: string;
  provider: string;
  category: string;
  tier: number;
  sensitive: boolean;
  active: boolean;
  [field: string]: unknown;
}
interface Exported {
  documents: Record<string, unknown>;
  catalogues: { supports: Entry[] };
}

/**
 * The supports catalogue travels with the configuration (issue 14 items 3 and 4): a district that built
 * its asset map on a test instance moves it to production with the export; an import updates the supports
 * it matches and adds the rest, twice adds nothing twice, and a broken catalogue refuses the whole file.
 */
describe('configuration: the supports catalogue in the export and import', function () {
  this.timeout(120_000);
  let t: TestApp;
  let from: SeededSchool;
  let to: SeededSchool;
  let fromAdmin: ReturnType<typeof asUser>;
  let toAdmin: ReturnType<typeof asUser>;
  let toLtik: string;

  const upload = (ltik: string, body: unknown) =>
    request(t.app).post('/admin/configuration/import').query({ ltik }).set('Accept', 'text/html').attach('file', Buffer.from(JSON.stringify(body)), { filename: 'configuration.json', contentType: 'application/json' });
  const supportsOf = (tenantId: string) =>
    queryRows<{ name: string; provider: string; tier: number; active: boolean; starter_key: string | null; updated_by: string | null }>(t.ctx.db, sql`select name, provider, tier, active, starter_key, updated_by from supports where tenant_id = ${tenantId} order by name`);

  before(async () => {
    enterSystemScopeForTests();
    t = await createTestApp();
    from = await seedSchool(t.ctx);
    to = await seedSchool(t.ctx);
    fromAdmin = asUser(t.app, await ltikFor(t.ctx, from.admin, 'admin', from.advisoryId));
    toLtik = await ltikFor(t.ctx, to.admin, 'admin', to.advisoryId);
    toAdmin = asUser(t.app, toLtik);
  });
  after(async () => t.ctx.shutdown?.());

  it('an export carries the catalogue; imported into another school it reproduces it, and again adds nothing', async () => {
    await fromAdmin.post('/admin/supports/starter').expect(303);
    await fromAdmin.post('/admin/supports', { name: 'Homework club', provider: 'Library', category: 'academic', tier: '1', cost: 'free', referral: 'internal', 'lang.en': 'on', contact: 'Room 12' }).expect(303);
    const exported = JSON.parse((await fromAdmin.get('/admin/configuration/export').expect(200)).text) as Exported;
    const listed = exported.catalogues.supports;
    expect(listed.length).to.equal((await supportsOf(from.tenantId)).length).and.to.be.greaterThan(1);
    expect(listed.find((e) => e.name === 'Homework club')).to.include({ key: null, provider: 'Library', tier: 1, contact: 'Room 12', active: true });
    expect(listed[0]).not.to.have.property('providerOrganisationId');

    const res = await upload(toLtik, exported).expect(303);
    expect(new URL(res.headers.location as string, 'http://x').searchParams.get('imported')).not.to.equal('0');
    const copied = await supportsOf(to.tenantId);
    expect(copied.map((r) => r.name)).to.deep.equal((await supportsOf(from.tenantId)).map((r) => r.name));
    expect(copied.every((r) => r.updated_by === to.admin.id)).to.equal(true);
    expect(decoded((await toAdmin.get('/admin/supports').expect(200)).text)).to.contain('Homework club');
    const again = await upload(toLtik, exported).expect(303);
    expect(new URL(again.headers.location as string, 'http://x').searchParams.get('imported')).to.equal('0');
    expect(await supportsOf(to.tenantId)).to.have.length(copied.length);
    // Each support written is audited as the importing admin's.
    const audits = await queryRows<{ n: string }>(t.ctx.db, sql`select count(*) as n from audit_events where tenant_id = ${to.tenantId} and entity = 'support' and action = 'create'`);
    expect(Number(audits[0]!.n)).to.equal(copied.length);
  });

  it('updates the supports it matches (by starter, else name and provider, whatever the case) and retires none it does not name', async () => {
    const exported = JSON.parse((await fromAdmin.get('/admin/configuration/export').expect(200)).text) as Exported;
    const club = exported.catalogues.supports.find((e) => e.name === 'Homework club')!;
    const starter = exported.catalogues.supports.find((e) => e.key !== null)!;
    const changed = { ...exported, catalogues: { supports: [{ ...club, name: 'HOMEWORK CLUB', tier: 2 }, { ...starter, name: 'Renamed in the district', active: false }] } };
    await upload(toLtik, changed).expect(303);
    const rows = await supportsOf(to.tenantId);
    expect(rows.find((r) => r.name === 'HOMEWORK CLUB')).to.include({ tier: 2 });
    expect(rows.find((r) => r.starter_key === starter.key)).to.include({ name: 'Renamed in the district', active: false });
    expect(rows.length).to.equal(exported.catalogues.supports.length);
  });

  it('refuses a broken catalogue whole, every problem named, with the documents beside it unwritten', async () => {
    const exported = JSON.parse((await fromAdmin.get('/admin/configuration/export').expect(200)).text) as Exported;
    const before = await supportsOf(to.tenantId);
    const versions = async () => (await queryRows<{ n: string }>(t.ctx.db, sql`select count(*) as n from config_versions where tenant_id = ${to.tenantId}`))[0]!.n;
    const versionsBefore = await versions();
    const [first, second] = exported.catalogues.supports as [Entry, Entry];
    const broken = {
      ...exported,
      documents: { ...exported.documents, retention: { checkinNotesYears: 3 } },
      catalogues: { supports: [{ ...first, name: 'Counselling drop-in', category: 'wellbeing', sensitive: false }, { ...second, tier: 7 }, { ...second, key: null }], pantry: [] },
    };
    const html = decoded((await upload(toLtik, broken).expect(400)).text);
    expect(html).to.contain('is always sensitive').and.to.contain('supports › 1.tier').and.to.contain('pantry');
    // Once every support is well formed, one listed twice is refused too.
    const twice = { ...broken, catalogues: { supports: [first, second, { ...second, key: null, name: second.name.toUpperCase() }] } };
    expect(decoded((await upload(toLtik, twice).expect(400)).text)).to.contain('is listed twice');
    expect(await supportsOf(to.tenantId)).to.deep.equal(before);
    expect(await versions()).to.equal(versionsBefore);
  });
});
