import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../../src/db/client.js';
import { createTestApp, type TestApp } from '../../support/app.js';
import { seedSchool, ltikFor, asUser, type SeededSchool } from '../../support/school.js';
import type { AppUser } from '../../../src/auth/user.js';
import { RECOMPUTE_JOB } from '../../../src/indicators/indicators.service.js';

type As = ReturnType<typeof asUser>;

describe('indicators: the data panel, tiers and the family setting', () => {
  let t: TestApp;
  let s: SeededSchool;
  let advisor: As;
  let student: As;
  let mentor: As;
  let admin: As;
  let advisorUser: AppUser;
  const now = new Date('2026-03-20T15:00:00Z');
  const data = (id: string) => `/students/${id}/data`;

  before(async () => {
    t = await createTestApp();
    t.clock.set(now);
    s = await seedSchool(t.ctx);
    advisor = asUser(t.app, await ltikFor(t.ctx, s.advisor, 'advisor', s.advisoryId));
    student = asUser(t.app, await ltikFor(t.ctx, s.students[0], 'student', s.advisoryId));
    mentor = asUser(t.app, await ltikFor(t.ctx, s.mentor, 'family', s.advisoryId));
    admin = asUser(t.app, await ltikFor(t.ctx, s.admin, 'admin', s.advisoryId));
    advisorUser = (await t.ctx.roster.userFromClaims({ tid: s.tenantId, pid: s.advisor.id, cid: s.advisoryId, role: 'advisor' }))!;
    // Two low well-being ratings in the last 30 days: the one indicator this branch has data for without the student-data feature.
    for (const [date, wellbeing] of [['2026-03-09', 2], ['2026-03-16', 1]] as const) {
      await t.ctx.checkins.recordAll(advisorUser, { date, format: 'in_person', sharedNote: '', rows: [{ studentId: s.students[0].id, attended: true, wellbeing }] });
    }
  });

  it('recording check-ins queued a recompute of the student, so the caseload\'s badge moves without anyone opening the panel', async () => {
    expect(await t.ctx.jobs.find(RECOMPUTE_JOB, s.tenantId)).to.not.equal(undefined);
    await t.ctx.indicators.jobHandlers[RECOMPUTE_JOB]!(s.tenantId);
    const summary = (await t.ctx.indicators.summaryFor(s.tenantId, [s.students[0].id])).get(s.students[0].id)!;
    expect(summary).to.deep.include({ suggestedTier: 2 });
    expect(summary.badges[3]).to.deep.include({ band: 'off-track', value: '1.5/5' });
  });

  it('the advisor sees badges, the suggested tier with its reasons in words, trends as SVG and as a table; audited', async () => {
    const res = await advisor.get(data(s.students[0].id)).expect(200);
    expect(res.text).to.contain('Support tier').and.to.contain('Tier 2 (targeted)');
    expect(res.text).to.contain('average well-being 1.5/5 at check-ins in the last 30 days (off track)');
    expect(res.text).to.match(/<svg viewBox="0 0 320 140"[^>]*role="img"/);
    expect(res.text).to.contain('<title id="trend-wellbeing-title">Well-being at check-ins</title>');
    expect(res.text).to.contain('Show the numbers as a table');
    expect(res.text).to.contain('1.5 out of 5').and.to.contain('1 out of 5');
    const audit = await t.ctx.audit.list(s.tenantId, { studentId: s.students[0].id });
    expect(audit.some((a) => a.entity === 'indicator' && a.action === 'read')).to.equal(true);
    // The student's tabs link to the panel, so people (and the crawler) reach it.
    const plan = await advisor.get(`/students/${s.students[0].id}/goals`).expect(200);
    expect(plan.text).to.contain(`/students/${s.students[0].id}/data?`);
  });

  it('the student sees their own data in plain words, no tier or band; another student gets a 404', async () => {
    const res = await student.get(data(s.students[0].id)).expect(200);
    expect(res.text).to.contain('My data').and.to.contain('Your check-ins say things have been hard lately (1.5 out of 5)');
    expect(res.text).not.to.match(/tier|off track|at risk/i);
    await student.get(data(s.students[1].id)).expect(404);
  });

  it('strangers and other tenants get a 404; a subject teacher of another course too', async () => {
    const other = asUser(t.app, await ltikFor(t.ctx, s.otherAdvisor, 'advisor', s.otherCourseId));
    await other.get(data(s.students[0].id)).expect(404);
    const foreign = asUser(t.app, await ltikFor(t.ctx, s.other.advisor, 'advisor', s.other.contextId));
    await foreign.get(data(s.students[0].id)).expect(404);
    await advisor.get(data('not-a-uuid')).expect(404);
  });

  it('override needs a reason (400 with the error summary, nothing saved); with one it is saved, audited, in the history', async () => {
    const bad = await advisor.post(`${data(s.students[0].id)}/tier`, { tier: '3', reason: '  ' }).expect(400);
    expect(bad.text).to.contain('error-summary').and.to.contain('Say why you chose a tier other than the suggested one.');
    expect(bad.text).to.contain('href="#tier-reason"');
    await advisor.post(`${data(s.students[0].id)}/tier`, { tier: '7' }).expect(400);
    const long = await advisor.post(`${data(s.students[0].id)}/tier`, { tier: '3', reason: 'x'.repeat(1001) }).expect(400);
    expect(long.text).to.contain('Keep the reason to 1000 characters or fewer.');
    // 1,000 characters with browser line breaks (CRLF) are what maxlength let through: not refused for length.
    const crlf = await advisor.post(`${data(s.students[0].id)}/tier`, { tier: '9', reason: `${'y'.repeat(499)}\r\n${'y'.repeat(500)}` }).expect(400);
    expect(crlf.text).not.to.contain('Keep the reason');
    expect((await t.ctx.indicators.summaryFor(s.tenantId, [s.students[0].id])).get(s.students[0].id)!.decision).to.equal(null);

    await advisor.post(`${data(s.students[0].id)}/tier`, { tier: '3', reason: 'Family crisis this month' }).expect(303);
    const summary = (await t.ctx.indicators.summaryFor(s.tenantId, [s.students[0].id, s.students[1].id])).get(s.students[0].id)!;
    expect(summary).to.deep.include({ tier: 3, suggestedTier: 2 });
    expect(summary.decision).to.deep.include({ tier: 3, overridden: true });
    expect(summary.reasons).to.deep.equal(['average well-being 1.5/5 at check-ins in the last 30 days (off track)']);
    expect(summary.badges.map((b) => b.band)).to.deep.equal([null, null, null, 'off-track']);

    const page = await advisor.get(data(s.students[0].id)).expect(200);
    expect(page.text).to.contain('Tier history').and.to.contain('Family crisis this month').and.to.contain('overridden');
    const audit = await t.ctx.audit.list(s.tenantId, { studentId: s.students[0].id });
    expect(audit.some((a) => a.entity === 'tier_decision' && a.action === 'create')).to.equal(true);
    expect(JSON.stringify(audit)).not.to.contain('Family crisis');

    // Confirming the suggestion needs no reason.
    t.clock.set(new Date(now.getTime() + 60_000));
    await advisor.post(`${data(s.students[0].id)}/tier`, { tier: '2' }).expect(303);
    expect((await t.ctx.indicators.summaryFor(s.tenantId, [s.students[0].id])).get(s.students[0].id)!).to.deep.include({ tier: 2 });
  });

  it('only the student\'s advisors decide: the admin reads the tier (403 on deciding, audited), the student and family are refused', async () => {
    const res = await admin.get(data(s.students[0].id)).expect(200);
    expect(res.text).to.contain('Tier history');
    expect(res.text).not.to.contain('Save the tier');
    await admin.post(`${data(s.students[0].id)}/tier`, { tier: '1' }).expect(403);
    await student.post(`${data(s.students[0].id)}/tier`, { tier: '1' }).expect(403);
    await mentor.post(`${data(s.students[0].id)}/tier`, { tier: '1' }).expect(403);
    const audit = await t.ctx.audit.list(s.tenantId, { studentId: s.students[0].id });
    expect(audit.some((a) => a.action === 'denied' && a.entity === 'tier' && a.attempt === 'decide')).to.equal(true);
  });

  it('what the family sees is the school\'s setting: numbers by default, nothing, or bands and trends; never the tier', async () => {
    const byDefault = await mentor.get(data(s.students[0].id)).expect(200);
    expect(byDefault.text).to.contain('This is what the school shares with families.').and.to.contain('average 1.5 out of 5 (2 check-ins)');
    expect(byDefault.text).not.to.match(/Tier|off track|<svg/);

    await advisor.get('/admin/indicators').expect(403);
    const form = await admin.get('/admin/indicators').expect(200);
    expect(form.text).to.contain('What families see of their child');
    const bad = await admin.post('/admin/indicators', { familyView: 'everything' }).expect(400);
    expect(bad.text).to.contain('Choose what families see.');
    await admin.post('/admin/indicators', { familyView: 'none' }).expect(303);
    const none = await mentor.get(data(s.students[0].id)).expect(200);
    expect(none.text).to.contain('The school does not share this information with families.');
    expect(none.text).not.to.contain('1.5');

    await admin.post('/admin/indicators', { familyView: 'full' }).expect(303);
    const full = await mentor.get(data(s.students[0].id)).expect(200);
    expect(full.text).to.contain('off track').and.to.contain('<svg');
    expect(full.text).not.to.contain('Tier');
  });

  it('a change to a student\'s data queues one debounced recompute for the tenant, which stores their indicators', async () => {
    t.clock.set(now);
    await t.ctx.indicators.studentDataChanged(s.tenantId, [s.students[1].id, s.students[2].id]);
    await t.ctx.indicators.studentDataChanged(s.tenantId, [s.students[1].id]);
    const job = await t.ctx.jobs.find(RECOMPUTE_JOB, s.tenantId);
    expect(job).to.not.equal(undefined);
    expect(job!.runAfter.getTime()).to.equal(now.getTime() + 10_000);
    await t.ctx.indicators.jobHandlers[RECOMPUTE_JOB]!(s.tenantId);
    const summaries = await t.ctx.indicators.summaryFor(s.tenantId, [s.students[1].id, s.students[2].id], 'es');
    expect(summaries.get(s.students[1].id)!.computedAt).to.be.instanceOf(Date);
    expect(summaries.get(s.students[1].id)!.reasons).to.deep.equal(['no hay suficientes datos recientes para juzgar (últimos 30 días)']);
    expect(summaries.get(s.students[2].id)!.badges[0]!.text).to.equal('Asistencia: sin datos recientes');
  });
  it('a change to a whole district\'s students (25,000: more parameters than a statement takes, three a row) queues them all', async () => {
    const tenant = await t.ctx.platforms.register({ name: 'District', issuer: `https://district.test/${randomUUID()}`, clientId: 'district', authLoginUrl: 'https://district.test/auth', accessTokenUrl: 'https://district.test/token', jwksUrl: 'https://district.test/jwks' });
    await t.ctx.db.execute(sql`insert into people (tenant_id, sub, name) select ${tenant.id}::uuid, 'd-' || g, 'Student ' || g from generate_series(1, 25000) g`);
    const ids = (await queryRows<{ id: string }>(t.ctx.db, sql`select id from people where tenant_id = ${tenant.id}`)).map((r) => r.id);
    await t.ctx.indicators.studentDataChanged(tenant.id, ids);
    const [pending] = await queryRows<{ n: number }>(t.ctx.db, sql`select count(*)::int as n from indicators_pending where tenant_id = ${tenant.id}`);
    expect(pending!.n).to.equal(25_000);
    expect(await t.ctx.jobs.find(RECOMPUTE_JOB, tenant.id)).to.not.equal(undefined);
  });
});
