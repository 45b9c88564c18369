import { expect } from 'chai';
import { startTool, type RunningTool } from '../../support/tool-server.js';
import { startSimulator, connectTool } from '../../support/simulator.js';
import { LtiAgent } from '../../support/lti-agent.js';
import type { Context } from '../../../src/roster/roster.service.js';

const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/membership#';
const STUDENTS = 230;

for (const profile of ['canvas', 'schoology'] as const) {
  describe(`roster sync through the ${profile} simulator`, () => {
    let tool: RunningTool;
    let sim: Awaited<ReturnType<typeof startSimulator>>;
    let clientId: string;
    let tenantId: string;
    let context: Context;
    const pageSize = profile === 'canvas' ? 50 : 100;

    before(async () => {
      tool = await startTool();
      sim = await startSimulator(profile);
      const conn = await connectTool(sim.sim, { baseUrl: tool.baseUrl, platforms: tool.t.ctx.platforms }, { family: profile });
      clientId = conn.clientId;
      tenantId = conn.tenant.id;
      sim.sim.addCourse({ id: 'adv', label: 'ADV', title: 'Advisory' });
      sim.sim.addUser({ sub: 'teacher', name: 'Tess Teacher' });
      sim.sim.enroll('adv', 'teacher', [`${LIS}Instructor`]);
      for (let i = 0; i < STUDENTS; i++) {
        sim.sim.addUser({ sub: `s${i}`, name: `Student ${i}` });
        sim.sim.enroll('adv', `s${i}`, [`${LIS}Learner`]);
      }
    });
    after(async () => {
      await tool?.close();
      await sim?.close();
    });

    it(`a teacher's launch starts a sync that fetches every page (${pageSize} a page) and records the run`, async () => {
      const res = await new LtiAgent().launch(sim.sim.launchUrl({ clientId, userSub: 'teacher', courseId: 'adv' }));
      expect(res.status).to.equal(200);
      await tool.t.ctx.rosterSync.idle();
      const contexts = await tool.t.ctx.roster.listContexts(tenantId);
      context = contexts.find((c) => c.contextId === 'adv')!;
      expect(context.membershipsUrl).to.be.a('string');
      const [run] = await tool.t.ctx.rosterSync.listRuns(tenantId, context.id);
      expect(run).to.include({ trigger: 'launch', status: 'succeeded', pages: Math.ceil((STUDENTS + 1) / pageSize), members: STUDENTS + 1, error: null });
      const active = await tool.t.ctx.roster.listMembers(tenantId, context.id, { status: 'active' });
      expect(active).to.have.length(STUDENTS + 1);
      expect(active.filter((m) => m.membership.role === 'student')).to.have.length(STUDENTS);
      // One token for all the pages.
      expect(sim.sim.tokenRequests.filter((r) => r.ok)).to.have.length(1);
    });

    it('members who leave become inactive; their rows stay', async () => {
      for (let i = 0; i < 5; i++) sim.sim.unenroll('adv', `s${i}`);
      const summary = await tool.t.ctx.rosterSync.syncContext(tenantId, context.id, 'manual');
      expect(summary).to.include({ status: 'succeeded', added: 0, deactivated: 5 });
      const all = await tool.t.ctx.roster.listMembers(tenantId, context.id);
      expect(all).to.have.length(STUDENTS + 1);
      expect(all.filter((m) => m.membership.status === 'inactive').map((m) => m.person.sub).sort()).to.deep.equal(['s0', 's1', 's2', 's3', 's4']);
    });

    it('a 500 is retried; a 403 fails the run as not granted and changes nothing', async () => {
      sim.sim.injectFault({ service: 'nrps', status: 500, times: 1 });
      expect((await tool.t.ctx.rosterSync.syncContext(tenantId, context.id, 'manual')).status).to.equal('succeeded');
      sim.sim.unenroll('adv', 's10');
      sim.sim.injectFault({ service: 'nrps', status: 403, times: 1 });
      const refused = await tool.t.ctx.rosterSync.syncContext(tenantId, context.id, 'manual');
      expect(refused.status).to.equal('failed');
      expect(refused.error).to.match(/^not_granted/);
      const [run] = await tool.t.ctx.rosterSync.listRuns(tenantId, context.id, 1);
      expect(run!.error).to.match(/^not_granted/);
      const s10 = (await tool.t.ctx.roster.listMembers(tenantId, context.id)).find((m) => m.person.sub === 's10')!;
      expect(s10.membership.status).to.equal('active');
      sim.sim.enroll('adv', 's10', [`${LIS}Learner`]);
    });

    it('concurrent syncs of one context: one runs, the other is skipped', async () => {
      // The LMS answers slowly, so the first sync still holds the context when the others ask for it
      // (a quick one could finish first and let a later call run: the test would then prove nothing).
      sim.sim.delay({ service: 'nrps', ms: 300, times: 1 });
      const results = await Promise.all([1, 2, 3].map(() => tool.t.ctx.rosterSync.syncContext(tenantId, context.id, 'manual')));
      expect(results.filter((r) => r.status === 'succeeded')).to.have.length(1);
      expect(results.filter((r) => r.status === 'skipped')).to.have.length(2);
    });
  });
}
