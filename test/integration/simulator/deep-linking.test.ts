import { expect } from 'chai';
import { fixture, profilesUnderTest, type Fixture } from './fixture.js';

const LTI = 'https://purl.imsglobal.org/spec/lti/claim/';
const DL = 'https://purl.imsglobal.org/spec/lti-dl/claim/';

for (const profile of profilesUnderTest) {
  describe(`simulator (${profile}): deep linking return`, () => {
    let f: Fixture;
    before(async () => {
      f = await fixture(profile);
    });
    after(() => f.close());

    async function request(): Promise<{ returnUrl: string; data: string }> {
      const r = await f.tool.launch(f.sim.launchUrl({ clientId: f.clientId, userSub: 't1', courseId: 'C1', messageType: 'LtiDeepLinkingRequest' }), f.sim.endpoints.authLoginUrl);
      const claims = JSON.parse(Buffer.from(r.form!.fields.id_token.split('.')[1], 'base64url').toString()) as Record<string, { deep_link_return_url: string; data: string }>;
      const s = claims[`${DL}deep_linking_settings`];
      return { returnUrl: s.deep_link_return_url, data: s.data };
    }
    const response = (data: string, over: Record<string, unknown> = {}, o: { foreign?: boolean } = {}) => {
      const now = Math.floor(Date.now() / 1000);
      return f.tool.sign(
        {
          iss: f.clientId,
          aud: f.sim.issuer,
          iat: now,
          exp: now + 60,
          nonce: 'n-1',
          [`${LTI}message_type`]: 'LtiDeepLinkingResponse',
          [`${LTI}version`]: '1.3.0',
          [`${LTI}deployment_id`]: f.deploymentId,
          [`${DL}content_items`]: [{ type: 'ltiResourceLink', title: 'Success plans', url: `${f.tool.baseUrl}/launch` }],
          [`${DL}data`]: data,
          ...over,
        },
        o,
      );
    };
    const post = (url: string, jwt: string) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ JWT: jwt }) });

    it('verifies the response with the tool JWKS and records the content items', async () => {
      const { returnUrl, data } = await request();
      const res = await post(returnUrl, await response(data));
      expect(res.status).to.equal(200);
      expect(await res.text()).to.include('Success plans');
      const rec = f.sim.deepLinkResponses.at(-1)!;
      expect(rec).to.include({ clientId: f.clientId, courseId: 'C1', deploymentId: f.deploymentId });
      expect(rec.contentItems).to.deep.equal([{ type: 'ltiResourceLink', title: 'Success plans', url: `${f.tool.baseUrl}/launch` }]);
      // The data can be used once.
      expect((await post(returnUrl, await response(data))).status).to.equal(400);
    });

    const refusals: [string, (data: string) => Promise<string>][] = [
      ['a foreign signature', (d) => response(d, {}, { foreign: true })],
      ['a wrong aud', (d) => response(d, { aud: 'https://elsewhere.test' })],
      ['an expired token', (d) => response(d, { iat: 1_000_000, exp: 1_000_060 })],
      ['a wrong message type', (d) => response(d, { [`${LTI}message_type`]: 'LtiResourceLinkRequest' })],
      ['data we never sent', () => response('made-up')],
      ['another deployment', (d) => response(d, { [`${LTI}deployment_id`]: 'other' })],
    ];
    for (const [what, make] of refusals) {
      it(`refuses ${what} and records nothing`, async () => {
        const { returnUrl, data } = await request();
        const before = f.sim.deepLinkResponses.length;
        const res = await post(returnUrl, await make(data));
        expect(res.status).to.equal(400);
        expect(f.sim.deepLinkResponses).to.have.length(before);
      });
    }
  });
}
