import { expect } from 'chai';
import request from 'supertest';
import { createTestApp, type TestApp } from '../../support/app.js';

/**
 * The sandbox school's ABC data: grades from the Canvas API simulator mounted in the sandbox (read
 * by the school's Canvas connector, set up and synced by the seed), attendance and incidents as the
 * SIS's files would bring them, so the advisor's caseload shows indicator badges from the first start.
 */
describe('sandbox sample school: indicator badges on the advisor\'s caseload', function () {
  this.timeout(240_000);
  // A port of its own keeps this test's sandbox tenant apart from others on the shared database.
  const port = 40000 + Math.floor(Math.random() * 20000);
  const baseUrl = `http://localhost:${port}`;
  const issuer = `http://127.0.0.1:${port}/sandbox`;
  let t: TestApp;
  let tenantId: string;

  before(async () => {
    t = await createTestApp({ sandbox: true, baseUrl });
    tenantId = (await t.ctx.platforms.list()).find((x) => x.issuer === issuer)!.id;
  });
  after(async () => {
    await t.ctx.shutdown?.();
  });

  it('serves the Canvas REST API under the sandbox, and the school\'s Canvas connector is set up for it', async () => {
    const api = (path: string) => request(t.app).get(`/sandbox/canvas/api/v1${path}`).set('User-Agent', 'sandbox test');
    await api('/accounts/1/courses').expect(401);
    const settings = await t.ctx.connectors.settingsOf(tenantId, 'canvas');
    expect(settings).to.deep.include({ enabled: true });
    expect(settings!.config.baseUrl).to.equal(`${issuer}/canvas`);
    const courses = await api('/accounts/1/courses').set('Authorization', `Bearer ${settings!.secret}`).expect(200);
    expect(courses.body.map((c: { name: string }) => c.name)).to.include.members(['Algebra I', 'English 9', 'Biology']);
  });

  it('shows Ms. Rivera grade, attendance and behaviour badges for her students, some of them off track', async () => {
    const [rivera] = await t.ctx.roster.findPeopleBySub(tenantId, ['sandbox-teacher-rivera']);
    const advisory = (await t.ctx.roster.listContexts(tenantId)).find((c) => c.contextId === 'sandbox-adv-9a')!;
    const ltik = await t.ctx.ltiks.issue({ tid: tenantId, pid: rivera!.id, cid: advisory.id, role: 'advisor' });
    const res = await request(t.app).get('/caseload').query({ ltik, layout: 'table' }).expect(200);
    const banded = (indicator: string) => [...res.text.matchAll(new RegExp(`data-indicator="${indicator}" data-band="([a-z-]+)"`, 'g'))].map((m) => m[1]!);
    expect(banded('grades'), 'grade badges').to.have.length(12);
    expect(banded('attendance'), 'attendance badges').to.have.length(12);
    expect(banded('behaviour').length + banded('behavior').length, 'behaviour badges').to.equal(12);
    expect(res.text).to.match(/<span class="indicator-value">lowest \d+%<\/span>/);
    expect(new Set([...banded('grades'), ...banded('attendance')]).size, 'varied bands').to.be.greaterThan(1);
    expect(banded('grades').concat(banded('attendance'))).to.include('off-track');
  });
});
