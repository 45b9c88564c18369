import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../../src/db/client.js';
import { createTestApp, type TestApp } from '../../support/app.js';
import { seedSchool, ltikFor, asUser, type SeededSchool } from '../../support/school.js';
import { configFormOf, decoded } from '../../support/html.js';
import type { AppUser } from '../../../src/auth/user.js';
import { RECOMPUTE_JOB } from '../../../src/indicators/indicators.service.js';
import { t as text } from '../../../src/web/i18n.js';

const EDITOR = '/admin/configuration/indicator-rules';

/**
 * A school's indicator bands and tier rules (issue 14 item 3) through the console's editor: published,
 * the next recompute judges the school's students by them; another school keeps the shipped ones; a
 * threshold out of order or a rule missing what it tests is refused in place, nothing saved.
 */
describe('indicator bands and tier rules: a configuration document per school', function () {
  this.timeout(120_000);
  let t: TestApp;
  let s: SeededSchool;
  let admin: ReturnType<typeof asUser>;
  const now = new Date('2026-03-20T15:00:00Z');
  const summaryOf = async (tenantId: string, id: string) => (await t.ctx.indicators.summaryFor(tenantId, [id])).get(id)!;

  before(async () => {
    t = await createTestApp();
    t.clock.set(now);
    s = await seedSchool(t.ctx);
    admin = asUser(t.app, await ltikFor(t.ctx, s.admin, 'admin', s.advisoryId));
    // Well-being 1.5 of 5 lately, here and at the other school: off track by the shipped bands (4 / 3 / 2), so tier 2.
    for (const [tenantId, advisor, contextId, student] of [[s.tenantId, s.advisor, s.advisoryId, s.students[0]], [s.other.tenantId, s.other.advisor, s.other.contextId, s.other.student]] as const) {
      const adult = (await t.ctx.roster.userFromClaims({ tid: tenantId, pid: advisor.id, cid: contextId, role: 'advisor' })) as AppUser;
      for (const [date, wellbeing] of [['2026-03-09', 2], ['2026-03-16', 1]] as const) await t.ctx.checkins.recordAll(adult, { date, format: 'in_person', sharedNote: '', rows: [{ studentId: student.id, attended: true, wellbeing }] });
      await t.ctx.indicators.jobHandlers[RECOMPUTE_JOB]!(tenantId);
    }
  });
  after(async () => t.ctx.shutdown?.());

  it('published, the school judges by its own thresholds and rules at the next recompute; another school keeps the shipped ones', async () => {
    expect((await summaryOf(s.tenantId, s.students[0].id)).badges[3]).to.deep.include({ band: 'off-track' });
    expect(await summaryOf(s.tenantId, s.students[0].id)).to.deep.include({ suggestedTier: 2 });

    const page = decoded((await admin.get(EDITOR).expect(200)).text);
    expect(page).to.contain(text('configuration.kinds.indicator-rules.title')).and.to.contain('name="f.wellbeing.thresholds.watch"');
    const form = configFormOf(page);
    const lowRule = Object.entries(form).find(([k, v]) => /^f\.tierRules\.\d+\.id$/.test(k) && v === 'wellbeing-low')![0].split('.')[2];
    // Well-being: on track from 3, watch from 2, at risk from 1; the low well-being rule counts only off track.
    const posted = { ...form, 'f.wellbeing.thresholds.on-track': '3', 'f.wellbeing.thresholds.watch': '2', 'f.wellbeing.thresholds.at-risk': '1' };
    delete (posted as Record<string, string>)[`f.tierRules.${lowRule}.bands.at-risk`];
    await admin.post(`${EDITOR}/draft`, posted).expect(303);
    await admin.post(`${EDITOR}/publish`, { version: '1' }).expect(303);

    await t.ctx.indicators.recomputeTenant(s.tenantId);
    await t.ctx.indicators.recomputeTenant(s.other.tenantId);
    const mine = await summaryOf(s.tenantId, s.students[0].id);
    expect(mine.badges[3]).to.deep.include({ band: 'at-risk' });
    expect(mine).to.deep.include({ suggestedTier: 1 });
    const theirs = await summaryOf(s.other.tenantId, s.other.student.id);
    expect(theirs.badges[3]).to.deep.include({ band: 'off-track' });
    expect(theirs).to.deep.include({ suggestedTier: 2 });
  });

  it('previews sample students banded and tiered by a draft, beside the version in force, before anyone is recomputed', async () => {
    /** Each sample student's row: the attendance badge's band and the suggested tier. */
    const rows = (html: string) =>
      [...html.matchAll(/<tr><th scope="row">(Sample student [A-D])<\/th>([\s\S]*?)<\/tr>/g)].map((m) => ({ name: m[1], attendance: /data-indicator="attendance" data-band="([a-z-]+)"/.exec(m[2]!)?.[1], tier: /data-tier="(\d)"/.exec(m[2]!)?.[1] }));
    const shipped = decoded((await admin.get(`${EDITOR}/preview`).query({ version: 0, as: 'adult' }).expect(200)).text);
    expect(rows(shipped).map((r) => r.attendance)).to.deep.equal(['on-track', 'watch', 'at-risk', 'off-track']);
    expect(rows(shipped).map((r) => r.tier)).to.deep.equal(['1', '2', '3', '3']);
    // Each tier says why, in words: the strongest sample has nothing flagged.
    expect(shipped).to.contain(text('indicators.reason.noFlags', { days: 30 }));
    expect(shipped).to.contain('class="badge indicator-badge bad');

    // A draft that calls 75% attendance on track: the struggling sample's attendance is on track in its preview.
    const form = configFormOf(decoded((await admin.get(EDITOR).expect(200)).text));
    await admin.post(`${EDITOR}/draft`, { ...form, 'f.attendance.thresholds.on-track': '75', 'f.attendance.thresholds.watch': '70', 'f.attendance.thresholds.at-risk': '60' }).expect(303);
    const draft = /name="version" value="(\d+)"/.exec(decoded((await admin.get(EDITOR).expect(200)).text))![1]!;
    const previewed = decoded((await admin.get(`${EDITOR}/preview`).query({ version: draft, as: 'adult' }).expect(200)).text);
    expect(rows(previewed).map((r) => r.attendance)).to.deep.equal(['on-track', 'on-track', 'on-track', 'on-track']);
    // Nothing was recomputed: the school's student keeps the bands of the version in force.
    expect((await summaryOf(s.tenantId, s.students[0].id)).badges[3]).to.deep.include({ band: 'at-risk' });
    await admin.post(`${EDITOR}/discard`, { version: draft }).expect(303);

    await admin.get(`${EDITOR}/preview`).query({ version: 0, as: 'student' }).expect(400);
    const advisor = asUser(t.app, await ltikFor(t.ctx, s.advisor, 'advisor', s.advisoryId));
    await advisor.get(`${EDITOR}/preview`).query({ version: 0, as: 'adult' }).expect(403);
  });

  it('refuses thresholds out of order and a rule without its indicator, in place with the input kept, saving nothing', async () => {
    const form = configFormOf(decoded((await admin.get(EDITOR).expect(200)).text));
    const blank = Object.keys(form).filter((k) => /^f\.tierRules\.\d+\.id$/.test(k)).map((k) => Number(k.split('.')[2])).sort((a, b) => b - a)[0]!;
    const res = await admin.post(`${EDITOR}/draft`, { ...form, 'f.attendance.thresholds.watch': '97', [`f.tierRules.${blank}.id`]: 'typed-by-admin', [`f.tierRules.${blank}.tier`]: '3', [`f.tierRules.${blank}.is`]: 'band', [`f.tierRules.${blank}.bands.watch`]: 'on' }).expect(400);
    const html = decoded(res.text);
    expect(html).to.contain(text('configuration.problems.indicators_thresholds_fall'));
    expect(html).to.contain(text('configuration.problems.indicators_rule_needs_indicator', { key: 'typed-by-admin' }));
    expect(html).to.contain('value="97"').and.to.contain('value="typed-by-admin"');
    const versions = await queryRows<{ n: number }>(t.ctx.db, sql`select count(*)::int as n from config_versions where tenant_id = ${s.tenantId} and kind = 'indicator-rules'`);
    expect(versions[0]!.n, 'only the published version').to.equal(1);
  });
});
