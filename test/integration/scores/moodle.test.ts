import { expect } from 'chai';
import { startTool, type RunningTool } from '../../support/tool-server.js';
import { startSimulator, connectTool, type RunningSimulator } from '../../support/simulator.js';
import { LtiAgent } from '../../support/lti-agent.js';

const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/membership#';
/** More than one page of the moodle family's NRPS and AGS page size (100). */
const STUDENTS = 120;
const EXTRA_ITEMS = 100;

describe('Moodle 4.4 (simulated): curly-quoted Link paging, and AGS results without limit', () => {
  let tool: RunningTool;
  let sim: RunningSimulator;
  let clientId: string;
  let tenantId: string;

  before(async function () {
    this.timeout(120_000);
    tool = await startTool();
    sim = await startSimulator('moodle');
    const conn = await connectTool(sim.sim, { baseUrl: tool.baseUrl, platforms: tool.t.ctx.platforms }, { family: 'moodle' });
    clientId = conn.clientId;
    tenantId = conn.tenant.id;
    sim.sim.addCourse({ id: '7', label: 'ADV', title: 'Advisory (Moodle)', custom: { advisory: 'true' } });
    sim.sim.addUser({ sub: 'teacher', name: 'Tess Teacher' });
    sim.sim.enroll('7', 'teacher', [`${LIS}Instructor`]);
    for (let i = 0; i < STUDENTS; i++) {
      sim.sim.addUser({ sub: `s${i}`, name: `Student ${i}` });
      sim.sim.enroll('7', `s${i}`, [`${LIS}Learner`]);
    }
    const res = await new LtiAgent().launch(sim.sim.launchUrl({ clientId, userSub: 'teacher', courseId: '7' }));
    expect(res.status).to.equal(200);
    await tool.t.ctx.rosterSync.idle();
  });
  after(async () => {
    await tool?.close();
    await sim?.close();
  });

  it('the roster sync follows rel=“next” through every NRPS page', async () => {
    const context = (await tool.t.ctx.roster.listContexts(tenantId)).find((c) => c.contextId === '7')!;
    const [run] = await tool.t.ctx.rosterSync.listRuns(tenantId, context.id);
    expect(run).to.include({ status: 'succeeded', pages: 2, members: STUDENTS + 1 });
    expect(await tool.t.ctx.roster.listMembers(tenantId, context.id, { role: 'student', status: 'active' })).to.have.length(STUDENTS);
  });

  it('posts scores, then reads every line item (rel=“next” paging) and their results without sending limit', async () => {
    const [summary] = await tool.t.ctx.scores.setPublishing(tenantId, true, null);
    expect(summary).to.include({ posted: STUDENTS, error: null });
    const mine = sim.sim.lineItems.filter((i) => i.courseId === '7' && i.clientId === clientId);
    expect(mine).to.have.length(1);
    for (let i = 0; i < EXTRA_ITEMS; i++) sim.sim.addForeignLineItem('7', { label: `Quiz ${i}`, scoreMaximum: 10, clientId });

    await tool.t.ctx.scores.inspectAll(tenantId);
    const row = (await tool.t.ctx.scores.overview(tenantId)).find((r) => r.context.contextId === '7')!;
    expect(row.ags!.lastErrorKind).to.equal(null);
    expect(row.lineItems).to.have.length(EXTRA_ITEMS + 1);
    // Moodle answers 500 to results?limit= once the line item has results: the family sends none.
    expect(row.lineItems.find((i) => i.tag === 'success-plan')).to.include({ results: STUDENTS, unknownReason: null });
    expect(row.lineItems.filter((i) => i.unknownReason !== null)).to.have.length(0);
  });

  it('the simulated Moodle sends rel=“next” as UTF-8 and crashes on results?limit= when results exist (what the family avoids)', async () => {
    const item = sim.sim.lineItems.find((i) => i.courseId === '7' && i.tag === 'success-plan')!;
    const stored = (await tool.t.ctx.scores.overview(tenantId)).find((r) => r.context.contextId === '7')!.ags!;
    const url = new URL(stored.lineItemUrl!);
    expect(url.pathname).to.match(new RegExp(`/mod/lti/services.php/7/lineitems/${item.id}/lineitem$`));
    expect(url.searchParams.get('type_id')).to.be.a('string');
    const tenant = (await tool.t.ctx.platforms.find(tenantId))!;
    const token = await tool.t.ctx.ltiServices.tokens.get(tenant, ['https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly']);
    const results = new URL(url);
    results.pathname += '/results';
    const ok = await fetch(results, { headers: { Authorization: `Bearer ${token.value}` } });
    expect(ok.status).to.equal(200);
    results.searchParams.set('limit', '100');
    const crash = await fetch(results, { headers: { Authorization: `Bearer ${token.value}` } });
    expect(crash.status).to.equal(500);
    const context = (await tool.t.ctx.roster.listContexts(tenantId)).find((c) => c.contextId === '7')!;
    const nrpsToken = await tool.t.ctx.ltiServices.tokens.get(tenant, ['https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly']);
    const members = await fetch(`${context.membershipsUrl}?limit=100`, { headers: { Authorization: `Bearer ${nrpsToken.value}` } });
    // fetch reads header bytes as Latin-1: the UTF-8 of “ is â, 0x80, 0x9C.
    expect(Buffer.from(members.headers.get('link')!, 'latin1').toString('utf8')).to.match(/rel=\u201Cnext\u201D/);
  });
});
