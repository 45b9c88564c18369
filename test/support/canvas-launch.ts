import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { startTool, type RunningTool } from './tool-server.js';
import { startSimulator, connectTool } from './simulator.js';
import { LtiAgent } from './lti-agent.js';
import type { Simulator } from '../../src/sandbox/simulator/index.js';

export interface CanvasCourse {
  tool: RunningTool;
  sim: Simulator;
  tenantId: string;
  /** The custom fields an admin pasted with the tool's Canvas configuration (its canvas.json). */
  customFields: Record<string, string>;
  /** Launches the user into the course (200 expected). */
  launchAs(sub: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * The tool connected to a simulated Canvas as an admin connects it (the custom fields of its
 * canvas.json), with one advisory course and these users enrolled in it.
 */
export async function canvasCourse(name: string, users: (Parameters<Simulator['addUser']>[0] & { role: string })[]): Promise<CanvasCourse> {
  const tool = await startTool();
  const { sim, close } = await startSimulator('canvas');
  const key = (await (await fetch(`${tool.baseUrl}/lti/canvas.json`)).json()) as { custom_fields: Record<string, string> };
  const connection = await connectTool(sim, { baseUrl: tool.baseUrl, platforms: tool.t.ctx.platforms }, { name, customParameters: key.custom_fields });
  const courseId = `course-${randomUUID()}`;
  sim.addCourse({ id: courseId, label: 'ADV', title: 'Advisory', custom: { advisory: 'true' } });
  for (const { role, ...user } of users) {
    sim.addUser(user);
    sim.enroll(courseId, user.sub, [role]);
  }
  return {
    tool,
    sim,
    tenantId: connection.tenant.id,
    customFields: key.custom_fields,
    async launchAs(sub) {
      const res = await new LtiAgent({}).launch(sim.launchUrl({ clientId: connection.clientId, userSub: sub, courseId }));
      expect(res.status, res.body).to.equal(200);
    },
    async close() {
      await close();
      await tool.close();
    },
  };
}
