import { expect } from 'chai';
import { SCOPES } from '../../../src/sandbox/simulator/index.js';
import { fixture, profilesUnderTest, type Fixture } from './fixture.js';

for (const profile of profilesUnderTest) {
  describe(`simulator (${profile}): client-credentials token endpoint`, () => {
    let f: Fixture;
    before(async () => {
      f = await fixture(profile);
    });
    after(() => f.close());
    const url = () => f.sim.endpoints.accessTokenUrl;

    it('issues a bearer token for a valid client assertion, verified with the tool JWKS', async () => {
      const res = await f.tool.token(url(), f.clientId, [SCOPES.nrps, SCOPES.score]);
      expect(res.status).to.equal(200);
      const body = (await res.json()) as Record<string, unknown>;
      expect(body).to.include({ token_type: 'Bearer', expires_in: 3600, scope: `${SCOPES.nrps} ${SCOPES.score}` });
      expect(body.access_token).to.be.a('string');
      expect(f.sim.tokenRequests.at(-1)).to.include({ clientId: f.clientId, ok: true });
    });

    const bad: [string, (c: string, aud: string) => Promise<string>][] = [
      ['a wrong aud', (c) => f.tool.clientAssertion(c, 'http://127.0.0.1:1/other')],
      ['sub different from iss', (c, aud) => f.tool.clientAssertion(c, aud, { sub: 'someone-else' })],
      ['an expired assertion', (c, aud) => f.tool.clientAssertion(c, aud, { iat: 1_000_000, exp: 1_000_060 })],
      ['a key not in the tool JWKS', (c, aud) => f.tool.clientAssertion(c, aud, {}, { foreign: true })],
      ['no exp', (c, aud) => f.tool.sign({ iss: c, sub: c, aud, iat: Math.floor(Date.now() / 1000) })],
    ];
    for (const [what, make] of bad) {
      it(`refuses ${what} with invalid_client`, async () => {
        const res = await f.tool.token(url(), f.clientId, [SCOPES.nrps], await make(f.clientId, url()));
        expect(res.status).to.equal(401);
        expect(((await res.json()) as { error: string }).error).to.equal('invalid_client');
      });
    }

    it('refuses an unknown client and a malformed request', async () => {
      const unknown = await f.tool.token(url(), 'nobody', [SCOPES.nrps], await f.tool.clientAssertion('nobody', url()));
      expect(unknown.status).to.equal(401);
      const malformed = await fetch(url(), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=password' });
      expect(malformed.status).to.equal(400);
      expect(((await malformed.json()) as { error: string }).error).to.equal('invalid_request');
    });

    it('never grants a scope the tool was not granted', async () => {
      f.sim.setGrantedScopes(f.clientId, [SCOPES.nrps]);
      try {
        const res = await f.tool.token(url(), f.clientId, [SCOPES.nrps, SCOPES.score]);
        if (profile === 'canvas') {
          expect(res.status).to.equal(400);
          expect(((await res.json()) as { error: string }).error).to.equal('invalid_scope');
        } else {
          expect(res.status).to.equal(200);
          expect(((await res.json()) as { scope: string }).scope).to.equal(SCOPES.nrps);
        }
        const none = await f.tool.token(url(), f.clientId, [SCOPES.score]);
        expect(none.status).to.equal(400);
        expect(((await none.json()) as { error: string }).error).to.equal('invalid_scope');
      } finally {
        f.sim.setGrantedScopes(f.clientId, [SCOPES.nrps, SCOPES.score, SCOPES.lineItem, SCOPES.lineItemReadonly, SCOPES.resultReadonly]);
      }
    });

    it('answers injected faults on the token endpoint, then recovers', async () => {
      f.sim.injectFault({ service: 'token', status: 500, times: 1 });
      expect((await f.tool.token(url(), f.clientId, [SCOPES.nrps])).status).to.equal(500);
      expect((await f.tool.token(url(), f.clientId, [SCOPES.nrps])).status).to.equal(200);
    });
  });
}
