import { expect } from 'chai';
import { createTestApp, type TestApp } from '../../support/app.js';
import { seedSchool, ltikFor, asUser, type SeededSchool } from '../../support/school.js';
import { decoded } from '../../support/html.js';
import type { Person } from '../../../src/roster/roster.service.js';

const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/membership#';

/** The order the names appear in on the page. */
const order = (html: string, names: string[]) => names.filter((n) => html.includes(n)).sort((a, b) => html.indexOf(a) - html.indexOf(b));
/** Every href on the page, decoded, as URLs. */
const links = (html: string) => [...decoded(html).matchAll(/href="([^"]+)"/g)].map((m) => new URL(m[1]!.replaceAll('&amp;', '&'), 'http://tool.test'));
/** The table's part of the page. */
const tableOf = (html: string) => /<table class="caseload-table">[\s\S]*?<\/table>/.exec(html)?.[0] ?? '';

/** Issue 10 item 5: the caseload's compact table for 30+ students, its cards/table switch and its sorting. */
describe('caseload: compact table view and sorting', () => {
  let t: TestApp;
  let s: SeededSchool;
  let small: ReturnType<typeof asUser>;
  let ltik: string;
  let big: ReturnType<typeof asUser>;
  let bigStudents: Person[];

  before(async function () {
    this.timeout(120_000);
    t = await createTestApp();
    s = await seedSchool(t.ctx);
    ltik = await ltikFor(t.ctx, s.advisor, 'advisor', s.advisoryId);
    small = asUser(t.app, ltik);
    // A second advisory of 32 students, its own advisor.
    const teacher = await t.ctx.roster.upsertPerson(s.tenantId, { sub: `big-adv-${s.tenantId}`, name: 'Bo Bigclass' });
    const course = await t.ctx.roster.upsertContext(s.tenantId, { contextId: `big-${s.tenantId}`, title: 'Advisory 9Z', placementKind: 'advisory' });
    await t.ctx.roster.upsertMembership(s.tenantId, { contextId: course.id, personId: teacher.id, role: 'advisor', roles: [`${LIS}Instructor`] });
    bigStudents = [];
    for (let i = 0; i < 32; i++) {
      const p = await t.ctx.roster.upsertPerson(s.tenantId, { sub: `big-s${i}-${s.tenantId}`, name: `Pupil ${String(32 - i).padStart(2, '0')} Bigclass` });
      await t.ctx.roster.upsertMembership(s.tenantId, { contextId: course.id, personId: p.id, role: 'student', roles: [`${LIS}Learner`] });
      bigStudents.push(p);
    }
    big = asUser(t.app, await ltikFor(t.ctx, teacher, 'advisor', course.id));
  });

  it('shows a small caseload as cards, with a switch to the table that keeps the other choices and the session', async () => {
    const res = await small.get('/caseload').query({ sort: 'name', q: 'a' }).expect(200);
    expect(res.text).to.contain('class="caseload-card card"').and.not.contain('<table class="caseload-table"');
    const toTable = links(res.text).find((u) => u.pathname === '/caseload' && u.searchParams.get('layout') === 'table');
    expect(toTable, 'a link to the table').to.not.equal(undefined);
    expect(Object.fromEntries(toTable!.searchParams)).to.deep.equal({ sort: 'name', q: 'a', layout: 'table', ltik });
    expect(decoded(res.text)).to.match(/<a href="[^"]*layout=cards[^"]*" aria-current="true">Cards<\/a>/);
  });

  it('lays the caseload out as an accessible table: caption, column and row headers, every fact of the cards', async () => {
    const res = await small.get('/caseload').query({ layout: 'table' }).expect(200);
    const table = tableOf(res.text);
    expect(table, 'a table').to.not.equal('');
    expect(res.text).to.match(/<div class="table-wrap caseload-table-wrap" role="region" aria-labelledby="caseload-caption" tabindex="0">/);
    expect(table).to.match(/<caption id="caseload-caption">3 students, ordered by: Needs attention first<\/caption>/);
    const headings = [...table.matchAll(/<th scope="col"[^>]*>([\s\S]*?)<\/th>/g)].map((m) => m[1]!.replace(/<[^>]+>/g, '').trim());
    expect(headings).to.deep.equal(['Student (order by this column)', 'Why here (order by this column)', 'Plan (order by this column)', 'Goals', 'Last check-in (order by this column)', 'Open needs', 'Navigator']);
    for (const st of s.students) expect(table).to.match(new RegExp(`<th scope="row" class="col-name"><a href="[^"]+">${st.name}</a></th>`));
    expect(table).to.contain('no plan').and.contain('0 active, 0 achieved').and.contain('Record a check-in');
    // The current order is announced on its column; the cards are not there as well.
    expect(table).to.match(/<th scope="col" class="col-reasons" aria-sort="descending">/);
    expect(res.text).not.to.contain('class="caseload-card card"');
    // The filter form keeps the layout.
    expect(res.text).to.contain('<input type="hidden" name="layout" value="table">');
  });

  it('opens a caseload of 30 or more as the table unless the reader chose cards', async () => {
    const res = await big.get('/caseload').expect(200);
    const table = tableOf(res.text);
    expect(table).to.contain('32 students');
    expect([...table.matchAll(/<th scope="row"/g)]).to.have.length(32);
    const cards = await big.get('/caseload').query({ layout: 'cards' }).expect(200);
    expect(cards.text).not.to.contain('<table class="caseload-table"');
    expect([...cards.text.matchAll(/class="caseload-card card"/g)]).to.have.length(32);
  });

  it('sorts by name and by needs attention from the form and from the column headings, in the table', async () => {
    const names = bigStudents.map((p) => p.name);
    // The reader chose cards just before: the table is asked for (a choice is remembered, caseload-layout.test.ts).
    const byName = await big.get('/caseload').query({ sort: 'name', layout: 'table' }).expect(200);
    expect(order(tableOf(byName.text), names)).to.deep.equal([...names].sort((a, b) => a.localeCompare(b)));
    expect(tableOf(byName.text)).to.match(/<th scope="col" class="col-name" aria-sort="ascending">/);
    // The "Student" heading links to the name order, keeping the layout choice and the session.
    const chosen = await big.get('/caseload').query({ layout: 'table', sort: 'attention' }).expect(200);
    const heading = links(tableOf(chosen.text)).find((u) => u.searchParams.get('sort') === 'name');
    expect(Object.fromEntries(heading!.searchParams)).to.deep.equal({ sort: 'name', layout: 'table', ltik: heading!.searchParams.get('ltik') });
    // The GET form offers every order.
    expect(chosen.text).to.match(/<form method="get" action="\/caseload"[\s\S]*<select id="f-sort" name="sort">[\s\S]*value="attention"[\s\S]*value="name"/);
  });

  it('takes an unknown layout as no choice (the one chosen last: the table, above), never an error', async () => {
    const res = await small.get('/caseload').query({ layout: '<script>' }).expect(200);
    expect(res.text).to.contain('<table class="caseload-table"').and.not.contain('&lt;script&gt;');
  });
});
