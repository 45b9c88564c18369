import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { eq } from 'drizzle-orm';
import { contexts } from '../../../src/db/schema.js';
import { startTool, type RunningTool } from '../../support/tool-server.js';
import { launchFixture, LIS, type LaunchFixture } from '../../support/launch-fixture.js';
import { LtiAgent } from '../../support/lti-agent.js';

const WAIT_MS = 1500;
/** An LMS roster answer slower than the bound (and than a launch on a busy test machine). */
const SLOW_MS = 6000;
const claimsOf = (ltik: string) => JSON.parse(Buffer.from(ltik.split('.')[1]!, 'base64url').toString()) as { cid: string };

/** Handlebars writes `=` and `/` in attributes as entities. */
const decoded = (html: string) => html.replace(/&#x([0-9A-F]+);/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));

describe('the first launch of a course waits (bounded) for its first roster sync', function () {
  this.timeout(60_000);
  let tool: RunningTool;
  let f: LaunchFixture;

  before(async () => {
    tool = await startTool({ firstSyncWaitMs: WAIT_MS });
    f = await launchFixture(tool, 'canvas');
  });
  after(async () => {
    await f.close();
    await tool.close();
  });
  afterEach(async () => {
    f.platform.clearFaults();
    await tool.t.ctx.rosterSync.idle();
  });

  /** A course nobody launched from yet, with the teacher and the fixture's students. */
  const freshCourse = () => {
    const id = `course-${randomUUID()}`;
    f.platform.addCourse({ id, label: 'ADV', title: 'Advisory 10A', custom: { advisory: 'true' } });
    f.platform.enroll(id, 'teacher-1', [`${LIS}membership#Instructor`]);
    for (const s of f.students) f.platform.enroll(id, s.sub, [`${LIS}membership#Learner`]);
    return id;
  };
  const launchTeacher = (courseId: string) => new LtiAgent().launch(f.platform.launchUrl({ clientId: f.clientId, userSub: 'teacher-1', courseId }));
  const get = (path: string, ltik: string) => fetch(`${tool.baseUrl}${path}?${new URLSearchParams({ ltik })}`, { headers: { accept: 'text/html' }, redirect: 'manual' });

  it('draws the caseload with the whole roster when the first sync finishes within the bound', async () => {
    // A moment of LMS latency: the page would otherwise be drawn before the roster arrived.
    f.platform.delay({ service: 'nrps', ms: 300, times: 1 });
    const res = await launchTeacher(freshCourse());
    expect(res.status).to.equal(200);
    expect(new URL(res.url).pathname).to.equal('/caseload');
    for (const s of f.students) expect(res.body).to.contain(s.name);
    expect(res.body).not.to.contain('come back in a minute');
  });

  it('past the bound, shows a page that follows the roster (status endpoint, script, "Check again" with the ltik), then the caseload', async () => {
    f.platform.delay({ service: 'nrps', ms: SLOW_MS, times: 1 });
    const res = await launchTeacher(freshCourse());
    expect(res.status).to.equal(200);
    const waiting = new URL(res.url);
    expect(waiting.pathname).to.equal('/roster/waiting');
    const ltik = res.ltik!;
    expect(res.body).to.contain('Check again');
    expect(decoded(res.body)).to.contain(`href="/roster/waiting?ltik=${ltik}"`);
    expect(res.body).not.to.match(/http-equiv="?refresh/i);
    const nonce = /script-src[^;]*'nonce-([^']+)'/.exec(res.headers.get('content-security-policy') ?? '')![1];
    const scriptNonce = /<script nonce="([^"]+)"/.exec(decoded(res.body))?.[1];
    expect(scriptNonce, 'the polling script runs under the CSP nonce').to.equal(nonce);

    const status = await fetch(`${tool.baseUrl}/roster/status`, { headers: { authorization: `Bearer ${ltik}`, accept: 'application/json' } });
    expect(status.status).to.equal(200);
    expect(await status.json()).to.deep.equal({ status: 'waiting' });
    // Not yet: "Check again" shows the same page.
    expect((await get('/roster/waiting', ltik)).status).to.equal(200);

    await tool.t.ctx.rosterSync.idle();
    expect(await (await get('/roster/status', ltik)).json()).to.deep.equal({ status: 'ready' });
    const again = await get('/roster/waiting', ltik);
    expect(again.status).to.equal(303);
    expect(again.headers.get('location')).to.equal(`/caseload?ltik=${ltik}`);
    const caseload = await (await get('/caseload', ltik)).text();
    for (const s of f.students) expect(caseload).to.contain(s.name);
  });

  it('a failing LMS roster never fails the launch: the waiting page says so and offers the caseload', async () => {
    f.platform.injectFault({ service: 'nrps', status: 500, times: Infinity });
    const res = await launchTeacher(freshCourse());
    expect(res.status).to.equal(200);
    expect(new URL(res.url).pathname).to.equal('/roster/waiting');
    await tool.t.ctx.rosterSync.idle();
    expect(await (await get('/roster/status', res.ltik!)).json()).to.deep.equal({ status: 'failed' });
    const page = await (await get('/roster/waiting', res.ltik!)).text();
    expect(page).to.contain('did not send the class list');
    expect(decoded(page)).to.contain(`href="/caseload?ltik=${res.ltik}"`);
  });

  it('only the first sync is waited for: a later launch with a stale roster never waits', async () => {
    const course = freshCourse();
    const first = await launchTeacher(course);
    await tool.t.ctx.rosterSync.idle();
    const { cid } = claimsOf(first.ltik!);
    // Older than the configured age: this launch starts a refresh (which the LMS answers slowly).
    const syncedAt = new Date(Date.now() - (tool.t.config.rosterSyncMaxAgeMinutes + 1) * 60_000);
    await tool.t.ctx.db.update(contexts).set({ lastRosterSyncAt: syncedAt }).where(eq(contexts.id, cid));
    f.platform.delay({ service: 'nrps', ms: SLOW_MS, times: 1 });
    const res = await launchTeacher(course);
    expect(new URL(res.url).pathname).to.equal('/caseload');
    // Drawn while the refresh is still out: the launch did not wait for it.
    expect((await tool.t.ctx.roster.findContext(f.tenantId, cid))!.lastRosterSyncAt).to.deep.equal(syncedAt);
    await tool.t.ctx.rosterSync.idle();
    expect((await tool.t.ctx.roster.findContext(f.tenantId, cid))!.lastRosterSyncAt, 'the refresh did run').to.be.above(syncedAt);
  });

  it('a student never waits for the roster', async () => {
    f.platform.delay({ service: 'nrps', ms: SLOW_MS, times: 1 });
    const res = await new LtiAgent().launch(f.platform.launchUrl({ clientId: f.clientId, userSub: f.students[0].sub, courseId: freshCourse() }));
    expect(new URL(res.url).pathname).to.equal('/my-plan');
    expect(await tool.t.ctx.rosterSync.firstSyncStatus(f.tenantId, claimsOf(res.ltik!).cid), 'drawn before the first roster arrived').to.equal('waiting');
  });
});
