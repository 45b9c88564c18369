import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../support/app.js';
import { seedSchool, ltikFor, asUser, type SeededSchool } from '../../support/school.js';
import { placeStudents } from '../../support/school-places.js';
import { decoded } from '../../support/html.js';
import { setStaffGrant } from '../../../src/roster/roster.repository.js';
import { teamMapActions, teamMapEntries, teamMapRevisions, teamMaps } from '../../../src/team-maps/team-maps.tables.js';
import { auditEvents } from '../../../src/audit/audit.tables.js';
import { loadMapExamples, mapFieldKeys } from '../../../src/team-maps/team-maps.schemas.js';
import { locales, t as text } from '../../../src/web/i18n.js';
import type { StaffRole, ToolRole } from '../../../src/auth/user.js';
import type { Person } from '../../../src/roster/roster.service.js';

type Agent = ReturnType<typeof asUser>;

const idFrom = (location: string) => /maps\/([0-9a-f-]{36})/.exec(location)![1]!;
/** The version of each field's words the page's forms carry. */
const versionsOf = (html: string): Record<string, number> => Object.fromEntries([...html.matchAll(/name="version\.([a-z-]+)" value="(\d+)"/g)].map((m) => [m[1]!, Number(m[2])]));

/**
 * Success Maps over HTTP (issue 13, item 1): a school team's map co-edited under the plans' rule,
 * started from the convening's example, its actions, its print page, and who may see it.
 */
