import { expect } from 'chai';
import { startTool, type RunningTool } from '../../support/tool-server.js';
import { LtiAgent } from '../../support/lti-agent.js';
import { launchFixture, rowCounts, type LaunchFixture } from '../../support/launch-fixture.js';

for (const profile of ['canvas', 'schoology'] as const) {
  describe(`LTI launch over HTTP (${profile} profile)`, () => {
    let tool: RunningTool;
    let f: LaunchFixture;

    before(async () => {
      tool = await startTool();
      f = await launchFixture(tool, profile);
    });
    after(async () => {
      await f.close();
      await tool.close();
    });

    const launchAs = (sub: string, opts: ConstructorParameters<typeof LtiAgent>[0] = {}, course: string | null = f.courseId) =>
      new LtiAgent(opts).launch(f.platform.launchUrl({ clientId: f.clientId, userSub: sub, courseId: course ?? undefined }));

    it('lands each student on /my-plan with a working ltik, showing name, role and course', async () => {
      for (const s of f.students) {
        const res = await launchAs(s.sub);
        expect(res.status, res.body).to.equal(200);
        expect(new URL(res.url).pathname).to.equal('/my-plan');
        expect(res.ltik).to.be.a('string');
        expect(res.body).to.contain(s.name).and.to.contain('student').and.to.contain('Advisory 9B');
      }
    });

    it('lands the teacher on /caseload listing the advisory students, and a TA there too', async () => {
      for (const sub of ['teacher-1', 'ta-1']) {
        const res = await launchAs(sub);
        expect(res.status).to.equal(200);
        expect(new URL(res.url).pathname).to.equal('/caseload');
        expect(res.body).to.contain('advisor');
        for (const s of f.students) expect(res.body).to.contain(s.name);
      }
    });

    it('stores the course with its NRPS and AGS endpoints, and /home sends each role to its home', async () => {
      const res = await launchAs('teacher-1');
      const { cid } = JSON.parse(Buffer.from(res.ltik!.split('.')[1]!, 'base64url').toString()) as { cid: string };
      const context = await tool.t.ctx.roster.findContext(f.tenantId, cid);
      expect(context!.title).to.equal('Advisory 9B');
      expect(context!.membershipsUrl).to.match(/^http:\/\/127\.0\.0\.1:\d+\//);
      expect(context!.lineItemsUrl).to.match(/^http:\/\/127\.0\.0\.1:\d+\//);
      expect(context!.agsScopes).to.include('https://purl.imsglobal.org/spec/lti-ags/scope/score');
      const home = await fetch(`${tool.baseUrl}/home?ltik=${res.ltik}`, { redirect: 'manual' });
      expect(home.status).to.equal(302);
      expect(home.headers.get('location')).to.equal(`/caseload?ltik=${res.ltik}`);
    });

    it('lands a mentor on /family showing only their mentee', async () => {
      const res = await launchAs('parent-1');
      expect(res.status).to.equal(200);
      expect(new URL(res.url).pathname).to.equal('/family');
      expect(res.body).to.contain(f.students[0].name);
      expect(res.body).not.to.contain(f.students[1].name);
      // A mentee who never launched gets a stub person the roster sync fills in later.
      expect(await tool.t.ctx.roster.findPeopleBySub(f.tenantId, ['student-never-launched'])).to.have.length(1);
    });

    it('lands an administrator on /admin, and anything else on a least-privilege page', async () => {
      const admin = await launchAs('admin-1');
      expect(new URL(admin.url).pathname).to.equal('/admin');
      expect(admin.body).to.contain('admin');
      const account = await launchAs('admin-1', {}, null);
      expect(new URL(account.url).pathname, 'account-level launch without a course').to.equal('/admin');
      const designer = await launchAs('designer-1');
      expect(new URL(designer.url).pathname).to.equal('/home');
      expect(designer.body).to.contain('No access yet');
      const caseload = await fetch(`${tool.baseUrl}/caseload?ltik=${designer.ltik}`, { headers: { accept: 'text/html' } });
      expect(caseload.status).to.equal(403);
    });

    it('is idempotent: launching again writes no new rows', async () => {
      await launchAs('teacher-1');
      const before = await rowCounts(tool.t, f.tenantId);
      await launchAs('teacher-1');
      await launchAs(f.students[0].sub);
      expect(await rowCounts(tool.t, f.tenantId)).to.deep.equal(before);
    });

    it('records the product family and uses the cached platform JWKS (not one fetch per launch)', async () => {
      const tenant = await tool.t.ctx.platforms.find(f.tenantId);
      expect(tenant!.family).to.equal(profile);
      const fetchesBefore = tool.t.ctx.launches.jwks.fetchCount;
      await launchAs('teacher-1');
      await launchAs(f.students[1].sub);
      expect(tool.t.ctx.launches.jwks.fetchCount).to.equal(fetchesBefore);
    });

    it('records a new deployment at launch when the platform accepts new deployments', async () => {
      await tool.t.ctx.platforms.update(f.tenantId, { acceptNewDeployments: true });
      try {
        const res = await new LtiAgent().launch(f.platform.launchUrl({ clientId: f.clientId, userSub: 'teacher-1', courseId: f.courseId, deploymentId: 'dep-new-1' }));
        expect(new URL(res.url).pathname).to.equal('/caseload');
        expect(await tool.t.ctx.platforms.listDeployments(f.tenantId)).to.include('dep-new-1');
      } finally {
        await tool.t.ctx.platforms.update(f.tenantId, { acceptNewDeployments: false });
      }
    });

    it('with third-party cookies blocked, finishes through LTI platform storage when the LMS offers it', async () => {
      if (!f.storageTarget) return;
      const res = await launchAs('teacher-1', { blockCookies: (u) => u.origin === tool.baseUrl, platformStorage: true });
      expect(res.status).to.equal(200);
      expect(new URL(res.url).pathname).to.equal('/caseload');
      expect(res.steps.some((s) => s.url.endsWith('/lti/launch/complete'))).to.equal(true);
    });

    it('with third-party cookies blocked and no platform storage, offers a new window that completes top-level', async () => {
      const blocked = await launchAs(f.students[0].sub, { blockCookies: (u) => u.origin === tool.baseUrl, platformStorage: false });
      expect(blocked.status).to.equal(200);
      expect(blocked.body).to.contain('Open in a new window');
      const restart = /href="(\/lti\/login\/restart\/[0-9a-f-]+)"/.exec(blocked.body)?.[1];
      expect(restart).to.be.a('string');
      // The new window is top-level: the tool's cookie is first-party there.
      const top = await new LtiAgent().launch(`${tool.baseUrl}${restart}`);
      expect(new URL(top.url).pathname).to.equal('/my-plan');
      expect(top.body).to.contain(f.students[0].name);
      const again = await new LtiAgent().launch(`${tool.baseUrl}${restart}`);
      expect(again.status).to.equal(401);
    });

    it('refuses a storage completion whose binding value does not match', async () => {
      if (!f.storageTarget) return;
      const agent = new LtiAgent({ blockCookies: (u) => u.origin === tool.baseUrl, platformStorage: true });
      agent.opts.beforeSubmit = (form) => {
        if (form.action.endsWith('/lti/launch/complete')) form.fields.binding = 'forged-binding-value';
      };
      const before = await rowCounts(tool.t, f.tenantId);
      const res = await agent.launch(f.platform.launchUrl({ clientId: f.clientId, userSub: 'teacher-1', courseId: f.courseId }));
      expect(res.status).to.equal(401);
      expect(res.body).to.contain('could not be matched to this browser');
      expect(await rowCounts(tool.t, f.tenantId)).to.deep.equal(before);
    });

    it('sets the state cookie SameSite=None; Secure; HttpOnly; Partitioned, scoped to /lti', async () => {
      const params = new URLSearchParams({ iss: f.platform.issuer, login_hint: 'teacher-1', target_link_uri: `${tool.baseUrl}/lti/launch`, client_id: f.clientId, lti_message_hint: 'opaque' });
      if (f.storageTarget) params.set('lti_storage_target', f.storageTarget);
      const login = await fetch(`${tool.baseUrl}/lti/login?${params}`, { redirect: 'manual' });
      const cookie = login.headers.getSetCookie().find((c) => c.startsWith('lti_state_'));
      expect(cookie).to.match(/; Path=\/lti/).and.match(/HttpOnly/).and.match(/Secure/).and.match(/SameSite=None/).and.match(/Partitioned/);
      if (f.storageTarget) {
        expect(login.status).to.equal(200);
        expect(await login.text()).to.contain('lti.put_data');
      } else {
        expect(login.status).to.equal(302);
        const auth = new URL(login.headers.get('location')!);
        expect(Object.fromEntries(auth.searchParams)).to.include({
          scope: 'openid',
          response_type: 'id_token',
          response_mode: 'form_post',
          prompt: 'none',
          client_id: f.clientId,
          redirect_uri: `${tool.baseUrl}/lti/launch`,
          login_hint: 'teacher-1',
          lti_message_hint: 'opaque',
        });
        expect(auth.searchParams.get('nonce')).to.have.length.greaterThan(20);
      }
    });

    it('accepts login initiation by POST as well as GET, and refuses an unknown platform with a clear 400 page', async () => {
      const body = new URLSearchParams({ iss: f.platform.issuer, login_hint: 'teacher-1', target_link_uri: `${tool.baseUrl}/lti/launch`, client_id: f.clientId });
      const post = await fetch(`${tool.baseUrl}/lti/login`, { method: 'POST', body, redirect: 'manual' });
      expect(post.status).to.equal(302);
      const unknown = await fetch(`${tool.baseUrl}/lti/login?${new URLSearchParams({ iss: 'https://nobody.example', login_hint: 'x', target_link_uri: `${tool.baseUrl}/lti/launch`, client_id: 'nope' })}`, {
        headers: { accept: 'text/html' },
      });
      expect(unknown.status).to.equal(400);
      expect(await unknown.text()).to.contain('not registered');
      const incomplete = await fetch(`${tool.baseUrl}/lti/login?iss=${encodeURIComponent(f.platform.issuer)}`, { headers: { accept: 'text/html' } });
      expect(incomplete.status).to.equal(400);
      expect(await incomplete.text()).to.contain('login_hint');
    });


    it('learns the LMS origin that frames it from the signed launch, so frame-ancestors allows it and nothing else', async () => {
      const schoolOrigin = `https://school-${profile}.lms.example`;
      f.platform.nextLaunch({
        claims: (c) => ({ ...c, 'https://purl.imsglobal.org/spec/lti/claim/launch_presentation': { document_target: 'iframe', return_url: `${schoolOrigin}/courses/1` } }),
      });
      const res = await launchAs('teacher-1');
      expect(res.status).to.equal(200);
      const tenant = await tool.t.ctx.platforms.find(f.tenantId);
      expect(tenant!.settings.frameOrigins).to.include(schoolOrigin);
      const page = await fetch(`${tool.baseUrl}/caseload?ltik=${res.ltik}`);
      const csp = page.headers.get('content-security-policy') ?? '';
      const ancestors = /frame-ancestors ([^;]*)/.exec(csp)![1]!;
      expect(ancestors.split(' ')).to.include(schoolOrigin);
      expect(ancestors).not.to.contain('*');
    });
  });
}
