import { expect } from 'chai';
import { startTool, type RunningTool } from '../../support/tool-server.js';
import { LtiAgent, type AgentResponse } from '../../support/lti-agent.js';
import { launchFixture, rowCounts, type LaunchFixture } from '../../support/launch-fixture.js';

const LTI = 'https://purl.imsglobal.org/spec/lti/claim/';

/** Part 9: each bad launch gets a clear page, the right status, one log line, and writes nothing. */
describe('LTI launch refusals over HTTP', () => {
  let tool: RunningTool;
  let f: LaunchFixture;

  before(async () => {
    tool = await startTool();
    f = await launchFixture(tool, 'schoology');
    // One good launch first, so the tenant already has rows that a refusal must leave alone.
    await launch('teacher-1');
  });
  after(async () => {
    await f.close();
    await tool.close();
  });

  function launch(sub: string, opts: { deploymentId?: string; agent?: LtiAgent } = {}): Promise<AgentResponse> {
    return (opts.agent ?? new LtiAgent()).launch(f.platform.launchUrl({ clientId: f.clientId, userSub: sub, courseId: f.courseId, deploymentId: opts.deploymentId }));
  }

  /** Runs a refused request and checks status, page, exactly one log line with the code, and no write. */
  /** `heldDeployments`: deployments the refusal records as waiting for an admin's approval (and nothing else). */
  async function refused(run: () => Promise<AgentResponse>, status: number, code: string, pageText: string, heldDeployments = 0): Promise<AgentResponse> {
    const before = await rowCounts(tool.t, f.tenantId);
    const logsBefore = tool.t.logs.lines.length;
    const res = await run();
    expect(res.status, res.body.slice(0, 400)).to.equal(status);
    expect(res.body).to.contain(pageText);
    expect(res.body).to.match(/<h1[^>]*>[^<]+<\/h1>/);
    const lines = tool.t.logs.lines.slice(logsBefore).filter((l) => l.code === code);
    expect(lines, `log lines with code ${code}`).to.have.length(1);
    expect(lines[0]!.status).to.equal(status);
    expect(await rowCounts(tool.t, f.tenantId)).to.deep.equal({ ...before, deployments: before.deployments + heldDeployments });
    // Tokens and names never reach the log.
    const newLogs = JSON.stringify(tool.t.logs.lines.slice(logsBefore));
    expect(newLogs).not.to.contain('eyJ');
    expect(newLogs).not.to.contain('Tess Teacher');
    return res;
  }

  it('refuses a forged signature (401)', async () => {
    f.platform.nextLaunch({ signWithForeignKey: true });
    await refused(() => launch('teacher-1'), 401, 'bad_signature', 'not signed by your LMS');
  });

  it('refuses the wrong audience (401)', async () => {
    f.platform.nextLaunch({ claims: (c) => ({ ...c, aud: 'another-tool' }) });
    await refused(() => launch('teacher-1'), 401, 'wrong_audience', 'meant for another tool');
  });

  it('refuses the wrong issuer (401)', async () => {
    f.platform.nextLaunch({ claims: (c) => ({ ...c, iss: 'https://impostor.example' }) });
    await refused(() => launch('teacher-1'), 401, 'wrong_issuer', 'different LMS');
  });

  it('refuses an expired token, beyond the clock-skew tolerance (401)', async () => {
    const now = Math.floor(Date.now() / 1000);
    f.platform.nextLaunch({ claims: (c) => ({ ...c, iat: now - 2 * 3600, exp: now - tool.t.config.clockSkewSeconds - 60 }) });
    await refused(() => launch('teacher-1'), 401, 'token_expired', 'has expired');
  });

  it('refuses a replayed id_token: same state and nonce posted again (401)', async () => {
    const agent = new LtiAgent();
    const first = await launch(f.students[0].sub, { agent });
    expect(first.status).to.equal(200);
    const posted = agent.postedForms.find((p) => p.fields.id_token)!;
    await refused(() => agent.post(posted.action, posted.fields), 401, 'nonce_replayed', 'already used');
  });

  it('lets only one of two simultaneous posts of one id_token through', async () => {
    let captured: { action: string; fields: Record<string, string> } | undefined;
    const agent = new LtiAgent({
      beforeSubmit: (form) => {
        if (!form.fields.id_token || captured) return;
        captured = { action: form.action, fields: { ...form.fields } };
        form.action = `${tool.baseUrl}/held-back`;
      },
    });
    await launch('teacher-1', { agent });
    const results = await Promise.all([agent.post(captured!.action, captured!.fields), agent.post(captured!.action, captured!.fields)]);
    expect(results.map((r) => r.status).sort()).to.deep.equal([200, 401]);
    expect(results.find((r) => r.status === 200)!.url).to.contain('/caseload');
  });

  it('refuses a used nonce carried into a new login (401)', async () => {
    const agent = new LtiAgent();
    await launch(f.students[1].sub, { agent });
    const oldToken = agent.postedForms.find((p) => p.fields.id_token)!.fields.id_token;
    const oldNonce = JSON.parse(Buffer.from(oldToken.split('.')[1]!, 'base64url').toString()).nonce as string;
    f.platform.nextLaunch({ claims: (c) => ({ ...c, nonce: oldNonce }) });
    await refused(() => launch(f.students[1].sub), 401, 'nonce_replayed', 'already used');
  });

  it('refuses a nonce the tool never issued (401)', async () => {
    f.platform.nextLaunch({ claims: (c) => ({ ...c, nonce: 'not-a-nonce-we-issued' }) });
    await refused(() => launch('teacher-1'), 401, 'nonce_mismatch', 'not issued for the login');
  });

  it('refuses a state the tool did not issue (state mismatch, 401)', async () => {
    const agent = new LtiAgent({
      beforeSubmit: (form) => {
        if (form.fields.id_token) form.fields.state = 'a-state-from-somewhere-else';
      },
    });
    await refused(() => launch('teacher-1', { agent }), 401, 'state_mismatch', 'does not belong to a login this tool started');
  });

  it("refuses a state whose tenant part names another tenant: the state is read within the tenant it names (401)", async () => {
    let issued = '';
    const agent = new LtiAgent({
      beforeSubmit: (form) => {
        const state = form.fields.state;
        if (!form.fields.id_token || !state) return;
        issued = state;
        // The tool's own state, its tenant part swapped for another uuid: no row in that tenant.
        form.fields.state = state.replace(/^[^.]+/, '00000000-0000-4000-8000-000000000abc');
      },
    });
    await refused(() => launch('teacher-1', { agent }), 401, 'state_mismatch', 'does not belong to a login this tool started');
    expect(issued.startsWith(`${f.tenantId}.`), 'the state names its tenant').to.equal(true);
  });

  it('refuses a login that took longer than the state lives (tool clock, 401)', async () => {
    const agent = new LtiAgent({
      beforeSubmit: (form) => {
        if (form.fields.id_token) tool.t.clock.advance(11 * 60_000);
      },
    });
    try {
      await refused(() => launch('teacher-1', { agent }), 401, 'state_expired', 'took too long');
    } finally {
      tool.t.clock.advance(-11 * 60_000);
    }
  });

  it('accepts a platform clock a few minutes ahead, within the configured skew', async () => {
    tool.t.clock.advance(-(tool.t.config.clockSkewSeconds - 60) * 1000);
    try {
      const res = await launch('teacher-1');
      expect(new URL(res.url).pathname).to.equal('/caseload');
    } finally {
      tool.t.clock.advance((tool.t.config.clockSkewSeconds - 60) * 1000);
    }
  });

  it('refuses an unknown deployment (403)', async () => {
    await refused(() => launch('teacher-1', { deploymentId: 'dep-nobody-registered' }), 403, 'unknown_deployment', 'not registered', 1);
    expect(await tool.t.ctx.platforms.listPendingDeployments(f.tenantId)).to.deep.equal(['dep-nobody-registered']);
    // Refused again until an admin approves it; still listed once.
    await refused(() => launch('teacher-1', { deploymentId: 'dep-nobody-registered' }), 403, 'unknown_deployment', 'waiting for approval');
  });

  it('refuses a launch missing required claims (400)', async () => {
    f.platform.nextLaunch({
      claims: (c) => {
        const { [`${LTI}roles`]: _roles, [`${LTI}resource_link`]: _link, ...rest } = c;
        return rest;
      },
    });
    const res = await refused(() => launch('teacher-1'), 400, 'missing_claims', 'without the information the tool needs');
    expect(res.body).to.contain('roles');
  });

  it('refuses a tampered ltik (401)', async () => {
    const ok = await launch(f.students[0].sub);
    const ltik = ok.ltik!;
    const [h, p, s] = ltik.split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString()) as Record<string, unknown>;
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, role: 'advisor' })).toString('base64url')}.${s}`;
    await refused(
      async () => {
        const res = await fetch(`${tool.baseUrl}/caseload?ltik=${encodeURIComponent(forged)}`, { headers: { accept: 'text/html' } });
        return { url: res.url, status: res.status, headers: res.headers, body: await res.text(), ltik: undefined, steps: [] };
      },
      401,
      'unauthorized',
      'not valid',
    );
  });

  it('refuses a student asking for an advisor page (403)', async () => {
    const ok = await launch(f.students[0].sub);
    expect(new URL(ok.url).pathname).to.equal('/my-plan');
    await refused(
      async () => {
        const res = await fetch(`${tool.baseUrl}/caseload?ltik=${encodeURIComponent(ok.ltik!)}`, { headers: { accept: 'text/html' } });
        return { url: res.url, status: res.status, headers: res.headers, body: await res.text(), ltik: undefined, steps: [] };
      },
      403,
      'forbidden',
      'Your role does not allow this',
    );
  });
});
