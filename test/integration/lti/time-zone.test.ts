import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { startTool, type RunningTool } from '../../support/tool-server.js';
import { startSimulator, connectTool } from '../../support/simulator.js';
import { LtiAgent } from '../../support/lti-agent.js';
import type { Simulator } from '../../../src/sandbox/simulator/index.js';

const instructor = 'http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor';

/** Canvas fills the tool's `timezone` custom field from $Person.address.timezone: the first real zone becomes the school's. */
describe('the school\'s time zone from a Canvas launch', () => {
  let tool: RunningTool;
  let sim: Simulator;
  let close: () => Promise<void>;
  let tenantId: string;
  let clientId: string;
  const courseId = `course-${randomUUID()}`;

  before(async () => {
    tool = await startTool();
    const running = await startSimulator('canvas');
    sim = running.sim;
    close = running.close;
    // The custom fields an admin pastes with the tool's Canvas configuration.
    const key = (await (await fetch(`${tool.baseUrl}/lti/canvas.json`)).json()) as { custom_fields: Record<string, string> };
    expect(key.custom_fields).to.deep.equal({ timezone: '$Person.address.timezone', canvas_user_id: '$Canvas.user.id', sis_id: '$Canvas.user.sisSourceId' });
    const connection = await connectTool(sim, { baseUrl: tool.baseUrl, platforms: tool.t.ctx.platforms }, { name: 'Canvas with zones', customParameters: key.custom_fields });
    tenantId = connection.tenant.id;
    clientId = connection.clientId;
    sim.addCourse({ id: courseId, label: 'ADV', title: 'Advisory', custom: { advisory: 'true' } });
    for (const [sub, timeZone] of [['no-zone', undefined], ['martian', 'Mars/Olympus_Mons'], ['angeleno', 'America/Los_Angeles'], ['parisian', 'Europe/Paris']] as const) {
      sim.addUser({ sub, name: `Teacher ${sub}`, timeZone });
      sim.enroll(courseId, sub, [instructor]);
    }
  });
  after(async () => {
    await close();
    await tool.close();
  });

  const launchAs = async (sub: string) => {
    const res = await new LtiAgent({}).launch(sim.launchUrl({ clientId, userSub: sub, courseId }));
    expect(res.status, res.body).to.equal(200);
  };
  const zone = async () => (await tool.t.ctx.platforms.find(tenantId))!.timeZone;

  it('a variable Canvas could not fill, or a name that is no zone, is ignored', async () => {
    await launchAs('no-zone'); // Canvas sends the literal "$Person.address.timezone"
    expect(await zone()).to.equal(null);
    await launchAs('martian');
    expect(await zone()).to.equal(null);
  });

  it('the first valid zone is kept, and a later launch from elsewhere does not change it', async () => {
    await launchAs('angeleno');
    expect(await zone()).to.equal('America/Los_Angeles');
    expect(await tool.t.ctx.platforms.timeZoneOf(tenantId)).to.equal('America/Los_Angeles');
    await launchAs('parisian');
    expect(await zone()).to.equal('America/Los_Angeles');
  });
});
