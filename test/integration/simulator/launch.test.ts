import { expect } from 'chai';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { fixture, profilesUnderTest, type Fixture } from './fixture.js';

const LTI = 'https://purl.imsglobal.org/spec/lti/claim/';
const AGS = 'https://purl.imsglobal.org/spec/lti-ags/claim/endpoint';
const NRPS = 'https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice';
const DL = 'https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings';

for (const profile of profilesUnderTest) {
  describe(`simulator (${profile}): OIDC launch`, () => {
    let f: Fixture;
    before(async () => {
      f = await fixture(profile);
    });
    after(() => f.close());

    const verify = (idToken: string) => jwtVerify(idToken, createRemoteJWKSet(new URL(f.sim.endpoints.jwksUrl)), { issuer: f.sim.issuer, audience: f.clientId });

    it('initiates login with the parameters of the profile', async () => {
      const r = await f.tool.launch(f.sim.launchUrl({ clientId: f.clientId, userSub: 't1', courseId: 'C1' }), f.sim.endpoints.authLoginUrl);
      expect(r.login).to.include({ iss: f.sim.issuer, login_hint: 't1', client_id: f.clientId, lti_deployment_id: f.deploymentId, target_link_uri: `${f.tool.baseUrl}/launch` });
      expect(r.login.lti_message_hint).to.be.a('string').and.not.equal('');
      if (profile === 'canvas') expect(r.login.lti_storage_target).to.equal('post_message_forwarding');
      else expect(r.login).to.not.have.property('lti_storage_target');
    });

    it('answers a valid auth request with a signed id_token posted to the redirect_uri', async () => {
      const r = await f.tool.launch(f.sim.launchUrl({ clientId: f.clientId, userSub: 't1', courseId: 'C1' }), f.sim.endpoints.authLoginUrl);
      expect(r.status).to.equal(200);
      expect(r.form?.action).to.equal(`${f.tool.baseUrl}/launch`);
      expect(r.form?.fields.state).to.equal(r.state);
      if (profile === 'canvas') expect(r.form?.fields.lti_storage_target).to.equal('post_message_forwarding');
      else expect(r.form?.fields).to.not.have.property('lti_storage_target');
      const { payload: c } = await verify(r.form!.fields.id_token);
      expect(c.nonce).to.equal(r.nonce);
      expect(c.sub).to.equal('t1');
      expect(c.azp).to.equal(f.clientId);
      expect(c.exp! - c.iat!).to.equal(3600);
      expect(c.name).to.equal('Tess Teacher');
      expect(c[`${LTI}message_type`]).to.equal('LtiResourceLinkRequest');
      expect(c[`${LTI}version`]).to.equal('1.3.0');
      expect(c[`${LTI}deployment_id`]).to.equal(f.deploymentId);
      expect(c[`${LTI}target_link_uri`]).to.equal(`${f.tool.baseUrl}/launch`);
      expect(c[`${LTI}resource_link`]).to.have.property('id');
      expect(c[`${LTI}roles`]).to.include('http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor');
      expect(c[`${LTI}context`]).to.deep.include({ id: 'C1', label: 'ADV-9', title: 'Advisory 9' });
      expect(c[`${LTI}tool_platform`]).to.deep.include({ product_family_code: profile });
      expect(c[`${LTI}launch_presentation`]).to.deep.include({ document_target: 'iframe' });
      const ags = c[AGS] as { lineitems: string; scope: string[] };
      const nrps = c[NRPS] as { context_memberships_url: string; service_versions: string[] };
      expect(ags.scope).to.include('https://purl.imsglobal.org/spec/lti-ags/scope/score');
      expect(nrps.service_versions).to.deep.equal(['2.0']);
      if (profile === 'canvas') {
        expect(ags.lineitems).to.equal(`${f.baseUrl}/api/lti/courses/C1/line_items`);
        expect(nrps.context_memberships_url).to.equal(`${f.baseUrl}/api/lti/courses/C1/names_and_roles`);
        expect(c[`${LTI}roles`]).to.include('http://purl.imsglobal.org/vocab/lis/v2/system/person#User');
        expect(c['https://www.instructure.com/placement']).to.equal('course_navigation');
      } else {
        expect(ags.lineitems).to.match(new RegExp(`^${f.baseUrl}/lti-service/tool/\\d+/services/assignment-grade/v2p0/sections/C1/lineitems$`));
        expect(nrps.context_memberships_url).to.match(new RegExp(`^${f.baseUrl}/lti-service/tool/\\d+/services/names-roles/v2p0/membership/C1$`));
      }
    });

    it('leaves out the service claims the tool was not granted', async () => {
      const tool = f.sim.tool(f.clientId)!;
      const saved = [...tool.scopes];
      f.sim.setGrantedScopes(f.clientId, ['https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly']);
      try {
        const r = await f.tool.launch(f.sim.launchUrl({ clientId: f.clientId, userSub: 't1', courseId: 'C1' }), f.sim.endpoints.authLoginUrl);
        const { payload } = await verify(r.form!.fields.id_token);
        expect(payload).to.not.have.property(AGS);
        expect(payload).to.have.property(NRPS);
      } finally {
        f.sim.setGrantedScopes(f.clientId, saved);
      }
    });

    it('sends role_scope_mentor for a Mentor, institution roles for an admin', async () => {
      const p = await f.tool.launch(f.sim.launchUrl({ clientId: f.clientId, userSub: 'p1', courseId: 'C1' }), f.sim.endpoints.authLoginUrl);
      const { payload: pc } = await verify(p.form!.fields.id_token);
      expect(pc[`${LTI}roles`]).to.include('http://purl.imsglobal.org/vocab/lis/v2/membership#Mentor');
      expect(pc[`${LTI}role_scope_mentor`]).to.deep.equal(['s1']);
      const a = await f.tool.launch(f.sim.launchUrl({ clientId: f.clientId, userSub: 'a1', courseId: 'C1' }), f.sim.endpoints.authLoginUrl);
      const { payload: ac } = await verify(a.form!.fields.id_token);
      expect(ac[`${LTI}roles`]).to.include('http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator');
      expect(ac[`${LTI}roles`]).to.not.include('http://purl.imsglobal.org/vocab/lis/v2/membership#Mentor');
    });

    it('sends deep_linking_settings and no resource_link for LtiDeepLinkingRequest', async () => {
      const r = await f.tool.launch(f.sim.launchUrl({ clientId: f.clientId, userSub: 't1', courseId: 'C1', messageType: 'LtiDeepLinkingRequest' }), f.sim.endpoints.authLoginUrl);
      const { payload } = await verify(r.form!.fields.id_token);
      expect(payload[`${LTI}message_type`]).to.equal('LtiDeepLinkingRequest');
      expect(payload).to.not.have.property(`${LTI}resource_link`);
      const dl = payload[DL] as Record<string, unknown>;
      expect(dl.accept_types).to.include('ltiResourceLink');
      expect(dl.accept_presentation_document_targets).to.include('iframe');
      expect(dl.deep_link_return_url).to.be.a('string').and.match(/^http:\/\/127\.0\.0\.1/);
      expect(dl.data).to.be.a('string');
    });

    const refusals: [string, Record<string, string>, RegExp][] = [
      ['an unregistered redirect_uri', { redirect_uri: 'http://127.0.0.1:1/elsewhere' }, /redirect_uri/],
      ['a wrong response_type', { response_type: 'code' }, /response_type/],
      ['a wrong response_mode', { response_mode: 'query' }, /response_mode/],
      ['a scope without openid', { scope: 'profile' }, /openid/],
      ['prompt other than none', { prompt: 'login' }, /prompt/],
      ['an unknown client_id', { client_id: 'nobody' }, /client_id/],
      ['a login_hint that was not issued', { login_hint: 's2' }, /login_hint/],
      ['an lti_message_hint that was not issued', { lti_message_hint: 'forged' }, /lti_message_hint/],
    ];
    for (const [what, override, reason] of refusals) {
      it(`refuses an auth request with ${what}`, async () => {
        const r = await f.tool.launch(f.sim.launchUrl({ clientId: f.clientId, userSub: 't1', courseId: 'C1' }), f.sim.endpoints.authLoginUrl, override);
        expect(r.status).to.equal(400);
        expect(r.body).to.match(reason);
        expect(r.body).to.not.include('name="id_token"');
      });
    }

    it('tampers with the next launch only: claims, foreign key, kid', async () => {
      f.sim.nextLaunch({ claims: (c) => ({ ...c, [`${LTI}deployment_id`]: 'unknown-deployment' }) });
      const bad = await f.tool.launch(f.sim.launchUrl({ clientId: f.clientId, userSub: 't1', courseId: 'C1' }), f.sim.endpoints.authLoginUrl);
      expect((await verify(bad.form!.fields.id_token)).payload[`${LTI}deployment_id`]).to.equal('unknown-deployment');
      const good = await f.tool.launch(f.sim.launchUrl({ clientId: f.clientId, userSub: 't1', courseId: 'C1' }), f.sim.endpoints.authLoginUrl);
      expect((await verify(good.form!.fields.id_token)).payload[`${LTI}deployment_id`]).to.equal(f.deploymentId);

      f.sim.nextLaunch({ signWithForeignKey: true });
      const forged = await f.tool.launch(f.sim.launchUrl({ clientId: f.clientId, userSub: 't1', courseId: 'C1' }), f.sim.endpoints.authLoginUrl);
      let refused = false;
      try {
        await jwtVerify(forged.form!.fields.id_token, createRemoteJWKSet(new URL(f.sim.endpoints.jwksUrl)));
      } catch {
        refused = true;
      }
      expect(refused, 'a token signed with the foreign key must not verify against the JWKS').to.equal(true);

      f.sim.nextLaunch({ kid: 'no-such-kid' });
      const unknownKid = await f.tool.launch(f.sim.launchUrl({ clientId: f.clientId, userSub: 't1', courseId: 'C1' }), f.sim.endpoints.authLoginUrl);
      expect(decodeProtectedHeader(unknownKid.form!.fields.id_token).kid).to.equal('no-such-kid');
    });

    it('launches from a second deployment of the same client id', async () => {
      const second = f.sim.deploy(f.clientId);
      const r = await f.tool.launch(f.sim.launchUrl({ clientId: f.clientId, userSub: 's1', courseId: 'C1', deploymentId: second }), f.sim.endpoints.authLoginUrl);
      expect(r.login.lti_deployment_id).to.equal(second);
      expect((await verify(r.form!.fields.id_token)).payload[`${LTI}deployment_id`]).to.equal(second);
    });
  });
}