describe('team success maps', function () {
  this.timeout(120_000);
  let t: TestApp;
  let s: SeededSchool;
  let places: { a: string; b: string };
  let counsellorA: Person, leaderA: Person, counsellorB: Person, districtLeader: Person;
  let cara: Agent, lee: Agent, bea: Agent, dana: Agent, admin: Agent, student: Agent;
  let mapId: string;
  const example = loadMapExamples(locales).en!;

  const mapUrl = (id: string) => `/maps/${id}`;
  const save = (who: Agent, id: string, section: string, fields: Record<string, [string, number]>) =>
    who.post(`${mapUrl(id)}/fields`, { section, ...Object.fromEntries(Object.entries(fields).flatMap(([k, [txt, v]]) => [[`text.${k}`, txt], [`version.${k}`, String(v)]])) });
  const entriesOf = async (id: string) => new Map((await t.ctx.db.select().from(teamMapEntries).where(eq(teamMapEntries.mapId, id))).map((e) => [e.fieldKey, e.text]));
  const actionsOf = (id: string) => t.ctx.db.select().from(teamMapActions).where(eq(teamMapActions.mapId, id));

  before(async () => {
    t = await createTestApp({}, { now: new Date('2026-03-18T15:00:00Z') });
    s = await seedSchool(t.ctx);
    const u = randomUUID().slice(0, 8);
    places = await placeStudents(t.ctx.db, s.tenantId, [`Aspen High ${u}`, `Birch Middle ${u}`], { a: [s.students[0].id], b: [] });
    const staff = async (name: string, role: StaffRole, schoolId: string | null) => {
      const p = await t.ctx.roster.upsertPerson(s.tenantId, { sub: `${name}-${u}`, name: `${name} ${u}` });
      await setStaffGrant(t.ctx.db, s.tenantId, p.id, { role, schoolId }, true);
      return p;
    };
    counsellorA = await staff('Cara-Aspen', 'counsellor', places.a);
    leaderA = await staff('Lee-Aspen', 'school_leader', places.a);
    counsellorB = await staff('Bea-Birch', 'counsellor', places.b);
    districtLeader = await staff('Dana-District', 'district_leader', null);
    const as = async (p: Person, role: ToolRole = 'advisor', contextId: string | null = null) => asUser(t.app, await ltikFor(t.ctx, p, role, contextId));
    cara = await as(counsellorA);
    lee = await as(leaderA);
    bea = await as(counsellorB);
    dana = await as(districtLeader, 'guest');
    admin = await as(s.admin, 'admin', s.advisoryId);
    student = await as(s.students[0], 'student', s.advisoryId);
  });

  it('starts a school map from the convening example: every field pre-filled, by its creator, each a first revision', async () => {
    const list = decoded((await cara.get(`/schools/${places.a}/maps`).expect(200)).text);
    expect(list).to.contain(text('teamMaps.index.startExample')).and.to.contain('name="_once"');
    const created = await cara.post(`/schools/${places.a}/maps`, { title: 'Support system 2026', start: 'example', _once: randomUUID() }).expect(303);
    mapId = idFrom(created.headers.location!);
    const page = decoded((await cara.get(mapUrl(mapId)).expect(200)).text);
    expect(page).to.contain('Support system 2026').and.to.contain(example.fields['need-students']!).and.to.contain(example.fields.strategies!);
    const entries = await entriesOf(mapId);
    expect([...entries.keys()].sort()).to.deep.equal([...mapFieldKeys].sort());
    const revisions = await t.ctx.db.select().from(teamMapRevisions).where(eq(teamMapRevisions.mapId, mapId));
    expect(revisions).to.have.length(mapFieldKeys.length);
    expect(revisions.every((r) => r.authorId === counsellorA.id && r.oldText === '')).to.equal(true);
    // The example exists in Spanish too, in its own words.
    expect(loadMapExamples(locales).es!.fields['need-students']).to.not.equal(example.fields['need-students']);
  });

  it('a blank map starts with no words, and a map without a name is refused with the error summary, nothing written', async () => {
    const before = (await t.ctx.db.select().from(teamMaps).where(eq(teamMaps.tenantId, s.tenantId))).length;
    const refused = decoded((await cara.post(`/schools/${places.a}/maps`, { title: ' ', start: 'blank', _once: randomUUID() }).expect(400)).text);
    expect(refused).to.match(/class="error-summary"[\s\S]*href="#map-title"/).and.to.contain(text('teamMaps.errors.titleEmpty'));
    expect((await t.ctx.db.select().from(teamMaps).where(eq(teamMaps.tenantId, s.tenantId))).length).to.equal(before);
    const blank = idFrom((await cara.post(`/schools/${places.a}/maps`, { title: 'Blank one', start: 'blank', _once: randomUUID() }).expect(303)).headers.location!);
    expect((await entriesOf(blank)).size).to.equal(0);
  });

  it('a save over someone else\'s newer words of the same field is a conflict that shows their words and keeps them', async () => {
    const caraLoaded = versionsOf((await cara.get(mapUrl(mapId)).expect(200)).text);
    const leeLoaded = versionsOf((await lee.get(mapUrl(mapId)).expect(200)).text);
    expect(caraLoaded['need-students']).to.equal(1);
    await save(cara, mapId, 'needs', { 'need-students': ['Cara: ninth graders new to the building', caraLoaded['need-students']!] }).expect(303);
    const res = await save(lee, mapId, 'needs', { 'need-students': ['Lee: students missing more than a day a week', leeLoaded['need-students']!] }).expect(409);
    const page = decoded(res.text);
    expect(page).to.contain('Cara: ninth graders new to the building').and.to.contain('Lee: students missing more than a day a week');
    expect(page).to.match(/class="error-summary"[\s\S]*href="#text-need-students"/);
    expect((await entriesOf(mapId)).get('need-students')).to.equal('Cara: ninth graders new to the building');
    // Saving again from the conflict page (it carries the version now saved) is a deliberate overwrite.
    expect(versionsOf(page)['need-students']).to.equal(2);
    await save(lee, mapId, 'needs', { 'need-students': ['Lee: merged words', 2] }).expect(303);
    expect((await entriesOf(mapId)).get('need-students')).to.equal('Lee: merged words');
  });

  it('concurrent saves of different fields, from pages loaded before either, all land', async () => {
    const v = versionsOf((await cara.get(mapUrl(mapId)).expect(200)).text);
    const results = await Promise.all([
      save(cara, mapId, 'strengths', { strengths: ['Cara: strong advisory programme', v.strengths!] }),
      save(lee, mapId, 'challenges', { challenges: ['Lee: too few counsellors', v.challenges!] }),
      save(cara, mapId, 'solutions', { 'solution-data': ['Cara: weekly attendance review', v['solution-data']!] }),
      save(lee, mapId, 'solutions', { 'solution-mindsets': ['Lee: student voice in advisory', v['solution-mindsets']!] }),
    ]);
    expect(results.map((r) => r.status)).to.deep.equal([303, 303, 303, 303]);
    const entries = await entriesOf(mapId);
    expect(entries.get('strengths')).to.equal('Cara: strong advisory programme');
    expect(entries.get('challenges')).to.equal('Lee: too few counsellors');
    expect(entries.get('solution-data')).to.equal('Cara: weekly attendance review');
    expect(entries.get('solution-mindsets')).to.equal('Lee: student voice in advisory');
    const history = decoded((await lee.get(`${mapUrl(mapId)}/history`).expect(200)).text);
    // Each change is in the history, by its author, as a word diff against the example's words it replaced.
    expect(history).to.contain(text('teamMaps.fields.challenges.label')).and.to.contain('Lee-Aspen').and.to.match(/<ins>[^<]*counsellors[^<]*<\/ins>/);
    const revs = await t.ctx.db.select().from(teamMapRevisions).where(and(eq(teamMapRevisions.mapId, mapId), eq(teamMapRevisions.fieldKey, 'challenges')));
    expect(revs.map((r) => [r.oldText, r.newText, r.authorId])).to.deep.include([example.fields.challenges, 'Lee: too few counsellors', leaderA.id]);
  });

  it('a field of another section, or a section that does not exist, is refused (400) and nothing is written', async () => {
    const before = await entriesOf(mapId);
    await save(cara, mapId, 'needs', { strengths: ['sneaked in', 5] }).expect(400);
    await save(cara, mapId, 'nope', { strengths: ['sneaked in', 5] }).expect(400);
    expect(await entriesOf(mapId)).to.deep.equal(before);
  });

  it('actions: added once however often the form is resubmitted, edited, guarded against stale pages, completed', async () => {
    const once = randomUUID();
    const form = { title: 'Weekly attendance huddle', owner: counsellorA.id, due: '2026-04-01', status: 'not_started', _once: once };
    const first = await cara.post(`${mapUrl(mapId)}/actions`, form).expect(303);
    const again = await cara.post(`${mapUrl(mapId)}/actions`, form).expect(303);
    expect(again.headers.location).to.equal(first.headers.location);
    let rows = await actionsOf(mapId);
    expect(rows).to.have.length(1);
    const action = rows[0]!;
    expect(action).to.include({ title: 'Weekly attendance huddle', ownerId: counsellorA.id, dueOn: '2026-04-01', status: 'not_started', version: 1 });

    const page = decoded((await lee.get(mapUrl(mapId)).expect(200)).text);
    expect(page).to.contain('Weekly attendance huddle').and.to.contain(`Cara-Aspen`).and.to.contain(text('teamMaps.actions.status.not_started'));

    await lee.post(`${mapUrl(mapId)}/actions/${action.id}`, { title: 'Weekly attendance huddle (Mondays)', owner: leaderA.id, due: '2026-04-08', status: 'in_progress', version: '1' }).expect(303);
    // Cara's page still said version 1: her edit would overwrite Lee's, so it is refused and nothing changes.
    const stale = decoded((await cara.post(`${mapUrl(mapId)}/actions/${action.id}`, { title: 'Something else', owner: counsellorA.id, due: '', status: 'not_started', version: '1' }).expect(409)).text);
    expect(stale).to.contain(text('teamMaps.actions.stale'));
    rows = await actionsOf(mapId);
    expect(rows[0]).to.include({ title: 'Weekly attendance huddle (Mondays)', ownerId: leaderA.id, dueOn: '2026-04-08', status: 'in_progress', version: 2 });

    await cara.post(`${mapUrl(mapId)}/actions/${action.id}/complete`, { version: '2' }).expect(303);
    expect((await actionsOf(mapId))[0]).to.include({ status: 'done', version: 3 });
  });

  it('an action owner must be staff of the map\'s school: another school\'s counsellor is refused (400, error summary), nothing written', async () => {
    const before = (await actionsOf(mapId)).length;
    const refused = decoded((await cara.post(`${mapUrl(mapId)}/actions`, { title: 'Borrow Bea', owner: counsellorB.id, due: '', status: 'not_started', _once: randomUUID() }).expect(400)).text);
    expect(refused).to.match(/class="error-summary"[\s\S]*href="#new-action-owner"/).and.to.contain(text('teamMaps.errors.owner'));
    const badDay = decoded((await cara.post(`${mapUrl(mapId)}/actions`, { title: 'Bad day', owner: counsellorA.id, due: '2026-02-31', status: 'not_started', _once: randomUUID() }).expect(400)).text);
    expect(badDay).to.match(/class="error-summary"[\s\S]*href="#new-action-due"/);
    expect((await actionsOf(mapId)).length).to.equal(before);
    // Bea does not appear among the owners offered.
    expect(decoded((await cara.get(mapUrl(mapId)).expect(200)).text)).to.not.contain('Bea-Birch');
  });

  it('the print page is a document of its own with every section and the actions', async () => {
    const res = await cara.get(`${mapUrl(mapId)}/print`).expect(200);
    const page = decoded(res.text);
    expect(page).to.contain('data-print-on-load').and.to.contain('map-print').and.to.contain('Weekly attendance huddle (Mondays)');
    for (const key of ['needs', 'success', 'solutions', 'strengths', 'challenges', 'actions']) expect(page).to.contain(`id="p-${key}"`);
  });

  it('a counsellor of school B, a student and another tenant cannot read school A\'s map, nor write to it; an admin reads without forms', async () => {
    for (const who of [bea, student]) {
      for (const path of [mapUrl(mapId), `${mapUrl(mapId)}/history`, `${mapUrl(mapId)}/print`, `/schools/${places.a}/maps`]) {
        const res = await who.get(path);
        expect(res.status, path).to.be.oneOf([403, 404]);
        expect(res.text, path).to.not.contain('Support system 2026').and.to.not.contain('Lee: merged words');
      }
    }
    const before = await entriesOf(mapId);
    expect((await save(bea, mapId, 'needs', { 'need-students': ['Bea was here', 3] })).status).to.be.oneOf([403, 404]);
    expect((await bea.post(`${mapUrl(mapId)}/actions`, { title: 'x', owner: counsellorB.id, status: 'not_started', _once: randomUUID() })).status).to.be.oneOf([403, 404]);
    expect(await entriesOf(mapId)).to.deep.equal(before);
    const other = asUser(t.app, await ltikFor(t.ctx, s.other.advisor, 'admin', s.other.contextId));
    expect((await other.get(mapUrl(mapId))).status).to.equal(404);

    const adminPage = decoded((await admin.get(mapUrl(mapId)).expect(200)).text);
    expect(adminPage).to.contain('Lee: merged words').and.to.not.contain(`action="/maps/${mapId}/fields`);
    expect((await save(admin, mapId, 'needs', { 'need-students': ['admin words', 3] })).status).to.equal(403);
    // Denials are audited under the policy's name.
    const denied = await t.ctx.db.select().from(auditEvents).where(and(eq(auditEvents.tenantId, s.tenantId), eq(auditEvents.action, 'denied'), eq(auditEvents.entity, 'teamMap')));
    expect(denied.length).to.be.greaterThan(0);
  });

  it('the district team\'s maps are the district leaders\'; a school counsellor is refused', async () => {
    await dana.get('/district/maps').expect(200);
    const id = idFrom((await dana.post('/district/maps', { title: 'District map', start: 'blank', _once: randomUUID() }).expect(303)).headers.location!);
    await dana.get(mapUrl(id)).expect(200);
    expect((await cara.get('/district/maps')).status).to.equal(403);
    expect((await cara.get(mapUrl(id))).status).to.equal(403);
  });

  it('reads and writes are audited', async () => {
    const rows = await t.ctx.db.select().from(auditEvents).where(eq(auditEvents.tenantId, s.tenantId));
    const seen = new Set(rows.map((r) => `${r.action}:${r.entity}`));
    for (const e of ['create:team_map', 'read:team_map', 'update:team_map', 'read:team_map_history', 'create:team_map_action', 'update:team_map_action']) expect(seen, e).to.include(e);
  });

  it('speaks Spanish to a team member launched in Spanish: the example in Spanish, every section and field named in Spanish', async () => {
    const es = asUser(t.app, await t.ctx.ltiks.issue({ tid: s.tenantId, pid: leaderA.id, cid: null, role: 'advisor', loc: 'es' }));
    const id = idFrom((await es.post(`/schools/${places.a}/maps`, { title: 'Mapa 2026', start: 'example', _once: randomUUID() }).expect(303)).headers.location!);
    const page = decoded((await es.get(mapUrl(id)).expect(200)).text);
    const spanish = loadMapExamples(locales).es!;
    expect(page).to.contain(spanish.fields['need-students']!).and.to.not.contain(example.fields['need-students']!);
    for (const key of ['needs', 'success', 'solutions', 'strengths', 'challenges', 'actions']) expect(page).to.contain(text(`teamMaps.sections.${key}.title`, {}, 'es'));
    for (const key of mapFieldKeys) expect(page).to.contain(text(`teamMaps.fields.${key}.label`, {}, 'es'));
    expect(page).to.not.contain(text('teamMaps.sections.needs.title')).and.to.not.contain(text('teamMaps.actions.title'));
  });

  it('is reachable by links: the school view, the leader home and the district view', async () => {
    expect((await cara.get(`/schools/${places.a}`).expect(200)).text).to.contain(`/schools/${places.a}/maps?`);
    expect((await dana.get('/schools').expect(200)).text).to.contain(`/schools/${places.a}/maps?`).and.to.contain('/district/maps?');
    expect((await dana.get('/district').expect(200)).text).to.contain('/district/maps?');
  });
});
