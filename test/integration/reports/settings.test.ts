import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { createTestApp, type TestApp } from '../../support/app.js';
import { seedSchool, ltikFor, asUser, type SeededSchool } from '../../support/school.js';
import { sql } from 'drizzle-orm';
import { validData } from '../../../src/web/forms.js';
import { asSystem } from '../../../src/db/tenant-scope.js';

describe('reports: the minimum group size on /admin/reports', () => {
  let t: TestApp;
  let s: SeededSchool;
  let admin: ReturnType<typeof asUser>;
  let advisor: ReturnType<typeof asUser>;

  before(async () => {
    t = await createTestApp();
    s = await seedSchool(t.ctx);
    admin = asUser(t.app, await ltikFor(t.ctx, s.admin, 'admin', s.advisoryId));
    advisor = asUser(t.app, await ltikFor(t.ctx, s.advisor, 'advisor', s.advisoryId));
  });

  it('is 10 until an admin changes it; the admin home links to the page', async () => {
    expect(await t.ctx.reports.settingsFor(s.tenantId)).to.deep.equal({ minGroupSize: 10 });
    const home = await admin.get('/admin').expect(200);
    expect(home.text).to.contain('/admin/reports?');
    const page = await admin.get('/admin/reports').expect(200);
    expect(page.text).to.match(/<input id="min-group-size" name="minGroupSize" type="number"[^>]* value="10"/);
    expect(page.text).to.match(/name="_once" value="[0-9a-f-]{36}"/);
  });

  it('refuses a size under 5 or not whole with the error summary, in the admin\'s language, and keeps what was typed', async () => {
    const low = await admin.post('/admin/reports', { minGroupSize: '4' }).expect(400);
    expect(low.text).to.contain('class="error-summary"').and.to.contain('href="#min-group-size"').and.to.contain('Enter at least 5');
    expect(low.text).to.match(/value="4"/);
    const half = await admin.post('/admin/reports', { minGroupSize: '7.5' }).expect(400);
    expect(half.text).to.contain('Enter a whole number of students');
    expect(await t.ctx.reports.settingsFor(s.tenantId)).to.deep.equal({ minGroupSize: 10 });
  });

  it('saves a valid size (audited), once even when the form is sent twice', async () => {
    const once = randomUUID();
    const saved = await admin.post('/admin/reports', { minGroupSize: '12', _once: once }).expect(303);
    expect(saved.headers.location).to.match(/^\/admin\/reports\?saved=1&ltik=/);
    await admin.post('/admin/reports', { minGroupSize: '12', _once: once }).expect(303);
    expect(await t.ctx.reports.settingsFor(s.tenantId)).to.deep.equal({ minGroupSize: 12 });
    const page = await admin.get('/admin/reports?saved=1').expect(200);
    expect(page.text).to.contain('Saved.').and.to.match(/value="12"/);
    const events = (await t.ctx.audit.list(s.tenantId)).filter((e) => e.entity === 'report_settings');
    expect(events.map((e) => e.action)).to.deep.equal(['update']);
    // Another school keeps its own default.
    expect(await t.ctx.reports.settingsFor(s.other.tenantId)).to.deep.equal({ minGroupSize: 10 });
  });

  it('is the admins\' only: an advisor gets 403 on the page and on saving (audited), and nothing changes', async () => {
    await advisor.get('/admin/reports').expect(403);
    await advisor.post('/admin/reports', { minGroupSize: '5' }).expect(403);
    const user = (await t.ctx.roster.userFromClaims({ tid: s.tenantId, pid: s.advisor.id, cid: s.advisoryId, role: 'advisor' }))!;
    let refused: unknown;
    await t.ctx.reports.updateSettings(user, validData({ minGroupSize: 5 })).catch((e: unknown) => (refused = e));
    expect(refused).to.have.property('status', 403);
    expect(await t.ctx.reports.settingsFor(s.tenantId)).to.deep.equal({ minGroupSize: 12 });
    const denied = (await t.ctx.audit.list(s.tenantId)).filter((e) => e.action === 'denied' && e.entity === 'reportSettings');
    expect(denied.length).to.be.at.least(2);
  });

  it('the database refuses a size under 5 whatever the code does', async () => {
    let error: unknown;
    await asSystem('tool', () => t.ctx.db.execute(sql`insert into report_settings (tenant_id, min_group_size) values (${s.other.tenantId}, 4)`)).catch((e: unknown) => (error = e));
    expect(String((error as { cause?: unknown })?.cause ?? error)).to.contain('report_settings_min_group_size_ck');
  });
});
