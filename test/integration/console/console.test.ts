import { expect } from 'chai';
import request from 'supertest';
import { and, eq } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../support/app.js';
import { seedSchool, ltikFor, asUser, type SeededSchool } from '../../support/school.js';
import { decoded } from '../../support/html.js';
import { auditEvents } from '../../../src/audit/audit.tables.js';
import { enterSystemScopeForTests } from '../../../src/db/tenant-scope.js';
import { spawnSync } from 'node:child_process';
import { HANDOFF_TTL_MS } from '../../../src/console/console.service.js';
import { consoleSignInLimits } from '../../../src/console/console.routes.js';

/**
 * The admin console's own window (issue 14 item 1): an admin's launch hands off to a first-party session
 * once, the console is never framed, every post carries a CSRF token, and nobody but an admin gets in.
 */
describe('admin console: a window of its own, from a launch', function () {
  this.timeout(120_000);
  let t: TestApp;
  let s: SeededSchool;
  let adminLtik: string;

  /** The hand-off's address, as the frame's form gets it (303 to the new window). */
  const handOff = async (ltik = adminLtik) => {
    const res = await request(t.app).post('/admin/console').type('form').send({ ltik }).expect(303);
    return res.headers.location!;
  };
  const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1]!;

  before(async () => {
    enterSystemScopeForTests();
    t = await createTestApp();
    s = await seedSchool(t.ctx);
    adminLtik = await ltikFor(t.ctx, s.admin, 'admin', s.advisoryId);
  });
  after(async () => t.ctx.shutdown?.());

  it('hands an admin off to a session of its own: first-party cookie, never framed, a CSRF token on every form', async () => {
    const enter = await handOff();
    expect(enter).to.match(/^\/console\/enter\?school=[0-9a-f-]{36}&token=[A-Za-z0-9_-]{20,}$/);
    const browser = request.agent(t.app);
    const entered = await browser.get(enter).expect(303);
    expect(entered.headers.location).to.equal('/console');
    const cookie = String(entered.headers['set-cookie']);
    expect(cookie).to.match(/console_session=/).and.to.match(/Path=\/console/).and.to.match(/HttpOnly/).and.to.match(/SameSite=Lax/);
    const home = await browser.get('/console').expect(200);
    expect(home.headers['x-frame-options']).to.equal('DENY');
    expect(home.headers['content-security-policy']).to.contain("frame-ancestors 'none'");
    const html = decoded(home.text);
    expect(html).to.contain('Admin console').and.to.contain('/console/configuration').and.to.contain('name="_csrf"');

    // The configuration documents under the session: a post without the token is refused, with it lands.
    const editor = decoded((await browser.get('/console/configuration/goal-categories').expect(200)).text);
    expect(editor).to.contain('Goal categories').and.to.contain('action="/console/configuration/goal-categories/draft"').and.not.to.contain('ltik=');
    const form = { 'f.values.0.value': 'academic', 'f.values.0.label': 'Academic', 'f.values.0.offered': 'on', edits: '' };
    await browser.post('/console/configuration/goal-categories/draft').type('form').send(form).expect(403);
    const saved = await browser.post('/console/configuration/goal-categories/draft').type('form').send({ ...form, _csrf: csrfOf(editor) }).expect(303);
    expect(saved.headers.location).to.equal('/console/configuration/goal-categories?saved=1');
    // The session is the school's: the draft is this school's, by this admin, audited.
    const [created] = await t.ctx.db.select().from(auditEvents).where(and(eq(auditEvents.tenantId, s.tenantId), eq(auditEvents.actorId, s.admin.id), eq(auditEvents.entity, 'console_session')));
    expect(created).to.not.equal(undefined);
  });

  it('spends a hand-off once and for a minute only; an ltik or no session opens nothing', async () => {
    const enter = await handOff();
    await request(t.app).get(enter).expect(303);
    const again = await request(t.app).get(enter).expect(410);
    expect(decoded(again.text)).to.contain('This link has been used');
    const late = await handOff();
    t.clock.advance(HANDOFF_TTL_MS + 1000);
    await request(t.app).get(late).expect(410);
    await request(t.app).get('/console/enter').query({ school: s.tenantId, token: 'x'.repeat(43) }).expect(410);
    await request(t.app).get('/console/enter').query({ school: 'not-a-school', token: 'short' }).expect(410);
    await request(t.app).get('/console').expect(401);
    await request(t.app).get('/console').query({ ltik: adminLtik }).expect(401);
    await request(t.app).get('/console/configuration').query({ ltik: adminLtik }).expect(401);
  });

  it('refuses anyone but an admin the hand-off (403, audited)', async () => {
    const advisorLtik = await ltikFor(t.ctx, s.advisor, 'advisor', s.advisoryId);
    await request(t.app).post('/admin/console').type('form').send({ ltik: advisorLtik }).expect(403);
    const denied = await t.ctx.db.select().from(auditEvents).where(and(eq(auditEvents.tenantId, s.tenantId), eq(auditEvents.actorId, s.advisor.id), eq(auditEvents.action, 'denied')));
    expect(denied.length).to.be.greaterThan(0);
    // The frame's admin pages offer the console to admins.
    expect(decoded((await asUser(t.app, adminLtik).get('/admin').expect(200)).text)).to.contain('Open the admin console in a new window');
  });

  it('signs out: the session ends and the cookie goes', async () => {
    const browser = request.agent(t.app);
    await browser.get(await handOff()).expect(303);
    const home = decoded((await browser.get('/console').expect(200)).text);
    const out = await browser.post('/console/sign-out').type('form').send({ _csrf: csrfOf(home) }).expect(303);
    expect(decoded((await browser.get(out.headers.location!).expect(200)).text)).to.contain('The console is closed');
    await browser.get('/console').expect(401);
  });

  it('signs in a break-glass local administrator with e-mail and password (argon2id), refusing a wrong one (401, audited, no address kept) and too many (429)', async () => {
    await t.ctx.console.createLocalAdmin(s.tenantId, { email: 'Ops@District.test', name: 'District operations', password: 'correct horse battery staple' });
    let refusedShort = false;
    await t.ctx.console.createLocalAdmin(s.tenantId, { email: 'short@district.test', name: 'x', password: 'too short' }).catch(() => (refusedShort = true));
    expect(refusedShort, 'a password under the minimum is refused').to.equal(true);
    const browser = request.agent(t.app);
    const page = decoded((await browser.get('/console/sign-in').query({ school: s.tenantId }).expect(200)).text);
    expect(page).to.contain('Sign in to the admin console');
    const token = csrfOf(page);
    const wrong = await browser.post('/console/sign-in').type('form').send({ _csrf: token, school: s.tenantId, email: 'ops@district.test', password: 'wrong horse battery staple' }).expect(401);
    expect(decoded(wrong.text)).to.contain('That e-mail and password do not match').and.to.contain('data-error-summary');
    const refusals = await t.ctx.db.select().from(auditEvents).where(and(eq(auditEvents.tenantId, s.tenantId), eq(auditEvents.entity, 'console_sign_in'), eq(auditEvents.action, 'denied')));
    expect(refusals).to.have.length(1);
    expect(JSON.stringify(refusals)).not.to.contain('district.test');
    // A school that does not exist is refused the same way (no audit row to write, no 500).
    const unknown = await browser.post('/console/sign-in').type('form').send({ _csrf: csrfOf(decoded((await browser.get('/console/sign-in')).text)), school: '00000000-0000-4000-8000-000000000000', email: 'ops@district.test', password: 'correct horse battery staple' }).expect(401);
    expect(decoded(unknown.text)).to.contain('That e-mail and password do not match');
    // No CSRF token: refused before the password is even read.
    await browser.post('/console/sign-in').type('form').send({ school: s.tenantId, email: 'ops@district.test', password: 'correct horse battery staple' }).expect(403);
    const signedIn = await browser.post('/console/sign-in').type('form').send({ _csrf: csrfOf(decoded((await browser.get('/console/sign-in').query({ school: s.tenantId })).text)), school: s.tenantId, email: 'OPS@district.test', password: 'correct horse battery staple' }).expect(303);
    expect(signedIn.headers.location).to.equal('/console');
    expect(decoded((await browser.get('/console').expect(200)).text)).to.contain('District operations');

    // Failed attempts per e-mail are limited: past the limit even the right password waits.
    const guesser = request.agent(t.app);
    const guess = async (password: string) => {
      const form = decoded((await guesser.get('/console/sign-in').query({ school: s.tenantId })).text);
      return guesser.post('/console/sign-in').type('form').send({ _csrf: csrfOf(form), school: s.tenantId, email: 'nobody@district.test', password });
    };
    for (let i = 0; i < consoleSignInLimits.perEmail; i++) expect((await guess(`guess number ${i}`)).status).to.equal(401);
    const limited = await guess('one more guess');
    expect(limited.status).to.equal(429);
    expect(limited.headers['retry-after']).to.equal('900');
  });

  it('the CLI explains its arguments before touching any database', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/console/local-admin-cli.ts', '--school', 'not-a-school', '--email', 'ops@district.test'], { encoding: 'utf8' });
    expect(run.status).to.equal(2);
    expect(run.stderr).to.contain('--school is a tenant id').and.to.contain('Usage: npm run console:admin');
  });
});
