import { expect } from 'chai';
import request from 'supertest';
import { createTestApp } from '../../support/app.js';
import { sandboxBaseUrl } from '../../../src/sandbox/sandbox.routes.js';

describe('sandbox LMS mounted by the app', () => {
  // A port of its own keeps this test's sandbox tenant apart from others on the shared database.
  const port = 40000 + Math.floor(Math.random() * 20000);
  const baseUrl = `http://localhost:${port}`;
  const issuer = `http://127.0.0.1:${port}/sandbox`;

  it('puts the sandbox on the other loopback site than the tool', () => {
    expect(sandboxBaseUrl('http://localhost:3000')).to.equal('http://127.0.0.1:3000/sandbox');
    expect(sandboxBaseUrl('http://127.0.0.1:3000')).to.equal('http://localhost:3000/sandbox');
  });

  it('registers itself with the tool idempotently and offers the role launchers on /', async function () {
    // The first app seeds the sample school (its history, a Canvas sync, attendance, indicators): 27 s before the Canvas data on a busy 2-core machine.
    this.timeout(90_000);
    const first = await createTestApp({ sandbox: true, baseUrl });
    const second = await createTestApp({ sandbox: true, baseUrl });
    const tenants = (await second.ctx.platforms.list()).filter((t) => t.issuer === issuer);
    expect(tenants).to.have.length(1);
    expect(tenants[0]).to.include({ clientId: '10000000000001', family: 'canvas', authLoginUrl: `${issuer}/api/lti/authorize_redirect` });
    expect(await second.ctx.platforms.listDeployments(tenants[0].id)).to.have.length(1);

    const home = await request(first.app).get('/').expect(200);
    for (const label of ['Launch as teacher', 'Launch as student', 'Launch as parent', 'Launch as admin']) expect(home.text).to.include(label);
    const hrefs = [...home.text.matchAll(/href="(http:\/\/127\.0\.0\.1:\d+\/sandbox\/sim\/course[^"]+)"/g)].map((m) => m[1]);
    expect(hrefs).to.have.length(9);
    // No SMTP_URL: the tool's e-mail is kept, and the sandbox links to where.
    expect(home.text).to.include('href="/sandbox/outbox"');
    await request(first.app).get('/sandbox/outbox').expect(200);

    const jwks = await request(first.app).get('/sandbox/api/lti/security/jwks').expect(200);
    expect(jwks.body.keys[0]).to.include({ alg: 'RS256', use: 'sig' });
    // Handlebars escapes & and = in attributes.
    const teacherPage = new URL(hrefs[0].replace(/&amp;/g, '&').replace(/&#x3D;/g, '='));
    const course = await request(first.app).get(teacherPage.pathname + teacherPage.search).expect(200);
    expect(course.text).to.include('Advisory 9A');
    expect(course.text).to.include('Elena Rivera');
    expect(course.text).to.include('name="post_message_forwarding"');
  });

  it('is absent when turned off', async () => {
    const off = await createTestApp({ sandbox: false, baseUrl });
    const home = await request(off.app).get('/').expect(200);
    expect(home.text).to.not.include('Launch as teacher');
    await request(off.app).get('/sandbox/api/lti/security/jwks').expect(404);
  });
});
