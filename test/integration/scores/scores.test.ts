import { expect } from 'chai';
import request from 'supertest';
import { createTestApp, type TestApp } from '../../support/app.js';
import { fakeServiceTenant } from '../../support/service-tenant.js';
import type { FakePlatform } from '../../support/fake-platform.js';
import type { Tenant } from '../../../src/platforms/platforms.service.js';
import { createScoresService, SUCCESS_PLAN_ITEM, type CompletionOf, type ScoresService } from '../../../src/scores/scores.service.js';
import { AGS_MEDIA } from '../../../src/lti/services/ags.js';
import { scopes } from '../../../src/lti/services/scopes.js';

const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/membership#';

/** What the browser does with a 303: the in-tool URL it names (the ltik rides in its query). */
const followInTool = (app: Parameters<typeof request>[0]) => (location: string) => {
  const url = new URL(location, 'http://tool.test');
  return request(app).get(url.pathname).query(Object.fromEntries(url.searchParams)).expect(200);
};

describe('AGS scores against a fake platform', () => {
  let t: TestApp;
  let tenant: Tenant;
  let fp: FakePlatform;
  let contextId: string;
  let scores: ScoresService;
  let adminLtik: string;
  let studentLtik: string;
  const completion = new Map<string, number>();
  const completionOf: CompletionOf = async (_tenant, ids) => new Map(ids.filter((id) => completion.has(id)).map((id) => [id, completion.get(id)!]));

  before(async () => {
    t = await createTestApp();
    ({ tenant, fp } = await fakeServiceTenant(t));
    // The app's own service with a test completion function (the real one comes from the plans team).
    scores = createScoresService({ db: t.ctx.db, clock: t.clock, logger: t.ctx.logger, services: t.ctx.ltiServices, findTenant: (id) => t.ctx.platforms.find(id), roster: t.ctx.roster, audit: t.ctx.audit, completionOf, jobs: t.ctx.jobs, debounceMs: 0, intervalMs: 60_000 });
    const ctx = await t.ctx.roster.upsertContext(tenant.id, {
      contextId: 'adv',
      title: 'Advisory 9B',
      placementKind: 'advisory',
      lineItemsUrl: fp.lineItemsUrl('adv'),
      agsScopes: [scopes.lineItem, scopes.lineItemReadonly, scopes.resultReadonly, scopes.score],
    });
    contextId = ctx.id;
    for (const [sub, role, roles] of [
      ['st-1', 'student', [`${LIS}Learner`]],
      ['st-2', 'student', [`${LIS}Learner`]],
      ['st-3', 'student', [`${LIS}Learner`]],
      ['teach', 'advisor', [`${LIS}Instructor`]],
    ] as const) {
      const p = await t.ctx.roster.upsertPerson(tenant.id, { sub, name: sub });
      await t.ctx.roster.upsertMembership(tenant.id, { contextId, personId: p.id, roles: [...roles], role });
      if (sub === 'st-1') completion.set(p.id, 40);
      if (sub === 'st-2') completion.set(p.id, 100);
      if (sub === 'st-1') studentLtik = await t.ctx.ltiks.issue({ tid: tenant.id, pid: p.id, cid: contextId, role: 'student' });
    }
    const admin = await t.ctx.roster.upsertPerson(tenant.id, { sub: 'admin-1', name: 'Admin' });
    adminLtik = await t.ctx.ltiks.issue({ tid: tenant.id, pid: admin.id, cid: null, role: 'admin' });
  });
  after(() => fp.close());

  it('publishing is off by default: nothing is created or posted', async () => {
    expect(await scores.publishEnabled(tenant.id)).to.equal(false);
    expect(await scores.publishAll(tenant.id)).to.deep.equal([]);
    expect(fp.lineItems.get('adv') ?? []).to.have.length(0);
  });

  it('turning it on creates the tool line item once and posts each known completion', async () => {
    const [summary] = await scores.setPublishing(tenant.id, true, null);
    expect(summary).to.include({ contextId, posted: 2, skipped: 1, error: null });
    const items = fp.lineItems.get('adv')!;
    expect(items).to.have.length(1);
    expect(items[0]).to.include({ label: 'Success plan', scoreMaximum: 100, resourceId: 'success-plan', tag: 'success-plan' });
    const create = fp.requests.find((r) => r.method === 'POST' && r.path === '/ags/adv/lineitems')!;
    expect(create.headers['content-type']).to.contain(AGS_MEDIA.lineItem);
    const posted = fp.scores.map((s) => s.body);
    expect(posted.map((p) => p.userId).sort()).to.deep.equal(['st-1', 'st-2']);
    const s1 = posted.find((p) => p.userId === 'st-1')!;
    expect(s1).to.include({ scoreGiven: 40, scoreMaximum: 100, activityProgress: 'InProgress', gradingProgress: 'FullyGraded' });
    expect(String(s1.timestamp)).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(posted.find((p) => p.userId === 'st-2')).to.include({ activityProgress: 'Completed' });
    const scoreReq = fp.requests.find((r) => r.path.endsWith('/scores'))!;
    expect(scoreReq.headers['content-type']).to.contain(AGS_MEDIA.score);

    // Again: the line item is found by tag, not duplicated.
    await scores.publishAll(tenant.id);
    expect(fp.lineItems.get('adv')).to.have.length(1);
    const list = fp.requests.filter((r) => r.method === 'GET' && r.path === '/ags/adv/lineitems');
    expect(list.at(-1)!.query).to.include({ tag: SUCCESS_PLAN_ITEM.tag, resource_id: SUCCESS_PLAN_ITEM.resourceId });
    expect(list.at(-1)!.headers.accept).to.equal(AGS_MEDIA.lineItemContainer);
  });

  it('reads the results of the line items AGS exposes and records them', async () => {
    await scores.inspectAll(tenant.id);
    const row = (await scores.overview(tenant.id)).find((r) => r.context.id === contextId)!;
    expect(row.ags!.lineItems).to.have.length(1);
    expect(row.ags!.lineItems[0]).to.include({ label: 'Success plan', tag: 'success-plan', results: 2 });
    expect(row.ags!.scopes).to.include(scopes.score);
    expect(row.ags!.lastErrorKind).to.equal(null);
    expect(fp.requests.find((r) => r.path.endsWith('/results'))!.headers.accept).to.equal(AGS_MEDIA.resultContainer);
  });

  it('a 403 from AGS is recorded as not granted and shown to the admin', async () => {
    fp.forbidden.add('/ags/adv/lineitems');
    const [summary] = await scores.publishAll(tenant.id);
    fp.forbidden.clear();
    expect(summary!.error).to.match(/^not_granted/);
    const res = await request(t.app).get('/admin/scores').query({ ltik: adminLtik }).expect(200);
    expect(res.text).to.contain('Advisory 9B');
    expect(res.text).to.contain('not_granted');
  });

  it('a 404 is recorded as not found; a later success clears it', async () => {
    fp.missing.add('/ags/adv/lineitems');
    await scores.inspectAll(tenant.id);
    fp.missing.clear();
    let row = (await scores.overview(tenant.id)).find((r) => r.context.id === contextId)!;
    expect(row.ags!.lastErrorKind).to.equal('not_found');
    await scores.inspectAll(tenant.id);
    row = (await scores.overview(tenant.id)).find((r) => r.context.id === contextId)!;
    expect(row.ags!.lastErrorKind).to.equal(null);
  });

  it('/admin/scores: admins see and change the setting; students are refused', async () => {
    await request(t.app).get('/admin/scores').query({ ltik: studentLtik }).set('Accept', 'text/html').expect(403);
    await request(t.app).post('/admin/scores/settings').type('form').send({ ltik: studentLtik, publish: 'off' }).expect(403);
    await request(t.app).get('/admin/scores').expect(401);
    await request(t.app).post('/admin/scores/settings').type('form').send({ ltik: adminLtik, publish: 'maybe' }).expect(400);
    const off = await request(t.app).post('/admin/scores/settings').type('form').send({ ltik: adminLtik, publish: 'off' }).expect(303);
    expect((await followInTool(t.app)(off.headers.location!)).text).to.contain('Publishing is off');
    expect(await t.ctx.scores.publishEnabled(tenant.id)).to.equal(false);
    const page = await request(t.app).get('/admin/scores').query({ ltik: adminLtik }).expect(200);
    expect(page.text).to.match(/value="off" checked/);
    expect(page.text).to.contain('<span class="badge">success-plan</span>');
  });

  it('the app as wired posts each advisory student\'s plan completion from the plans service', async () => {
    const before = fp.scores.length;
    const students = await t.ctx.roster.listMembers(tenant.id, contextId, { role: 'student', status: 'active' });
    expect(students.length).to.be.greaterThan(0);
    const completion = await t.ctx.plans.completionOf(tenant.id, students.map((m) => m.person.id));
    const on = await request(t.app).post('/admin/scores/settings').type('form').send({ ltik: adminLtik, publish: 'on' }).expect(303);
    expect((await followInTool(t.app)(on.headers.location!)).text).to.contain(`Posted ${students.length} score`);
    const posted = fp.scores.slice(before);
    expect(posted).to.have.length(students.length);
    for (const m of students) {
      const score = posted.find((p) => p.body.userId === m.person.sub);
      expect(score, m.person.sub).to.not.equal(undefined);
      expect(score!.body.scoreGiven).to.equal(completion.get(m.person.id));
      expect(score!.body.scoreMaximum).to.equal(100);
    }
    expect(fp.lineItems.get('adv')).to.have.length(1);
  });
});
