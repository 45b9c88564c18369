import { expect } from 'chai';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { createJwksCache, JwksError } from '../../../src/lti/jwks-cache.js';
import { TestClock } from '../../support/clock.js';

describe('platform JWKS cache', () => {
  let k1: JWK;
  let k2: JWK;
  before(async () => {
    k1 = { ...(await exportJWK((await generateKeyPair('RS256', { extractable: true })).publicKey)), kid: 'k1' };
    k2 = { ...(await exportJWK((await generateKeyPair('RS256', { extractable: true })).publicKey)), kid: 'k2' };
  });

  function setup(keys: () => JWK[]) {
    const clock = new TestClock();
    let fetches = 0;
    const cache = createJwksCache({
      clock,
      ttlMs: 600_000,
      refetchCooldownMs: 30_000,
      fetchJwks: async () => {
        fetches++;
        return { keys: keys() };
      },
    });
    return { clock, cache, fetches: () => fetches };
  }

  it('fetches a key set once and serves later launches from the cache', async () => {
    const { cache, fetches } = setup(() => [k1]);
    for (let i = 0; i < 5; i++) await cache.key('https://lms/jwks', { alg: 'RS256', kid: 'k1' });
    expect(fetches()).to.equal(1);
  });

  it('refetches after the TTL', async () => {
    const { cache, clock, fetches } = setup(() => [k1]);
    await cache.key('https://lms/jwks', { alg: 'RS256', kid: 'k1' });
    clock.advance(600_001);
    await cache.key('https://lms/jwks', { alg: 'RS256', kid: 'k1' });
    expect(fetches()).to.equal(2);
  });

  it('refetches once on an unknown kid (key rotation), then finds it', async () => {
    let published = [k1];
    const { cache, clock, fetches } = setup(() => published);
    await cache.key('https://lms/jwks', { alg: 'RS256', kid: 'k1' });
    published = [k1, k2];
    clock.advance(60_000);
    await cache.key('https://lms/jwks', { alg: 'RS256', kid: 'k2' });
    expect(fetches()).to.equal(2);
  });

  it('does not refetch for unknown kids within the cooldown (no amplification from forged tokens)', async () => {
    const { cache, fetches } = setup(() => [k1]);
    await cache.key('https://lms/jwks', { alg: 'RS256', kid: 'k1' });
    for (let i = 0; i < 3; i++) {
      try {
        await cache.key('https://lms/jwks', { alg: 'RS256', kid: `forged-${i}` });
        expect.fail('should refuse');
      } catch (err) {
        expect(err).to.be.instanceOf(JwksError);
        expect((err as JwksError).reason).to.equal('unknown_kid');
      }
    }
    expect(fetches()).to.equal(1);
  });

  it('shares one fetch between concurrent launches', async () => {
    const { cache, fetches } = setup(() => [k1]);
    await Promise.all([1, 2, 3].map(() => cache.key('https://lms/jwks', { alg: 'RS256', kid: 'k1' })));
    expect(fetches()).to.equal(1);
  });

  it('reports an unreachable or malformed key set', async () => {
    const clock = new TestClock();
    const broken = createJwksCache({ clock, fetchJwks: async () => ({ nope: true }) });
    try {
      await broken.key('https://lms/jwks', { alg: 'RS256', kid: 'k1' });
      expect.fail('should refuse');
    } catch (err) {
      expect((err as JwksError).reason).to.equal('unreachable');
    }
  });
});
