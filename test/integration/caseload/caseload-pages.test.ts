import { expect } from 'chai';
import { createTestApp, type TestApp } from '../../support/app.js';
import { seedSchool, ltikFor, asUser, type SeededSchool } from '../../support/school.js';
import { decoded } from '../../support/html.js';

/** The names shown, in page order (cards or table rows link each name to the student's plan). */
const namesOn = (html: string, s: SeededSchool) => s.students.map((p) => p.name).filter((n) => html.includes(`>${n}</a>`)).sort((a, b) => html.indexOf(`>${a}</a>`) - html.indexOf(`>${b}</a>`));
/** The href of the pager's link with this rel, decoded. */
const relHref = (html: string, rel: string) => html.match(new RegExp(`<a rel="${rel}" href="([^"]+)"`))?.[1]?.replace(/&amp;/g, '&').replace(/&#x3D;/g, '=');

/**
 * A long caseload comes in pages (config caseloadPageSize; 2 here, so the seeded advisory of three
 * fills two pages): every student is ranked, a page shows its share, its links keep the reader's
 * order and filters, and the audit names only the students a page showed.
 */
describe('caseload: pages of a long caseload', () => {
  let t: TestApp;
  let s: SeededSchool;
  let advisor: ReturnType<typeof asUser>;

  before(async function () {
    this.timeout(120_000);
    t = await createTestApp({ caseloadPageSize: 2 });
    s = await seedSchool(t.ctx);
    advisor = asUser(t.app, await ltikFor(t.ctx, s.advisor, 'advisor', s.advisoryId));
  });
  after(async () => {
    await t.ctx.shutdown?.();
  });

  it('shows the first page of the whole ranking, says where it sits, and links to the next page in the same order', async () => {
    const html = decoded((await advisor.get('/caseload').query({ sort: 'name', layout: 'table' }).expect(200)).text);
    const [a, b, c] = s.students.map((p) => p.name) as [string, string, string];
    expect(namesOn(html, s)).to.deep.equal([a, b]);
    expect(html).to.contain('Students 1–2 of 3').and.contain('3 students, ordered by: Name');
    expect(html).to.not.contain('rel="prev"');
    const next = new URL(relHref(html, 'next')!, 'http://tool.test');
    expect(next.pathname).to.equal('/caseload');
    expect(Object.fromEntries(next.searchParams)).to.include({ sort: 'name', layout: 'table', page: '2' }).and.have.property('ltik');

    // The test's client adds its own ltik, as the link carries one.
    next.searchParams.delete('ltik');
    const second = decoded((await advisor.get(`${next.pathname}${next.search}`).expect(200)).text);
    expect(namesOn(second, s)).to.deep.equal([c]);
    expect(second).to.contain('Students 3–3 of 3').and.match(/aria-current="page"><span class="visually-hidden">Page <\/span>2</);
    expect(new URL(relHref(second, 'prev')!, 'http://tool.test').searchParams.get('page')).to.equal(null);
    // Ordering by a column starts again at its first page.
    expect(second).to.match(/<th scope="col" class="col-name"[^>]*><a href="\/caseload\?sort=name&amp;layout=table&amp;ltik/);
  });

  it('shows the last page for a page past the end, and the first for a page that is not a number', async () => {
    const past = decoded((await advisor.get('/caseload').query({ sort: 'name', page: '99' }).expect(200)).text);
    expect(namesOn(past, s)).to.deep.equal([s.students[2].name]);
    const junk = decoded((await advisor.get('/caseload').query({ sort: 'name', page: 'two' }).expect(200)).text);
    expect(namesOn(junk, s)).to.deep.equal([s.students[0].name, s.students[1].name]);
  });

  it('audits each page as a read of the students it showed, no others', async () => {
    // The test clock stands still: a later instant makes this view the latest event.
    t.clock.advance(60_000);
    await advisor.get('/caseload').query({ sort: 'name', page: '2' }).expect(200);
    const [event] = await t.ctx.audit.list(s.tenantId, { actorId: s.advisor.id, limit: 1 });
    expect(event).to.include({ action: 'read', entity: 'caseload' });
    expect(event!.studentIds).to.deep.equal([s.students[2].id]);
  });

  it('keeps the filters on every page: a filter that leaves one page shows no pager', async () => {
    const html = decoded((await advisor.get('/caseload').query({ q: s.students[1].name }).expect(200)).text);
    expect(namesOn(html, s)).to.deep.equal([s.students[1].name]);
    expect(html).to.not.contain('class="pager');
    expect(html).to.contain('Showing 1 of 3.');
  });
});
