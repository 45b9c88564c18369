import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import express from 'express';
import request from 'supertest';
import { createTestApp, type TestApp } from '../../support/app.js';
import { freePort } from '../../support/net.js';
import { scopes } from '../../../src/lti/services/scopes.js';
import { startSimulator } from '../../support/simulator.js';
import { t as text } from '../../../src/web/i18n.js';

const toolConfigKey = 'https://purl.imsglobal.org/spec/lti-tool-configuration';
const canvasScopes = Object.values(scopes);

interface FakeRegistrar {
  baseUrl: string;
  configUrl: string;
  /** What the next configuration GET answers. */
  config: Record<string, unknown>;
  configStatus: number;
  /** Status and body the registration endpoint answers (201 with a client id unless changed). */
  reply: { status: number; body: Record<string, unknown> };
  seen: { connections: number; configRequests: number; configAuth?: string; registrationAuth?: string; registration?: Record<string, unknown> };
  /** Instead of the configuration: a redirect, or no answer at all. */
  configMisbehaves?: 'redirect' | 'hang';
  close(): Promise<void>;
}

/** A platform's side of LTI Dynamic Registration, validating the request the way Canvas does (422 otherwise). */
async function startRegistrar(family: 'canvas' | 'moodle'): Promise<FakeRegistrar> {
  const app = express();
  app.use(express.json());
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  server.on('connection', () => fr.seen.connections++);
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const fr: FakeRegistrar = {
    baseUrl,
    configUrl: `${baseUrl}/api/lti/security/openid-configuration`,
    configStatus: 200,
    config: {
      issuer: baseUrl,
      authorization_endpoint: `${baseUrl}/api/lti/authorize_redirect`,
      token_endpoint: `${baseUrl}/login/oauth2/token`,
      jwks_uri: `${baseUrl}/api/lti/security/jwks`,
      registration_endpoint: `${baseUrl}/api/lti/registrations`,
      token_endpoint_auth_methods_supported: ['private_key_jwt'],
      scopes_supported: family === 'canvas' ? [...canvasScopes, 'https://canvas.instructure.com/lti-ags/progress/scope/show'] : undefined,
      'https://purl.imsglobal.org/spec/lti-platform-configuration': { product_family_code: family, version: '1' },
    },
    reply: { status: 201, body: {} },
    seen: { connections: 0, configRequests: 0 },
    close: () => new Promise((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
  app.get('/api/lti/security/openid-configuration', (req, res) => {
    fr.seen.configRequests++;
    fr.seen.configAuth = req.headers.authorization;
    if (fr.configMisbehaves === 'hang') return;
    if (fr.configMisbehaves === 'redirect') {
      res.redirect(302, `${baseUrl}/elsewhere`);
      return;
    }
    res.status(fr.configStatus).json(fr.config);
  });
  app.post('/api/lti/registrations', (req, res) => {
    fr.seen.registrationAuth = req.headers.authorization;
    const body = req.body as Record<string, unknown>;
    fr.seen.registration = body;
    const problems: string[] = [];
    const has = (list: unknown, items: string[]) => Array.isArray(list) && items.every((i) => list.includes(i));
    if (!has(body.grant_types, ['client_credentials', 'implicit'])) problems.push('grant_types');
    if (!has(body.response_types, ['id_token'])) problems.push('response_types');
    if (body.application_type !== 'web') problems.push('application_type');
    if (body.token_endpoint_auth_method !== 'private_key_jwt') problems.push('token_endpoint_auth_method');
    if (family === 'canvas' && String(body.scope).split(' ').some((s) => !canvasScopes.includes(s as (typeof canvasScopes)[number]))) problems.push('scope');
    if (problems.length) {
      res.status(422).json({ errors: problems });
      return;
    }
    if (fr.reply.status !== 201) {
      res.status(fr.reply.status).json(fr.reply.body);
      return;
    }
    res.status(201).json({ client_id: `${family}-${Date.now()}`, ...body, ...fr.reply.body });
  });
  return fr;
}

describe('install: dynamic registration (/lti/register) and /lti/canvas.json', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(async () => {
    await t.ctx.shutdown?.();
  });

  const register = (configUrl: string, token = 'reg-token-secret') =>
    request(t.app).get('/lti/register').query({ openid_configuration: configUrl, registration_token: token }).set('Accept', 'text/html');
  const tenantsOf = async (issuer: string) => (await t.ctx.platforms.list()).filter((p) => p.issuer === issuer);

  it('registers with Canvas: placements, known scopes only, private_key_jwt, privacy; stores the tenant without a deployment', async () => {
    const fr = await startRegistrar('canvas');
    try {
      const res = await register(`${fr.configUrl}?registration_token=reg-token-secret`).expect(200);
      // The configuration and the registration both carried the token as a bearer.
      expect(fr.seen.configAuth).to.equal('Bearer reg-token-secret');
      expect(fr.seen.registrationAuth).to.equal('Bearer reg-token-secret');

      const body = fr.seen.registration!;
      expect(body.token_endpoint_auth_method).to.equal('private_key_jwt');
      expect(String(body.scope).split(' ').sort()).to.deep.equal([...canvasScopes].sort());
      expect(body.initiate_login_uri).to.equal(`${t.config.baseUrl}/lti/login`);
      expect(body.redirect_uris).to.deep.equal([`${t.config.baseUrl}/lti/launch`]);
      expect(body.jwks_uri).to.equal(`${t.config.baseUrl}/lti/keys`);
      const conf = body[toolConfigKey] as Record<string, unknown>;
      const messages = conf.messages as Record<string, unknown>[];
      const link = messages.find((m) => m.type === 'LtiResourceLinkRequest')!;
      expect(link.placements).to.deep.equal(['course_navigation']);
      expect(link.target_link_uri).to.equal(`${t.config.baseUrl}/lti/launch`);
      expect(messages.find((m) => m.type === 'LtiDeepLinkingRequest')!.placements).to.deep.equal(['link_selection']);
      // Leaders open it from the account, with no course: a launch URL marked as the account's.
      const account = messages.find((m) => (m.placements as string[]).includes('account_navigation'))!;
      expect(account).to.include({ type: 'LtiResourceLinkRequest', target_link_uri: `${t.config.baseUrl}/lti/launch?placement=account`, 'https://canvas.instructure.com/lti/visibility': 'members' });
      expect(conf.custom_parameters).to.include({ account_id: '$Canvas.account.id', account_name: '$Canvas.account.name' });
      expect(conf['https://canvas.instructure.com/lti/privacy_level']).to.equal('public');
      expect(conf.claims).to.include.members(['name', 'email']).and.not.include('picture');

      // The page closes the LMS dialog with a script the CSP allows.
      const nonce = /script-src[^;]*'nonce-([^']+)'/.exec(String(res.headers['content-security-policy']))![1];
      const scriptNonce = /<script nonce="([^"]+)">/.exec(res.text)![1]!.replace(/&#x3D;/g, '=').replace(/&#x2F;/g, '/');
      expect(scriptNonce).to.equal(nonce);
      expect(res.text).to.contain("postMessage({ subject: 'org.imsglobal.lti.close' }, '*')");
      expect(res.text).to.contain('window.opener || window.parent');
      // What is left to do is Canvas's (from its family), not another LMS's.
      expect(res.text.replace(/&#x27;/g, "'")).to.contain(text('install.canvas.afterRegistration'));

      const [tenant] = await tenantsOf(fr.baseUrl);
      expect(tenant).to.include({ family: 'canvas', acceptNewDeployments: false, registeredBy: 'dynamic', jwksUrl: `${fr.baseUrl}/api/lti/security/jwks`, authLoginUrl: `${fr.baseUrl}/api/lti/authorize_redirect` });
      expect(tenant!.clientId).to.match(/^canvas-/);
      expect(tenant!.grantedScopes.sort()).to.deep.equal([...canvasScopes].sort());
      expect(await t.ctx.platforms.listDeployments(tenant!.id)).to.deep.equal([]);
      // ltijs holds the platform's key pair, published at /lti/keys.
      const { kid } = await t.ctx.lti.signingKey(tenant!.id);
      const keys = await request(t.app).get('/lti/keys').expect(200);
      expect((keys.body as { keys: { kid: string }[] }).keys.map((k) => k.kid)).to.include(kid);
      expect(t.logs.text()).not.to.contain('reg-token-secret');
    } finally {
      await fr.close();
    }
  });

  it('registers with Moodle per the spec and records the deployment id and the granted scopes it returns', async () => {
    const fr = await startRegistrar('moodle');
    fr.reply.body = { [toolConfigKey]: { deployment_id: '7' }, scope: scopes.nrps };
    try {
      await register(fr.configUrl).expect(200);
      const conf = fr.seen.registration![toolConfigKey] as Record<string, unknown>;
      expect(conf).not.to.have.property('https://canvas.instructure.com/lti/privacy_level');
      expect((conf.messages as { type: string }[]).map((m) => m.type)).to.deep.equal(['LtiResourceLinkRequest', 'LtiDeepLinkingRequest']);
      const [tenant] = await tenantsOf(fr.baseUrl);
      expect(tenant).to.include({ family: 'moodle', acceptNewDeployments: false });
      expect(tenant!.grantedScopes).to.deep.equal([scopes.nrps]);
      expect(await t.ctx.platforms.listDeployments(tenant!.id)).to.deep.equal(['7']);
    } finally {
      await fr.close();
    }
  });

  it('registers with the Canvas-shaped simulator, which validates like Canvas; its one-time token cannot be replayed', async () => {
    const lms = await startSimulator('canvas');
    try {
      const start = new URL(await lms.sim.registrationStartUrl(`${t.config.baseUrl}/lti/register`));
      const res = await request(t.app).get(`${start.pathname}${start.search}`).set('Accept', 'text/html').expect(200);
      expect(res.text).to.contain('org.imsglobal.lti.close');
      const [reg] = lms.sim.registrations;
      expect(reg!.placements.sort()).to.deep.equal(['account_navigation', 'course_navigation', 'link_selection']);
      expect(reg!.privacyLevel).to.equal('public');
      const [tenant] = await tenantsOf(lms.sim.issuer);
      expect(tenant).to.include({ clientId: reg!.clientId, family: 'canvas', acceptNewDeployments: false, jwksUrl: lms.sim.endpoints.jwksUrl });
      expect(await t.ctx.platforms.listDeployments(tenant!.id)).to.deep.equal([]);

      const replay = await request(t.app).get(`${start.pathname}${start.search}`).set('Accept', 'text/html').expect(502);
      expectFailurePage(replay, 'config_refused');
      expect(await tenantsOf(lms.sim.issuer)).to.have.length(1);
    } finally {
      await lms.close();
    }
  });

  /**
   * Every failure is the same page (issue 8, item 7): what the LMS answered, or whether anything
   * answered at all, is never shown, so /lti/register cannot be used to probe hosts and ports.
   * The reason is in the log, under the request's id.
   */
  const genericFailure = 'The tool could not complete the registration with the address your LMS gave.';
  const pageText = (res: request.Response) => /<section class="error-page"[\s\S]*?<\/section>/.exec(res.text)![0].replace(/Request id <code>[^<]*<\/code>/, '');
  /** The failure page for a port nothing listens on: every other failure must be this very page. */
  let unreachablePage: string;
  before(async () => {
    unreachablePage = pageText(await register(`http://127.0.0.1:${await freePort()}/openid-configuration`).expect(502));
  });
  /** The page without its request id: that is random hex and may itself hold "401" or "422". */
  const withoutRequestId = (res: request.Response) => res.text.replace(/<code>[^<]*<\/code>/g, '');

  function expectFailurePage(res: request.Response, reason: string, logs = t.logs) {
    expect(res.status).to.equal(502);
    expect(res.text).to.contain('The registration did not complete').and.to.contain(genericFailure);
    expect(res.text).not.to.contain('reg-token-secret');
    expect(pageText(res), 'the same page as for an address nothing answers on').to.equal(unreachablePage);
    const logged = logs.lines.filter((l) => l.msg === 'dynamic registration failed');
    expect(logged.at(-1), 'the reason is logged').to.include({ reason });
  }

  it('unreachable configuration: the one failure page, the reason logged, nothing stored', async () => {
    const port = await freePort();
    const res = await register(`http://127.0.0.1:${port}/api/lti/security/openid-configuration?registration_token=reg-token-secret`);
    expectFailurePage(res, 'config_unreachable');
    expect(res.text).not.to.contain(String(port));
    expect(await tenantsOf(`http://127.0.0.1:${port}`)).to.have.length(0);
  });

  it('malformed configuration (no registration endpoint): the one failure page, nothing registered', async () => {
    const fr = await startRegistrar('canvas');
    delete fr.config.registration_endpoint;
    try {
      const res = await register(fr.configUrl);
      expectFailurePage(res, 'config_malformed');
      expect(res.text).not.to.contain('registration_endpoint');
      expect(fr.seen.registration).to.equal(undefined);
      expect(await tenantsOf(fr.baseUrl)).to.have.length(0);
    } finally {
      await fr.close();
    }
  });

  it('an issuer on another host than the configuration is refused', async () => {
    const fr = await startRegistrar('canvas');
    fr.config.issuer = 'https://canvas.instructure.com';
    try {
      expectFailurePage(await register(fr.configUrl), 'config_issuer_mismatch');
      expect(fr.seen.registration).to.equal(undefined);
      expect(await tenantsOf('https://canvas.instructure.com')).to.have.length(0);
    } finally {
      await fr.close();
    }
  });

  it('a configuration the LMS refuses to give (expired token): the one failure page, its status only in the log', async () => {
    const fr = await startRegistrar('canvas');
    fr.configStatus = 401;
    fr.config = { error: 'invalid_token', error_description: 'The registration token expired at noon' };
    try {
      const res = await register(fr.configUrl);
      expectFailurePage(res, 'config_refused');
      expect(withoutRequestId(res)).not.to.contain('401').and.not.to.contain('expired at noon');
      expect(t.logs.lines.filter((l) => l.msg === 'dynamic registration failed').at(-1)).to.include({ upstreamStatus: 401 });
    } finally {
      await fr.close();
    }
  });

  it('a refused registration (Canvas 422): the LMS answer is not echoed; nothing stored', async () => {
    const fr = await startRegistrar('canvas');
    fr.reply = { status: 422, body: { errors: [{ field: 'scope', message: 'Invalid scope' }] } };
    try {
      const res = await register(fr.configUrl);
      expectFailurePage(res, 'registration_refused');
      expect(withoutRequestId(res)).not.to.contain('422').and.not.to.contain('Invalid scope');
      expect(await tenantsOf(fr.baseUrl)).to.have.length(0);
    } finally {
      await fr.close();
    }
  });

  it('an answer that redirects, or is larger than any configuration, is dropped', async () => {
    const fr = await startRegistrar('canvas');
    try {
      fr.configMisbehaves = 'redirect';
      expectFailurePage(await register(fr.configUrl), 'config_redirected');
      fr.configMisbehaves = undefined;
      fr.config.padding = 'x'.repeat(300 * 1024);
      expectFailurePage(await register(fr.configUrl), 'config_too_large');
      expect(await tenantsOf(fr.baseUrl)).to.have.length(0);
    } finally {
      await fr.close();
    }
  });

  it('a configuration that never answers gives up within a few seconds', async () => {
    const fr = await startRegistrar('canvas');
    fr.configMisbehaves = 'hang';
    try {
      const started = Date.now();
      expectFailurePage(await register(fr.configUrl), 'config_timeout');
      expect(Date.now() - started).to.be.within(4_000, 8_000);
    } finally {
      await fr.close();
    }
  });

  describe('in production: https to public addresses only', () => {
    let prod: TestApp;
    let fr: FakeRegistrar;
    before(async () => {
      prod = await createTestApp({ outboundPolicy: 'public-https' });
      fr = await startRegistrar('canvas');
    });
    after(async () => {
      await fr.close();
      await prod.ctx.shutdown?.();
    });
    const registerInProd = (configUrl: string) => request(prod.app).get('/lti/register').query({ openid_configuration: configUrl, registration_token: 'reg-token-secret' }).set('Accept', 'text/html');

    it('a configuration over plain http is refused before any request', async () => {
      const res = await registerInProd(fr.configUrl).expect(400);
      expect(res.text).to.contain('must use https');
      expect(fr.seen.connections).to.equal(0);
      expect(await tenantsOf(fr.baseUrl)).to.have.length(0);
    });

    it('loopback, private, link-local, unique-local, multicast, unspecified and IPv4-mapped addresses are refused without a connection, all with the one failure page', async () => {
      const port = new URL(fr.baseUrl).port;
      for (const host of ['127.0.0.1', 'localhost', '[::1]', '[::ffff:127.0.0.1]', '[::ffff:7f00:1]', '0.0.0.0', '[::]', '10.0.0.1', '172.16.5.4', '192.168.1.1', '169.254.169.254', '100.64.0.1', '[fe80::1]', '[fd00::1]', '224.0.0.1', '[ff02::1]', '2130706433', '0x7f.1']) {
        expectFailurePage(await registerInProd(`https://${host}:${port}/api/lti/security/openid-configuration`), 'config_address_not_public', prod.logs);
      }
      expect(fr.seen.connections, 'no connection was made').to.equal(0);
    });
  });

  it('without openid_configuration the page explains where to start (400)', async () => {
    const res = await request(t.app).get('/lti/register').set('Accept', 'text/html').expect(400);
    expect(res.text).to.contain('Dynamic Registration');
  });

  it('/lti/canvas.json is a Canvas developer-key configuration', async () => {
    const res = await request(t.app).get('/lti/canvas.json').expect(200).expect('content-type', /json/);
    const base = t.config.baseUrl;
    expect(res.body).to.include({ title: 'Success Plans', oidc_initiation_url: `${base}/lti/login`, target_link_uri: `${base}/lti/launch`, public_jwk_url: `${base}/lti/keys` });
    expect(res.body.description).to.be.a('string').with.length.greaterThan(10);
    expect(res.body.scopes.sort()).to.deep.equal([...canvasScopes].sort());
    expect(res.body.extensions).to.have.length(1);
    const ext = res.body.extensions[0];
    expect(ext).to.include({ platform: 'canvas.instructure.com', domain: new URL(base).host, privacy_level: 'public' });
    expect(ext.tool_id).to.be.a('string');
    const placements = ext.settings.placements as { placement: string; message_type: string; target_link_uri?: string }[];
    expect(placements.map((p) => [p.placement, p.message_type])).to.deep.equal([
      ['course_navigation', 'LtiResourceLinkRequest'],
      ['account_navigation', 'LtiResourceLinkRequest'],
      ['link_selection', 'LtiDeepLinkingRequest'],
    ]);
    expect(placements[1]!.target_link_uri).to.equal(`${base}/lti/launch?placement=account`);
    expect(placements[0]!.target_link_uri).to.equal(`${base}/lti/launch`);
    expect(res.body.custom_fields).to.be.an('object');
  });
});
