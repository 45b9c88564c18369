import { expect } from 'chai';
import { PUBLISH_JOB } from '../../../src/scores/scores.service.js';
import type { RunningTool } from '../../support/tool-server.js';
import type { RunningSimulator } from '../../support/simulator.js';
import { startToolWithLms, type ToolWithLms } from '../../support/tool-with-lms.js';
import { LtiAgent } from '../../support/lti-agent.js';
import { asUser } from '../../support/school.js';
import { faultSize } from '../../support/fault-size.js';

const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/membership#';
const RETRY_S = 30;
/** A page must answer within this while the LMS is slow or failing (its work runs in the background). */
const PROMPT_MS = 1_500;
/** Each failed service call is retried by the client 3 times (0.25 + 0.5 + 1 s): 4 answers per attempt. */
const ANSWERS_PER_ATTEMPT = 4;

/**
 * Issue 8: the LMS answering slowly or with 5xx. Pages answer promptly all the same; the gradebook
 * publish (a job) is retried with growing delays and succeeds once the LMS recovers; a roster sync
 * the LMS fails is recorded, leaves the stored roster in use, and the next one succeeds.
 */
describe('LMS slow or failing: pages stay prompt, background work retries and recovers', function () {
  const size = faultSize();
  this.timeout(size.full ? 600_000 : 60_000);
  let lms: ToolWithLms | undefined;
  let tool: RunningTool;
  let sim: RunningSimulator;
  let clientId: string;
  let tenantId: string;
  let teacherLtik: string;
  let studentLtik: string;
  let advisoryId: string;
  let studentId: string;

  const ctx = () => tool.t.ctx;
  const timed = async <T>(p: PromiseLike<T>): Promise<{ value: T; ms: number }> => {
    const t0 = Date.now();
    const value = await p;
    return { value, ms: Date.now() - t0 };
  };

  before(async function () {
    this.timeout(120_000);
    // A database of its own: runDue runs every due job in it.
    lms = await startToolWithLms({ scorePublishDebounceSeconds: 0, jobRetryBaseSeconds: RETRY_S, jobMaxAttempts: 10, firstSyncWaitMs: 500 });
    ({ tool, sim, clientId, tenantId } = lms);
    sim.sim.addUser({ sub: 'teacher', name: 'Tess Teacher' });
    sim.sim.addUser({ sub: 's1', name: 'Amara Okafor' });
    sim.sim.addCourse({ id: 'adv', label: 'ADV', title: 'Advisory 9B', custom: { advisory: 'true' } });
    sim.sim.enroll('adv', 'teacher', [`${LIS}Instructor`]);
    sim.sim.enroll('adv', 's1', [`${LIS}Learner`]);
    teacherLtik = (await new LtiAgent().launch(sim.sim.launchUrl({ clientId, userSub: 'teacher', courseId: 'adv' }))).ltik!;
    studentLtik = (await new LtiAgent().launch(sim.sim.launchUrl({ clientId, userSub: 's1', courseId: 'adv' }))).ltik!;
    await ctx().rosterSync.idle();
    advisoryId = (await ctx().roster.listContexts(tenantId)).find((c) => c.contextId === 'adv')!.id;
    studentId = (await ctx().roster.findPeopleBySub(tenantId, ['s1']))[0]!.id;
    await ctx().scores.setPublishing(tenantId, true, null);
  });
  after(async () => {
    await lms?.close();
  });
  afterEach(() => sim.sim.clearFaults());

  async function savePlan(text: string): Promise<void> {
    const student = asUser(tool.t.app, studentLtik);
    const page = await student.get(`/students/${studentId}/plan`).expect(200);
    const version = /name="version.strengths" value="(\d+)"/.exec(page.text)![1]!;
    await student.post(`/students/${studentId}/plan/fields`, { section: 'about-me', voice: 'student', 'text.strengths': text, 'version.strengths': version }).expect(303);
  }

  it('the gradebook failing with 5xx: the publish job is retried with doubling delays, pages answer promptly, and it succeeds once the LMS recovers', async () => {
    const failingAttempts = size.full ? 5 : 2;
    await savePlan('I draw and fix bikes');
    const key = `${tenantId}/${advisoryId}`;
    expect(await ctx().jobs.find(PUBLISH_JOB, key)).to.include({ status: 'pending' });
    sim.sim.injectFault({ service: 'ags', status: 503, times: failingAttempts * ANSWERS_PER_ATTEMPT, pathIncludes: '/courses/adv/' });

    const delays: number[] = [];
    for (let attempt = 1; attempt <= failingAttempts; attempt++) {
      const before = tool.t.clock.now().getTime();
      // The attempt runs (and fails) while a person loads the plan page.
      const run = ctx().jobs.runDue();
      const page = await timed(asUser(tool.t.app, teacherLtik).get(`/students/${studentId}/plan`));
      expect(page.value.status).to.equal(200);
      expect(page.ms, `plan page while the LMS fails (attempt ${attempt})`).to.be.below(PROMPT_MS);
      expect(await run).to.equal(1);
      const job = (await ctx().jobs.find(PUBLISH_JOB, key))!;
      expect(job, `attempt ${attempt}`).to.include({ status: 'pending', attempts: attempt, lastError: 'unavailable' });
      delays.push(job.runAfter.getTime() - before);
      // Not due before its time.
      expect(await ctx().jobs.runDue()).to.equal(0);
      tool.t.clock.set(job.runAfter);
    }
    expect(delays).to.deep.equal(delays.map((_d, i) => RETRY_S * 1000 * 2 ** i));

    const postedBefore = sim.sim.scores.length;
    expect(await ctx().jobs.runDue()).to.equal(1);
    expect(await ctx().jobs.find(PUBLISH_JOB, key)).to.include({ status: 'done', attempts: 0, lastError: null });
    expect(sim.sim.scores.slice(postedBefore).filter((s) => s.score.userId === 's1')).to.have.length(1);
  });

  it('the gradebook answering slowly: the background worker publishes while pages answer promptly', async () => {
    const slowMs = size.full ? 8_000 : 3_000;
    await savePlan('Drawing, bikes and cooking');
    sim.sim.delay({ service: 'ags', ms: slowMs, times: 1 });
    const postedBefore = sim.sim.scores.length;
    ctx().jobs.start();
    try {
      // Wait until the worker is inside the slow publish.
      const key = `${tenantId}/${advisoryId}`;
      for (let i = 0; i < 200 && (await ctx().jobs.find(PUBLISH_JOB, key))?.status !== 'running'; i++) await new Promise((r) => setTimeout(r, 25));
      expect(await ctx().jobs.find(PUBLISH_JOB, key)).to.include({ status: 'running' });
      for (const path of [`/students/${studentId}/plan`, '/caseload']) {
        const page = await timed(asUser(tool.t.app, teacherLtik).get(path));
        expect(page.value.status, path).to.equal(200);
        expect(page.ms, `${path} while the LMS is slow`).to.be.below(PROMPT_MS);
      }
      for (let i = 0; i < 600 && (await ctx().jobs.find(PUBLISH_JOB, key))?.status !== 'done'; i++) await new Promise((r) => setTimeout(r, 50));
      expect(await ctx().jobs.find(PUBLISH_JOB, key)).to.include({ status: 'done' });
      expect(sim.sim.scores.length).to.be.greaterThan(postedBefore);
    } finally {
      await ctx().jobs.stop();
    }
  });

  it('the roster service failing with 5xx: the caseload is drawn from the stored roster at once, the failure is recorded, the next sync succeeds', async () => {
    sim.sim.addUser({ sub: 's2', name: 'Liam Nguyen' });
    sim.sim.enroll('adv', 's2', [`${LIS}Learner`]);
    sim.sim.injectFault({ service: 'nrps', status: 503, times: ANSWERS_PER_ATTEMPT });
    const failed = await timed(ctx().rosterSync.syncContext(tenantId, advisoryId, 'manual'));
    expect(failed.value).to.include({ status: 'failed' });
    expect(failed.value.error).to.match(/^unavailable/);
    // The stored roster still serves the caseload, promptly.
    const page = await timed(asUser(tool.t.app, teacherLtik).get('/caseload'));
    expect(page.value.status).to.equal(200);
    expect(page.value.text).to.contain('Amara Okafor');
    expect(page.value.text).not.to.contain('Liam Nguyen');
    expect(page.ms).to.be.below(PROMPT_MS);
    // A launch an hour later (roster stale, failure past its retry wait) answers promptly and syncs in the background.
    tool.t.clock.advance(61 * 60_000);
    const launch = await timed(new LtiAgent().launch(sim.sim.launchUrl({ clientId, userSub: 'teacher', courseId: 'adv' })));
    expect(launch.value.status).to.equal(200);
    expect(launch.ms).to.be.below(PROMPT_MS * 2);
    await ctx().rosterSync.idle();
    const [last] = await ctx().rosterSync.listRuns(tenantId, advisoryId, 1);
    expect(last).to.include({ status: 'succeeded', trigger: 'launch' });
    expect((await asUser(tool.t.app, launch.value.ltik!).get('/caseload').expect(200)).text).to.contain('Liam Nguyen');
  });
});
