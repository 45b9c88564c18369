import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { startTool, type RunningTool } from '../../support/tool-server.js';
import { startSimulator, connectTool } from '../../support/simulator.js';
import { LtiAgent } from '../../support/lti-agent.js';
import { queryRows } from '../../../src/db/client.js';
import type { Simulator } from '../../../src/sandbox/simulator/index.js';

const learner = 'http://purl.imsglobal.org/vocab/lis/v2/membership#Learner';

/**
 * Issue 10, identity matching: Canvas fills $Canvas.user.id and $Canvas.user.sisSourceId into the tool's
 * custom fields; the launch keeps the SIS id on the person and links the Canvas user id, so the Canvas
 * REST connector's rows find the student by stable ids.
 */
describe('a Canvas launch records the stable ids the connectors match on', () => {
  let tool: RunningTool;
  let sim: Simulator;
  let close: () => Promise<void>;
  let tenantId: string;
  let clientId: string;
  const courseId = `course-${randomUUID()}`;

  before(async () => {
    tool = await startTool();
    ({ sim, close } = await startSimulator('canvas'));
    const key = (await (await fetch(`${tool.baseUrl}/lti/canvas.json`)).json()) as { custom_fields: Record<string, string> };
    const connection = await connectTool(sim, { baseUrl: tool.baseUrl, platforms: tool.t.ctx.platforms }, { name: 'Canvas with ids', customParameters: key.custom_fields });
    tenantId = connection.tenant.id;
    clientId = connection.clientId;
    sim.addCourse({ id: courseId, label: 'ADV', title: 'Advisory', custom: { advisory: 'true' } });
    sim.addUser({ sub: 'with-ids', name: 'Student With Ids', lmsUserId: '4471', sourcedId: 'SIS-4471' });
    sim.addUser({ sub: 'without', name: 'Student Without' });
    for (const sub of ['with-ids', 'without']) sim.enroll(courseId, sub, [learner]);
  });
  after(async () => {
    await close();
    await tool.close();
  });

  const launchAs = async (sub: string) => {
    const res = await new LtiAgent({}).launch(sim.launchUrl({ clientId, userSub: sub, courseId }));
    expect(res.status, res.body).to.equal(200);
  };
  const links = () => queryRows<{ source: string; external_id: string; sub: string; sis_id: string | null }>(tool.t.ctx.db, sql`
    select i.source, i.external_id, p.sub, p.sis_id from person_identities i join people p on p.tenant_id = i.tenant_id and p.id = i.person_id
    where i.tenant_id = ${tenantId} order by p.sub`);

  it('links the Canvas user id once, keeps the SIS id, and takes nothing from a variable Canvas could not fill', async () => {
    await launchAs('with-ids');
    await launchAs('with-ids');
    await launchAs('without');
    expect(await links()).to.deep.equal([{ source: 'canvas', external_id: '4471', sub: 'with-ids', sis_id: 'SIS-4471' }]);
    const [without] = await queryRows<{ sis_id: string | null }>(tool.t.ctx.db, sql`select sis_id from people where tenant_id = ${tenantId} and sub = 'without'`);
    expect(without!.sis_id).to.equal(null);
    const matched = await tool.t.ctx.identities.match(tenantId, 'canvas', [{ externalId: '4471' }]);
    expect(matched.size).to.equal(1);
  });
});
