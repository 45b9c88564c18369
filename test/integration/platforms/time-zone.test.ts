import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import request from 'supertest';
import { createTestApp, type TestApp } from '../../support/app.js';

describe('/admin/platforms: the school\'s time zone', () => {
  let t: TestApp;
  let tenantId: string;
  let adminLtik: string;
  let advisorLtik: string;
  const form = (ltik: string, timeZone: string) => request(t.app).post(`/admin/platforms/${tenantId}/time-zone`).type('form').set('Accept', 'text/html').send({ ltik, _once: randomUUID(), timeZone });

  before(async () => {
    t = await createTestApp();
    const issuer = `https://lms-${randomUUID()}.example`;
    const own = await t.ctx.platforms.addManual({ name: 'Test LMS', issuer, clientId: 'c-1', authLoginUrl: `${issuer}/auth`, accessTokenUrl: `${issuer}/token`, jwksUrl: `${issuer}/jwks`, deploymentIds: ['dep-1'] });
    tenantId = own.id;
    const admin = await t.ctx.roster.upsertPerson(own.id, { sub: `admin-${randomUUID()}`, name: 'Ada Admin' });
    const advisor = await t.ctx.roster.upsertPerson(own.id, { sub: `adv-${randomUUID()}`, name: 'Avi Advisor' });
    adminLtik = await t.ctx.ltiks.issue({ tid: own.id, pid: admin.id, cid: null, role: 'admin' });
    advisorLtik = await t.ctx.ltiks.issue({ tid: own.id, pid: advisor.id, cid: null, role: 'advisor' });
  });
  after(async () => {
    await t.ctx.shutdown?.();
  });

  it('an unset zone is shown as UTC, with the form to set it', async () => {
    const res = await request(t.app).get('/admin/platforms').query({ ltik: adminLtik }).expect(200);
    expect(res.text).to.contain('count in UTC').and.to.contain('No zone is set yet');
    expect(res.text).to.contain(`/admin/platforms/${tenantId}/time-zone?ltik`);
    expect(res.text).to.match(/<select id="p-time-zone" name="timeZone" required/);
    expect(res.text).to.contain('<option value="America/Los_Angeles">America/Los_Angeles</option>');
  });

  it('an admin sets it (303 back to the page), audited; pages then count in it', async () => {
    const res = await form(adminLtik, 'America/Los_Angeles').expect(303);
    expect(res.headers.location).to.match(/^\/admin\/platforms\?ltik=[^#]+#time-zone$/);
    // Kept in the school calendar document (a new version), not on the tenant row, which keeps the LMS's zone.
    expect(await t.ctx.platforms.timeZoneOf(tenantId)).to.equal('America/Los_Angeles');
    expect((await t.ctx.platforms.find(tenantId))!.timeZone).to.equal(null);
    const audit = await t.ctx.audit.list(tenantId, {});
    expect(audit.some((a) => a.entity === 'tenant_time_zone' && a.action === 'update')).to.equal(true);
    const page = await request(t.app).get('/admin/platforms').query({ ltik: adminLtik }).expect(200);
    expect(page.text).to.contain('count in America/Los_Angeles').and.not.to.contain('No zone is set yet');
  });

  it('a name that is no zone comes back (400) with the error summary and the typed value, nothing stored', async () => {
    const res = await form(adminLtik, 'Mars/Olympus_Mons').expect(400);
    expect(res.text).to.contain('There is a problem');
    expect(res.text).to.match(/<a href="#p-time-zone">Time zone must be an IANA zone name/);
    expect(res.text).to.match(/id="p-time-zone-error">Time zone must be an IANA zone name/);
    expect(res.text).to.contain('<option value="Mars/Olympus_Mons" selected>');
    expect(await t.ctx.platforms.timeZoneOf(tenantId)).to.equal('America/Los_Angeles');
  });

  it('an advisor may not change it', async () => {
    await form(advisorLtik, 'Europe/Paris').expect(403);
    expect(await t.ctx.platforms.timeZoneOf(tenantId)).to.equal('America/Los_Angeles');
  });
});
