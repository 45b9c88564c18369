import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../support/app.js';
import { seedSchool, ltikFor, asUser, type SeededSchool } from '../../support/school.js';
import { enterSystemScopeForTests } from '../../../src/db/tenant-scope.js';
import { queryRows } from '../../../src/db/client.js';
import { decoded } from '../../support/html.js';
import type { Connector } from '../../../src/connectors/connector.js';

/** /admin/connectors (settings, secret never shown back, sync now, runs) and /admin/identities (the review queue). */
describe('admin pages for data connections and the identity review queue', function () {
  let t: TestApp;
  let school: SeededSchool;
  let admin: ReturnType<typeof asUser>;
  let advisor: ReturnType<typeof asUser>;

  before(async () => {
    enterSystemScopeForTests();
    t = await createTestApp();
    // The registered Schoology connector, its run kept here: the page is under test, not Schoology (sis-connectors.test.ts).
    const quiet: Pick<Connector, 'sync'> = { sync: async () => undefined };
    Object.assign(t.ctx.connectors.connector('schoology')!, quiet);
    school = await seedSchool(t.ctx);
    admin = asUser(t.app, await ltikFor(t.ctx, school.admin, 'admin', school.advisoryId));
    advisor = asUser(t.app, await ltikFor(t.ctx, school.advisor, 'advisor', school.advisoryId));
  });
  after(async () => t.ctx.shutdown?.());

  it('is linked from the admin home and refused to an advisor', async () => {
    const home = decoded((await admin.get('/admin').expect(200)).text);
    expect(home).to.contain('/admin/connectors?').and.to.contain('/admin/identities?');
    await advisor.get('/admin/connectors').expect(403);
    await advisor.get('/admin/identities').expect(403);
    await advisor.post('/admin/connectors/schoology', { baseUrl: 'https://x.example', consumerKey: 'k' }).expect(403);
  });

  it('refuses a bad form with its error summary and saves nothing; saves a good one with the secret sealed and never shown back', async () => {
    const bad = await admin.post('/admin/connectors/schoology', { baseUrl: 'not a url', consumerKey: '', consumerSecret: 'shh-secret-1' }).expect(400);
    expect(bad.text).to.contain('class="error-summary"').and.to.contain('href="#c-schoology-baseUrl"').and.to.contain('href="#c-schoology-consumerKey"');
    expect(bad.text).to.not.contain('shh-secret-1');
    const none = await queryRows(t.ctx.db, sql`select 1 from connector_settings where tenant_id = ${school.tenantId}`);
    expect(none).to.have.length(0);

    await admin.post('/admin/connectors/schoology', { baseUrl: 'https://api.schoology.example/v1', consumerKey: 'key-1', consumerSecret: 'shh-secret-1', enabled: 'on' }).expect(303);
    const page = (await admin.get('/admin/connectors').expect(200)).text;
    expect(page).to.contain('value="https://api.schoology.example/v1"').and.to.contain('value="key-1"').and.to.not.contain('shh-secret-1');
    expect(page).to.contain('A secret is saved.');
    await admin.post('/admin/connectors/nothing', {}).expect(404);
  });

  it('"Sync now" queues a run that lands in the runs table', async () => {
    await admin.post('/admin/connectors/schoology/run').expect(303);
    await t.ctx.jobs.runDue();
    const page = decoded((await admin.get('/admin/connectors').expect(200)).text);
    expect(page).to.contain('Schoology grades (REST API)').and.to.contain('succeeded');
  });

  it('the review queue lists unmatched rows; the admin links one to a student, and the next match uses it', async () => {
    await t.ctx.identities.match(school.tenantId, 'schoology', [{ externalId: 'sg-77', sisId: 'nobody', label: 'Row from Schoology' }]);
    const page = (await admin.get('/admin/identities').expect(200)).text;
    expect(page).to.contain('Row from Schoology').and.to.contain('matches no student');
    const [review] = await queryRows<{ id: string }>(t.ctx.db, sql`select id from identity_reviews where tenant_id = ${school.tenantId} and external_id = 'sg-77'`);
    const found = (await admin.get('/admin/identities').query({ q: school.students[2].name }).expect(200)).text;
    expect(found).to.contain(`value="${school.students[2].id}"`);
    await admin.post(`/admin/identities/${review!.id}`, {}).expect(400);
    await admin.post(`/admin/identities/${review!.id}`, { personId: school.other.student.id }).expect(404);
    await admin.post(`/admin/identities/${review!.id}`, { personId: school.students[2].id }).expect(303);
    await admin.post(`/admin/identities/${review!.id}`, { ignore: 'on' }).expect(409);
    const matched = await t.ctx.identities.match(school.tenantId, 'schoology', [{ externalId: 'sg-77' }]);
    expect(matched.get('sg-77')).to.equal(school.students[2].id);
    expect((await admin.get('/admin/identities').expect(200)).text).to.not.contain('Row from Schoology');
  });
});
