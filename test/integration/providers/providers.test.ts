import { expect } from 'chai';
import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../support/app.js';
import { seedSchool, ltikFor, asUser, type SeededSchool } from '../../support/school.js';
import { enterSystemScopeForTests } from '../../../src/db/tenant-scope.js';
import { queryRows } from '../../../src/db/client.js';
import { decoded } from '../../support/html.js';
import { MailError, render, SEND_JOB } from '../../../src/mail/mail.service.js';
import { HttpError } from '../../../src/web/errors.js';
import { providerLimits } from '../../../src/providers/provider-portal.routes.js';
import { TOKEN_TTL_MS } from '../../../src/providers/providers.service.js';
import type { ProviderUser } from '../../../src/providers/provider-user.js';

type Agent = ReturnType<typeof request.agent>;

/** The CSRF token of the forms on a portal page. */
const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

/**
 * Community providers: the admins invite people of an organisation; they sign in outside the LMS with
 * a one-time link or a password, in a first-party session guarded by CSRF tokens and rate limits.
 */
describe('community providers: invitations, sign-in and the provider home', function () {
  this.timeout(30_000);
  let t: TestApp;
  let school: SeededSchool;
  let admin: ReturnType<typeof asUser>;
  let advisor: ReturnType<typeof asUser>;
  let orgId: string;
  /** Who the referrals feature was asked about: the provider's home asks with the signed-in provider, in its school's scope. */
  const asked: ProviderUser[] = [];
  const referrals = {
    listFor: async (p: ProviderUser) => {
      asked.push(p);
      return p.name === 'Rita Referred' ? [{ id: randomUUID(), supportName: 'Weekend meal packs', stateLabel: 'Requested', urgent: true, sentAt: new Date('2026-03-02T15:00:00Z'), href: '/provider/referrals/x' }] : [];
    },
  };

  const rows = <T>(q: ReturnType<typeof sql>) => queryRows<T>(t.ctx.db, q);
  const audits = (tenantId: string, entity: string) => rows<{ action: string; entity_id: string | null; actor_role: string }>(sql`select action, entity_id, actor_role from audit_events where tenant_id = ${tenantId} and entity = ${entity}`);

  /** The link of the newest message to `to` (the sandbox outbox, as its reader would see it), as a path with its query. */
  // `path`: the link's page, when several messages to `to` were kept at the same (test clock) instant.
  async function linkFor(to: string, path?: string): Promise<{ path: string; query: Record<string, string>; text: string }> {
    await t.ctx.jobs.runDue([SEND_JOB]);
    const message = (await t.ctx.mail.keptMessages(500)).find((m) => m.to === to && (!path || m.text.includes(path)));
    expect(message, `a message to ${to}`).to.not.equal(undefined);
    const url = new URL(/https?:\/\/\S+/.exec(message!.text)![0]);
    return { path: url.pathname, query: Object.fromEntries(url.searchParams), text: `${message!.subject}\n${message!.text}` };
  }

  async function invite(email: string, name = 'Pat Provider'): Promise<{ path: string; query: Record<string, string>; text: string }> {
    await admin.post('/admin/providers/accounts', { organisationId: orgId, name, email }).expect(303);
    return linkFor(email.toLowerCase());
  }

  /** Follows an e-mailed link as a browser: GET shows the button (nothing used), POST signs in. */
  async function useLink(agent: Agent, link: { path: string; query: Record<string, string> }) {
    const page = await agent.get(link.path).query(link.query).expect(200);
    return agent.post(link.path).type('form').send({ ...link.query, _csrf: csrfOf(page.text) });
  }

  async function signInWithPassword(agent: Agent, tenantId: string, email: string, password: string) {
    const page = await agent.get('/provider/sign-in').query({ school: tenantId }).expect(200);
    return agent.post('/provider/sign-in').type('form').send({ school: tenantId, email, password, _csrf: csrfOf(page.text) });
  }

  before(async () => {
    enterSystemScopeForTests();
    t = await createTestApp({}, { wiring: { providerReferrals: referrals } });
    school = await seedSchool(t.ctx);
    admin = asUser(t.app, await ltikFor(t.ctx, school.admin, 'admin', school.advisoryId));
    advisor = asUser(t.app, await ltikFor(t.ctx, school.advisor, 'advisor', school.advisoryId));
  });
  after(async () => t.ctx.shutdown?.());

  it('is linked from the admin home; refuses everyone but admins', async () => {
    expect(decoded((await admin.get('/admin').expect(200)).text)).to.contain('/admin/providers?');
    await advisor.get('/admin/providers').expect(403);
    await advisor.post('/admin/providers/organisations', { name: 'Sneaky' }).expect(403);
  });

  it('adds an organisation (audited); a blank or repeated name is a 400 with its error summary', async () => {
    const bad = await admin.post('/admin/providers/organisations', { name: '' }).expect(400);
    expect(bad.text).to.contain('class="error-summary"').and.to.contain('href="#po-name"');
    await admin.post('/admin/providers/organisations', { name: 'Eastside Food Bank' }).expect(303);
    await admin.post('/admin/providers/organisations', { name: 'Eastside Food Bank' }).expect(400);
    const [org] = await rows<{ id: string }>(sql`select id from provider_organisations where tenant_id = ${school.tenantId} and name = 'Eastside Food Bank'`);
    orgId = org!.id;
    expect(await audits(school.tenantId, 'provider_organisation')).to.deep.include({ action: 'create', entity_id: orgId, actor_role: 'admin' });
    const page = decoded((await admin.get('/admin/providers').expect(200)).text);
    expect(page).to.contain('Eastside Food Bank').and.to.contain(`/provider/sign-in?school=${school.tenantId}`);
  });

  it('invites a person: the account, a hashed token and an e-mail whose link carries the token but no names', async () => {
    const bad = await admin.post('/admin/providers/accounts', { organisationId: orgId, name: 'X', email: 'not-an-address' }).expect(400);
    expect(bad.text).to.contain('href="#pi-email"');
    const link = await invite('Pat.Provider@Example.org');
    const [account] = await rows<{ id: string; email: string; password_hash: string | null }>(sql`select id, email, password_hash from provider_accounts where tenant_id = ${school.tenantId} and email = 'pat.provider@example.org'`);
    expect(account!.password_hash).to.equal(null);
    expect(link.path).to.equal('/provider/welcome');
    expect(link.query.school).to.equal(school.tenantId);
    expect(link.query.token).to.match(/^[A-Za-z0-9_-]{40,}$/);
    expect(link.text).to.not.contain('Pat Provider').and.to.not.contain('Eastside');
    const tokens = await rows<{ token_hash: string; purpose: string }>(sql`select token_hash, purpose from provider_tokens where tenant_id = ${school.tenantId} and account_id = ${account!.id}`);
    expect(tokens).to.have.length(1);
    expect(tokens[0]!.purpose).to.equal('invite');
    expect(tokens[0]!.token_hash).to.not.contain(link.query.token!);
    const [outbox] = await rows<{ params: unknown; link_token: string }>(sql`select params, link_token from mail_outbox where tenant_id = ${school.tenantId} and recipient = 'pat.provider@example.org'`);
    expect(outbox!.params).to.deep.equal({ school: school.tenantId });
    expect(outbox!.link_token).to.match(/^v1\./).and.to.not.contain(link.query.token!);
    expect(t.logs.text()).to.not.contain(link.query.token!);
    expect(await audits(school.tenantId, 'provider_account')).to.deep.include({ action: 'create', entity_id: account!.id, actor_role: 'admin' });
    // Invited again to the same organisation: a fresh link, the first one void, still one account.
    await admin.post('/admin/providers/accounts', { organisationId: orgId, name: 'Pat again', email: 'pat.provider@example.org' }).expect(303);
    const [{ n }] = (await rows<{ n: string }>(sql`select count(*) as n from provider_accounts where tenant_id = ${school.tenantId} and email = 'pat.provider@example.org'`)) as [{ n: string }];
    expect(Number(n)).to.equal(1);
    expect((await useLink(request.agent(t.app), link)).status).to.equal(400);
    // Another organisation's e-mail: a 400 with the error summary.
    await admin.post('/admin/providers/organisations', { name: 'Westside Youth Club' }).expect(303);
    const [west] = await rows<{ id: string }>(sql`select id from provider_organisations where tenant_id = ${school.tenantId} and name = 'Westside Youth Club'`);
    const taken = await admin.post('/admin/providers/accounts', { organisationId: west!.id, name: 'Pat', email: 'pat.provider@example.org' }).expect(400);
    expect(taken.text).to.contain('href="#pi-email"');
  });

  it('signs in from the invitation (GET shows a button, POST uses it once), then sets a password', async () => {
    const link = await invite('sam@example.org', 'Sam Helper');
    const agent = request.agent(t.app);
    const page = await agent.get(link.path).query(link.query).expect(200);
    expect(page.headers['content-security-policy']).to.contain("frame-ancestors 'none'");
    expect(page.headers['x-frame-options']).to.equal('DENY');
    // Opening the link used nothing: it still signs in.
    const done = await agent.post(link.path).type('form').send({ ...link.query, _csrf: csrfOf(page.text) }).expect(303);
    expect(done.headers.location).to.equal('/provider/password?welcome=1');
    const cookie = String(done.headers['set-cookie']);
    expect(cookie).to.contain('provider_session=').and.to.contain('HttpOnly').and.to.contain('SameSite=Lax').and.to.contain('Path=/provider');
    expect(cookie).to.not.contain('Secure');
    const home = decoded((await agent.get('/provider').expect(200)).text);
    expect(home).to.contain('Referrals sent to Eastside Food Bank').and.to.contain('No referrals have been sent');

    // The same link again, in another browser: a clear 400, no session.
    const other = request.agent(t.app);
    const again = await useLink(other, link);
    expect(again.status).to.equal(400);
    expect(again.text).to.contain('This link no longer works');
    await other.get('/provider').expect(401);

    const pw = await agent.get('/provider/password').expect(200);
    const short = await agent.post('/provider/password').type('form').send({ password: 'short', confirm: 'short', _csrf: csrfOf(pw.text) }).expect(400);
    expect(short.text).to.contain('class="error-summary"');
    await agent.post('/provider/password').type('form').send({ password: 'correct horse battery', confirm: 'correct horse battery', _csrf: csrfOf(short.text) }).expect(303);
    const [row] = await rows<{ password_hash: string; last_sign_in_at: Date | null; id: string }>(sql`select id, password_hash, last_sign_in_at from provider_accounts where tenant_id = ${school.tenantId} and email = 'sam@example.org'`);
    expect(row!.password_hash).to.match(/^\$argon2id\$/);
    expect(row!.last_sign_in_at).to.not.equal(null);
    expect(await audits(school.tenantId, 'provider_sign_in')).to.deep.include({ action: 'read', entity_id: row!.id, actor_role: 'provider' });
    expect(await audits(school.tenantId, 'provider_password')).to.deep.include({ action: 'update', entity_id: row!.id, actor_role: 'provider' });

    // Signs out: the session no longer opens the home page.
    const home2 = await agent.get('/provider').expect(200);
    const out = await agent.post('/provider/sign-out').type('form').send({ _csrf: csrfOf(home2.text) }).expect(303);
    expect(out.headers.location).to.equal(`/provider/sign-in?school=${school.tenantId}&done=signedOut`);
    await agent.get('/provider').expect(401);

    // Password sign-in works; a wrong password is a clear 401 with the form again.
    const fresh = request.agent(t.app);
    const wrong = await signInWithPassword(fresh, school.tenantId, 'sam@example.org', 'not the password');
    expect(wrong.status).to.equal(401);
    expect(wrong.text).to.contain('class="error-summary"').and.to.contain('do not match');
    await fresh.get('/provider').expect(401);
    const ok = await signInWithPassword(fresh, school.tenantId, 'SAM@example.org', 'correct horse battery');
    expect(ok.status).to.equal(303);
    await fresh.get('/provider').expect(200);
  });

  it('gives a new session id at sign-in', async () => {
    const agent = request.agent(t.app);
    const page = await agent.get('/provider/sign-in').query({ school: school.tenantId }).expect(200);
    const before = /provider_session=([^;]+)/.exec(String(page.headers['set-cookie']))?.[1];
    expect(before).to.be.a('string');
    const ok = await agent.post('/provider/sign-in').type('form').send({ school: school.tenantId, email: 'sam@example.org', password: 'correct horse battery', _csrf: csrfOf(page.text) }).expect(303);
    const after = /provider_session=([^;]+)/.exec(String(ok.headers['set-cookie']))?.[1];
    expect(after).to.be.a('string').and.to.not.equal(before);
  });

  it('e-mails a sign-in link, answering the same whether or not the e-mail has an account', async () => {
    const ask = async (email: string) => {
      const agent = request.agent(t.app);
      const page = await agent.get('/provider/sign-in').query({ school: school.tenantId }).expect(200);
      const res = await agent.post('/provider/sign-in/link').type('form').send({ school: school.tenantId, email, _csrf: csrfOf(page.text) }).expect(200);
      return res.text.replace(/(value|nonce)="[^"]*"/g, '');
    };
    const known = await ask('pat.provider@example.org');
    const unknown = await ask('nobody-here@example.org');
    expect(known).to.equal(unknown);
    const link = await linkFor('pat.provider@example.org', '/provider/link');
    expect(link.path).to.equal('/provider/link');
    const agent = request.agent(t.app);
    expect((await useLink(agent, link)).status).to.equal(303);
    await agent.get('/provider').expect(200);
    expect((await t.ctx.mail.keptMessages(500)).some((m) => m.to === 'nobody-here@example.org')).to.equal(false);
  });

  it('lists the referrals the referrals feature gives for the signed-in provider', async () => {
    const link = await invite('rita@example.org', 'Rita Referred');
    const agent = request.agent(t.app);
    expect((await useLink(agent, link)).status).to.equal(303);
    const home = decoded((await agent.get('/provider').expect(200)).text);
    expect(home).to.contain('Weekend meal packs').and.to.contain('Urgent').and.to.contain('href="/provider/referrals/x"');
    expect(asked.at(-1)).to.include({ tenantId: school.tenantId, organisationId: orgId, organisationName: 'Eastside Food Bank', name: 'Rita Referred', locale: 'en' });
  });

  it('refuses an expired link', async () => {
    const link = await invite('late@example.org', 'Lee Late');
    t.clock.advance(TOKEN_TTL_MS.invite + 60_000);
    try {
      const res = await useLink(request.agent(t.app), link);
      expect(res.status).to.equal(400);
      expect(res.text).to.contain('This link no longer works');
    } finally {
      t.clock.advance(-(TOKEN_TTL_MS.invite + 60_000));
    }
  });

  it('refuses a post without its CSRF token (403) and writes nothing', async () => {
    const link = await invite('csrf@example.org', 'Cee Surf');
    const agent = request.agent(t.app);
    await agent.get(link.path).query(link.query).expect(200);
    const res = await agent.post(link.path).type('form').send(link.query).expect(403);
    expect(res.text).to.contain('This form has expired');
    const [token] = await rows<{ used_at: Date | null }>(sql`select t.used_at from provider_tokens t join provider_accounts a on a.tenant_id = t.tenant_id and a.id = t.account_id where a.tenant_id = ${school.tenantId} and a.email = 'csrf@example.org'`);
    expect(token!.used_at).to.equal(null);
    await agent.post(link.path).type('form').send({ ...link.query, _csrf: 'guessed' }).expect(403);
    // The right token still works.
    expect((await useLink(agent, link)).status).to.equal(303);
  });

  it('rate-limits failed password sign-ins per e-mail with a clear 429', async () => {
    const agent = request.agent(t.app);
    for (let i = 0; i < providerLimits.signInPerEmail; i++) expect((await signInWithPassword(agent, school.tenantId, 'limited@example.org', `wrong ${i}`)).status).to.equal(401);
    const res = await signInWithPassword(agent, school.tenantId, 'limited@example.org', 'wrong again');
    expect(res.status).to.equal(429);
    expect(res.text).to.contain('Too many attempts');
    // Another e-mail is not held up by it.
    expect((await signInWithPassword(agent, school.tenantId, 'other@example.org', 'wrong')).status).to.equal(401);
  });

  it('keeps the provider session and ltiks apart', async () => {
    const agent = request.agent(t.app);
    const page = await agent.get('/provider/sign-in').query({ school: school.tenantId }).expect(200);
    await agent.post('/provider/sign-in').type('form').send({ school: school.tenantId, email: 'sam@example.org', password: 'correct horse battery', _csrf: csrfOf(page.text) }).expect(303);
    await agent.get('/provider').expect(200);
    // The provider's cookie opens no LTI page.
    await agent.get('/admin/providers').set('Accept', 'text/html').expect(401);
    await agent.get('/home').set('Accept', 'text/html').expect(401);
    // An admin's ltik opens no provider page.
    await admin.get('/provider').expect(401);
  });

  it('signs an account in at its own school only', async () => {
    const other = request.agent(t.app);
    const res = await signInWithPassword(other, school.other.tenantId, 'sam@example.org', 'correct horse battery');
    expect(res.status).to.equal(401);
    const link = await invite('cross@example.org', 'Cross Over');
    const res2 = await useLink(request.agent(t.app), { path: link.path, query: { ...link.query, school: school.other.tenantId } });
    expect(res2.status).to.equal(400);
    await request(t.app).get('/provider/sign-in').query({ school: randomUUID() }).set('Accept', 'text/html').expect(404);
  });

  it('deactivates an account: signed out at once, and neither password nor link signs it in', async () => {
    const agent = request.agent(t.app);
    expect((await signInWithPassword(agent, school.tenantId, 'sam@example.org', 'correct horse battery')).status).to.equal(303);
    await agent.get('/provider').expect(200);
    const [sam] = await rows<{ id: string }>(sql`select id from provider_accounts where tenant_id = ${school.tenantId} and email = 'sam@example.org'`);
    await advisor.post(`/admin/providers/accounts/${sam!.id}/active`, {}).expect(403);
    await admin.post(`/admin/providers/accounts/${sam!.id}/active`, {}).expect(303);
    expect((await audits(school.tenantId, 'provider_account')).filter((a) => a.entity_id === sam!.id && a.action === 'update')).to.have.length(1);
    await agent.get('/provider').expect(401);
    expect((await signInWithPassword(request.agent(t.app), school.tenantId, 'sam@example.org', 'correct horse battery')).status).to.equal(401);
    await admin.post(`/admin/providers/accounts/${randomUUID()}/active`, {}).expect(404);
    await admin.post(`/admin/providers/accounts/${sam!.id}/active`, { active: 'on' }).expect(303);
    expect((await signInWithPassword(request.agent(t.app), school.tenantId, 'sam@example.org', 'correct horse battery')).status).to.equal(303);
  });

  it('mail: a token only in the link of a template that takes one, and always there', async () => {
    const token = 'a'.repeat(43);
    const { text } = render('provider.signIn', { school: school.tenantId }, 'es', t.config.baseUrl, token);
    expect(text).to.contain(`/provider/link?school=${school.tenantId}&token=${token}`);
    expect(text.split(token)).to.have.length(2);
    expect(() => render('provider.signIn', { school: school.tenantId }, 'en', t.config.baseUrl)).to.throw(MailError);
    const queue = (mail: Parameters<typeof t.ctx.mail.queueNow>[0]) => t.ctx.mail.queueNow(mail).then(() => 'queued', (err: unknown) => (err instanceof HttpError ? err.status : 'other'));
    expect(await queue({ tenantId: school.tenantId, to: 'x@example.org', template: 'tool.waiting', params: { count: 1 }, linkToken: token })).to.equal(400);
    expect(await queue({ tenantId: school.tenantId, to: 'x@example.org', template: 'provider.invite', params: { school: school.tenantId } })).to.equal(400);
  });

  it('lets an external support name one of the school\'s organisations, and no other school\'s', async () => {
    const form = decoded((await admin.get('/admin/supports/new').expect(200)).text);
    expect(form).to.contain(`<option value="${orgId}">Eastside Food Bank</option>`);
    const good = { name: `Food parcels ${randomUUID().slice(0, 6)}`, provider: 'Eastside Food Bank', category: 'food', tier: '2', cost: 'free', referral: 'external', providerOrganisationId: orgId, 'lang.en': 'on' };
    await admin.post('/admin/supports', good).expect(303);
    const [row] = await rows<{ provider_organisation_id: string | null }>(sql`select provider_organisation_id from supports where tenant_id = ${school.tenantId} and name = ${good.name}`);
    expect(row!.provider_organisation_id).to.equal(orgId);
    const refused = await admin.post('/admin/supports', { ...good, name: 'Other', providerOrganisationId: randomUUID() }).expect(400);
    expect(refused.text).to.contain('href="#s-providerOrganisationId"');
    // An internal support names none, whatever was posted.
    await admin.post('/admin/supports', { ...good, name: `Inside ${good.name}`, referral: 'internal' }).expect(303);
    const [inside] = await rows<{ provider_organisation_id: string | null }>(sql`select provider_organisation_id from supports where tenant_id = ${school.tenantId} and name = ${`Inside ${good.name}`}`);
    expect(inside!.provider_organisation_id).to.equal(null);
  });
});
