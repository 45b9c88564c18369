import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { byAttention, loadAttentionRules, rankStudent, type AttentionFacts } from '../../../src/caseload/needs-attention.js';
import { ConfigError } from '../../../src/web/config.js';

const DAY = 86_400_000;
const now = new Date('2026-03-20T15:00:00Z');
const daysAgo = (n: number) => new Date(now.getTime() - n * DAY);
const dateAgo = (n: number) => daysAgo(n).toISOString().slice(0, 10);
const rules = loadAttentionRules();
const at = { now, today: '2026-03-20', cadenceDays: 7 };

/** A student who needs nothing: met yesterday, feeling fine, active plan and goal, in the caseload for a month. */
const calm = (extra: Partial<AttentionFacts> = {}): AttentionFacts => ({
  needs: [],
  lastAttended: { date: dateAgo(1), wellbeing: 4 },
  latest: { date: dateAgo(1), attended: true },
  joinedAt: daysAgo(30),
  plan: 'active',
  goals: { active: 1, proposed: 0 },
  ...extra,
});
const rank = (facts: AttentionFacts) => rankStudent(rules, facts, at);
const reasons = (facts: AttentionFacts) => rank(facts).reasons.map((r) => r.text);

describe('needs attention: the ranking rules (config/needs-attention.json)', () => {
  it('a student who needs nothing has no reason and a score of 0', () => {
    expect(rank(calm())).to.deep.include({ reasons: [], score: 0, overdue: false, daysSinceCheckin: 1 });
  });

  it('urgent open need: one reason per need, the oldest weighs more, above every other rule', () => {
    const r = rank(calm({ needs: [{ label: 'Housing', urgency: 'urgent', raisedAt: daysAgo(3) }, { label: 'Food', urgency: 'urgent', raisedAt: daysAgo(0) }] }));
    expect(r.reasons.map((x) => x.text)).to.deep.equal(['urgent housing need raised 3 days ago', 'urgent food need raised today']);
    expect(r.reasons.map((x) => x.rule)).to.deep.equal(['urgent-need', 'urgent-need']);
    const everythingElse = rank({ needs: [{ label: 'Food', urgency: 'concern', raisedAt: daysAgo(30) }], lastAttended: { date: dateAgo(20), wellbeing: 1 }, latest: { date: dateAgo(0), attended: false }, joinedAt: daysAgo(60), plan: 'none', goals: { active: 0, proposed: 2 } });
    expect(rank(calm({ needs: [{ label: 'Housing', urgency: 'urgent', raisedAt: daysAgo(0) }] })).score).to.be.greaterThan(everythingElse.score);
  });

  it('open need (a concern): named with its age', () => {
    expect(reasons(calm({ needs: [{ label: 'Technology', urgency: 'concern', raisedAt: daysAgo(1) }] }))).to.deep.equal(['technology concern raised yesterday']);
  });

  it('low well-being: 1 ranks above 2, and 3 is no reason', () => {
    const one = rank(calm({ lastAttended: { date: dateAgo(1), wellbeing: 1 } }));
    const two = rank(calm({ lastAttended: { date: dateAgo(1), wellbeing: 2 } }));
    expect(one.reasons.map((r) => r.text)).to.deep.equal(['well-being 1/5 at the last check-in']);
    expect(two.reasons.map((r) => r.text)).to.deep.equal(['well-being 2/5 at the last check-in']);
    expect(one.score).to.be.greaterThan(two.score);
    expect(reasons(calm({ lastAttended: { date: dateAgo(1), wellbeing: 3 } }))).to.deep.equal([]);
  });

  it('counts days since a check-in in the school\'s days: 22:00 in Los Angeles is not yet the next day', () => {
    const late = { now: new Date('2026-03-17T05:00:00Z'), cadenceDays: 7 }; // 22:00 on the 16th in Los Angeles
    const facts = calm({ lastAttended: { date: '2026-03-09', wellbeing: 4 }, latest: { date: '2026-03-09', attended: true } });
    expect(rankStudent(rules, facts, { ...late, today: '2026-03-16' })).to.deep.include({ overdue: false, daysSinceCheckin: 7 });
    expect(rankStudent(rules, facts, { ...late, today: '2026-03-17' })).to.deep.include({ overdue: true, daysSinceCheckin: 8 });
  });

  it('overdue check-in counts from the last ATTENDED check-in; an absence is itself a reason', () => {
    const r = rank(calm({ lastAttended: { date: dateAgo(12), wellbeing: 4 }, latest: { date: dateAgo(0), attended: false } }));
    expect(r.overdue).to.equal(true);
    expect(r.daysSinceCheckin).to.equal(12);
    expect(r.reasons.map((x) => x.text)).to.deep.equal([`missed the last check-in (${dateAgo(0)})`, 'no check-in attended for 12 days']);
    // Absent within the cadence: not overdue yet, but still flagged.
    const recent = rank(calm({ lastAttended: { date: dateAgo(3), wellbeing: 4 }, latest: { date: dateAgo(0), attended: false } }));
    expect(recent.overdue).to.equal(false);
    expect(recent.reasons.map((x) => x.rule)).to.deep.equal(['missed-last-checkin']);
    // Exactly the cadence is not overdue; a day more is.
    expect(rank(calm({ lastAttended: { date: dateAgo(7), wellbeing: 4 }, latest: { date: dateAgo(7), attended: true } })).overdue).to.equal(false);
    expect(rank(calm({ lastAttended: { date: dateAgo(8), wellbeing: 4 }, latest: { date: dateAgo(8), attended: true } })).reasons.map((x) => x.text)).to.deep.equal(['no check-in attended for 8 days']);
  });

  it('never checked in: not overdue on day one, overdue once the cadence has passed since joining', () => {
    const never = { lastAttended: null, latest: null };
    expect(rank(calm({ ...never, joinedAt: daysAgo(0) }))).to.deep.include({ overdue: false, reasons: [], daysSinceCheckin: null });
    expect(rank(calm({ ...never, joinedAt: daysAgo(7) })).overdue).to.equal(false);
    const due = rank(calm({ ...never, joinedAt: daysAgo(8) }));
    expect(due.overdue).to.equal(true);
    expect(due.reasons.map((x) => x.text)).to.deep.equal(['no check-in since joining 8 days ago']);
    // Only absences so far: still never checked in, and the absence is named too.
    const absentOnly = rank(calm({ lastAttended: null, latest: { date: dateAgo(1), attended: false }, joinedAt: daysAgo(10) }));
    expect(absentOnly.reasons.map((x) => x.rule)).to.deep.equal(['never-checked-in', 'missed-last-checkin']);
  });

  it('proposed goals waiting for approval', () => {
    expect(reasons(calm({ goals: { active: 1, proposed: 1 } }))).to.deep.equal(['1 goal waiting for approval']);
    expect(reasons(calm({ goals: { active: 1, proposed: 3 } }))).to.deep.equal(['3 goals waiting for approval']);
  });

  it('plan not started: only after the configured days since joining', () => {
    expect(reasons(calm({ plan: 'none', goals: { active: 0, proposed: 0 }, joinedAt: daysAgo(13) }))).to.deep.equal([]);
    expect(reasons(calm({ plan: 'none', goals: { active: 0, proposed: 0 }, joinedAt: daysAgo(14) }))).to.deep.equal(['no plan 14 days after joining']);
  });

  it('plan still a draft, and a plan with no active goal', () => {
    expect(reasons(calm({ plan: 'draft' }))).to.deep.equal(['plan still a draft']);
    expect(reasons(calm({ goals: { active: 0, proposed: 0 } }))).to.deep.equal(['no active goal']);
  });

  it('the score is the sum of the weights that hold, reasons heaviest first', () => {
    const r = rank(calm({ lastAttended: { date: dateAgo(10), wellbeing: 2 }, latest: { date: dateAgo(10), attended: true }, plan: 'draft' }));
    expect(r.reasons.map((x) => x.rule)).to.deep.equal(['wellbeing-2', 'checkin-overdue', 'plan-draft']);
    expect(r.score).to.equal(r.reasons.reduce((s, x) => s + x.weight, 0));
    const weight = (id: string) => rules.rules.find((x) => x.id === id)!.weight;
    expect(r.score).to.equal(weight('wellbeing-2') + weight('checkin-overdue') + 10 + weight('plan-draft'));
  });

  it('ties are broken by name, then id, so the order never wobbles', () => {
    const rows = [
      { id: 'b', name: 'Zoe', score: 10 },
      { id: 'c', name: 'Amy', score: 10 },
      { id: 'a', name: 'Amy', score: 10 },
      { id: 'd', name: 'Bo', score: 300 },
    ];
    expect([...rows].sort(byAttention).map((r) => r.id)).to.deep.equal(['d', 'a', 'c', 'b']);
  });

  it('a bad rules file stops the start with every problem named', () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'rules-')), 'needs-attention.json');
    writeFileSync(
      file,
      JSON.stringify({
        rules: [
          { id: 'low', condition: { is: 'wellbeing', equals: 9 }, weight: 1, perDay: 2, reason: 'low {value}' },
          { id: 'low', condition: { is: 'openNeed' }, weight: 1, reason: 'need {count}' },
          { id: 'x', condition: { is: 'moonPhase' }, weight: -1, reason: '' },
        ],
      }),
    );
    try {
      loadAttentionRules(file);
      expect.fail('should throw');
    } catch (err) {
      expect(err).to.be.instanceOf(ConfigError);
      const text = (err as ConfigError).problems.join('\n');
      expect(text).to.contain('rules.0.condition.equals').and.contain('rules.2.condition.is').and.contain('rules.2.weight').and.contain('rules.2.reason');
    }
    writeFileSync(file, JSON.stringify({ rules: [
      { id: 'low', condition: { is: 'wellbeing', equals: 1 }, weight: 1, perDay: 2, reason: 'low {value}' },
      { id: 'low', condition: { is: 'openNeed' }, weight: 1, reason: 'need {count}' },
    ] }));
    try {
      loadAttentionRules(file);
      expect.fail('should throw');
    } catch (err) {
      const text = (err as ConfigError).problems.join('\n');
      expect(text).to.contain('rule id low is used twice').and.contain('{count} is not known to "openNeed"').and.contain('"wellbeing" has no duration to weigh per day');
    }
  });
});
