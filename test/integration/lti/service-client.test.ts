import { expect } from 'chai';
import { createTestApp, type TestApp } from '../../support/app.js';
import { fakeServiceTenant } from '../../support/service-tenant.js';
import type { FakePlatform } from '../../support/fake-platform.js';
import type { Tenant } from '../../../src/platforms/platforms.service.js';
import { createLtiServices, ServiceError, type LtiServices } from '../../../src/lti/services/index.js';
import { fetchMembership, NRPS_MEDIA_TYPE } from '../../../src/lti/services/nrps.js';
import { listLineItems } from '../../../src/lti/services/ags.js';
import { scopes } from '../../../src/lti/services/scopes.js';
import { nextLink } from '../../../src/lti/services/http.js';

const learner = 'http://purl.imsglobal.org/vocab/lis/v2/membership#Learner';

describe('LTI service client (token grant and retry rules)', () => {
  let t: TestApp;
  let tenant: Tenant;
  let fp: FakePlatform;
  let services: LtiServices;
  let sleeps: number[];

  before(async () => {
    t = await createTestApp();
    ({ tenant, fp } = await fakeServiceTenant(t));
    fp.members.set('c1', [{ user_id: 'u1', roles: [learner] }]);
  });
  after(() => fp.close());
  beforeEach(() => {
    sleeps = [];
    fp.tokenRequests.length = 0;
    fp.requests.length = 0;
    services = createLtiServices({
      signingKey: (id) => t.ctx.lti.signingKey(id),
      clock: t.clock,
      userAgent: 'SuccessPlans/test',
      retry: { retries: 3, baseDelayMs: 10, maxDelayMs: 2000, sleep: async (ms) => void sleeps.push(ms) },
    });
  });

  const nrps = () => fetchMembership(services.client, tenant, fp.membershipsUrl('c1'), 50);

  it('signs a client assertion the platform verifies, and reuses one token for many calls', async () => {
    for (let i = 0; i < 5; i++) await nrps();
    await Promise.all([nrps(), nrps(), nrps()]);
    expect(fp.tokenRequests).to.have.length(1);
    const [req] = fp.tokenRequests;
    expect(req!.scope).to.equal(scopes.nrps);
    expect(req!.claims.iss).to.equal(tenant.clientId);
    expect(req!.claims.sub).to.equal(tenant.clientId);
    expect(req!.claims.aud).to.equal(fp.tokenUrl);
    expect(Number(req!.claims.exp) - Number(req!.claims.iat)).to.be.at.most(600);
    expect(req!.kid).to.equal((await t.ctx.lti.signingKey(tenant.id)).kid);
    const nrpsCalls = fp.requests.filter((r) => r.path === '/nrps/c1');
    expect(nrpsCalls).to.have.length(8);
    for (const r of nrpsCalls) {
      expect(r.headers['user-agent']).to.equal('SuccessPlans/test');
      expect(r.headers.accept).to.equal(NRPS_MEDIA_TYPE);
    }
  });

  it('asks for a new token once the cached one is about to expire', async () => {
    await nrps();
    t.clock.advance(3600_000 - 30_000);
    await nrps();
    expect(fp.tokenRequests).to.have.length(2);
  });

  it('asks only for scopes the platform granted, and refuses locally when none is left', async () => {
    const narrow = { ...tenant, grantedScopes: [scopes.lineItemReadonly] };
    fp.lineItems.set('c1', []);
    await listLineItems(services.client, { tenant: narrow, lineItemsUrl: fp.lineItemsUrl('c1'), contextScopes: [] });
    expect(fp.tokenRequests.at(-1)!.scope).to.equal(scopes.lineItemReadonly);
    const err = await fetchMembership(services.client, narrow, fp.membershipsUrl('c1'), 50).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(ServiceError).with.property('kind', 'not_granted');
    expect(fp.requests.filter((r) => r.path === '/nrps/c1')).to.have.length(0);
  });

  it('401: drops the token, gets a new one and retries once', async () => {
    await nrps();
    fp.revokeTokens();
    const res = await nrps();
    expect(res.members).to.have.length(1);
    expect(fp.tokenRequests).to.have.length(2);
  });

  it('401 again with a fresh token: gives up as unauthorized after one refresh', async () => {
    fp.failNext.push({ status: 401 }, { status: 401 });
    const err = await nrps().catch((e: unknown) => e);
    expect(err).to.be.instanceOf(ServiceError).with.property('kind', 'unauthorized');
    expect(fp.requests.filter((r) => r.path === '/nrps/c1')).to.have.length(2);
  });

  it('403 and 404: fail at once as not_granted / not_found, no retry', async () => {
    fp.forbidden.add('/nrps/c1');
    const forbidden = await nrps().catch((e: unknown) => e);
    fp.forbidden.clear();
    expect(forbidden).to.be.instanceOf(ServiceError).with.property('kind', 'not_granted');
    fp.missing.add('/nrps/c1');
    const missing = await nrps().catch((e: unknown) => e);
    fp.missing.clear();
    expect(missing).to.be.instanceOf(ServiceError).with.property('kind', 'not_found');
    expect(fp.requests.filter((r) => r.path === '/nrps/c1')).to.have.length(2);
    expect(sleeps).to.deep.equal([]);
  });

  it('429 and 500: retries with exponential backoff, honouring Retry-After', async () => {
    fp.failNext.push({ status: 500 }, { status: 429, retryAfter: '1' }, { status: 503 });
    const res = await nrps();
    expect(res.members).to.have.length(1);
    expect(sleeps).to.deep.equal([10, 1000, 40]);
  });

  it('429/5xx that never end: gives up after the retries as unavailable', async () => {
    fp.failNext.push({ status: 500 }, { status: 500 }, { status: 500 }, { status: 500 }, { status: 500 });
    const err = await nrps().catch((e: unknown) => e);
    fp.failNext.length = 0;
    expect(err).to.be.instanceOf(ServiceError).with.property('kind', 'unavailable');
    expect((err as ServiceError).message).to.contain('after 4 attempts');
    expect(sleeps).to.deep.equal([10, 20, 40]);
  });

  it('a refused client assertion is token_refused, a failing token endpoint is retried', async () => {
    fp.failTokenNext.push(503);
    await nrps();
    expect(sleeps).to.have.length(1);
    const other = await fakeServiceTenant(t);
    try {
      // A platform that knows a different client id refuses our assertion.
      const wrong = { ...other.tenant, clientId: 'someone-else' };
      const err = await fetchMembership(services.client, wrong, other.fp.membershipsUrl('c1'), 50).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(ServiceError).with.property('kind', 'token_refused');
    } finally {
      await other.fp.close();
    }
  });

  it('reads Link headers and never follows a next link to another host', async () => {
    expect(nextLink('<https://a/p2>; rel="next", <https://a/p9>; rel="last"')).to.equal('https://a/p2');
    expect(nextLink('<https://a/p1>; rel="first", <https://a/p9>; rel=last')).to.equal(null);
    expect(nextLink(null)).to.equal(null);
    // Moodle's typographic quotes, as Unicode and as fetch hands over their UTF-8 bytes (Latin-1).
    expect(nextLink('<https://a/p2>; rel=\u201Cnext\u201D, <https://a/p1>; rel=\u201Cfirst\u201D')).to.equal('https://a/p2');
    expect(nextLink('<https://a/p2>; rel=\u00E2\u0080\u009Cnext\u00E2\u0080\u009D')).to.equal('https://a/p2');
    expect(nextLink('<https://a/p2>; rel="prev next"; title="a, b"')).to.equal('https://a/p2');
    expect(() => nextLink('https://a/p2; rel=next')).to.throw(/Link header/);
    fp.members.set('c2', [{ user_id: 'a', roles: [] }, { user_id: 'b', roles: [] }]);
    fp.foreignNext = true;
    const err = await fetchMembership(services.client, tenant, fp.membershipsUrl('c2'), 1).catch((e: unknown) => e);
    fp.foreignNext = false;
    expect(err).to.be.instanceOf(ServiceError).with.property('kind', 'bad_response');
    expect(fp.requests.filter((r) => r.path === '/nrps/c2')).to.have.length(1);
  });
});
