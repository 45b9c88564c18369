import { expect } from 'chai';
import { startTool, type RunningTool } from '../../support/tool-server.js';
import { LtiAgent } from '../../support/lti-agent.js';
import { launchFixture, LIS, type LaunchFixture } from '../../support/launch-fixture.js';
import { asUser } from '../../support/school.js';

const cidOf = (ltik: string) => (JSON.parse(Buffer.from(ltik.split('.')[1]!, 'base64url').toString()) as { cid: string }).cid;

/** Issue 7 item 6: a course is an advisory only when someone says so (placement, admin, or its instructor). */
describe('which courses are advisories (launch over HTTP)', () => {
  let tool: RunningTool;
  let f: LaunchFixture;

  before(async function () {
    // Starts the tool and the LMS simulator, registers them with each other: slow on a busy machine.
    this.timeout(90_000);
    tool = await startTool();
    f = await launchFixture(tool, 'canvas');
    // Algebra I: the placement says nothing. Biology: its placement says it is a subject course.
    f.platform.addCourse({ id: 'alg1', label: 'ALG1', title: 'Algebra I' });
    f.platform.addCourse({ id: 'bio', label: 'BIO', title: 'Biology', custom: { advisory: 'false' } });
    for (const course of ['alg1', 'bio']) {
      f.platform.enroll(course, 'teacher-1', [`${LIS}membership#Instructor`]);
      for (const s of f.students) f.platform.enroll(course, s.sub, [`${LIS}membership#Learner`]);
    }
  });
  after(async () => {
    await f?.close();
    await tool?.close();
  });

  const launchAs = (sub: string, course: string) => new LtiAgent().launch(f.platform.launchUrl({ clientId: f.clientId, userSub: sub, courseId: course }));

  it('asks the instructor of an undecided course whether it is an advisory, instead of making a caseload of it', async () => {
    const res = await launchAs('teacher-1', 'alg1');
    expect(res.status).to.equal(200);
    expect(new URL(res.url).pathname).to.match(/^\/courses\/[0-9a-f-]{36}\/kind$/);
    expect(res.body).to.contain('Is Algebra I an advisory?').and.not.to.contain('Record check-ins for the advisory');
    const context = await tool.t.ctx.roster.findContext(f.tenantId, cidOf(res.ltik!));
    expect(context).to.include({ kind: 'undecided', kindSetBy: null });
  });

  it('the answer "subject course" is stored and leads to the read-only list of the students', async () => {
    const res = await launchAs('teacher-1', 'alg1');
    const cid = cidOf(res.ltik!);
    const teacher = asUser(tool.t.app, res.ltik!);
    const answer = await teacher.post(`/courses/${cid}/kind`, { kind: 'subject' }).expect(303);
    expect(answer.headers.location).to.equal(`/courses/${cid}/students?ltik=${res.ltik}`);
    expect(await tool.t.ctx.roster.findContext(f.tenantId, cid)).to.include({ kind: 'subject', kindSetBy: 'instructor' });
    const list = await teacher.get(`/courses/${cid}/students`).expect(200);
    for (const s of f.students) expect(list.text).to.contain(s.name);
    // Asked once: a second answer is refused, and the next launch goes straight to the list.
    await teacher.post(`/courses/${cid}/kind`, { kind: 'advisory' }).expect(403);
    const again = await launchAs('teacher-1', 'alg1');
    expect(new URL(again.url).pathname).to.equal(`/courses/${cid}/students`);
  });

  it('a placement custom parameter decides without asking: advisory=false is a subject course, advisory=true an advisory', async () => {
    const bio = await launchAs('teacher-1', 'bio');
    expect(new URL(bio.url).pathname).to.match(/^\/courses\/[0-9a-f-]{36}\/students$/);
    expect(await tool.t.ctx.roster.findContext(f.tenantId, cidOf(bio.ltik!))).to.include({ kind: 'subject', kindSetBy: 'placement' });
    const adv = await launchAs('teacher-1', f.courseId);
    expect(new URL(adv.url).pathname).to.equal('/caseload');
    expect(adv.body).to.contain('Record check-ins for the advisory');
  });

  it('a subject course never gets the success plan line item', async () => {
    const bio = await launchAs('teacher-1', 'bio');
    const published = await tool.t.ctx.scores.setPublishing(f.tenantId, true, null);
    expect(published.map((p) => p.contextId)).not.to.include(cidOf(bio.ltik!));
    expect(f.platform.lineItems.filter((i) => i.courseId === 'bio' || i.courseId === 'alg1')).to.have.length(0);
  });
});
