import { expect } from 'chai';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { verifyIdToken, type IdTokenExpectations } from '../../../src/lti/id-token.js';
import { createJwksCache } from '../../../src/lti/jwks-cache.js';
import { HttpError } from '../../../src/web/errors.js';
import { TestClock } from '../../support/clock.js';

const LTI = 'https://purl.imsglobal.org/spec/lti/claim/';
const expectations: IdTokenExpectations = { issuer: 'https://lms.example', clientId: 'client-1', jwksUrl: 'https://lms.example/jwks', clockSkewSeconds: 60 };

function claims(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    sub: 'user-1',
    nonce: 'n-1',
    name: 'Ada L',
    [`${LTI}message_type`]: 'LtiResourceLinkRequest',
    [`${LTI}version`]: '1.3.0',
    [`${LTI}deployment_id`]: 'dep-1',
    [`${LTI}target_link_uri`]: 'https://tool.example/lti/launch',
    [`${LTI}resource_link`]: { id: 'rl-1' },
    [`${LTI}roles`]: ['http://purl.imsglobal.org/vocab/lis/v2/membership#Learner'],
    ...over,
  };
}

describe('id_token verification', () => {
  let clock: TestClock;
  let platformKey: CryptoKey;
  let foreignKey: CryptoKey;
  let jwk: JWK;
  let fetches: number;
  const sign = async (c: Record<string, unknown>, opts: { key?: CryptoKey; kid?: string; iss?: string; aud?: string | string[]; iat?: number; exp?: number; alg?: string } = {}) => {
    const now = Math.floor(clock.now().getTime() / 1000);
    return new SignJWT(c)
      .setProtectedHeader({ alg: opts.alg ?? 'RS256', kid: opts.kid ?? 'k1' })
      .setIssuer(opts.iss ?? expectations.issuer)
      .setAudience(opts.aud ?? expectations.clientId)
      .setIssuedAt(opts.iat ?? now)
      .setExpirationTime(opts.exp ?? now + 3600)
      .sign(opts.key ?? platformKey);
  };
  const verify = (token: string) => {
    const jwks = createJwksCache({
      clock,
      fetchJwks: async () => {
        fetches++;
        return { keys: [jwk] };
      },
    });
    return verifyIdToken(token, expectations, { jwks, clock });
  };
  const refusedWith = async (p: Promise<unknown>, status: number, code: string) => {
    try {
      await p;
    } catch (err) {
      expect(err).to.be.instanceOf(HttpError);
      expect((err as HttpError).code).to.equal(code);
      expect((err as HttpError).status).to.equal(status);
      return;
    }
    expect.fail(`expected refusal ${code}`);
  };

  before(async () => {
    const kp = await generateKeyPair('RS256', { extractable: true });
    platformKey = kp.privateKey;
    jwk = { ...(await exportJWK(kp.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    foreignKey = (await generateKeyPair('RS256')).privateKey;
  });
  beforeEach(() => {
    clock = new TestClock(new Date('2026-03-01T10:00:00Z'));
    fetches = 0;
  });

  it('accepts a well-formed launch and returns its claims', async () => {
    const c = await verify(await sign(claims()));
    expect(c.sub).to.equal('user-1');
    expect(c[`${LTI}deployment_id`]).to.equal('dep-1');
    expect(fetches).to.equal(1);
  });

  it('refuses a token signed with another key (forged signature)', async () => {
    await refusedWith(verify(await sign(claims(), { key: foreignKey })), 401, 'bad_signature');
  });

  it('refuses a key id the platform does not publish', async () => {
    await refusedWith(verify(await sign(claims(), { key: foreignKey, kid: 'other' })), 401, 'bad_signature');
  });

  it('refuses HS256 even when it names a known kid', async () => {
    const hs = await new SignJWT(claims()).setProtectedHeader({ alg: 'HS256', kid: 'k1' }).setIssuer(expectations.issuer).setAudience(expectations.clientId).setIssuedAt().setExpirationTime('1h').sign(new Uint8Array(32));
    await refusedWith(verify(hs), 401, 'bad_signature');
  });

  it('refuses the wrong issuer and the wrong audience', async () => {
    await refusedWith(verify(await sign(claims(), { iss: 'https://other.example' })), 401, 'wrong_issuer');
    await refusedWith(verify(await sign(claims(), { aud: 'someone-else' })), 401, 'wrong_audience');
  });

  it('requires azp = client_id when aud names several clients', async () => {
    await refusedWith(verify(await sign(claims(), { aud: ['client-1', 'client-2'] })), 401, 'wrong_audience');
    const ok = await verify(await sign(claims({ azp: 'client-1' }), { aud: ['client-1', 'client-2'] }));
    expect(ok.sub).to.equal('user-1');
    await refusedWith(verify(await sign(claims({ azp: 'client-2' }))), 401, 'wrong_audience');
  });

  it('tolerates clock skew up to the configured seconds, and no further', async () => {
    const now = Math.floor(clock.now().getTime() / 1000);
    // Expired 30 s ago, issued 30 s in the future: both inside a 60 s tolerance.
    expect((await verify(await sign(claims(), { iat: now - 600, exp: now - 30 }))).sub).to.equal('user-1');
    expect((await verify(await sign(claims(), { iat: now + 30 }))).sub).to.equal('user-1');
    await refusedWith(verify(await sign(claims(), { iat: now - 7200, exp: now - 120 })), 401, 'token_expired');
    await refusedWith(verify(await sign(claims(), { iat: now + 300 })), 401, 'token_time');
  });

  it('refuses a token issued long ago even if it has not expired', async () => {
    const now = Math.floor(clock.now().getTime() / 1000);
    await refusedWith(verify(await sign(claims(), { iat: now - 5 * 3600, exp: now + 3600 })), 401, 'token_too_old');
  });

  it('refuses missing required claims per message type, naming the claim', async () => {
    const noDeployment = claims();
    delete noDeployment[`${LTI}deployment_id`];
    await refusedWith(verify(await sign(noDeployment)), 400, 'missing_claims');
    const noLink = claims();
    delete noLink[`${LTI}resource_link`];
    await refusedWith(verify(await sign(noLink)), 400, 'missing_claims');
    const dl = claims({ [`${LTI}message_type`]: 'LtiDeepLinkingRequest' });
    await refusedWith(verify(await sign(dl)), 400, 'missing_claims');
    const noNonce = claims();
    delete noNonce.nonce;
    await refusedWith(verify(await sign(noNonce)), 400, 'missing_claims');
    const badVersion = claims({ [`${LTI}version`]: '1.1' });
    await refusedWith(verify(await sign(badVersion)), 400, 'missing_claims');
  });

  it('accepts a deep-linking request with its settings', async () => {
    const dl = claims({
      [`${LTI}message_type`]: 'LtiDeepLinkingRequest',
      'https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings': {
        deep_link_return_url: 'https://lms.example/dl/return',
        accept_types: ['ltiResourceLink'],
        accept_presentation_document_targets: ['iframe'],
        data: 'opaque',
      },
    });
    delete dl[`${LTI}resource_link`];
    const c = await verify(await sign(dl));
    expect(c[`${LTI}message_type`]).to.equal('LtiDeepLinkingRequest');
  });
});
