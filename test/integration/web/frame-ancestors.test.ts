import { expect } from 'chai';
import { startTool, type RunningTool } from '../../support/tool-server.js';
import { startSimulator, connectTool, type RunningSimulator } from '../../support/simulator.js';
import { LtiAgent } from '../../support/lti-agent.js';
import { launchFixture, type LaunchFixture } from '../../support/launch-fixture.js';

/** The origins a response lets frame it (CSP frame-ancestors), as a list. */
function ancestorsOf(headers: Headers): string[] {
  const csp = headers.get('content-security-policy') ?? '';
  const m = /(?:^|;)\s*frame-ancestors ([^;]*)/.exec(csp);
  if (!m) throw new Error(`no frame-ancestors in ${csp}`);
  return m[1]!.trim().split(/\s+/);
}

describe('CSP frame-ancestors: each response is framed only by its own platform', () => {
  let tool: RunningTool;
  let a: LaunchFixture;
  let other: RunningSimulator;

  before(async () => {
    tool = await startTool();
    a = await launchFixture(tool, 'canvas');
    other = await startSimulator('canvas');
    await connectTool(other.sim, { baseUrl: tool.baseUrl, platforms: tool.t.ctx.platforms }, { name: 'Other school' });
  });
  after(async () => {
    await a.close();
    await other.close();
    await tool.close();
  });

  const originA = () => new URL(a.platform.issuer).origin;
  const originB = () => new URL(other.sim.issuer).origin;
  const get = (path: string) => fetch(`${tool.baseUrl}${path}`, { headers: { accept: 'text/html' }, redirect: 'manual' });

  it('lets the LMS being registered frame /lti/register (the LMS opens it in its admin page), and only that route', async () => {
    const lms = await startSimulator('canvas');
    try {
      const start = new URL(await lms.sim.registrationStartUrl(`${tool.baseUrl}/lti/register`));
      const res = await fetch(start, { headers: { accept: 'text/html' } });
      expect(res.status, await res.clone().text()).to.equal(200);
      expect(ancestorsOf(res.headers)).to.include(lms.baseUrl);
      expect(ancestorsOf(res.headers)).not.to.include(originA());
      // A refused registration still shows its reason inside the LMS dialog.
      const stale = await fetch(start, { headers: { accept: 'text/html' } });
      expect(stale.status).to.equal(502);
      expect(ancestorsOf(stale.headers)).to.include(lms.baseUrl);
      // Anything but /lti/register keeps it out.
      expect(ancestorsOf((await get(`/?openid_configuration=${encodeURIComponent(`${lms.baseUrl}/x`)}`)).headers)).not.to.include(lms.baseUrl);
    } finally {
      await lms.close();
    }
  });

  it('answers pages without a tenant with only self', async () => {
    expect(ancestorsOf((await get('/')).headers)).to.deep.equal(["'self'"]);
    expect(ancestorsOf((await get('/caseload')).headers)).to.deep.equal(["'self'"]);
  });

  it("answers a launched user's pages with their own platform's origins, never another tenant's", async () => {
    const res = await new LtiAgent().launch(a.platform.launchUrl({ clientId: a.clientId, userSub: 'teacher-1', courseId: a.courseId }));
    expect(res.status).to.equal(200);
    const ancestors = ancestorsOf(res.headers);
    expect(ancestors).to.include(originA());
    expect(ancestors).not.to.include(originB());
    // An expired session still shows its "launch again" page inside that LMS.
    tool.t.clock.advance((tool.t.config.ltikTtlMinutes + 1) * 60_000);
    try {
      const expired = await get(`/caseload?ltik=${res.ltik}`);
      expect(expired.status).to.equal(401);
      expect(ancestorsOf(expired.headers)).to.include(originA());
      expect(ancestorsOf(expired.headers)).not.to.include(originB());
    } finally {
      tool.t.clock.advance(-(tool.t.config.ltikTtlMinutes + 1) * 60_000);
    }
  });

  it('answers the OIDC login with the origins of the platform signing in', async () => {
    const q = new URLSearchParams({ iss: other.sim.issuer, login_hint: 'x', target_link_uri: `${tool.baseUrl}/lti/launch`, client_id: (await tool.t.ctx.platforms.list()).find((p) => p.issuer === other.sim.issuer)!.clientId });
    const res = await get(`/lti/login?${q}`);
    expect(res.status).to.be.oneOf([200, 302]);
    expect(ancestorsOf(res.headers)).to.include(originB());
    expect(ancestorsOf(res.headers)).not.to.include(originA());
  });
});
