import { request as httpRequest } from 'node:http';
import { expect } from 'chai';
import { NRPS_MEDIA_TYPE, SCOPES } from '../../../src/sandbox/simulator/index.js';
import { fixture, profilesUnderTest, type Fixture } from './fixture.js';

const NRPS_CLAIM = 'https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice';

function nextLink(link: string | null): string | undefined {
  return /<([^>]+)>;\s*rel="next"/.exec(link ?? '')?.[1];
}

for (const profile of profilesUnderTest) {
  describe(`simulator (${profile}): NRPS`, () => {
    let f: Fixture;
    let url: string;
    let token: string;
    const pageSize = profile === 'canvas' ? 50 : 100;
    const students = 130;
    before(async () => {
      f = await fixture(profile, students);
      const r = await f.tool.launch(f.sim.launchUrl({ clientId: f.clientId, userSub: 't1', courseId: 'C1' }), f.sim.endpoints.authLoginUrl);
      const claims = JSON.parse(Buffer.from(r.form!.fields.id_token.split('.')[1], 'base64url').toString()) as Record<string, { context_memberships_url: string }>;
      url = claims[NRPS_CLAIM].context_memberships_url;
      token = await f.tool.accessToken(f.sim.endpoints.accessTokenUrl, f.clientId, [SCOPES.nrps]);
    });
    after(() => f.close());
    const get = (u: string, t = token, accept = NRPS_MEDIA_TYPE) => fetch(u, { headers: { authorization: `Bearer ${t}`, accept } });

    it(`pages the whole membership ${pageSize} at a time with Link rel="next"`, async () => {
      const seen: string[] = [];
      const sizes: number[] = [];
      let next: string | undefined = url;
      while (next) {
        const res = await get(next);
        expect(res.status).to.equal(200);
        expect(res.headers.get('content-type')).to.include(NRPS_MEDIA_TYPE);
        const body = (await res.json()) as { context: { id: string }; members: { user_id: string; status: string; roles: string[]; name?: string }[] };
        expect(body.context.id).to.equal('C1');
        sizes.push(body.members.length);
        for (const m of body.members) {
          expect(m.status).to.equal('Active');
          seen.push(m.user_id);
        }
        next = nextLink(res.headers.get('link'));
      }
      const total = students + 2;
      expect(seen).to.have.length(total);
      expect(new Set(seen).size).to.equal(total);
      expect(sizes[0]).to.equal(pageSize);
      expect(sizes).to.have.length(Math.ceil(total / pageSize));
    });

    it('caps the page size at the profile maximum', async () => {
      const res = await get(`${url}?limit=1000`);
      expect(((await res.json()) as { members: unknown[] }).members).to.have.length(pageSize);
    });

    it('filters by full LIS role URI only', async () => {
      const full = await get(`${url}?role=${encodeURIComponent('http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor')}`);
      const members = ((await full.json()) as { members: { user_id: string; name: string; email: string }[] }).members;
      expect(members.map((m) => m.user_id)).to.deep.equal(['t1']);
      expect(members[0]).to.include({ name: 'Tess Teacher', email: 't1@school.test' });
      const short = await get(`${url}?role=Learner`);
      expect(((await short.json()) as { members: unknown[] }).members).to.have.length(0);
    });

    it('drops unenrolled members', async () => {
      f.sim.unenroll('C1', 's2');
      const ids: string[] = [];
      let next: string | undefined = url;
      while (next) {
        const res = await get(next);
        ids.push(...((await res.json()) as { members: { user_id: string }[] }).members.map((m) => m.user_id));
        next = nextLink(res.headers.get('link'));
      }
      expect(ids).to.not.include('s2');
      expect(ids).to.include('s1');
    });

    it('answers 401 without a valid token and 403 without the NRPS scope', async () => {
      expect((await get(url, 'not-a-token')).status).to.equal(401);
      const agsOnly = await f.tool.accessToken(f.sim.endpoints.accessTokenUrl, f.clientId, [SCOPES.score]);
      expect((await get(url, agsOnly)).status).to.equal(403);
      f.sim.revokeTokens();
      expect((await get(url)).status).to.equal(401);
      token = await f.tool.accessToken(f.sim.endpoints.accessTokenUrl, f.clientId, [SCOPES.nrps]);
    });

    it('answers 429 (with Retry-After) and 500 the number of times asked, then recovers', async () => {
      f.sim.injectFault({ service: 'nrps', status: 429, times: 2, retryAfterSeconds: 1 });
      const first = await get(url);
      expect(first.status).to.equal(429);
      expect(first.headers.get('retry-after')).to.equal('1');
      expect((await get(url)).status).to.equal(429);
      expect((await get(url)).status).to.equal(200);
      f.sim.injectFault({ service: 'nrps', status: 500, times: 1 });
      expect((await get(url)).status).to.equal(500);
      expect((await get(url)).status).to.equal(200);
      f.sim.injectFault({ service: 'nrps', status: 403, times: Infinity });
      expect((await get(url)).status).to.equal(403);
      expect((await get(url)).status).to.equal(403);
      f.sim.clearFaults();
      expect((await get(url)).status).to.equal(200);
    });

    if (profile === 'schoology') {
      it('refuses a request without the NRPS Accept header with the exact Schoology text', async () => {
        const res = await get(url, token, 'application/json');
        expect(res.status).to.equal(400);
        expect(await res.text()).to.include('handleNamesRoles: Invalid Accept Header');
      });
    } else {
      it('refuses a request without User-Agent (403), as Canvas does since 2026', async () => {
        const status = await new Promise<number>((resolve, reject) => {
          const req = httpRequest(url, { headers: { authorization: `Bearer ${token}`, accept: NRPS_MEDIA_TYPE } }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          });
          req.on('error', reject);
          req.end();
        });
        expect(status).to.equal(403);
      });
    }
  });
}
