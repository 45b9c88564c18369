import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import request from 'supertest';
import { createLocalJWKSet, jwtVerify, SignJWT, type JSONWebKeySet } from 'jose';
import { and, eq, sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../support/app.js';
import { TestClock } from '../../support/clock.js';
import { createLtijsPlugin, type LtijsPlugin } from '../../../src/lti/ltijs-plugin.js';
import { ltiDocuments } from '../../../src/lti/lti.tables.js';

describe('ltijs database plugin (PostgreSQL through Drizzle)', () => {
  let t: TestApp;
  let clock: TestClock;
  let plugin: LtijsPlugin;
  const key = 'a-test-encryption-key-of-enough-length';
  // Every test works in collections of its own kind but with unique values, so runs never collide.
  const id = () => randomUUID();

  before(async () => {
    t = await createTestApp();
    clock = new TestClock();
    plugin = createLtijsPlugin({ db: t.ctx.db, clock });
    await plugin.setup();
  });
  after(async () => {
    await plugin.Close();
    await t.ctx.shutdown?.();
  });

  it('Insert then Get by any top-level field; Get answers false when nothing matches', async () => {
    const url = `https://lms-${id()}.example`;
    await plugin.Insert(false, 'platform', { platformUrl: url, clientId: 'c1', kid: id(), authConfig: { method: 'JWK_SET', key: 'k' } });
    const rows = await plugin.Get(false, 'platform', { platformUrl: url, clientId: 'c1' });
    expect(rows).to.be.an('array').with.length(1);
    const [row] = rows as Record<string, unknown>[];
    expect(row).to.include({ platformUrl: url, clientId: 'c1' });
    expect(row!.authConfig).to.deep.equal({ method: 'JWK_SET', key: 'k' });
    expect(row!.createdAt).to.equal(clock.now().getTime());
    expect(await plugin.Get(false, 'platform', { platformUrl: url, clientId: 'other' })).to.equal(false);
  });

  it('Get without a query returns the whole collection', async () => {
    const kind = `coll-${id()}`;
    await plugin.Insert(false, kind, { a: 1 });
    await plugin.Insert(false, kind, { a: 2 });
    const rows = (await plugin.Get(false, kind)) as Record<string, unknown>[];
    expect(rows.map((r) => r.a)).to.deep.equal([1, 2]);
  });

  it('encrypts: stored data differs from the plaintext, index keys stay queryable, Get with the key decrypts', async () => {
    const kid = id();
    const secret = `-----BEGIN RSA PRIVATE KEY----- ${id()}`;
    await plugin.Insert(key, 'privatekey', { key: secret, kid }, { kid, platformUrl: 'https://x.example', clientId: 'c' });
    const [stored] = await t.ctx.db.select().from(ltiDocuments).where(and(eq(ltiDocuments.collection, 'privatekey'), sql`${ltiDocuments.document} @> ${JSON.stringify({ kid })}::jsonb`));
    expect(stored!.document).to.have.keys('kid', 'platformUrl', 'clientId', 'iv', 'data');
    expect(JSON.stringify(stored!.document)).not.to.contain(secret);
    const raw = (await plugin.Get(false, 'privatekey', { kid })) as Record<string, unknown>[];
    expect(raw[0]!.data).to.be.a('string').and.not.equal(secret);
    const [decrypted] = (await plugin.Get(key, 'privatekey', { kid })) as Record<string, unknown>[];
    expect(decrypted).to.include({ key: secret, kid });
    expect(decrypted!.createdAt).to.be.a('number');
  });

  it('Encrypt/Decrypt round trip (AES-256-CBC, fresh iv each time)', async () => {
    const a = await plugin.Encrypt('hello', key);
    const b = await plugin.Encrypt('hello', key);
    expect(a.data).not.to.equal(Buffer.from('hello').toString('hex'));
    expect(a.iv).to.match(/^[0-9a-f]{32}$/);
    expect(a.iv).not.to.equal(b.iv);
    expect(await plugin.Decrypt(a.data, a.iv, key)).to.equal('hello');
    // AES-CBC has no integrity check: a wrong key fails on the padding 255 times in 256 and otherwise
    // yields noise (CI met the 1 in 256). Either way it must never give the text back.
    const wrong = await plugin.Decrypt(a.data, a.iv, 'another key').catch(() => undefined);
    expect(wrong, 'a wrong key must not decrypt').to.not.equal('hello');
  });

  it('Insert with a key but no index is refused (MISSING_PARAMS)', async () => {
    let message = '';
    try {
      await plugin.Insert(key, 'publickey', { key: 'x' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).to.equal('MISSING_PARAMS');
  });

  it('Replace upserts: inserts when missing, replaces the document when present', async () => {
    const state = id();
    await plugin.Replace(false, 'platformStatus', { id: state }, { id: state, active: false });
    await plugin.Replace(false, 'platformStatus', { id: state }, { id: state, active: true });
    const rows = (await plugin.Get(false, 'platformStatus', { id: state })) as Record<string, unknown>[];
    expect(rows).to.have.length(1);
    expect(rows[0]!.active).to.equal(true);
  });

  it('two concurrent Replace calls on one key leave exactly one row holding one of the two values', async () => {
    const url = `https://race-${id()}.example`;
    const query = { platformUrl: url, clientId: 'c' };
    await Promise.all([
      plugin.Replace(key, 'accesstoken', query, { token: 'first' }, { ...query, scopes: 's' }),
      plugin.Replace(key, 'accesstoken', query, { token: 'second' }, { ...query, scopes: 's' }),
    ]);
    const rows = (await plugin.Get(key, 'accesstoken', query)) as Record<string, unknown>[];
    expect(rows).to.have.length(1);
    expect(rows[0]!.token).to.be.oneOf(['first', 'second']);
    const count = await t.ctx.db.select().from(ltiDocuments).where(sql`${ltiDocuments.document} @> ${JSON.stringify(query)}::jsonb`);
    expect(count).to.have.length(1);
  });

  it('Modify sets fields of the first match; on an encrypted row it changes the encrypted payload', async () => {
    const url = `https://mod-${id()}.example`;
    await plugin.Insert(false, 'platform', { platformUrl: url, clientId: 'c', platformName: 'Old', kid: 'k' });
    await plugin.Modify(false, 'platform', { platformUrl: url, clientId: 'c' }, { platformName: 'New' });
    const [p] = (await plugin.Get(false, 'platform', { platformUrl: url })) as Record<string, unknown>[];
    expect(p).to.include({ platformName: 'New', kid: 'k' });

    const kid = id();
    await plugin.Insert(key, 'publickey', { key: 'pem-1', kid }, { kid, platformUrl: url, clientId: 'c' });
    await plugin.Modify(key, 'publickey', { kid }, { key: 'pem-2' });
    const [k] = (await plugin.Get(key, 'publickey', { kid })) as Record<string, unknown>[];
    expect(k).to.include({ key: 'pem-2', kid });
    // ltijs also modifies index fields of encrypted rows without the key (updatePlatformById).
    await plugin.Modify(false, 'publickey', { kid }, { clientId: 'c2' });
    expect(await plugin.Get(key, 'publickey', { kid, clientId: 'c2' })).to.be.an('array').with.length(1);
  });

  it('Delete removes every match and nothing else; an empty query deletes nothing', async () => {
    const a = id();
    const b = id();
    await plugin.Insert(false, 'state', { state: a, query: {} });
    await plugin.Insert(false, 'state', { state: b, query: {} });
    await plugin.Delete('state', { state: a });
    expect(await plugin.Get(false, 'state', { state: a })).to.equal(false);
    expect(await plugin.Get(false, 'state', { state: b })).to.be.an('array');
    await plugin.Delete('state', { state: undefined });
    expect(await plugin.Get(false, 'state', { state: b }), 'an undefined key must not wipe the collection').to.be.an('array');
  });

  it('enforces expiry in Get: nonce 10 s, state 600 s, access token 1 h, id/context tokens 24 h; platforms never', async () => {
    const c = new TestClock();
    const p = createLtijsPlugin({ db: t.ctx.db, clock: c });
    const n = id();
    const s = id();
    const url = `https://ttl-${id()}.example`;
    await p.Insert(false, 'nonce', { nonce: n });
    await p.Insert(false, 'state', { state: s });
    await p.Replace(key, 'accesstoken', { platformUrl: url }, { token: 't' }, { platformUrl: url, clientId: 'c', scopes: 's' });
    await p.Insert(false, 'idtoken', { iss: url, user: 'u' });
    await p.Insert(false, 'platform', { platformUrl: url, clientId: 'c' });

    c.advance(9_000);
    expect(await p.Get(false, 'nonce', { nonce: n })).to.be.an('array');
    c.advance(2_000);
    expect(await p.Get(false, 'nonce', { nonce: n }), 'nonce after 11 s').to.equal(false);
    expect(await p.Get(false, 'state', { state: s })).to.be.an('array');
    c.advance(600_000);
    expect(await p.Get(false, 'state', { state: s }), 'state after 611 s').to.equal(false);
    expect(await p.Get(key, 'accesstoken', { platformUrl: url })).to.be.an('array');
    c.advance(3_600_000);
    expect(await p.Get(key, 'accesstoken', { platformUrl: url }), 'access token after 1 h').to.equal(false);
    expect(await p.Get(false, 'idtoken', { iss: url })).to.be.an('array');
    c.advance(24 * 3_600_000);
    expect(await p.Get(false, 'idtoken', { iss: url }), 'id token after 24 h').to.equal(false);
    expect(await p.Get(false, 'platform', { platformUrl: url }), 'platforms never expire').to.be.an('array');

    const removed = await p.cleanup();
    expect(removed).to.be.at.least(4);
    const left = await t.ctx.db.select().from(ltiDocuments).where(sql`${ltiDocuments.document} @> ${JSON.stringify({ nonce: n })}::jsonb`);
    expect(left, 'cleanup deleted the expired nonce row').to.have.length(0);
  });

  it('the cleanup timer stops on Close', async () => {
    const p = createLtijsPlugin({ db: t.ctx.db, clock, cleanupIntervalMs: 5 });
    await p.setup();
    let runs = 0;
    const original = p.cleanup;
    p.cleanup = async () => {
      runs++;
      return original();
    };
    await new Promise((r) => setTimeout(r, 40));
    await p.Close();
    const seen = runs;
    expect(seen).to.be.greaterThan(0);
    await new Promise((r) => setTimeout(r, 30));
    expect(runs).to.equal(seen);
  });

  it('ctx.shutdown closes the app store (stopping its timer)', async () => {
    const app = await createTestApp();
    let closed = 0;
    const close = app.ctx.lti.store.Close;
    app.ctx.lti.store.Close = async () => {
      closed++;
      return close();
    };
    await app.ctx.shutdown?.();
    expect(closed).to.equal(1);
  });
});

describe('tool keys: ctx.lti and GET /lti/keys', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(async () => {
    await t.ctx.shutdown?.();
  });

  const addPlatform = (app: TestApp, issuer = `https://lms-${randomUUID()}.example`) =>
    app.ctx.platforms.addManual({
      name: 'Keys LMS',
      issuer,
      clientId: 'tool-1',
      authLoginUrl: `${issuer}/auth`,
      accessTokenUrl: `${issuer}/token`,
      jwksUrl: `${issuer}/jwks`,
      deploymentIds: ['d1'],
    });

  it('serves a JWKS whose key verifies a signature made with ctx.lti.signingKey', async () => {
    const tenant = await addPlatform(t);
    const { kid, privateKey } = await t.ctx.lti.signingKey(tenant.id);
    const jwt = await new SignJWT({ hello: 'world' }).setProtectedHeader({ alg: 'RS256', kid }).setIssuer('tool-1').setIssuedAt().setExpirationTime('1m').sign(privateKey);
    const res = await request(t.app).get('/lti/keys').expect(200).expect('content-type', /json/);
    const jwks = res.body as JSONWebKeySet;
    const jwk = jwks.keys.find((k) => k.kid === kid);
    expect(jwk).to.include({ kty: 'RSA', alg: 'RS256', use: 'sig', kid });
    expect(jwk).not.to.have.any.keys('d', 'p', 'q');
    const { payload } = await jwtVerify(jwt, createLocalJWKSet(jwks), { algorithms: ['RS256'] });
    expect(payload.hello).to.equal('world');
  });

  it('ensurePlatform is idempotent: one key pair per platform, kept across calls', async () => {
    const tenant = await addPlatform(t);
    const first = await t.ctx.lti.signingKey(tenant.id);
    await t.ctx.lti.ensurePlatform(tenant);
    await Promise.all([t.ctx.lti.ensurePlatform(tenant), t.ctx.lti.ensurePlatform(tenant)]);
    const again = await t.ctx.lti.signingKey(tenant.id);
    expect(again.kid).to.equal(first.kid);
    const jwks = (await t.ctx.lti.jwks()).keys.filter((k) => k.kid === first.kid);
    expect(jwks).to.have.length(1);
  });

  it('a second app in the same process (ltijs is one Provider per process) keeps working with its own keys', async () => {
    const other = await createTestApp();
    try {
      const tenant = await addPlatform(other);
      const { kid } = await other.ctx.lti.signingKey(tenant.id);
      const res = await request(other.app).get('/lti/keys').expect(200);
      expect((res.body as JSONWebKeySet).keys.map((k) => k.kid)).to.include(kid);
    } finally {
      await other.ctx.shutdown?.();
    }
  });
});
