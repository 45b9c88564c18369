import { expect } from 'chai';
import { and, eq } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../support/app.js';
import { seedSchool, ltikFor, asUser, type SeededSchool } from '../../support/school.js';
import { decoded } from '../../support/html.js';
import { people } from '../../../src/db/schema.js';
import type { Person } from '../../../src/roster/roster.service.js';

const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/membership#';
const isTable = (html: string) => html.includes('<table class="caseload-table"');
const isCards = (html: string) => html.includes('class="caseload-card card"') && !isTable(html);

/**
 * The caseload remembers the layout each reader chose (cards or table), server-side on their person
 * row: the page runs in an LMS iframe with third-party cookies blocked, so no cookie could carry it.
 */
describe('caseload: the layout a reader chose is remembered for them', () => {
  let t: TestApp;
  let s: SeededSchool;
  let coAdvisor: Person;
  const preferencesOf = async (p: Person) => (await t.ctx.db.select({ preferences: people.preferences }).from(people).where(and(eq(people.tenantId, p.tenantId), eq(people.id, p.id))))[0]!.preferences;
  /** A new launch of the advisor (a new ltik), as the LMS makes on each visit. */
  const launch = async (p: Person = s.advisor) => asUser(t.app, await ltikFor(t.ctx, p, 'advisor', s.advisoryId));

  before(async function () {
    this.timeout(120_000);
    t = await createTestApp();
    s = await seedSchool(t.ctx);
    coAdvisor = await t.ctx.roster.upsertPerson(s.tenantId, { sub: `co-advisor-${s.tenantId}`, name: 'Cy Coadvisor' });
    await t.ctx.roster.upsertMembership(s.tenantId, { contextId: s.advisoryId, personId: coAdvisor.id, role: 'advisor', roles: [`${LIS}Instructor`] });
  });
  after(async () => {
    await t.ctx.shutdown?.();
  });

  it('opens a small caseload as cards until the reader chooses; the table chosen once then opens without asking, at the next launch too, with no cookie', async () => {
    const as = await launch();
    expect(isCards((await as.get('/caseload').expect(200)).text)).to.equal(true);
    const chosen = await as.get('/caseload').query({ layout: 'table' }).expect(200);
    expect(isTable(chosen.text)).to.equal(true);
    expect(chosen.headers['set-cookie'], 'no cookie carries it').to.equal(undefined);
    expect(await preferencesOf(s.advisor)).to.deep.equal({ caseloadLayout: 'table' });

    const plain = await as.get('/caseload').expect(200);
    expect(isTable(plain.text), 'the same session').to.equal(true);
    expect(decoded(plain.text)).to.match(/<a href="[^"]*layout=table[^"]*" aria-current="true">Table<\/a>/);
    expect(isTable((await (await launch()).get('/caseload').query({ sort: 'name' }).expect(200)).text), 'a new launch').to.equal(true);
  });

  it('switching back to cards is remembered the same way', async () => {
    const as = await launch();
    expect(isCards((await as.get('/caseload').query({ layout: 'cards' }).expect(200)).text)).to.equal(true);
    expect(isCards((await as.get('/caseload').expect(200)).text)).to.equal(true);
    expect(await preferencesOf(s.advisor)).to.deep.equal({ caseloadLayout: 'cards' });
  });

  it('is each reader\'s own: another advisor of the same students keeps the default', async () => {
    await (await launch()).get('/caseload').query({ layout: 'table' }).expect(200);
    expect(isCards((await (await launch(coAdvisor)).get('/caseload').expect(200)).text)).to.equal(true);
    expect(await preferencesOf(coAdvisor)).to.deep.equal({});
  });

  it('an unknown layout is no choice: it neither shows nor overwrites what was remembered', async () => {
    const res = await (await launch()).get('/caseload').query({ layout: 'grid' }).expect(200);
    expect(isTable(res.text)).to.equal(true);
    expect(await preferencesOf(s.advisor)).to.deep.equal({ caseloadLayout: 'table' });
  });
});
