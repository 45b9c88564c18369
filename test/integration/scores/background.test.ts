import { expect } from 'chai';
import { PUBLISH_JOB, SCHEDULE_JOB } from '../../../src/scores/scores.service.js';
import type { RunningTool } from '../../support/tool-server.js';
import type { RunningSimulator } from '../../support/simulator.js';
import { startToolWithLms, type ToolWithLms } from '../../support/tool-with-lms.js';
import { LtiAgent } from '../../support/lti-agent.js';
import { asUser } from '../../support/school.js';

const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/membership#';
const DEBOUNCE_S = 60;
const INTERVAL_MIN = 60;
const RETRY_S = 30;

describe('scores publish in the background (job queue) after plan changes and on a schedule', () => {
  // A database of its own: the schedule walks every tenant with publishing on, and runDue runs every due job.
  let lms: ToolWithLms | undefined;
  let tool: RunningTool;
  let sim: RunningSimulator;
  let clientId: string;
  let tenantId: string;
  const id: Record<string, string> = {};
  let studentLtik: string;

  const ctx = () => tool.t.ctx;
  const key = (course: string) => `${tenantId}/${id[course]}`;
  const backgroundRuns = async (course: string) => (await ctx().scores.listRuns(tenantId, id[course])).filter((r) => r.trigger === 'background');

  before(async function () {
    // A fresh database and four launches: slow on a busy machine.
    this.timeout(120_000);
    lms = await startToolWithLms({ scorePublishDebounceSeconds: DEBOUNCE_S, scorePublishIntervalMinutes: INTERVAL_MIN, jobRetryBaseSeconds: RETRY_S });
    ({ tool, sim, clientId, tenantId } = lms);
    sim.sim.addUser({ sub: 'teacher', name: 'Tess Teacher' });
    sim.sim.addUser({ sub: 's1', name: 'Amara Okafor' });
    sim.sim.addUser({ sub: 's2', name: 'Liam Nguyen' });
    for (const [course, title, advisory] of [['adv', 'Advisory 9B', 'true'], ['adv2', 'Advisory 9C', 'true'], ['alg', 'Algebra I', 'false']] as const) {
      // The placement says which course is an advisory (issue 7, item 6).
      sim.sim.addCourse({ id: course, label: course.toUpperCase(), title, custom: { advisory } });
      sim.sim.enroll(course, 'teacher', [`${LIS}Instructor`]);
      sim.sim.enroll(course, 's1', [`${LIS}Learner`]);
    }
    sim.sim.enroll('adv', 's2', [`${LIS}Learner`]);
    for (const course of ['adv', 'adv2', 'alg']) {
      const res = await new LtiAgent().launch(sim.sim.launchUrl({ clientId, userSub: 'teacher', courseId: course }));
      expect(res.status, course).to.equal(200);
    }
    const launched = await new LtiAgent().launch(sim.sim.launchUrl({ clientId, userSub: 's1', courseId: 'adv' }));
    studentLtik = launched.ltik!;
    await ctx().rosterSync.idle();
    for (const c of await ctx().roster.listContexts(tenantId)) id[c.contextId] = c.id;
    for (const [sub, name] of [['s1', 's1'], ['s2', 's2']]) id[name] = (await ctx().roster.findPeopleBySub(tenantId, [sub]))[0]!.id;
    await ctx().scores.setPublishing(tenantId, true, null);
  });
  after(async () => {
    await lms?.close();
  });

  it('many plan saves within the window make one publish per advisory course, recorded; none for a subject course', async () => {
    const student = asUser(tool.t.app, studentLtik);
    const versionOf = (html: string) => /name="version.strengths" value="(\d+)"/.exec(html)![1]!;
    const before = { adv: (await backgroundRuns('adv')).length, adv2: (await backgroundRuns('adv2')).length };
    const firstSaveAt = tool.t.clock.now().getTime();
    for (const [i, text] of ['I draw', 'I draw and fix bikes', 'I draw, fix bikes and cook', 'Drawing', 'Drawing and bikes'].entries()) {
      const page = await student.get(`/students/${id.s1}/plan`).expect(200);
      await student.post(`/students/${id.s1}/plan/fields`, { section: 'about-me', voice: 'student', 'text.strengths': text, 'version.strengths': versionOf(page.text) }).expect(303);
      tool.t.clock.advance(i < 4 ? 5_000 : 0);
    }
    for (const course of ['adv', 'adv2']) {
      const job = await ctx().jobs.find(PUBLISH_JOB, key(course));
      expect(job, course).to.include({ status: 'pending' });
      expect(job!.runAfter.getTime(), course).to.equal(firstSaveAt + DEBOUNCE_S * 1000);
    }
    expect(await ctx().jobs.find(PUBLISH_JOB, key('alg'))).to.equal(undefined);
    expect(await ctx().jobs.runDue()).to.equal(0);

    tool.t.clock.set(new Date(firstSaveAt + DEBOUNCE_S * 1000));
    const postedBefore = sim.sim.scores.length;
    expect(await ctx().jobs.runDue()).to.equal(2);
    for (const course of ['adv', 'adv2'] as const) {
      const runs = await backgroundRuns(course);
      expect(runs, course).to.have.length(before[course] + 1);
      expect(runs[0]).to.include({ status: 'succeeded', errorKind: null });
      expect(runs[0]!.finishedAt).to.be.instanceOf(Date);
      expect(await ctx().jobs.find(PUBLISH_JOB, key(course))).to.include({ status: 'done' });
    }
    expect((await backgroundRuns('adv'))[0]).to.include({ posted: 2 });
    // Each publish sent the students' completion out of the tool: audited as the tool's act, naming the students.
    const publishes = (await ctx().audit.list(tenantId, { action: 'publish' })).filter((e) => e.entityId === id.adv && e.at.getTime() === firstSaveAt + DEBOUNCE_S * 1000);
    expect(publishes).to.have.length(1);
    expect(publishes[0]).to.include({ actorId: null, actorRole: 'system', entity: 'plan_score' });
    expect(publishes[0]!.studentIds).to.have.members([id.s1, id.s2]);
    expect((await ctx().audit.list(tenantId, { studentId: id.s2, action: 'publish' })).map((e) => e.id)).to.include(publishes[0]!.id);
    expect((await ctx().scores.listRuns(tenantId, id.alg)).length).to.equal(0);
    const s1Scores = sim.sim.scores.slice(postedBefore).filter((s) => s.score.userId === 's1');
    expect(s1Scores.map((s) => s.courseId).sort()).to.deep.equal(['adv', 'adv2']);
    expect(s1Scores[0]!.score.scoreGiven).to.be.greaterThan(0);
    expect(sim.sim.lineItems.filter((i) => i.courseId === 'alg')).to.have.length(0);
  });

  it('publishes every advisory course on the schedule, then schedules the next round', async () => {
    await ctx().scores.startSchedule();
    const scheduled = (await ctx().jobs.find(SCHEDULE_JOB, 'all'))!;
    expect(scheduled.runAfter.getTime()).to.equal(tool.t.clock.now().getTime() + INTERVAL_MIN * 60_000);
    // A second process starting keeps the one schedule.
    await ctx().scores.startSchedule();
    expect((await ctx().jobs.find(SCHEDULE_JOB, 'all'))!.runAfter).to.deep.equal(scheduled.runAfter);
    expect(await ctx().jobs.runDue()).to.equal(0);

    const before = { adv: (await backgroundRuns('adv')).length, adv2: (await backgroundRuns('adv2')).length };
    tool.t.clock.advance(INTERVAL_MIN * 60_000);
    // The schedule, then one publish per advisory course.
    expect(await ctx().jobs.runDue()).to.equal(3);
    for (const course of ['adv', 'adv2'] as const) {
      expect(await backgroundRuns(course), course).to.have.length(before[course] + 1);
      expect((await backgroundRuns(course))[0]).to.include({ status: 'succeeded' });
    }
    expect((await ctx().scores.listRuns(tenantId, id.alg)).length).to.equal(0);
    const next = (await ctx().jobs.find(SCHEDULE_JOB, 'all'))!;
    expect(next).to.include({ status: 'pending' });
    expect(next.runAfter.getTime()).to.equal(tool.t.clock.now().getTime() + INTERVAL_MIN * 60_000);
  });

  it('a publish the LMS fails is recorded with its error kind and retried later', async () => {
    await ctx().scores.planChanged(tenantId, id.s2!);
    tool.t.clock.advance(DEBOUNCE_S * 1000);
    // Every attempt of the service client (first call and its retries) fails for this course only.
    sim.sim.injectFault({ service: 'ags', status: 503, times: 4, pathIncludes: '/courses/adv/' });
    expect(await ctx().jobs.runDue()).to.equal(1);
    let runs = await backgroundRuns('adv');
    expect(runs[0]).to.include({ status: 'failed', errorKind: 'unavailable', posted: 0 });
    const job = (await ctx().jobs.find(PUBLISH_JOB, key('adv')))!;
    expect(job).to.include({ status: 'pending', attempts: 1, lastError: 'unavailable' });
    expect(job.runAfter.getTime()).to.equal(tool.t.clock.now().getTime() + RETRY_S * 1000);

    expect(await ctx().jobs.runDue()).to.equal(0);
    tool.t.clock.advance(RETRY_S * 1000);
    expect(await ctx().jobs.runDue()).to.equal(1);
    runs = await backgroundRuns('adv');
    expect(runs[0]).to.include({ status: 'succeeded', posted: 2 });
    expect(await ctx().jobs.find(PUBLISH_JOB, key('adv'))).to.include({ status: 'done', attempts: 0, lastError: null });
  });

  it('nothing is queued while publishing is off', async () => {
    await ctx().scores.setPublishing(tenantId, false, null);
    const before = await ctx().jobs.find(PUBLISH_JOB, key('adv'));
    await ctx().scores.planChanged(tenantId, id.s1!);
    expect(await ctx().jobs.find(PUBLISH_JOB, key('adv'))).to.deep.equal(before);
  });
});
