import { expect } from 'chai';
import request from 'supertest';
import { startTool, type RunningTool } from '../../support/tool-server.js';
import { startSimulator, connectTool } from '../../support/simulator.js';
import { LtiAgent } from '../../support/lti-agent.js';
import { scopes } from '../../../src/lti/services/scopes.js';
import { createScoresService, type ScoresService } from '../../../src/scores/scores.service.js';

const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/membership#';

for (const profile of ['canvas', 'schoology'] as const) {
  describe(`AGS scores through the ${profile} simulator`, () => {
    let tool: RunningTool;
    let sim: Awaited<ReturnType<typeof startSimulator>>;
    let clientId: string;
    let tenantId: string;
    let scores: ScoresService;

    before(async () => {
      tool = await startTool();
      sim = await startSimulator(profile);
      const conn = await connectTool(sim.sim, { baseUrl: tool.baseUrl, platforms: tool.t.ctx.platforms }, { family: profile });
      clientId = conn.clientId;
      tenantId = conn.tenant.id;
      sim.sim.addCourse({ id: 'adv', label: 'ADV', title: 'Advisory', custom: { advisory: 'true' } });
      sim.sim.addUser({ sub: 'teacher', name: 'Tess Teacher' });
      sim.sim.enroll('adv', 'teacher', [`${LIS}Instructor`]);
      for (const s of ['s1', 's2', 's3']) {
        sim.sim.addUser({ sub: s, name: `Student ${s}` });
        sim.sim.enroll('adv', s, [`${LIS}Learner`]);
      }
      const ctx = tool.t.ctx;
      // Completion as the plans team will provide it: here s1 40%, s2 100%, s3 unknown.
      scores = createScoresService({
        db: ctx.db,
        clock: tool.t.clock,
        logger: ctx.logger,
        services: ctx.ltiServices,
        findTenant: (id) => ctx.platforms.find(id),
        roster: ctx.roster,
        audit: ctx.audit,
        jobs: ctx.jobs,
        debounceMs: 0,
        intervalMs: 60_000,
        completionOf: async (tid, ids) => {
          const people = await Promise.all(ids.map((id) => ctx.roster.findPerson(tid, id)));
          const bySub: Record<string, number> = { s1: 40, s2: 100 };
          return new Map(people.filter((p) => p && p.sub in bySub).map((p) => [p!.id, bySub[p!.sub]!]));
        },
      });
      // An ordinary LMS assignment would be invisible to the tool; the launch records the AGS endpoint.
      const res = await new LtiAgent().launch(sim.sim.launchUrl({ clientId, userSub: 'teacher', courseId: 'adv' }));
      expect(res.status).to.equal(200);
      await ctx.rosterSync.idle();
    });
    after(async () => {
      await tool?.close();
      await sim?.close();
    });

    it('turning publishing on creates the tool line item once and posts scores the LMS shows', async () => {
      const [summary] = await scores.setPublishing(tenantId, true, null);
      expect(summary).to.include({ posted: 2, skipped: 1, error: null });
      await scores.publishAll(tenantId);
      const mine = sim.sim.lineItems.filter((i) => i.courseId === 'adv' && i.clientId === clientId);
      expect(mine).to.have.length(1);
      expect(mine[0]).to.include({ label: 'Success plan', scoreMaximum: 100, resourceId: 'success-plan', tag: 'success-plan' });
      const posted = sim.sim.scores.filter((s) => s.courseId === 'adv').map((s) => s.score);
      expect(posted.filter((s) => s.userId === 's1')[0]).to.include({ scoreGiven: 40, scoreMaximum: 100, gradingProgress: 'FullyGraded', activityProgress: 'InProgress' });
      expect(posted.filter((s) => s.userId === 's2')[0]).to.include({ scoreGiven: 100, activityProgress: 'Completed' });
      expect(posted.some((s) => s.userId === 's3')).to.equal(false);
    });

    it('reads the results of the line items the platform exposes, and records what AGS shows', async () => {
      await scores.inspectAll(tenantId);
      const row = (await scores.overview(tenantId)).find((r) => r.context.contextId === 'adv')!;
      expect(row.ags!.lastErrorKind).to.equal(null);
      const item = row.ags!.lineItems.find((i) => i.tag === 'success-plan')!;
      expect(item.results).to.equal(2);
      expect(row.ags!.scopes).to.include(scopes.score);
    });

    it('an ordinary LMS assignment stays invisible; only the tool line item is listed', async () => {
      sim.sim.addForeignLineItem('adv', { label: 'Essay 1', scoreMaximum: 10 });
      await scores.inspectAll(tenantId);
      const row = (await scores.overview(tenantId)).find((r) => r.context.contextId === 'adv')!;
      expect(row.ags!.lineItems.map((i) => i.label)).to.deep.equal(['Success plan']);
    });

    it('/admin/scores: a line item whose results call fails shows as unknown with the reason; the others still show', async () => {
      const ctx = tool.t.ctx;
      sim.sim.addForeignLineItem('adv', { label: 'Reading log', scoreMaximum: 10, clientId });
      const planItem = sim.sim.lineItems.find((i) => i.courseId === 'adv' && i.tag === 'success-plan')!;
      // The LMS fails on this one item's results, through every retry.
      sim.sim.injectFault({ service: 'ags', status: 500, times: 4, pathIncludes: `/${planItem.id}/results` });
      await scores.inspectAll(tenantId);
      sim.sim.clearFaults();
      const admin = await ctx.roster.upsertPerson(tenantId, { sub: 'admin-sim', name: 'Admin' });
      const ltik = await ctx.ltiks.issue({ tid: tenantId, pid: admin.id, cid: null, role: 'admin' });
      const page = await request(tool.t.app).get('/admin/scores').query({ ltik }).expect(200);
      expect(page.text).to.match(/Reading log<\/span>[^<]*\(0 results\)/);
      expect(page.text).to.match(/<span translate="no">Success plan<\/span> <span class="badge">success-plan<\/span> <span class="muted">\(results unknown: LMS error\)<\/span>/);
      const row = (await scores.overview(tenantId)).find((r) => r.context.contextId === 'adv')!;
      expect(row.ags!.lastErrorKind).to.equal(null);
      expect(row.lineItems.find((i) => i.label === 'Success plan')).to.include({ results: null, problem: 'unavailable', unknownReason: 'LMS error' });
      // Not granted reads as such.
      sim.sim.injectFault({ service: 'ags', status: 403, times: 1, pathIncludes: `/${planItem.id}/results` });
      await scores.inspectAll(tenantId);
      const again = await request(tool.t.app).get('/admin/scores').query({ ltik }).expect(200);
      expect(again.text).to.contain('(results unknown: not granted)');
      expect(again.text).to.match(/Reading log<\/span>[^<]*\(0 results\)/);
    });

    it('reuses one token, refreshes once after a 401', async () => {
      const okTokens = () => sim.sim.tokenRequests.filter((r) => r.ok).length;
      const before = okTokens();
      await scores.publishAll(tenantId);
      await scores.inspectAll(tenantId);
      expect(okTokens()).to.equal(before);
      sim.sim.revokeTokens();
      const [summary] = await scores.publishAll(tenantId);
      expect(summary!.error).to.equal(null);
      expect(okTokens()).to.equal(before + 1);
    });

    it('429/500 are retried; a 403 is recorded per context as not granted', async () => {
      sim.sim.injectFault({ service: 'ags', status: 500, times: 1 });
      sim.sim.injectFault({ service: 'ags', status: 429, times: 1, retryAfterSeconds: 0 });
      const [ok] = await scores.publishAll(tenantId);
      expect(ok!.error).to.equal(null);
      sim.sim.injectFault({ service: 'ags', status: 403, times: 1 });
      const [refused] = await scores.publishAll(tenantId);
      expect(refused!.error).to.match(/^not_granted/);
      const row = (await scores.overview(tenantId)).find((r) => r.context.contextId === 'adv')!;
      expect(row.ags!.lastErrorKind).to.equal('not_granted');
    });

    it('5xx that does not stop is recorded as unavailable after the retries', async () => {
      sim.sim.injectFault({ service: 'ags', status: 503, times: 10 });
      const [failed] = await scores.publishAll(tenantId);
      sim.sim.clearFaults();
      expect(failed!.error).to.match(/^unavailable: .* after 4 attempts/);
      const row = (await scores.overview(tenantId)).find((r) => r.context.contextId === 'adv')!;
      expect(row.ags!.lastErrorKind).to.equal('unavailable');
    });
  });
}
