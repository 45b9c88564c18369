import { expect } from 'chai';
import { and, eq } from 'drizzle-orm';
import { startTool, type RunningTool } from '../../support/tool-server.js';
import { LtiAgent } from '../../support/lti-agent.js';
import { launchFixture, LIS, rowCounts, type LaunchFixture } from '../../support/launch-fixture.js';
import { contexts, memberships, people } from '../../../src/db/schema.js';

/**
 * A repeat launch reads what is stored and writes only what changed (src/lti/launch-writes.ts):
 * nothing at all when the LMS sends what the tool already knows, and exactly what differs when not.
 */
describe('LTI launch: a repeat launch writes only what changed', () => {
  let tool: RunningTool;
  let f: LaunchFixture;

  before(async () => {
    tool = await startTool();
    f = await launchFixture(tool, 'canvas');
  });
  after(async () => {
    await f.close();
    await tool.close();
  });

  const launchAs = (sub: string) => new LtiAgent().launch(f.platform.launchUrl({ clientId: f.clientId, userSub: sub, courseId: f.courseId }));

  /** The person, the course and the membership a launch of `sub` upserts, as stored (with their updated_at). */
  async function stored(sub: string) {
    const { db } = tool.t.ctx;
    const [person] = await db.select().from(people).where(and(eq(people.tenantId, f.tenantId), eq(people.sub, sub)));
    const [context] = await db.select().from(contexts).where(and(eq(contexts.tenantId, f.tenantId), eq(contexts.contextId, f.courseId)));
    const [membership] = await db
      .select()
      .from(memberships)
      .where(and(eq(memberships.tenantId, f.tenantId), eq(memberships.contextId, context!.id), eq(memberships.personId, person!.id)));
    return { person: person!, context: context!, membership: membership! };
  }

  it('writes nothing when the launch carries what is stored: no row and no updated_at changes', async () => {
    await launchAs('teacher-1');
    const counts = await rowCounts(tool.t, f.tenantId);
    const before = await stored('teacher-1');
    const res = await launchAs('teacher-1');
    expect(new URL(res.url).pathname).to.equal('/caseload');
    expect(await rowCounts(tool.t, f.tenantId)).to.deep.equal(counts);
    const after = await stored('teacher-1');
    expect(after.person.updatedAt).to.deep.equal(before.person.updatedAt);
    expect(after.context.updatedAt).to.deep.equal(before.context.updatedAt);
    expect(after.membership.updatedAt).to.deep.equal(before.membership.updatedAt);
  });

  it('writes a changed name, and only the person', async () => {
    await launchAs(f.students[1].sub);
    const before = await stored(f.students[1].sub);
    f.platform.addUser({ sub: f.students[1].sub, name: 'Grace Brewster Hopper' });
    const res = await launchAs(f.students[1].sub);
    expect(res.body).to.contain('Grace Brewster Hopper');
    const after = await stored(f.students[1].sub);
    expect(after.person.name).to.equal('Grace Brewster Hopper');
    expect(after.person.updatedAt.getTime()).to.be.greaterThan(before.person.updatedAt.getTime());
    expect(after.context.updatedAt).to.deep.equal(before.context.updatedAt);
    expect(after.membership.updatedAt).to.deep.equal(before.membership.updatedAt);
  });

  it('writes a changed course title, and only the course', async () => {
    await launchAs('teacher-1');
    const before = await stored('teacher-1');
    f.platform.addCourse({ id: f.courseId, label: 'ADV-9B', title: 'Advisory 9B (spring)', custom: { advisory: 'true' } });
    try {
      await launchAs('teacher-1');
      const after = await stored('teacher-1');
      expect(after.context.title).to.equal('Advisory 9B (spring)');
      expect(after.context.updatedAt.getTime()).to.be.greaterThan(before.context.updatedAt.getTime());
      expect(after.person.updatedAt).to.deep.equal(before.person.updatedAt);
      expect(after.membership.updatedAt).to.deep.equal(before.membership.updatedAt);
    } finally {
      f.platform.addCourse({ id: f.courseId, label: 'ADV-9B', title: 'Advisory 9B', custom: { advisory: 'true' } });
    }
  });

  it('writes changed roles: the new role takes effect at once, and only the membership is written', async () => {
    await launchAs('ta-1');
    const before = await stored('ta-1');
    expect(before.membership.role).to.equal('advisor');
    f.platform.enroll(f.courseId, 'ta-1', [`${LIS}membership#Learner`]);
    const res = await launchAs('ta-1');
    expect(new URL(res.url).pathname).to.equal('/my-plan');
    const after = await stored('ta-1');
    expect(after.membership).to.include({ role: 'student' });
    expect(after.membership.roles).to.include(`${LIS}membership#Learner`).and.not.include(`${LIS}membership#Instructor`);
    expect(after.membership.updatedAt.getTime()).to.be.greaterThan(before.membership.updatedAt.getTime());
    expect(after.person.updatedAt).to.deep.equal(before.person.updatedAt);
  });

  it('reactivates a membership the roster sync marked inactive', async () => {
    await launchAs(f.students[2].sub);
    const { membership } = await stored(f.students[2].sub);
    await tool.t.ctx.db.update(memberships).set({ status: 'inactive' }).where(eq(memberships.id, membership.id));
    const res = await launchAs(f.students[2].sub);
    expect(new URL(res.url).pathname).to.equal('/my-plan');
    expect((await stored(f.students[2].sub)).membership.status).to.equal('active');
  });

  it("writes a mentor's changed mentees (a stub for one not stored yet), and nothing when they are unchanged", async () => {
    await launchAs('parent-1');
    const before = await stored('parent-1');
    const student2 = (await stored(f.students[1].sub)).person.id;
    f.platform.enroll(f.courseId, 'parent-1', [`${LIS}membership#Mentor`], { mentees: ['student-1', 'student-2', 'student-new-sibling'] });
    const res = await launchAs('parent-1');
    expect(new URL(res.url).pathname).to.equal('/family');
    const after = await stored('parent-1');
    const [sibling] = await tool.t.ctx.roster.findPeopleBySub(f.tenantId, ['student-new-sibling']);
    expect(sibling, 'a stub person for the mentee who never launched').to.not.equal(undefined);
    expect(after.membership.mentees).to.include(student2).and.to.include(sibling!.id).and.to.have.length(3);
    expect(after.membership.updatedAt.getTime()).to.be.greaterThan(before.membership.updatedAt.getTime());
    await launchAs('parent-1');
    expect((await stored('parent-1')).membership.updatedAt).to.deep.equal(after.membership.updatedAt);
  });
});
