import { expect } from 'chai';
import request from 'supertest';
import { eq } from 'drizzle-orm';
import { openDatabase, type Database } from '../../../src/db/client.js';
import { contexts, scorePublishRuns } from '../../../src/db/schema.js';
import { createTestApp, type TestApp } from '../../support/app.js';
import { seedSchool, ltikFor, asUser, type SeededSchool } from '../../support/school.js';

const TOKEN = 'metrics-token-for-tests-0123456789';
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** The value of one sample line, e.g. `jobs{type="x",state="pending"}`; 0 when absent. */
function sample(body: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of body.split('\n')) {
    const m = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v) && Object.keys(got).length === Object.keys(labels).length) return Number(m[3]);
  }
  return 0;
}

describe('/metrics (Prometheus)', function () {
  this.timeout(60_000);
  // A database of its own: the lag gauges read every tenant's courses.
  let database: Database;
  let t: TestApp;
  let school: SeededSchool;
  let ltik: string;
  const scrape = async () => (await request(t.app).get('/metrics').set('Authorization', `Bearer ${TOKEN}`).expect(200)).text;

  before(async () => {
    database = await openDatabase({});
    await database.migrate();
    t = await createTestApp({ metricsToken: TOKEN }, { database });
    school = await seedSchool(t.ctx);
    ltik = await ltikFor(t.ctx, school.advisor, 'advisor', school.advisoryId);
  });
  after(async () => {
    await t.ctx.shutdown?.();
    await database.close();
  });

  it('counts requests by route pattern and status class, never with ids or tokens in a label', async () => {
    const route = { method: 'GET', route: '/students/:studentId/plan', status_class: '2xx' };
    const before = await scrape();
    const as = asUser(t.app, ltik);
    await as.get(`/students/${school.students[0].id}/plan`).expect(200);
    await as.get(`/students/${school.students[1].id}/plan`).expect(200);
    // A student of another school: 404, under the same pattern.
    await as.get(`/students/${school.other.student.id}/plan`).expect(404);
    await request(t.app).get(`/no/such/${school.students[0].id}`).expect(404);
    const after = await scrape();

    expect(sample(after, 'http_request_duration_seconds_count', route) - sample(before, 'http_request_duration_seconds_count', route)).to.equal(2);
    const notFound = { ...route, status_class: '4xx' };
    expect(sample(after, 'http_request_duration_seconds_count', notFound) - sample(before, 'http_request_duration_seconds_count', notFound)).to.equal(1);
    expect(sample(after, 'http_request_duration_seconds_bucket', { ...route, le: '+Inf' })).to.equal(sample(after, 'http_request_duration_seconds_count', route));
    expect(sample(after, 'errors_total', { source: 'http', class: 'not_found' }) - sample(before, 'errors_total', { source: 'http', class: 'not_found' })).to.equal(2);

    const labels = after.split('\n').filter((l) => !l.startsWith('#')).flatMap((l) => [...l.matchAll(/="([^"]*)"/g)].map((m) => m[1]!));
    expect(labels.length).to.be.greaterThan(10);
    for (const v of labels) {
      expect(v, 'label carries an id').not.to.match(UUID);
      expect(v, 'label carries a query string').not.to.contain('?');
      expect(v).not.to.contain(ltik.slice(0, 20));
    }
    expect(after).not.to.contain(school.students[0].name);
    // Default process metrics are there.
    expect(after).to.match(/^process_cpu_user_seconds_total \d/m);
    expect(after).to.match(/^nodejs_eventloop_lag_seconds \d/m);
  });

  it('reports the job queue depth by type and state, and failed attempts as errors by class', async () => {
    const now = t.clock.now();
    await t.ctx.jobs.enqueue('test.metrics', 'a', now);
    await t.ctx.jobs.enqueue('test.metrics', 'b', new Date(now.getTime() + 60_000));
    await t.ctx.jobs.enqueue('test.metrics-other', 'c', now);
    t.ctx.jobs.register('test.metrics', async () => {
      throw new TypeError('boom');
    });
    t.ctx.jobs.register('test.metrics-other', async () => undefined);
    let body = await scrape();
    expect(sample(body, 'jobs', { type: 'test.metrics', state: 'pending' })).to.equal(2);
    expect(sample(body, 'jobs', { type: 'test.metrics-other', state: 'pending' })).to.equal(1);
    await t.ctx.jobs.runDue();
    body = await scrape();
    expect(sample(body, 'jobs', { type: 'test.metrics', state: 'pending' })).to.equal(2);
    expect(sample(body, 'jobs', { type: 'test.metrics-other', state: 'done' })).to.equal(1);
    expect(sample(body, 'jobs', { type: 'test.metrics-other', state: 'pending' })).to.equal(0);
    expect(sample(body, 'errors_total', { source: 'job', class: 'TypeError' })).to.equal(1);
  });

  it('reports roster sync lag and score publish lag from the oldest last success', async () => {
    const now = t.clock.now().getTime();
    const hour = 3_600_000;
    // Two courses with an NRPS endpoint, synced one and three hours ago, and one never synced.
    for (const [id, ago] of [['m1', hour], ['m2', 3 * hour], ['m3', null]] as const) {
      const c = await t.ctx.roster.upsertContext(school.tenantId, { contextId: `metrics-${id}`, title: id, membershipsUrl: `https://lms.test/${id}/members` });
      await database.db.update(contexts).set({ lastRosterSyncAt: ago === null ? null : new Date(now - ago) }).where(eq(contexts.id, c.id));
    }
    let body = await scrape();
    expect(sample(body, 'roster_sync_lag_seconds')).to.equal(3 * 3600);
    expect(sample(body, 'roster_never_synced_courses')).to.equal(1);

    // Nothing published yet: nothing is late.
    expect(body).to.match(/^score_publish_lag_seconds 0$/m);
    await t.ctx.scores.setPublishing(school.tenantId, true, null);
    const run = (contextId: string, status: string, startedAgo: number) =>
      database.db.insert(scorePublishRuns).values({ tenantId: school.tenantId, contextId, trigger: 'background', status, startedAt: new Date(now - startedAgo), finishedAt: new Date(now - startedAgo + 1000) });
    // The advisory published two hours ago and failed since; the other course only ever failed, five hours ago.
    await run(school.advisoryId, 'succeeded', 2 * hour);
    await run(school.advisoryId, 'failed', hour);
    body = await scrape();
    expect(sample(body, 'score_publish_lag_seconds')).to.equal(2 * 3600 - 1);
    await run(school.otherCourseId, 'failed', 5 * hour);
    body = await scrape();
    expect(sample(body, 'score_publish_lag_seconds')).to.equal(5 * 3600);
  });

  it('still answers with the database out of reach: lags read NaN, never 0', async () => {
    const gone = await openDatabase({});
    await gone.migrate();
    const app = await createTestApp({ metricsToken: TOKEN }, { database: gone });
    await gone.close();
    const body = (await request(app.app).get('/metrics').set('Authorization', `Bearer ${TOKEN}`).expect(200)).text;
    // prom-client writes NaN as "Nan", which Prometheus's parser reads.
    expect(body).to.match(/^roster_sync_lag_seconds NaN$/im);
    expect(body).to.match(/^score_publish_lag_seconds NaN$/im);
    expect(body).not.to.match(/^jobs\{/m);
  });

  it('is closed without the token: 404 for no token and a wrong one', async () => {
    await request(t.app).get('/metrics').expect(404);
    await request(t.app).get('/metrics').set('Authorization', 'Bearer wrong-token-wrong-token-000').expect(404);
    await request(t.app).get('/metrics').set('Authorization', `Basic ${TOKEN}`).expect(404);
  });

  it('without a token: open to loopback in development only, never through a proxy, never in production', async () => {
    const dev = await createTestApp({ env: 'development', metricsToken: undefined }, { database });
    const res = await request(dev.app).get('/metrics').expect(200);
    expect(res.headers['content-type']).to.match(/^text\/plain/);
    expect(res.text).to.contain('http_request_duration_seconds');
    await request(dev.app).get('/metrics').set('X-Forwarded-For', '203.0.113.9').expect(404);
    const prod = await createTestApp({ env: 'production', metricsToken: undefined }, { database });
    await request(prod.app).get('/metrics').expect(404);
    const test = await createTestApp({ metricsToken: undefined }, { database });
    await request(test.app).get('/metrics').expect(404);
  });
});
