import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadAttentionRules, loadAttentionRulesIn, rankStudent, unknownBands, type AttentionFacts, type IndicatorFacts } from '../../../src/caseload/needs-attention.js';
import { ConfigError } from '../../../src/web/config.js';

const DAY = 86_400_000;
const now = new Date('2026-03-20T15:00:00Z');
const at = { now, today: '2026-03-20', cadenceDays: 7 };
const rules = loadAttentionRules();

/** Nothing pressing outside the indicators. */
const calm = (indicators: IndicatorFacts | null): AttentionFacts => ({
  needs: [],
  lastAttended: { date: '2026-03-19', wellbeing: 4 },
  latest: { date: '2026-03-19', attended: true },
  joinedAt: new Date(now.getTime() - 30 * DAY),
  plan: 'active',
  goals: { active: 1, proposed: 0 },
  indicators,
});
const badge = (name: string, value: string, band: string | null, bandLabel: string | null = band) => ({ name, value, band, bandLabel });
const fine: IndicatorFacts = {
  recentDays: 30,
  badges: { attendance: badge('Attendance', '97% attended', 'on-track'), behaviour: badge('Behavior', 'incidents on 0% of days', 'on-track'), grades: badge('Course grades', 'lowest 88%', 'on-track') },
  chronicAbsence: null,
  coursesFailing: 0,
  suspensionDays: 0,
  tier: { tier: 1, confirmed: false },
};
const rank = (ind: IndicatorFacts | null, r = rules, locale?: string) => rankStudent(r, calm(ind), { ...at, locale });

describe('needs attention: reasons from the indicators (config/needs-attention.json)', () => {
  it('no indicator, or indicators on track: no reason', () => {
    expect(rank(null).reasons).to.deep.equal([]);
    expect(rank(fine).reasons).to.deep.equal([]);
  });

  it('chronic absence, failing courses, a suspension and an off-track band each say why, in words, heaviest first', () => {
    const r = rank({
      ...fine,
      badges: { ...fine.badges, attendance: badge('Attendance', '78% attended', 'off-track', 'off track') },
      chronicAbsence: { missedPercent: 14.5 },
      coursesFailing: 2,
      suspensionDays: 1.5,
      tier: { tier: 3, confirmed: true },
    });
    expect(r.reasons.map((x) => x.text)).to.deep.equal([
      'suspended 1.5 days in the last 30 days',
      'chronic absence: missed 14.5% of school days this year',
      'Attendance: 78% attended lately (off track)',
      'courses failing now: 2',
      'tier 3 (confirmed)',
    ]);
    expect(r.reasons.map((x) => x.rule)).to.deep.equal(['suspended', 'chronic-absence', 'attendance-off-track', 'courses-failing', 'tier-3']);
    expect(r.score).to.be.greaterThan(rank(fine).score);
  });

  it('an at-risk band weighs less than off track; a data gap (no band) is no reason', () => {
    const atRisk = rank({ ...fine, badges: { ...fine.badges, attendance: badge('Attendance', '85% attended', 'at-risk', 'at risk') } });
    const offTrack = rank({ ...fine, badges: { ...fine.badges, attendance: badge('Attendance', '70% attended', 'off-track', 'off track') } });
    expect(atRisk.reasons.map((x) => x.text)).to.deep.equal(['Attendance: 85% attended lately (at risk)']);
    expect(offTrack.score).to.be.greaterThan(atRisk.score);
    expect(rank({ ...fine, badges: { attendance: badge('Attendance', 'no recent data', null) } }).reasons).to.deep.equal([]);
  });

  it('a suggested tier 3 says so; tier 2 is no reason of its own', () => {
    expect(rank({ ...fine, tier: { tier: 3, confirmed: false } }).reasons.map((x) => x.text)).to.deep.equal(['tier 3 (suggested)']);
    expect(rank({ ...fine, tier: { tier: 2, confirmed: true } }).reasons).to.deep.equal([]);
  });

  it('is worded in Spanish from the overlay, numbers as the language formats them (es-US)', () => {
    const es = loadAttentionRulesIn(['en', 'es']).es!;
    const r = rank({ ...fine, chronicAbsence: { missedPercent: 14.5 }, tier: { tier: 3, confirmed: false } }, es, 'es');
    expect(r.reasons.map((x) => x.text)).to.deep.equal(['ausentismo crónico: faltó al 14.5 % de los días de clase este año', 'nivel 3 (sugerido)']);
  });

  it('refuses a rule with a placeholder its condition does not know, or a per-day weight on a state', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'attention-'));
    const file = path.join(dir, 'needs-attention.json');
    writeFileSync(file, JSON.stringify({ rules: [{ id: 'x', condition: { is: 'coursesFailing', atLeast: 1 }, weight: 1, reason: 'failing {course}' }] }));
    expect(() => loadAttentionRules(file)).to.throw(ConfigError, /\{course\} is not known to "coursesFailing"/);
    writeFileSync(file, JSON.stringify({ rules: [{ id: 'x', condition: { is: 'chronicAbsence' }, weight: 1, perDay: 1, reason: 'absent' }] }));
    expect(() => loadAttentionRules(file)).to.throw(ConfigError, /no duration/);
    writeFileSync(file, JSON.stringify({ rules: [{ id: 'x', condition: { is: 'indicatorBand', indicator: 'mood', bands: ['x'] }, weight: 1, reason: 'r' }] }));
    expect(() => loadAttentionRules(file)).to.throw(ConfigError);
  });

  it('names a rule whose band the indicators do not define (checked at start against config/indicators.json)', () => {
    expect(unknownBands(rules, ['on-track', 'watch', 'at-risk', 'off-track'])).to.deep.equal([]);
    const problems = unknownBands(rules, ['green', 'amber', 'red']);
    expect(problems.length).to.be.greaterThan(0);
    expect(problems[0]).to.match(/rule attendance-off-track: band "off-track" is not in config\/indicators.json/);
  });
});
