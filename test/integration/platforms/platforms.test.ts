import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import request from 'supertest';
import { createTestApp, type TestApp } from '../../support/app.js';
import { PlatformInputError, type ManualPlatformInput } from '../../../src/platforms/platforms.service.js';

const platformInput = (over: Partial<ManualPlatformInput> = {}): ManualPlatformInput => {
  const issuer = `https://lms-${randomUUID()}.example`;
  return {
    name: 'Test LMS',
    issuer,
    clientId: 'client-1',
    authLoginUrl: `${issuer}/auth`,
    accessTokenUrl: `${issuer}/token`,
    jwksUrl: `${issuer}/jwks`,
    deploymentIds: ['dep-1'],
    ...over,
  };
};

describe('platform registration: addManual and the admin page', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(async () => {
    await t.ctx.shutdown?.();
  });

  it('addManual is idempotent on (issuer, client id): updates, adds deployments, keeps unspecified settings', async () => {
    const input = platformInput({ acceptNewDeployments: true, family: 'schoology' });
    const first = await t.ctx.platforms.addManual(input);
    const { kid } = await t.ctx.lti.signingKey(first.id);
    const second = await t.ctx.platforms.addManual({ ...input, name: 'Renamed', deploymentIds: ['dep-2'], acceptNewDeployments: undefined, family: undefined });
    expect(second.id).to.equal(first.id);
    expect(second).to.include({ name: 'Renamed', acceptNewDeployments: true, family: 'schoology', registeredBy: 'manual' });
    expect((await t.ctx.platforms.listDeployments(first.id)).sort()).to.deep.equal(['dep-1', 'dep-2']);
    expect((await t.ctx.lti.signingKey(first.id)).kid).to.equal(kid);
    expect((await t.ctx.platforms.list()).filter((p) => p.issuer === input.issuer)).to.have.length(1);
  });

  it('addManual refuses invalid input with every problem, writing nothing', async () => {
    const input = platformInput({ jwksUrl: 'nope', clientId: ' ' });
    let err: unknown;
    try {
      await t.ctx.platforms.addManual(input);
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(PlatformInputError);
    expect((err as PlatformInputError).problems).to.include.members(['Client ID is required', 'JWKS (platform keyset) URL must be a full http(s) URL']);
    expect((await t.ctx.platforms.list()).filter((p) => p.issuer === input.issuer)).to.have.length(0);
  });

  describe('/admin/platforms', () => {
    let own: Awaited<ReturnType<TestApp['ctx']['platforms']['addManual']>>;
    let adminLtik: string;
    let advisorLtik: string;
    before(async () => {
      // A deployment id no other text on a page can contain by chance ('dep-1' is inside 'other-dep-1…').
      own = await t.ctx.platforms.addManual(platformInput({ deploymentIds: [`own-deployment-${randomUUID()}`] }));
      const admin = await t.ctx.roster.upsertPerson(own.id, { sub: `admin-${randomUUID()}`, name: 'Ada Admin' });
      const advisor = await t.ctx.roster.upsertPerson(own.id, { sub: `adv-${randomUUID()}`, name: 'Avi Advisor' });
      adminLtik = await t.ctx.ltiks.issue({ tid: own.id, pid: admin.id, cid: null, role: 'admin' });
      advisorLtik = await t.ctx.ltiks.issue({ tid: own.id, pid: advisor.id, cid: null, role: 'advisor' });
    });

    it('an admin sees the platforms and the form; the toggle is offered for their own platform', async () => {
      const res = await request(t.app).get('/admin/platforms').query({ ltik: adminLtik }).expect(200);
      expect(res.text).to.contain(own.issuer);
      expect(res.text).to.contain('Register a platform by hand');
      expect(res.text).to.contain(`/admin/platforms/${own.id}/deployments?ltik`);
      // Both forms (the toggle inside the table too) carry the ltik.
      expect(res.text.match(/<input type="hidden" name="ltik" value="[^"]+">/g)?.length).to.be.at.least(2);
      expect(res.text).to.match(/<label for="p-issuer">/);
    });

    it("an admin sees their own school's registration only, never another's name, issuer, client id or deployments", async () => {
      const other = await t.ctx.platforms.addManual(platformInput({ name: 'Other School LMS', clientId: `other-client-${randomUUID()}`, deploymentIds: [`other-dep-${randomUUID()}`] }));
      const otherAdmin = await t.ctx.roster.upsertPerson(other.id, { sub: `admin-${randomUUID()}`, name: 'Oona Admin' });
      const otherLtik = await t.ctx.ltiks.issue({ tid: other.id, pid: otherAdmin.id, cid: null, role: 'admin' });
      const [otherDeployment] = await t.ctx.platforms.listDeployments(other.id);
      const [ownDeployment] = await t.ctx.platforms.listDeployments(own.id);

      const mine = await request(t.app).get('/admin/platforms').query({ ltik: adminLtik }).expect(200);
      expect(mine.text).to.contain(own.issuer).and.to.contain(own.clientId).and.to.contain(ownDeployment!);
      for (const secret of [other.name, other.issuer, other.clientId, otherDeployment!, other.id]) expect(mine.text).not.to.contain(secret);
      expect(mine.text.match(/<tr>\s*<th scope="row">/g), 'one registration listed').to.have.length(1);

      const theirs = await request(t.app).get('/admin/platforms').query({ ltik: otherLtik }).expect(200);
      expect(theirs.text).to.contain(other.issuer).and.to.contain(other.clientId).and.to.contain(otherDeployment!);
      expect(theirs.text).not.to.contain(own.issuer).and.not.to.contain(ownDeployment!);
    });

    it('without a launch: 401; an advisor: 403', async () => {
      await request(t.app).get('/admin/platforms').set('Accept', 'text/html').expect(401);
      await request(t.app).get('/admin/platforms').query({ ltik: advisorLtik }).set('Accept', 'text/html').expect(403);
      const issuer = `https://adv-${randomUUID()}.example`;
      await request(t.app).post('/admin/platforms').type('form').send({ ltik: advisorLtik, name: 'X', issuer, clientId: 'c', authLoginUrl: `${issuer}/a`, accessTokenUrl: `${issuer}/t`, jwksUrl: `${issuer}/j` }).expect(403);
      expect((await t.ctx.platforms.list()).filter((p) => p.issuer === issuer)).to.have.length(0);
    });

    it('the form registers a platform (303 back to the list, ltik kept)', async () => {
      const issuer = `https://form-${randomUUID()}.example`;
      const res = await request(t.app)
        .post('/admin/platforms')
        .type('form')
        .send({ ltik: adminLtik, name: 'Schoology', family: 'schoology', issuer, clientId: '123', authLoginUrl: `${issuer}/auth`, accessTokenUrl: `${issuer}/token`, jwksUrl: `${issuer}/jwks`, deploymentIds: 'd-1\nd-2', acceptNewDeployments: 'on' })
        .expect(303);
      // Another LMS is managed from its own launches: the page says it was registered, and does not list it.
      expect(res.headers.location).to.match(/^\/admin\/platforms\?registered=another&ltik=/);
      const back = await request(t.app).get(res.headers.location!).expect(200);
      expect(back.text).to.contain('The platform is registered').and.not.to.contain(issuer);
      const [p] = (await t.ctx.platforms.list()).filter((x) => x.issuer === issuer);
      expect(p).to.include({ family: 'schoology', acceptNewDeployments: true, clientId: '123' });
      expect((await t.ctx.platforms.listDeployments(p!.id)).sort()).to.deep.equal(['d-1', 'd-2']);
    });

    it("re-registering another platform's issuer and client id (to swap its keyset URL) is refused", async () => {
      const victim = await t.ctx.platforms.addManual(platformInput());
      await request(t.app)
        .post('/admin/platforms')
        .type('form')
        .set('Accept', 'text/html')
        .send({ ltik: adminLtik, name: 'Evil', issuer: victim.issuer, clientId: victim.clientId, authLoginUrl: 'https://evil.example/auth', accessTokenUrl: 'https://evil.example/token', jwksUrl: 'https://evil.example/jwks' })
        .expect(403);
      expect((await t.ctx.platforms.find(victim.id))!.jwksUrl).to.equal(victim.jwksUrl);
    });

    it('a form with bad values comes back (400) with the problems and the typed values, nothing stored', async () => {
      const issuer = `https://bad-${randomUUID()}.example`;
      const res = await request(t.app)
        .post('/admin/platforms')
        .type('form')
        .send({ ltik: adminLtik, name: 'Bad', issuer, clientId: '', authLoginUrl: 'x', accessTokenUrl: `${issuer}/t`, jwksUrl: `${issuer}/j` })
        .expect(400);
      // The error summary at the top links each problem to its field (issue 7, item 9).
      expect(res.text).to.match(/<main[^>]*>\s*<div class="error-summary"[^>]*data-error-summary>/);
      expect(res.text).to.contain('<a href="#p-client">Client ID is required</a>');
      expect(res.text).to.contain('<a href="#p-auth">Authorization (OIDC auth) URL must be a full http(s) URL</a>');
      expect(res.text).to.match(/id="p-client"[^>]*aria-invalid="true" aria-describedby="p-client-error"/);
      expect(res.text).to.contain(`value="${issuer}"`);
      expect((await t.ctx.platforms.list()).filter((p) => p.issuer === issuer)).to.have.length(0);
    });

    it('the admin turns "accept new deployments" on and off for their platform, not for another', async () => {
      await request(t.app).post(`/admin/platforms/${own.id}/deployments`).type('form').send({ ltik: adminLtik, acceptNewDeployments: 'on' }).expect(303);
      expect((await t.ctx.platforms.find(own.id))!.acceptNewDeployments).to.equal(true);
      await request(t.app).post(`/admin/platforms/${own.id}/deployments`).type('form').send({ ltik: adminLtik, acceptNewDeployments: 'off' }).expect(303);
      expect((await t.ctx.platforms.find(own.id))!.acceptNewDeployments).to.equal(false);

      const other = await t.ctx.platforms.addManual(platformInput());
      await request(t.app).post(`/admin/platforms/${other.id}/deployments`).type('form').set('Accept', 'text/html').send({ ltik: adminLtik, acceptNewDeployments: 'on' }).expect(403);
      expect((await t.ctx.platforms.find(other.id))!.acceptNewDeployments).to.equal(false);
    });
  });
});
