import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../support/app.js';
import { seedSchool, ltikFor, asUser, type SeededSchool } from '../../support/school.js';
import { placeStudents } from '../../support/school-places.js';
import { decoded } from '../../support/html.js';
import { setStaffGrant } from '../../../src/roster/roster.repository.js';
import { reflectionActions, reflectionEntries, reflectionRatings } from '../../../src/reflections/reflections.tables.js';
import { t as text } from '../../../src/web/i18n.js';
import type { StaffRole, ToolRole } from '../../../src/auth/user.js';
import type { Person } from '../../../src/roster/roster.service.js';

type Agent = ReturnType<typeof asUser>;

const cycleIdFrom = (location: string) => /reflections\/([0-9a-f-]{36})/.exec(location)![1]!;
/** The version a component's reflection form carries. */
const versionOf = (html: string, component: string) => Number(new RegExp(`name="component" value="${component}">\\s*<input type="hidden" name="version" value="(\\d+)"`).exec(html)![1]);

/**
 * The Reflection and Action Planning Tool's pages over HTTP (issue 13, item 2): a school team's cycles,
 * a cycle's ratings, reflections (the no-lost-edits rule), evidence cards and actions, and who may do what.
 */
describe('reflection pages', function () {
  this.timeout(120_000);
  let t: TestApp;
  let s: SeededSchool;
  let places: { a: string; b: string };
  let counsellorA: Person, leaderA: Person;
  let cara: Agent, lee: Agent, bea: Agent, admin: Agent, dana: Agent;
  let cycleId: string;
  const cycleUrl = (id: string) => `/reflections/${id}`;

  before(async () => {
    t = await createTestApp({}, { now: new Date('2026-10-14T15:00:00Z') });
    s = await seedSchool(t.ctx);
    const u = randomUUID().slice(0, 8);
    places = await placeStudents(t.ctx.db, s.tenantId, [`Aspen High ${u}`, `Birch Middle ${u}`], { a: s.students.map((p) => p.id), b: [] });
    const staff = async (name: string, role: StaffRole, schoolId: string | null) => {
      const p = await t.ctx.roster.upsertPerson(s.tenantId, { sub: `${name}-${u}`, name: `${name} ${u}` });
      await setStaffGrant(t.ctx.db, s.tenantId, p.id, { role, schoolId }, true);
      return p;
    };
    counsellorA = await staff('Cara-Aspen', 'counsellor', places.a);
    leaderA = await staff('Lee-Aspen', 'school_leader', places.a);
    const counsellorB = await staff('Bea-Birch', 'counsellor', places.b);
    const districtLeader = await staff('Dana-District', 'district_leader', null);
    const as = async (p: Person, role: ToolRole = 'advisor', contextId: string | null = null) => asUser(t.app, await ltikFor(t.ctx, p, role, contextId));
    cara = await as(counsellorA);
    lee = await as(leaderA);
    bea = await as(counsellorB);
    admin = await as(s.admin, 'admin', s.advisoryId);
    dana = await as(districtLeader, 'guest');
  });
  after(async () => t.ctx.shutdown?.());

  it('lists the team\'s cycles, linked from the school view, and starts one; a cycle without a title is a 400 with the error summary', async () => {
    const school = decoded((await cara.get(`/schools/${places.a}`).expect(200)).text);
    expect(school).to.contain(`/schools/${places.a}/reflections`);
    const list = decoded((await cara.get(`/schools/${places.a}/reflections`).expect(200)).text);
    expect(list).to.contain(text('reflections.index.start')).and.to.contain('name="_once"');
    const refused = decoded((await cara.post(`/schools/${places.a}/reflections`, { title: ' ', _once: randomUUID() }).expect(400)).text);
    expect(refused).to.match(/class="error-summary"[\s\S]*href="#cycle-title"/).and.to.contain(text('reflections.errors.titleEmpty'));
    const started = await cara.post(`/schools/${places.a}/reflections`, { title: 'Autumn reflection', _once: randomUUID() }).expect(303);
    cycleId = cycleIdFrom(started.headers.location!);
    expect(decoded((await cara.get(`/schools/${places.a}/reflections`).expect(200)).text)).to.contain('Autumn reflection');
    const page = decoded((await cara.get(cycleUrl(cycleId)).expect(200)).text);
    // One section per component, with its inquiries' data sources and look-fors from the tool.
    const tool = t.ctx.reflections.toolIn('en');
    for (const c of Object.values(tool.components)) expect(page).to.contain(c.title);
    const inquiry = tool.components.relationships.inquiries['with-students']!;
    expect(page).to.contain(inquiry.question).and.to.contain(Object.values(inquiry.dataSources)[0]!).and.to.contain(inquiry.lookFors['known-adult']!);
  });

  it('rates a look-for; an unknown look-for or an empty rating is a 400 with the error summary', async () => {
    await cara.post(`${cycleUrl(cycleId)}/ratings`, { lookFor: 'relationships.with-students.known-adult', rating: 'emerging' }).expect(303);
    const rows = await t.ctx.db.select().from(reflectionRatings).where(eq(reflectionRatings.cycleId, cycleId));
    expect(rows.map((r) => [r.lookFor, r.rating])).to.deep.equal([['relationships.with-students.known-adult', 'emerging']]);
    expect((await cara.get(cycleUrl(cycleId)).expect(200)).text).to.match(/<option value="emerging" selected>/);
    expect(decoded((await cara.post(`${cycleUrl(cycleId)}/ratings`, { lookFor: 'relationships.nothing.here', rating: 'strong' }).expect(400)).text)).to.contain('class="error-summary"');
    expect(decoded((await cara.post(`${cycleUrl(cycleId)}/ratings`, { lookFor: '', rating: '' }).expect(400)).text)).to.contain('class="error-summary"');
    // The compare page shows the rating under the cycle.
    expect(decoded((await cara.get(`/schools/${places.a}/reflections/compare`).expect(200)).text)).to.contain(text('reflections.ratings.emerging')).and.to.contain('Autumn reflection');
  });

  it('a stale save of the same component is a 409 showing their words beside yours; another component saves', async () => {
    const caraPage = (await cara.get(cycleUrl(cycleId)).expect(200)).text;
    const leePage = (await lee.get(cycleUrl(cycleId)).expect(200)).text;
    await cara.post(`${cycleUrl(cycleId)}/reflections`, { component: 'relationships', text: 'Cara: every ninth grader has an adult', version: String(versionOf(caraPage, 'relationships')) }).expect(303);
    const conflict = decoded((await lee.post(`${cycleUrl(cycleId)}/reflections`, { component: 'relationships', text: 'Lee: advisory works', version: String(versionOf(leePage, 'relationships')) }).expect(409)).text);
    expect(conflict).to.contain('Cara: every ninth grader has an adult').and.to.contain('Lee: advisory works').and.to.match(/class="error-summary"[\s\S]*href="#reflection-relationships"/);
    await lee.post(`${cycleUrl(cycleId)}/reflections`, { component: 'data', text: 'Lee: weekly data huddle', version: String(versionOf(leePage, 'data')) }).expect(303);
    const entries = new Map((await t.ctx.db.select().from(reflectionEntries).where(eq(reflectionEntries.cycleId, cycleId))).map((e) => [e.component, e.text]));
    expect(entries.get('relationships')).to.equal('Cara: every ninth grader has an adult');
    expect(entries.get('data')).to.equal('Lee: weekly data huddle');
    await lee.post(`${cycleUrl(cycleId)}/reflections`, { component: 'relationships', text: 'x'.repeat(4001), version: '1' }).expect(400);
  });

  it('attaches the coverage card and shows its figures as of the day beside now', async () => {
    await cara.post(`${cycleUrl(cycleId)}/cards`, { component: 'relationships', kind: 'coverage', _once: randomUUID() }).expect(303);
    const page = decoded((await cara.get(cycleUrl(cycleId)).expect(200)).text);
    const card = page.slice(page.indexOf('data-card="coverage"'), page.indexOf('</table>', page.indexOf('data-card="coverage"')));
    expect(card).to.contain(text('reflections.cards.kinds.coverage')).and.to.contain(text('reflections.cards.figures.students'));
    expect(card.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ')).to.contain(`${text('reflections.cards.figures.students')} 3 3`);
    await cara.post(`${cycleUrl(cycleId)}/cards`, { component: 'relationships', kind: 'nothing', _once: randomUUID() }).expect(400);
  });

  it('adds an action with an owner; one without an owner is a 400; a stale edit is a 409', async () => {
    await cara.post(`${cycleUrl(cycleId)}/actions`, { title: 'Map every ninth grader to an adult', owner: counsellorA.id, due: '2026-11-01', status: 'not_started', _once: randomUUID() }).expect(303);
    const [action] = await t.ctx.db.select().from(reflectionActions).where(eq(reflectionActions.cycleId, cycleId));
    expect(action).to.include({ title: 'Map every ninth grader to an adult', ownerId: counsellorA.id, dueOn: '2026-11-01', status: 'not_started' });
    expect(decoded((await cara.get(cycleUrl(cycleId)).expect(200)).text)).to.contain('Map every ninth grader to an adult').and.to.contain('Cara-Aspen');
    expect(decoded((await cara.post(`${cycleUrl(cycleId)}/actions`, { title: 'No owner', owner: '', _once: randomUUID() }).expect(400)).text)).to.match(/class="error-summary"[\s\S]*href="#new-action-owner"/);
    await cara.post(`${cycleUrl(cycleId)}/actions/${action!.id}/complete`, { version: '1' }).expect(303);
    await lee.post(`${cycleUrl(cycleId)}/actions/${action!.id}`, { title: 'Late edit', owner: counsellorA.id, status: 'in_progress', version: '1' }).expect(409);
  });

  it('admins read only (no forms, posts 403); another school\'s counsellor is refused (403)', async () => {
    const page = decoded((await admin.get(cycleUrl(cycleId)).expect(200)).text);
    expect(page).to.contain('Autumn reflection').and.not.to.contain('<form method="post"');
    await admin.post(`${cycleUrl(cycleId)}/ratings`, { lookFor: 'data.current.fresh', rating: 'strong' }).expect(403);
    await admin.post(`${cycleUrl(cycleId)}/actions`, { title: 'x', owner: counsellorA.id, _once: randomUUID() }).expect(403);
    await admin.post(`/schools/${places.a}/reflections`, { title: 'x', _once: randomUUID() }).expect(403);
    await bea.get(cycleUrl(cycleId)).expect(403);
    await bea.post(`${cycleUrl(cycleId)}/reflections`, { component: 'data', text: 'x', version: '1' }).expect(403);
    await bea.get(`/schools/${places.a}/reflections`).expect(403);
  });

  it('the district team: linked from the leader home and the district view, its card names the school', async () => {
    expect(decoded((await dana.get('/schools').expect(200)).text)).to.contain('/district/reflections').and.to.contain(`/schools/${places.a}/reflections`);
    expect(decoded((await dana.get('/district').expect(200)).text)).to.contain('/district/reflections');
    const id = cycleIdFrom((await dana.post('/district/reflections', { title: 'District autumn', _once: randomUUID() }).expect(303)).headers.location!);
    const page = decoded((await dana.get(cycleUrl(id)).expect(200)).text);
    expect(page).to.contain(text('reflections.show.districtPrompts')).and.to.contain(`name="school"`);
    expect(decoded((await dana.post(`${cycleUrl(id)}/cards`, { component: 'data', kind: 'coverage', school: '', _once: randomUUID() }).expect(400)).text)).to.contain('class="error-summary"');
    await dana.post(`${cycleUrl(id)}/cards`, { component: 'data', kind: 'checkin-cadence', school: places.a, _once: randomUUID() }).expect(303);
    expect(decoded((await dana.get(cycleUrl(id)).expect(200)).text)).to.match(/data-card="checkin-cadence"[\s\S]*Aspen High/);
    await cara.post('/district/reflections', { title: 'Not mine', _once: randomUUID() }).expect(403);
  });

  it('speaks Spanish to a team member launched in Spanish: the tool\'s words and the page\'s', async () => {
    const es = asUser(t.app, await t.ctx.ltiks.issue({ tid: s.tenantId, pid: leaderA.id, cid: null, role: 'advisor', loc: 'es' }));
    const page = decoded((await es.get(cycleUrl(cycleId)).expect(200)).text);
    const spanish = t.ctx.reflections.toolIn('es').components.relationships;
    expect(spanish.title).to.not.equal(t.ctx.reflections.toolIn('en').components.relationships.title);
    expect(page).to.contain(spanish.title).and.to.contain(spanish.inquiries['with-students']!.question).and.to.contain(text('reflections.cards.kinds.coverage', {}, 'es'));
    expect(page).to.not.contain(text('reflections.show.dataSources')).and.to.not.contain(text('reflections.cards.attach'));
  });
});
