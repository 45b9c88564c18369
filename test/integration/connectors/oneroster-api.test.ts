import { expect } from 'chai';
import LinkHeader from 'http-link-header';
import { createOneRosterApi, ONEROSTER_SCOPES, type OneRosterApi } from '../../../src/sandbox/oneroster-api/index.js';
import { TestClock } from '../../support/clock.js';
import { serve, type Served } from './sis-fixture.js';

const CLIENT = { clientId: 'district-client', clientSecret: 's3cret:with+odd/chars', scopes: [ONEROSTER_SCOPES.rosterCore, ONEROSTER_SCOPES.gradebook] };
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

describe('OneRoster 1.2 REST simulator', () => {
  let s: Served<OneRosterApi>;
  const clock = new TestClock(new Date('2026-10-15T15:00:00Z'));

  const tokenFor = async (scopes: string[], auth = basic(CLIENT.clientId, CLIENT.clientSecret)) =>
    fetch(s.api.tokenUrl, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: scopes.join(' ') }),
    });
  const token = async () => ((await (await tokenFor(CLIENT.scopes)).json()) as { access_token: string }).access_token;
  const get = async (url: string, t?: string) => fetch(url, { headers: { authorization: `Bearer ${t ?? (await token())}` } });

  before(async () => {
    s = await serve((baseUrl) => createOneRosterApi({ baseUrl, clients: [CLIENT], clock }));
    const year = s.api.addAcademicSession({ title: '2026-27', type: 'schoolYear', startDate: '2026-08-20', endDate: '2027-06-10', schoolYear: '2027' });
    const cls = s.api.addClass({ title: 'Biology - P3', classCode: 'BIO-3', terms: [year.sourcedId] });
    const lab = s.api.addLineItem({ classId: cls.sourcedId, title: 'Lab 1', resultValueMax: 20 });
    for (let i = 1; i <= 7; i++) {
      const u = s.api.addUser({ givenName: 'Student', familyName: `${i}`, role: 'student', identifier: `S-${i}` });
      s.api.enroll(cls.sourcedId, u.sourcedId);
      s.api.setResult(lab.sourcedId, u.sourcedId, { score: 10 + i });
    }
    s.api.addUser({ givenName: 'Terry', familyName: 'Teach', role: 'teacher' });
  });
  after(() => s.close());

  it('issues a bearer token to a client authenticated with HTTP Basic, for the scopes asked', async () => {
    const res = await tokenFor([ONEROSTER_SCOPES.rosterCore]);
    expect(res.status).to.equal(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).to.include({ token_type: 'bearer', expires_in: 3600, scope: ONEROSTER_SCOPES.rosterCore });
  });

  it('refuses a wrong secret (401 invalid_client), a scope not granted (invalid_scope), another grant type', async () => {
    const wrong = await tokenFor(CLIENT.scopes, basic(CLIENT.clientId, 'guess'));
    expect(wrong.status).to.equal(401);
    expect(((await wrong.json()) as { error: string }).error).to.equal('invalid_client');
    const scope = await tokenFor([ONEROSTER_SCOPES.gradebookCreatePut]);
    expect(scope.status).to.equal(400);
    expect(((await scope.json()) as { error: string }).error).to.equal('invalid_scope');
    const grant = await fetch(s.api.tokenUrl, {
      method: 'POST',
      headers: { authorization: basic(CLIENT.clientId, CLIENT.clientSecret), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'password', scope: ONEROSTER_SCOPES.rosterCore }),
    });
    expect(((await grant.json()) as { error: string }).error).to.equal('unsupported_grant_type');
  });

  it('pages with limit/offset, X-Total-Count and a Link header with next/last/first/prev', async () => {
    const t = await token();
    const res = await get(`${s.api.rosteringUrl}/users?limit=3&offset=3`, t);
    expect(res.status).to.equal(200);
    expect(res.headers.get('x-total-count')).to.equal('8');
    const links = LinkHeader.parse(res.headers.get('link')!);
    expect(new URL(links.rel('next')[0].uri).searchParams.get('offset')).to.equal('6');
    expect(new URL(links.rel('last')[0].uri).searchParams.get('offset')).to.equal('6');
    expect(new URL(links.rel('prev')[0].uri).searchParams.get('offset')).to.equal('0');
    expect(links.rel('first')).to.have.length(1);
    const body = (await res.json()) as { users: { sourcedId: string }[] };
    expect(body.users).to.have.length(3);
    const last = await get(links.rel('last')[0].uri, t);
    expect(LinkHeader.parse(last.headers.get('link')!).rel('next')).to.have.length(0);
    expect(((await last.json()) as { users: unknown[] }).users).to.have.length(2);
  });

  it("filters on dateLastModified for a since-cursor, and on nested fields", async () => {
    const t = await token();
    const cursor = clock.now().toISOString();
    clock.advance(60_000);
    const [first] = s.api.data.users.values();
    s.api.touch(first);
    const changed = await get(`${s.api.rosteringUrl}/users?${new URLSearchParams({ filter: `dateLastModified>'${cursor}'` })}`, t);
    expect(changed.headers.get('x-total-count')).to.equal('1');
    expect(((await changed.json()) as { users: { sourcedId: string }[] }).users[0].sourcedId).to.equal(first.sourcedId);
    const teachers = await get(`${s.api.rosteringUrl}/users?${new URLSearchParams({ filter: "roles.role='teacher'" })}`, t);
    expect(teachers.headers.get('x-total-count')).to.equal('1');
    const both = await get(`${s.api.rosteringUrl}/users?${new URLSearchParams({ filter: "roles.role='student' AND familyName>='5'" })}`, t);
    expect(both.headers.get('x-total-count')).to.equal('3');
  });

  it('sorts with sort/orderBy and trims records to the fields asked', async () => {
    const t = await token();
    const res = await get(`${s.api.rosteringUrl}/users?${new URLSearchParams({ sort: 'familyName', orderBy: 'desc', fields: 'sourcedId,familyName', limit: '2' })}`, t);
    const body = (await res.json()) as { users: Record<string, unknown>[] };
    expect(body.users.map((u) => Object.keys(u).sort())).to.deep.equal([
      ['familyName', 'sourcedId'],
      ['familyName', 'sourcedId'],
    ]);
    expect(body.users.map((u) => u.familyName)).to.deep.equal(['Teach', '7']);
    expect((await get(`${s.api.rosteringUrl}/users?sort=bad%20field`, t)).status).to.equal(400);
  });

  it('answers 400 invalid_filter_field to a filter it cannot read or an unknown field', async () => {
    const t = await token();
    for (const filter of ["dateLastModified>2026", "nosuchField='x'", "givenName='a' AND familyName='b' OR status='active'"]) {
      const res = await get(`${s.api.rosteringUrl}/users?${new URLSearchParams({ filter })}`, t);
      expect(res.status, filter).to.equal(400);
      const body = (await res.json()) as { imsx_CodeMinor: { imsx_codeMinorField: { imsx_codeMinorFieldValue: string }[] } };
      expect(body.imsx_CodeMinor.imsx_codeMinorField[0].imsx_codeMinorFieldValue).to.equal('invalid_filter_field');
    }
  });

  it('serves gradebook lineItems and results per class, and keeps deleted results as tobedeleted', async () => {
    const t = await token();
    const [cls] = s.api.data.classes.values();
    const items = (await (await get(`${s.api.gradebookUrl}/classes/${cls.sourcedId}/lineItems`, t)).json()) as { lineItems: { resultValueMax: number }[] };
    expect(items.lineItems[0].resultValueMax).to.equal(20);
    const [first] = s.api.data.results.values();
    s.api.markDeleted('results', first.sourcedId);
    const results = (await (await get(`${s.api.gradebookUrl}/classes/${cls.sourcedId}/results`, t)).json()) as { results: { sourcedId: string; status: string; score: number }[] };
    expect(results.results).to.have.length(7);
    expect(results.results.find((r) => r.sourcedId === first.sourcedId)!.status).to.equal('tobedeleted');
  });

  it('answers 401 to a missing, unknown or expired token and 403 to a scope not granted', async () => {
    expect((await fetch(`${s.api.rosteringUrl}/users`)).status).to.equal(401);
    expect((await get(`${s.api.rosteringUrl}/users`, 'forged')).status).to.equal(401);
    const rosterOnly = ((await (await tokenFor([ONEROSTER_SCOPES.rosterCore])).json()) as { access_token: string }).access_token;
    expect((await get(`${s.api.gradebookUrl}/results`, rosterOnly)).status).to.equal(403);
    const t = await token();
    clock.advance(3600_000);
    const expired = await get(`${s.api.rosteringUrl}/users`, t);
    expect(expired.status).to.equal(401);
    expect(expired.headers.get('www-authenticate')).to.match(/invalid_token/);
    expect(s.api.requests.at(-1)).to.include({ refusal: 'token_expired' });
  });

  it('stops serving a revoked client, even with a token it still holds', async () => {
    const other = await serve((baseUrl) => createOneRosterApi({ baseUrl, clients: [CLIENT], clock }));
    try {
      const res = await fetch(other.api.tokenUrl, {
        method: 'POST',
        headers: { authorization: basic(CLIENT.clientId, CLIENT.clientSecret), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope: ONEROSTER_SCOPES.rosterCore }),
      });
      const t = ((await res.json()) as { access_token: string }).access_token;
      other.api.revokeClient(CLIENT.clientId);
      expect((await fetch(`${other.api.rosteringUrl}/users`, { headers: { authorization: `Bearer ${t}` } })).status).to.equal(401);
    } finally {
      await other.close();
    }
  });

  it('answers injected 429s with Retry-After, then recovers', async () => {
    const t = await token();
    s.api.injectFault({ status: 429, times: 1, retryAfterSeconds: 3 });
    const limited = await get(`${s.api.rosteringUrl}/users`, t);
    expect(limited.status).to.equal(429);
    expect(limited.headers.get('retry-after')).to.equal('3');
    expect((await get(`${s.api.rosteringUrl}/users`, t)).status).to.equal(200);
  });
});
