import { startSimulator, type RunningSimulator } from '../../support/simulator.js';
import { ROLE, type ProfileName } from '../../../src/sandbox/simulator/index.js';
import { FakeTool } from './fake-tool.js';

export interface Fixture extends RunningSimulator {
  tool: FakeTool;
  clientId: string;
  deploymentId: string;
  close(): Promise<void>;
}

/** A simulator with the fake tool registered and course C1 (teacher t1, students s1..sN, parent p1 of s1). */
export async function fixture(profile: ProfileName, students = 3): Promise<Fixture> {
  const running = await startSimulator(profile);
  const tool = await FakeTool.start();
  const { sim } = running;
  const { clientId, deploymentId } = sim.registerTool(tool.registration);
  sim.addCourse({ id: 'C1', label: 'ADV-9', title: 'Advisory 9' });
  sim.addUser({ sub: 't1', name: 'Tess Teacher', givenName: 'Tess', familyName: 'Teacher', email: 't1@school.test', roles: [ROLE.institutionFaculty] });
  sim.enroll('C1', 't1', [ROLE.instructor]);
  for (let i = 1; i <= students; i++) {
    sim.addUser({ sub: `s${i}`, name: `Student ${i}`, givenName: 'Student', familyName: String(i), email: `s${i}@school.test`, roles: [ROLE.institutionStudent] });
    sim.enroll('C1', `s${i}`, [ROLE.learner]);
  }
  sim.addUser({ sub: 'p1', name: 'Pat Parent', roles: [] });
  sim.enroll('C1', 'p1', [ROLE.mentor], { mentees: ['s1'] });
  sim.addUser({ sub: 'a1', name: 'Ada Admin', roles: [ROLE.institutionAdmin] });
  return {
    ...running,
    tool,
    clientId,
    deploymentId,
    async close() {
      await tool.close();
      await running.close();
    },
  };
}

export const profilesUnderTest: ProfileName[] = ['canvas', 'schoology'];
