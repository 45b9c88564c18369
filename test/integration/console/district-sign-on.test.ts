import { expect } from 'chai';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { and, eq, sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../support/app.js';
import { seedSchool, ltikFor, asUser, type SeededSchool } from '../../support/school.js';
import { decoded } from '../../support/html.js';
import { freePort } from '../../support/net.js';
import { startOidcProvider, type OidcProvider } from '../../support/oidc-provider.js';
import { auditEvents } from '../../../src/audit/audit.tables.js';
import { consoleSessions, consoleSignOn } from '../../../src/console/console.tables.js';
import { enterSystemScopeForTests } from '../../../src/db/tenant-scope.js';
import { FLOW_TTL_MS } from '../../../src/console/district-sign-on.service.js';
import { signOnForm } from '../../../src/console/district-sign-on.schemas.js';
import { discoverProvider, OidcError } from '../../../src/console/district-oidc.js';

type Browser = InstanceType<typeof TestAgent>;

/**
 * District single sign-on into the admin console (issue 14 item 1), against a simulated district provider
 * (test/support/oidc-provider.ts, a real HTTP server): an administrator of the school on its roster signs in
 * with their district account (code flow, PKCE, state, nonce) and lands on the console in a first-party
 * session; anyone else, a tampered or replayed answer, a provider that fails or is down gets one clear page.
 */
describe('admin console: district sign-on (OIDC)', function () {
  this.timeout(120_000);
  let t: TestApp;
  let s: SeededSchool;
  let idp: OidcProvider;
  let adminLtik: string;
  const callbackUri = 'http://localhost:3000/console/oidc/callback';
  const domain = 'district.test';
  const adminEmail = `Ann.Admin@${domain}`;
  const teacherEmail = `ada.advisor@${domain}`;

  /** Asserts a response's status (with its page when it differs) and gives it back. */
  const must = (res: request.Response, status: number) => {
    expect(res.status, res.text.slice(0, 2000)).to.equal(status);
    return res;
  };
  const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
  /** A console session for the school's admin, from the LMS hand-off. */
  const consoleAsAdmin = async (): Promise<Browser> => {
    const handoff = await request(t.app).post('/admin/console').type('form').send({ ltik: adminLtik }).expect(303);
    const browser = request.agent(t.app);
    await browser.get(handoff.headers.location!).expect(303);
    return browser;
  };
  const saveSettings = async (browser: Browser, form: Record<string, string>) => {
    const page = decoded((await browser.get('/console/sign-on').expect(200)).text);
    return browser.post('/console/sign-on').type('form').send({ _csrf: csrfOf(page), ...form });
  };
  /** The sign-in page, then "Sign in with your district account": where the browser is sent. */
  const startSignIn = async (browser: Browser, school = s.tenantId) => {
    const page = decoded((await browser.get('/console/sign-in').query({ school }).expect(200)).text);
    expect(page).to.contain('Sign in with your district account');
    return browser.post('/console/oidc/start').type('form').send({ _csrf: csrfOf(page), school });
  };
  /** The browser at the provider: it signs the configured user in and is sent back with a code (or an error). */
  const atProvider = async (location: string): Promise<URL> => {
    const answer = await fetch(location, { redirect: 'manual' });
    expect(answer.status).to.equal(302);
    const back = new URL(answer.headers.get('location')!);
    expect(`${back.origin}${back.pathname}`).to.equal(callbackUri);
    return back;
  };
  const returnTo = (browser: Browser, back: URL) => browser.get(`${back.pathname}${back.search}`);
  /** A whole sign-in up to the callback's answer. */
  const signIn = async (browser = request.agent(t.app)) => {
    const start = must(await startSignIn(browser), 303);
    const back = await atProvider(start.headers.location!);
    return { browser, back, res: await returnTo(browser, back) };
  };
  const consoleSessionsAudited = () => t.ctx.db.select().from(auditEvents).where(and(eq(auditEvents.tenantId, s.tenantId), eq(auditEvents.actorId, s.admin.id), eq(auditEvents.entity, 'console_session'), eq(auditEvents.action, 'create')));
  const deniedSignIns = () => t.ctx.db.select().from(auditEvents).where(and(eq(auditEvents.tenantId, s.tenantId), eq(auditEvents.entity, 'console_sign_in'), eq(auditEvents.action, 'denied'), eq(auditEvents.attempt, 'districtSignOn')));

  before(async () => {
    enterSystemScopeForTests();
    // A second for the provider to answer, so a provider that never does is a quick test.
    t = await createTestApp({}, { wiring: { oidcTimeoutSeconds: 1 } });
    s = await seedSchool(t.ctx);
    adminLtik = await ltikFor(t.ctx, s.admin, 'admin', s.advisoryId);
    // The roster knows their e-mail addresses, as a launch or NRPS sync gives them.
    await t.ctx.roster.upsertPerson(s.tenantId, { sub: s.admin.sub, name: s.admin.name, email: adminEmail });
    await t.ctx.roster.upsertPerson(s.tenantId, { sub: s.advisor.sub, name: s.advisor.name, email: teacherEmail });
    idp = await startOidcProvider({ redirectUris: [callbackUri] });
    const saved = await saveSettings(await consoleAsAdmin(), { issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret, emailDomains: `${domain}, other.example` });
    expect(saved.status, saved.text).to.equal(303);
  });
  beforeEach(() => {
    idp.user = { sub: 'district-ann', email: adminEmail.toLowerCase(), email_verified: true };
    idp.authorizeError = undefined;
    idp.outage = 'none';
  });
  after(async () => {
    await idp?.close();
    await t.ctx.shutdown?.();
  });

  it('signs an administrator of the school in through the district provider: PKCE S256, state and nonce, a fresh first-party session, audited', async () => {
    const browser = request.agent(t.app);
    const page = await browser.get('/console/sign-in').query({ school: s.tenantId }).expect(200);
    const before = String(page.headers['set-cookie']);
    const start = await browser.post('/console/oidc/start').type('form').send({ _csrf: csrfOf(decoded(page.text)), school: s.tenantId }).expect(303);
    const authorize = new URL(start.headers.location!);
    expect(authorize.origin).to.equal(idp.issuer);
    const q = authorize.searchParams;
    expect(q.get('response_type')).to.equal('code');
    expect(q.get('client_id')).to.equal(idp.clientId);
    expect(q.get('redirect_uri')).to.equal(callbackUri);
    expect(q.get('code_challenge_method')).to.equal('S256');
    expect(q.get('code_challenge')).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('state')).to.have.length.greaterThan(20);
    expect(q.get('nonce')).to.have.length.greaterThan(20);
    expect(q.get('scope')).to.contain('openid').and.to.contain('email');

    const back = await atProvider(authorize.toString());
    expect(idp.challenges.at(-1)).to.equal(q.get('code_challenge'));
    const sessionsBefore = (await consoleSessionsAudited()).length;
    const done = await returnTo(browser, back).expect(303);
    expect(done.headers.location).to.equal('/console');
    const cookie = String(done.headers['set-cookie']);
    expect(cookie).to.match(/console_session=/).and.to.match(/Path=\/console/).and.to.match(/HttpOnly/).and.to.match(/SameSite=Lax/);
    // A new session id: the one the sign-in page made (which held the flow) is not the signed-in one.
    expect(/console_session=([^;]+)/.exec(cookie)![1]).not.to.equal(/console_session=([^;]+)/.exec(before)?.[1]);
    expect(idp.tokenAttempts.at(-1)).to.deep.equal({ method: 'client_secret_basic', outcome: 'issued' });

    const home = await browser.get('/console').expect(200);
    expect(home.headers['x-frame-options']).to.equal('DENY');
    expect(decoded(home.text)).to.contain('Admin console').and.to.contain(s.admin.name);
    expect(await consoleSessionsAudited()).to.have.length(sessionsBefore + 1);
  });

  it('refuses a teacher of the school whose verified e-mail matches (403, audited as denied, no one named in the audit or the log)', async () => {
    const deniedBefore = (await deniedSignIns()).length;
    idp.user = { sub: 'district-ada', email: teacherEmail, email_verified: true };
    const { browser, res } = await signIn();
    expect(res.status).to.equal(403);
    expect(decoded(res.text)).to.contain('You cannot open this console');
    await browser.get('/console').expect(401);
    const denied = await deniedSignIns();
    expect(denied).to.have.length(deniedBefore + 1);
    expect(denied.every((d) => d.actorId === null)).to.equal(true);
    expect(JSON.stringify(denied)).not.to.contain(domain);
    expect(t.logs.text()).not.to.contain(teacherEmail).and.not.to.contain('ada.advisor');
  });

  it('refuses an address the provider has not verified, one of a domain not accepted, and nobody on the roster (403 each, audited)', async () => {
    const deniedBefore = (await deniedSignIns()).length;
    idp.user = { sub: 'district-ann', email: adminEmail, email_verified: false };
    expect((await signIn()).res.status).to.equal(403);
    idp.user = { sub: 'district-ann', email: adminEmail };
    expect((await signIn()).res.status, 'email_verified absent').to.equal(403);
    // The admin's address, but at a domain the school does not accept.
    await t.ctx.roster.upsertPerson(s.tenantId, { sub: s.admin.sub, email: 'ann.admin@elsewhere.example' });
    idp.user = { sub: 'district-ann', email: 'ann.admin@elsewhere.example', email_verified: true };
    expect((await signIn()).res.status, 'domain not accepted').to.equal(403);
    await t.ctx.roster.upsertPerson(s.tenantId, { sub: s.admin.sub, email: adminEmail });
    idp.user = { sub: 'district-nobody', email: `nobody@${domain}`, email_verified: true };
    const nobody = await signIn();
    expect(nobody.res.status).to.equal(403);
    expect(decoded(nobody.res.text)).to.contain('You cannot open this console');
    expect(await deniedSignIns()).to.have.length(deniedBefore + 4);
  });

  it('refuses a tampered state (400), and the flow is spent: the real answer after it finds nothing to finish', async () => {
    const browser = request.agent(t.app);
    const start = must(await startSignIn(browser), 303);
    const back = await atProvider(start.headers.location!);
    const tampered = new URL(back);
    tampered.searchParams.set('state', `${back.searchParams.get('state')!.slice(0, -2)}xx`);
    const refused = await returnTo(browser, tampered).expect(400);
    expect(decoded(refused.text)).to.contain('This sign-in could not be checked');
    const after = await returnTo(browser, back).expect(400);
    expect(decoded(after.text)).to.contain('This sign-in is over');
    await browser.get('/console').expect(401);
    // No state at all, and another browser's answer: refused alike.
    const other = request.agent(t.app);
    must(await startSignIn(other), 303);
    const noState = new URL(back);
    noState.searchParams.delete('state');
    expect((await returnTo(other, noState)).status).to.equal(400);
  });

  it('refuses a replayed callback: the same answer a second time (400), and the provider refuses the used code itself', async () => {
    const { browser, back, res } = await signIn();
    expect(res.status).to.equal(303);
    const again = await returnTo(browser, back).expect(400);
    expect(decoded(again.text)).to.contain('This sign-in is over');
    // Replayed in a browser with a flow of its own under way: not its state.
    const other = request.agent(t.app);
    must(await startSignIn(other), 303);
    expect((await returnTo(other, back)).status).to.equal(400);
    // And at the provider: the code was spent by the tool.
    const reuse = await idp.exchange(back.searchParams.get('code')!, 'a'.repeat(43), callbackUri);
    expect(reuse.status).to.equal(400);
    expect(reuse.body.error).to.equal('invalid_grant');
    expect(idp.tokenAttempts.at(-1)!.reason).to.equal('reused_code');
  });

  it('fails at the provider when the PKCE verifier is not the challenge\'s, and shows a clear page (400), not a 500', async () => {
    const browser = request.agent(t.app);
    const start = must(await startSignIn(browser), 303);
    const back = await atProvider(start.headers.location!);
    // The verifier the session keeps is swapped for another, as if the code had been injected into another flow.
    await t.ctx.db.execute(sql`update ${consoleSessions} set sess = jsonb_set(sess, '{oidc,verifier}', to_jsonb(${'b'.repeat(43)}::text)) where sess ? 'oidc'`);
    const res = await returnTo(browser, back).expect(400);
    expect(decoded(res.text)).to.contain('This sign-in could not be finished');
    expect(idp.tokenAttempts.at(-1)).to.deep.equal({ method: 'client_secret_basic', outcome: 'invalid_grant', reason: 'wrong_verifier' });
    await browser.get('/console').expect(401);
  });

  it('refuses a flow older than ten minutes (400)', async () => {
    const browser = request.agent(t.app);
    const start = must(await startSignIn(browser), 303);
    const back = await atProvider(start.headers.location!);
    t.clock.advance(FLOW_TTL_MS + 1000);
    const res = await returnTo(browser, back).expect(400);
    expect(decoded(res.text)).to.contain('This sign-in took too long');
  });

  it('shows the provider\'s error answers as pages: declined 403, its own failure 502', async () => {
    idp.authorizeError = 'access_denied';
    const declined = await signIn();
    expect(declined.res.status).to.equal(403);
    expect(decoded(declined.res.text)).to.contain('Your district did not sign you in');
    idp.authorizeError = 'server_error';
    const failed = await signIn();
    expect(failed.res.status).to.equal(502);
    expect(decoded(failed.res.text)).to.contain('gave an error');
  });

  it('answers a provider that is down (502) or silent (504) with a clear page, at the start and at the callback, never a hang', async () => {
    idp.outage = 'refuse';
    const down = await startSignIn(request.agent(t.app));
    expect(down.status).to.equal(502);
    expect(decoded(down.text)).to.contain('cannot be reached');
    idp.outage = 'hang';
    const began = Date.now();
    const silent = await startSignIn(request.agent(t.app));
    expect(silent.status).to.equal(504);
    expect(decoded(silent.text)).to.contain('did not answer');
    expect(Date.now() - began).to.be.lessThan(10_000);
    // Down after the browser left for it: the exchange at the callback fails the same way.
    idp.outage = 'none';
    const browser = request.agent(t.app);
    const start = must(await startSignIn(browser), 303);
    const back = await atProvider(start.headers.location!);
    idp.outage = 'refuse';
    expect((await returnTo(browser, back)).status).to.equal(502);
    expect(JSON.stringify(t.logs.lines.filter((l) => l.status === 500))).to.equal('[]');
  });

  it('never shows, logs or exports the client secret; keeps it sealed at rest', async () => {
    const browser = await consoleAsAdmin();
    const page = decoded((await browser.get('/console/sign-on').expect(200)).text);
    expect(page).to.contain(idp.issuer).and.to.contain(idp.clientId).and.to.contain('A secret is saved and never shown');
    expect(page).not.to.contain(idp.clientSecret);
    const [row] = await t.ctx.db.select().from(consoleSignOn).where(eq(consoleSignOn.tenantId, s.tenantId));
    expect(row!.clientSecretSealed).to.match(/^v1\./).and.not.to.contain(idp.clientSecret);
    // Saving again with the secret left empty keeps it: sign-in still works.
    expect((await saveSettings(browser, { issuer: idp.issuer, clientId: idp.clientId, clientSecret: '', emailDomains: domain })).status).to.equal(303);
    expect((await signIn()).res.status).to.equal(303);
    const exported = await asUser(t.app, adminLtik).get('/admin/configuration/export').expect(200);
    expect(exported.text).not.to.contain(idp.clientSecret).and.not.to.contain(idp.clientId);
    const sessions = await t.ctx.db.select().from(consoleSessions);
    expect(JSON.stringify(sessions)).not.to.contain(idp.clientSecret);
    expect(t.logs.text()).not.to.contain(idp.clientSecret);
    const audit = await t.ctx.db.select().from(auditEvents).where(and(eq(auditEvents.tenantId, s.tenantId), eq(auditEvents.entity, 'console_sign_on')));
    expect(audit.length).to.be.greaterThan(0);
    expect(JSON.stringify(audit)).not.to.contain(idp.clientSecret);
  });

  it('refuses to save an issuer that cannot be discovered, with a field error, keeping what was typed (but never the secret)', async () => {
    const browser = await consoleAsAdmin();
    const closed = `http://127.0.0.1:${await freePort()}`;
    const typed = { issuer: closed, clientId: 'typed-client-id', clientSecret: 'typed-secret-never-shown', emailDomains: 'typed.example' };
    const refused = must(await saveSettings(browser, typed), 400);
    const html = decoded(refused.text);
    expect(html).to.contain('Nothing answered at this issuer').and.to.contain('data-error-summary').and.to.contain('aria-invalid="true"');
    expect(html).to.contain(`value="${closed}"`).and.to.contain('value="typed-client-id"').and.to.contain('value="typed.example"');
    expect(html).not.to.contain('typed-secret-never-shown');
    // An address that answers, but is no OpenID provider; one that never answers.
    const notOidc = must(await saveSettings(browser, { ...typed, issuer: `${idp.issuer}/not-here` }), 400);
    expect(decoded(notOidc.text)).to.contain('No OpenID Connect configuration was found');
    idp.outage = 'hang';
    const slow = must(await saveSettings(browser, { ...typed, issuer: idp.issuer }), 400);
    expect(decoded(slow.text)).to.contain('did not answer within 1 seconds');
    idp.outage = 'none';
    // Form errors: a bad issuer and domain list, field by field.
    const bad = decoded((must(await saveSettings(browser, { issuer: 'ftp://x', clientId: '', clientSecret: '', emailDomains: 'not a domain!' }), 400)).text);
    expect(bad).to.contain('Enter the issuer as a full https address').and.to.contain('Enter a value').and.to.contain('Enter domains like');
    // The settings in force are untouched by the refusals.
    const [row] = await t.ctx.db.select().from(consoleSignOn).where(eq(consoleSignOn.tenantId, s.tenantId));
    expect(row!.issuer).to.equal(idp.issuer);
  });

  it('offers no district button where a school has not set it up, and refuses to start or finish a sign-in there (400)', async () => {
    const other = decoded((await request(t.app).get('/console/sign-in').query({ school: s.other.tenantId }).expect(200)).text);
    expect(other).not.to.contain('Sign in with your district account');
    const browser = request.agent(t.app);
    const page = decoded((await browser.get('/console/sign-in').query({ school: s.other.tenantId })).text);
    const res = await browser.post('/console/oidc/start').type('form').send({ _csrf: csrfOf(page), school: s.other.tenantId }).expect(400);
    expect(decoded(res.text)).to.contain('District sign-on is not set up');
    // A callback nobody started.
    expect((await request(t.app).get('/console/oidc/callback').query({ code: 'x', state: 'y' })).status).to.equal(400);
  });

  it('authenticates with client_secret_post where the provider offers only that, and says so when the provider refuses the secret (502)', async () => {
    const postOnly = await startOidcProvider({ redirectUris: [callbackUri], authMethods: ['client_secret_post'] });
    try {
      postOnly.user = idp.user;
      const browser = await consoleAsAdmin();
      const settings = { issuer: postOnly.issuer, clientId: postOnly.clientId, emailDomains: domain };
      must(await saveSettings(browser, { ...settings, clientSecret: postOnly.clientSecret }), 303);
      expect((await signIn()).res.status).to.equal(303);
      expect(postOnly.tokenAttempts.at(-1)).to.deep.equal({ method: 'client_secret_post', outcome: 'issued' });
      // Discovery cannot tell a wrong secret: the provider's refusal at the exchange is a clear 502 page.
      must(await saveSettings(browser, { ...settings, clientSecret: 'not-the-secret' }), 303);
      const refused = await signIn();
      expect(refused.res.status).to.equal(502);
      expect(decoded(refused.res.text)).to.contain("did not accept the tool's client id or secret");
      expect(postOnly.tokenAttempts.at(-1)!.outcome).to.equal('invalid_client');
    } finally {
      must(await saveSettings(await consoleAsAdmin(), { issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret, emailDomains: domain }), 303);
      await postOnly.close();
    }
  });

  it('allows a plain-http issuer only on this machine and never in production (the form and the client both)', async () => {
    const form = { clientId: 'c', clientSecret: 's', emailDomains: domain };
    expect(signOnForm({ loopbackHttp: true }).safeParse({ ...form, issuer: idp.issuer }).success).to.equal(true);
    expect(signOnForm({ loopbackHttp: true }).safeParse({ ...form, issuer: 'http://login.district.test' }).success).to.equal(false);
    expect(signOnForm({ loopbackHttp: false }).safeParse({ ...form, issuer: idp.issuer }).success).to.equal(false);
    expect(signOnForm({ loopbackHttp: false }).safeParse({ ...form, issuer: 'https://login.district.test/tenant-1' }).success).to.equal(true);
    const production = await discoverProvider({ issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret }, { timeoutSeconds: 1, allowLoopbackHttp: false }).then(
      () => 'discovered',
      (err: unknown) => (err instanceof OidcError ? err.reason : 'other'),
    );
    expect(production).to.equal('insecure');
  });

  it('speaks Spanish to a Spanish browser', async () => {
    const browser = request.agent(t.app);
    const page = decoded((await browser.get('/console/sign-in').query({ school: s.tenantId }).set('Accept-Language', 'es-MX').expect(200)).text);
    expect(page).to.contain('Iniciar sesión con tu cuenta del distrito');
    const res = await browser.get('/console/oidc/callback').query({ code: 'x', state: 'y' }).set('Accept-Language', 'es-MX').expect(400);
    expect(decoded(res.text)).to.contain('Este inicio de sesión terminó');
  });
});
