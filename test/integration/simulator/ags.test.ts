import { expect } from 'chai';
import { SCOPES } from '../../../src/sandbox/simulator/index.js';
import { fixture, profilesUnderTest, type Fixture } from './fixture.js';

const AGS_CLAIM = 'https://purl.imsglobal.org/spec/lti-ags/claim/endpoint';
const LINEITEM = 'application/vnd.ims.lis.v2.lineitem+json';
const SCORE = 'application/vnd.ims.lis.v1.score+json';

for (const profile of profilesUnderTest) {
  describe(`simulator (${profile}): AGS`, () => {
    let f: Fixture;
    let lineitems: string;
    let token: string;
    before(async () => {
      f = await fixture(profile);
      const r = await f.tool.launch(f.sim.launchUrl({ clientId: f.clientId, userSub: 't1', courseId: 'C1' }), f.sim.endpoints.authLoginUrl);
      const claims = JSON.parse(Buffer.from(r.form!.fields.id_token.split('.')[1], 'base64url').toString()) as Record<string, { lineitems: string }>;
      lineitems = claims[AGS_CLAIM].lineitems;
      token = await f.tool.accessToken(f.sim.endpoints.accessTokenUrl, f.clientId, [SCOPES.lineItem, SCOPES.lineItemReadonly, SCOPES.resultReadonly, SCOPES.score]);
    });
    after(() => f.close());
    const call = (method: string, url: string, body?: unknown, type = LINEITEM, t = token) =>
      fetch(url, { method, headers: { authorization: `Bearer ${t}`, 'content-type': type, accept: 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const score = (over: Record<string, unknown> = {}) => ({
      userId: 's1',
      scoreGiven: 8,
      scoreMaximum: 10,
      activityProgress: 'Completed',
      gradingProgress: 'FullyGraded',
      timestamp: new Date().toISOString(),
      ...over,
    });

    it('creates, reads, updates, lists and deletes the tool own line items', async () => {
      const created = await call('POST', lineitems, { label: 'Plan completion', scoreMaximum: 100, resourceId: 'plan', tag: 'success-plan' });
      expect(created.status).to.equal(profile === 'canvas' ? 200 : 201);
      const item = (await created.json()) as { id: string; label: string };
      expect(item.id).to.match(new RegExp(`^${lineitems}/\\d+$`));
      expect(((await (await call('GET', item.id)).json()) as { label: string }).label).to.equal('Plan completion');
      const put = await call('PUT', item.id, { label: 'Plan completion (term 1)', scoreMaximum: 100 });
      expect(((await put.json()) as { label: string }).label).to.equal('Plan completion (term 1)');
      const tagged = (await (await call('GET', `${lineitems}?tag=success-plan`)).json()) as unknown[];
      expect(tagged).to.have.length(1);
      expect((await call('DELETE', item.id)).status).to.equal(204);
      expect((await call('GET', item.id)).status).to.equal(404);
    });

    it('shows a tool only its own line items', async () => {
      const foreign = f.sim.addForeignLineItem('C1', { label: 'Essay 1', scoreMaximum: 20 });
      const other = f.sim.addForeignLineItem('C1', { label: 'Other tool', scoreMaximum: 5, clientId: 'other-tool' });
      const list = (await (await call('GET', lineitems)).json()) as { label: string }[];
      expect(list.map((i) => i.label)).to.not.include.members(['Essay 1', 'Other tool']);
      expect((await call('GET', `${lineitems}/${foreign}`)).status).to.equal(404);
      expect((await call('GET', `${lineitems}/${other}`)).status).to.equal(404);
      expect((await call('POST', `${lineitems}/${other}/scores`, score(), SCORE)).status).to.equal(404);
    });

    it('pages the line item list with Link rel="next"', async () => {
      for (let i = 0; i < 3; i++) await call('POST', lineitems, { label: `Paged ${i}`, scoreMaximum: 1, tag: 'paged' });
      const res = await call('GET', `${lineitems}?tag=paged&limit=2`);
      expect(((await res.json()) as unknown[]).length).to.equal(2);
      const next = /<([^>]+)>;\s*rel="next"/.exec(res.headers.get('link') ?? '')?.[1];
      expect(next).to.be.a('string');
      expect(((await (await call('GET', next!)).json()) as unknown[]).length).to.equal(1);
    });

    it('records scores and serves them as results', async () => {
      const item = (await (await call('POST', lineitems, { label: 'Scored', scoreMaximum: 10 })).json()) as { id: string };
      const res = await call('POST', `${item.id}/scores`, score({ comment: 'Well done' }), SCORE);
      expect(res.status).to.equal(profile === 'canvas' ? 200 : 204);
      if (profile === 'canvas') expect(((await res.json()) as { resultUrl: string }).resultUrl).to.include(`${item.id}/results/`);
      expect(f.sim.scores.at(-1)).to.deep.include({ clientId: f.clientId, courseId: 'C1' });
      expect(f.sim.scores.at(-1)!.score).to.include({ userId: 's1', scoreGiven: 8 });
      const results = (await (await call('GET', `${item.id}/results?user_id=s1`)).json()) as { userId: string; resultScore: number; resultMaximum: number; scoreOf: string }[];
      expect(results).to.have.length(1);
      expect(results[0]).to.include({ userId: 's1', resultScore: 8, resultMaximum: 10, scoreOf: item.id });
    });

    it('checks the bearer token and scope of every call', async () => {
      expect((await call('GET', lineitems, undefined, LINEITEM, 'bogus')).status).to.equal(401);
      const readOnly = await f.tool.accessToken(f.sim.endpoints.accessTokenUrl, f.clientId, [SCOPES.lineItemReadonly]);
      expect((await call('GET', lineitems, undefined, LINEITEM, readOnly)).status).to.equal(200);
      expect((await call('POST', lineitems, { label: 'x', scoreMaximum: 1 }, LINEITEM, readOnly)).status).to.equal(403);
      const item = (await (await call('POST', lineitems, { label: 'Scope', scoreMaximum: 1 })).json()) as { id: string };
      expect((await call('POST', `${item.id}/scores`, score(), SCORE, readOnly)).status).to.equal(403);
      expect((await call('GET', `${item.id}/results`, undefined, LINEITEM, readOnly)).status).to.equal(403);
    });

    it('answers injected 429 and 403 on AGS', async () => {
      f.sim.injectFault({ service: 'ags', status: 429, times: 1 });
      expect((await call('GET', lineitems)).status).to.equal(429);
      expect((await call('GET', lineitems)).status).to.equal(200);
      f.sim.injectFault({ service: 'ags', status: 403, times: 1 });
      expect((await call('GET', lineitems)).status).to.equal(403);
    });

    it('refuses an invalid line item', async () => {
      expect((await call('POST', lineitems, { label: '', scoreMaximum: 10 })).status).to.equal(400);
      expect((await call('POST', lineitems, { label: 'No max' })).status).to.equal(400);
    });

    if (profile === 'canvas') {
      it('validates scores as Canvas does (422 / 400)', async () => {
        const item = (await (await call('POST', lineitems, { label: 'Strict', scoreMaximum: 10 })).json()) as { id: string };
        const post = (body: unknown) => call('POST', `${item.id}/scores`, body, SCORE);
        expect((await post(score({ scoreMaximum: undefined }))).status).to.equal(422);
        expect((await post({ userId: 's1', scoreGiven: 1, scoreMaximum: 10, gradingProgress: 'FullyGraded', timestamp: new Date().toISOString() })).status).to.equal(422);
        const notStudent = await post(score({ userId: 't1' }));
        expect(notStudent.status).to.equal(422);
        expect(await notStudent.text()).to.include('User not found in course or is not a student');
        expect((await post(score({ timestamp: '2030-01-01T00:00:00.000Z' }))).status).to.equal(200);
        expect((await post(score({ timestamp: '2029-01-01T00:00:00.000Z' }))).status).to.equal(400);
        expect((await post(score({ gradingProgress: 'NotReady', timestamp: '2030-01-02T00:00:00.000Z' }))).status).to.equal(200);
        const [cleared] = (await (await call('GET', `${item.id}/results?user_id=s1`)).json()) as Record<string, unknown>[];
        expect(cleared).to.not.have.property('resultScore');
      });
    } else {
      it('refuses a line item body carrying id, as Schoology does', async () => {
        const res = await call('POST', lineitems, { id: 'mine', label: 'With id', scoreMaximum: 10 });
        expect(res.status).to.equal(400);
        expect(await res.text()).to.include('\\"id\\" is not allowed');
      });
    }
  });
}
