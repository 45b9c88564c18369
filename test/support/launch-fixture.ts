import { randomUUID } from 'node:crypto';
import { count, eq } from 'drizzle-orm';
import type { TestApp } from './app.js';
import type { RunningTool } from './tool-server.js';
import { startSimulator, connectTool } from './simulator.js';
import type { Simulator } from '../../src/sandbox/simulator/index.js';
import { people, contexts, memberships, deployments, tenants } from '../../src/db/schema.js';

export const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/';
const role = (r: string) => `${LIS}membership#${r}`;

export interface LaunchFixture {
  platform: Simulator;
  clientId: string;
  deploymentId: string;
  tenantId: string;
  courseId: string;
  storageTarget: string | undefined;
  students: { sub: string; name: string }[];
  close(): Promise<void>;
}

/**
 * The LMS simulator registered with the tool and the tool with it, with an advisory course:
 * a teacher, a TA, three students, a parent mentoring the first (and one who never launched), an
 * admin and a course designer (no tool role).
 */
export async function launchFixture(tool: RunningTool, profile: 'canvas' | 'schoology'): Promise<LaunchFixture> {
  const storageTarget = profile === 'canvas' ? 'post_message_forwarding' : undefined;
  const running = await startSimulator(profile);
  const platform = running.sim;
  const { clientId, deploymentId, tenant } = await connectTool(platform, { baseUrl: tool.baseUrl, platforms: tool.t.ctx.platforms }, { name: `Test ${profile}` });
  const courseId = `course-${randomUUID()}`;
  platform.addCourse({ id: courseId, label: 'ADV-9B', title: 'Advisory 9B', custom: { advisory: 'true' } });
  const students = [
    { sub: 'student-1', name: 'Ada Lovelace' },
    { sub: 'student-2', name: 'Grace Hopper' },
    { sub: 'student-3', name: 'Katherine Johnson' },
  ];
  for (const s of students) {
    platform.addUser(s);
    platform.enroll(courseId, s.sub, [role('Learner')]);
  }
  const others: [string, string, string[], string[]?][] = [
    ['teacher-1', 'Tess Teacher', [role('Instructor')]],
    ['ta-1', 'Tom Assistant', [`${LIS}membership/Instructor#TeachingAssistant`, role('Instructor')]],
    ['parent-1', 'Pat Parent', [role('Mentor')], ['student-1', 'student-never-launched']],
    ['admin-1', 'Ann Admin', [`${LIS}institution/person#Administrator`]],
    ['designer-1', 'Dee Designer', [role('ContentDeveloper')]],
  ];
  for (const [sub, name, roles, mentees] of others) {
    // Institution roles travel on every launch, course or not.
    platform.addUser({ sub, name, roles: roles.filter((r) => r.includes('/institution/')) });
    platform.enroll(courseId, sub, roles, { mentees });
  }
  return { platform, clientId, deploymentId, tenantId: tenant.id, courseId, storageTarget, students, close: () => running.close() };
}

/** The rows a launch may write, for one tenant: refusals must leave these unchanged. */
export async function rowCounts(t: TestApp, tenantId: string) {
  // A launch starts a roster sync in the background; count only once it has settled.
  await t.ctx.rosterSync.idle();
  const db = t.ctx.db;
  const n = async (table: typeof people | typeof contexts | typeof memberships | typeof deployments) =>
    Number((await db.select({ n: count() }).from(table).where(eq(table.tenantId, tenantId)))[0]!.n);
  const [tenant] = await db.select().from(tenants).where(eq(tenants.id, tenantId));
  return { people: await n(people), contexts: await n(contexts), memberships: await n(memberships), deployments: await n(deployments), tenantUpdatedAt: tenant?.updatedAt.toISOString() };
}
