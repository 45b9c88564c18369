import { expect } from 'chai';
import { SCOPES } from '../../../src/sandbox/simulator/index.js';
import { startSimulator, type RunningSimulator } from '../../support/simulator.js';
import { FakeTool } from './fake-tool.js';

const TOOL_CONFIG = 'https://purl.imsglobal.org/spec/lti-tool-configuration';

describe('simulator (canvas): dynamic registration', () => {
  let s: RunningSimulator;
  let tool: FakeTool;
  before(async () => {
    s = await startSimulator('canvas');
    tool = await FakeTool.start();
  });
  after(async () => {
    await tool.close();
    await s.close();
  });

  const body = (over: Record<string, unknown> = {}, config: Record<string, unknown> = {}) => ({
    application_type: 'web',
    grant_types: ['client_credentials', 'implicit'],
    response_types: ['id_token'],
    initiate_login_uri: `${tool.baseUrl}/login`,
    redirect_uris: [`${tool.baseUrl}/launch`],
    client_name: 'Fake tool',
    jwks_uri: `${tool.baseUrl}/keys`,
    token_endpoint_auth_method: 'private_key_jwt',
    scope: `${SCOPES.nrps} ${SCOPES.score}`,
    [TOOL_CONFIG]: {
      domain: '127.0.0.1',
      target_link_uri: `${tool.baseUrl}/launch`,
      claims: ['iss', 'sub', 'name'],
      messages: [
        { type: 'LtiResourceLinkRequest', placements: ['course_navigation'] },
        { type: 'LtiDeepLinkingRequest' },
      ],
      ...config,
    },
    ...over,
  });

  /** What the LMS opens: the tool URL with openid_configuration and registration_token. */
  async function start(): Promise<{ configUrl: string; token: string }> {
    const u = new URL(await s.sim.registrationStartUrl(`${tool.baseUrl}/register`));
    expect(u.origin + u.pathname).to.equal(`${tool.baseUrl}/register`);
    return { configUrl: u.searchParams.get('openid_configuration')!, token: u.searchParams.get('registration_token')! };
  }
  const register = (token: string, b: unknown) =>
    fetch(s.sim.endpoints.registrationEndpoint!, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(b) });

  it('serves the openid configuration only with the registration token as bearer', async () => {
    const { configUrl, token } = await start();
    expect(configUrl).to.equal(s.sim.endpoints.openidConfigurationUrl);
    expect((await fetch(configUrl)).status).to.equal(401);
    const res = await fetch(configUrl, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).to.equal(200);
    const cfg = (await res.json()) as Record<string, unknown>;
    expect(cfg).to.include({
      issuer: s.sim.issuer,
      authorization_endpoint: s.sim.endpoints.authLoginUrl,
      token_endpoint: s.sim.endpoints.accessTokenUrl,
      jwks_uri: s.sim.endpoints.jwksUrl,
      registration_endpoint: s.sim.endpoints.registrationEndpoint,
    });
    expect(cfg.token_endpoint_auth_methods_supported).to.deep.equal(['private_key_jwt']);
    expect(cfg['https://purl.imsglobal.org/spec/lti-platform-configuration']).to.deep.include({ product_family_code: 'canvas' });
  });

  it('registers a valid tool and answers client_id only (no deployment id)', async () => {
    const { token } = await start();
    const res = await register(token, body());
    expect(res.status).to.equal(200);
    const out = (await res.json()) as Record<string, unknown>;
    expect(out.client_id).to.be.a('string');
    expect(out).to.not.have.property('https://purl.imsglobal.org/spec/lti-tool-configuration.deployment_id');
    const reg = s.sim.registrations.at(-1)!;
    expect(reg.clientId).to.equal(out.client_id);
    expect(reg.placements).to.have.members(['course_navigation', 'link_selection']);
    expect(reg.privacyLevel).to.equal('name_only');
    const registered = s.sim.tool(out.client_id as string)!;
    expect(registered.deploymentIds).to.deep.equal([]);
    expect(registered.scopes).to.deep.equal([SCOPES.nrps, SCOPES.score]);
    // The token is single use.
    expect((await register(token, body())).status).to.equal(401);
    // Once an admin deploys it, the tool can launch and get service tokens.
    const deployment = s.sim.deploy(out.client_id as string);
    s.sim.addUser({ sub: 'admin', name: 'Ada Admin' });
    const launch = await tool.launch(s.sim.launchUrl({ clientId: out.client_id as string, userSub: 'admin' }), s.sim.endpoints.authLoginUrl);
    expect(launch.login.lti_deployment_id).to.equal(deployment);
    expect(launch.status).to.equal(200);
    expect((await tool.token(s.sim.endpoints.accessTokenUrl, out.client_id as string, [SCOPES.nrps])).status).to.equal(200);
  });

  it('refuses a registration without a valid token', async () => {
    expect((await register('forged', body())).status).to.equal(401);
  });

  const invalid: [string, Record<string, unknown>, Record<string, unknown>, string][] = [
    ['grant_types without implicit', { grant_types: ['client_credentials'] }, {}, 'grant_types'],
    ['response_types without id_token', { response_types: ['code'] }, {}, 'response_types'],
    ['a native application_type', { application_type: 'native' }, {}, 'application_type'],
    ['client_secret_basic auth', { token_endpoint_auth_method: 'client_secret_basic' }, {}, 'token_endpoint_auth_method'],
    ['an invalid jwks_uri', { jwks_uri: 'not a url' }, {}, 'jwks_uri'],
    ['no redirect_uris', { redirect_uris: [] }, {}, 'redirect_uris'],
    ['a scope Canvas does not know', { scope: `${SCOPES.nrps} https://purl.imsglobal.org/spec/lti-ags/scope/unknown` }, {}, 'Invalid scopes'],
    ['no tool configuration target_link_uri', {}, { target_link_uri: undefined }, 'target_link_uri'],
  ];
  for (const [what, over, config, reason] of invalid) {
    it(`answers 422 with a reason for ${what}`, async () => {
      const { token } = await start();
      const res = await register(token, body(over, config));
      expect(res.status).to.equal(422);
      expect(await res.text()).to.include(reason);
    });
  }

  it('offers the admin page that frames the tool registration URL', async () => {
    const res = await fetch(s.sim.registrationPageUrl(`${tool.baseUrl}/register`)!);
    const html = await res.text();
    expect(res.status).to.equal(200);
    expect(html).to.include(`${tool.baseUrl}/register?openid_configuration=`);
    expect(html).to.include('org.imsglobal.lti.close');
  });
});

