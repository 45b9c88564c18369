import { expect } from 'chai';
import { pulseTable, type GroupTally } from '../../../src/dashboards/pulse-figures.js';
import { favourableOf, type Answers } from '../../../src/surveys/scoring.js';

// Two questions, q1 worded plainly and q2 the other way (disagreeing is favourable); minimum group size 5.
const items = [
  { id: 'q1', construct: 'belonging' as const, reverse: false },
  { id: 'q2', construct: 'safety' as const, reverse: true },
];
const tally = (respondents: number, q1: [number, number], q2: [number, number]): GroupTally => ({
  respondents,
  items: { q1: { respondents: q1[0], favourable: q1[1] }, q2: { respondents: q2[0], favourable: q2[1] } },
});
const sum = (...ts: GroupTally[]): GroupTally => ({
  respondents: ts.reduce((n, t) => n + t.respondents, 0),
  items: Object.fromEntries(['q1', 'q2'].map((q) => [q, { respondents: ts.reduce((n, t) => n + t.items[q]!.respondents, 0), favourable: ts.reduce((n, t) => n + t.items[q]!.favourable, 0) }])),
});

describe('pulse figures', () => {
  it('counts favourable answers per item: 4-5 agreeing, 1-2 on a reverse item, skipped items not at all', () => {
    const responses: Answers[] = [{ q1: 5, q2: 1 }, { q1: 4, q2: 4 }, { q1: 3 }, { q2: 2 }, {}];
    // q1: 5, 4 favourable, 3 not: 2 of 3. q2: 1 and 2 favourable (disagreeing), 4 not: 2 of 3. The empty response is no respondent.
    expect(favourableOf(items, responses)).to.deep.equal({ respondents: 4, items: { q1: { respondents: 3, favourable: 2 }, q2: { respondents: 3, favourable: 2 } } });
  });

  it('shows every group of at least the minimum as shares, and the overall figures', () => {
    const a = tally(6, [6, 3], [6, 5]);
    const b = tally(8, [8, 2], [7, 7]);
    const table = pulseTable(['q1', 'q2'], sum(a, b), [{ key: 'a', tally: a }, { key: 'b', tally: b }], 5);
    expect(table.rows).to.deep.equal([
      { key: 'a', respondents: { shown: 6 }, items: [{ respondents: 6, favourable: 3, percent: 50 }, { respondents: 6, favourable: 5, percent: 83 }] },
      { key: 'b', respondents: { shown: 8 }, items: [{ respondents: 8, favourable: 2, percent: 25 }, { respondents: 7, favourable: 7, percent: 100 }] },
    ]);
    expect(table.overall).to.deep.equal({ respondents: { shown: 14 }, items: [{ respondents: 14, favourable: 5, percent: 36 }, { respondents: 13, favourable: 12, percent: 92 }] });
  });

  it('hides a group under the minimum and, as the overall figures would give it away, the smallest other group too', () => {
    const a = tally(9, [9, 6], [9, 3]);
    const b = tally(6, [6, 1], [6, 6]);
    const c = tally(3, [3, 3], [3, 0]);
    const table = pulseTable(['q1', 'q2'], sum(a, b, c), [{ key: 'a', tally: a }, { key: 'b', tally: b }, { key: 'c', tally: c }], 5);
    // Without b hidden, c's q1 would be 12 favourable of 18 overall less a's 6 of 9 and b's 1 of 6: 3 of 3.
    expect(table.rows.map((r) => [r.key, r.respondents, ...r.items])).to.deep.equal([
      ['a', { shown: 9 }, { respondents: 9, favourable: 6, percent: 67 }, { respondents: 9, favourable: 3, percent: 33 }],
      ['b', { suppressed: true, reason: 'complementary' }, { suppressed: true, reason: 'complementary' }, { suppressed: true, reason: 'complementary' }],
      ['c', { suppressed: true, reason: 'small' }, { suppressed: true, reason: 'small' }, { suppressed: true, reason: 'small' }],
    ]);
    expect(table.overall.respondents).to.deep.equal({ shown: 18 });
  });

  it('sizes a group by its fewest answers to a question, hiding it whole in every column', () => {
    // b has 7 respondents but only 4 answered q2: hidden in q1 too, so q1's shown groups cannot give away q2's hidden one.
    const a = tally(8, [8, 4], [8, 4]);
    const b = tally(7, [7, 7], [4, 1]);
    const c = tally(10, [10, 5], [10, 5]);
    const table = pulseTable(['q1', 'q2'], sum(a, b, c), [{ key: 'a', tally: a }, { key: 'b', tally: b }, { key: 'c', tally: c }], 5);
    expect(table.rows.map((r) => [r.key, 'shown' in r.respondents, ...r.items.map((i) => ('suppressed' in i ? i.reason : i.percent))])).to.deep.equal([
      ['a', false, 'complementary', 'complementary'],
      ['b', false, 'small', 'small'],
      ['c', true, 50, 50],
    ]);
  });

  it('hides the overall figures of a school where fewer than the minimum answered', () => {
    const a = tally(3, [3, 1], [2, 2]);
    const table = pulseTable(['q1', 'q2'], a, [{ key: 'a', tally: a }], 5);
    expect(table.overall).to.deep.equal({ respondents: { suppressed: true, reason: 'small' }, items: [{ suppressed: true, reason: 'small' }, { suppressed: true, reason: 'small' }] });
    expect(table.rows[0]!.respondents).to.deep.equal({ suppressed: true, reason: 'small' });
  });
});
