import { expect } from 'chai';
import request from 'supertest';
import { createTestApp, type TestApp } from '../../support/app.js';
import { openDatabase } from '../../../src/db/client.js';
import { createApp } from '../../../src/web/app.js';
import { createLogger } from '../../../src/web/logger.js';
import { TestClock } from '../../support/clock.js';

describe('web plumbing', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });

  it('GET /healthz answers 200 with JSON when the database answers', async () => {
    const res = await request(t.app).get('/healthz').expect(200);
    expect(res.body.status).to.equal('ok');
    expect(res.body.database).to.be.oneOf(['pglite', 'postgres']);
  });

  it('GET /healthz answers 503 when the database does not', async () => {
    const database = await openDatabase({});
    const app = await createApp({ config: t.config, database, clock: new TestClock(), logger: createLogger('silent') });
    await database.close();
    const res = await request(app.app).get('/healthz').expect(503);
    expect(res.body.status).to.equal('unavailable');
  });

  it('GET / shows the URLs an LMS needs', async () => {
    const res = await request(t.app).get('/').expect(200);
    for (const p of ['/lti/login', '/lti/launch', '/lti/keys', '/lti/register', '/lti/canvas.json']) {
      expect(res.text).to.contain(`${t.config.baseUrl}${p}`);
    }
  });

  it('unknown pages get a 404 page, JSON clients a JSON error', async () => {
    const page = await request(t.app).get('/no-such-page').set('Accept', 'text/html').expect(404);
    expect(page.text).to.contain('Not found');
    const json = await request(t.app).get('/api/no-such-thing').expect(404);
    expect(json.body.error.code).to.equal('not_found');
  });

  it('sends the security headers: no x-powered-by, CSP frame-ancestors without *', async () => {
    const res = await request(t.app).get('/');
    expect(res.headers['x-powered-by']).to.equal(undefined);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).to.match(/frame-ancestors [^;]*'self'/);
    expect(csp).not.to.match(/frame-ancestors[^;]*\*/);
    expect(res.headers['x-request-id']).to.be.a('string');
  });

  it('refuses an oversized body with 413 and a clear message', async () => {
    const res = await request(t.app)
      .post('/anything')
      .set('Accept', 'application/json')
      .type('form')
      .send({ big: 'x'.repeat(300_000) })
      .expect(413);
    expect(res.body.error.code).to.equal('too_large');
  });

  it('logs each request as JSON with a request id and without the query string', async () => {
    await request(t.app).get('/healthz?ltik=secret-token').expect(200);
    const line = t.logs.lines.find((l) => l.path === '/healthz');
    expect(line).to.include.keys('requestId', 'status', 'ms');
    expect(t.logs.text()).not.to.contain('secret-token');
  });
});