describe('simulator (canvas profile, generic registration answer)', () => {
  it('deploys at once and returns the deployment_id in the tool configuration, as the spec does', async () => {
    const s = await startSimulator('canvas', { registrationReturnsDeploymentId: true });
    const tool = await FakeTool.start();
    try {
      const u = new URL(await s.sim.registrationStartUrl(`${tool.baseUrl}/register`));
      const res = await fetch(s.sim.endpoints.registrationEndpoint!, {
        method: 'POST',
        headers: { authorization: `Bearer ${u.searchParams.get('registration_token')}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          application_type: 'web',
          grant_types: ['client_credentials', 'implicit'],
          response_types: ['id_token'],
          initiate_login_uri: `${tool.baseUrl}/login`,
          redirect_uris: [`${tool.baseUrl}/launch`],
          client_name: 'Fake tool',
          jwks_uri: `${tool.baseUrl}/keys`,
          token_endpoint_auth_method: 'private_key_jwt',
          scope: SCOPES.nrps,
          [TOOL_CONFIG]: { domain: '127.0.0.1', target_link_uri: `${tool.baseUrl}/launch` },
        }),
      });
      expect(res.status).to.equal(200);
      const out = (await res.json()) as { client_id: string; [TOOL_CONFIG]: { deployment_id: string } };
      expect(out[TOOL_CONFIG].deployment_id).to.be.a('string');
      expect(s.sim.tool(out.client_id)!.deploymentIds).to.deep.equal([out[TOOL_CONFIG].deployment_id]);
    } finally {
      await tool.close();
      await s.close();
    }
  });
});

describe('simulator (schoology): no dynamic registration', () => {
  let s: RunningSimulator;
  before(async () => {
    s = await startSimulator('schoology');
  });
  after(() => s.close());

  it('advertises no registration endpoints and serves none', async () => {
    expect(s.sim.endpoints.openidConfigurationUrl).to.equal(null);
    expect(s.sim.endpoints.registrationEndpoint).to.equal(null);
    expect(s.sim.registrationPageUrl('http://127.0.0.1:1/register')).to.equal(null);
    expect((await fetch(`${s.baseUrl}/api/lti/registrations`, { method: 'POST' })).status).to.equal(404);
  });
});
