import { expect } from 'chai';
import { groupFigures, tierAt, windowsOf, type Anchor, type Values } from '../../../src/impact/compute.js';
import { suppress } from '../../../src/impact/min-size.js';

const at = (iso: string) => new Date(iso);
const only = (attendance: number): Values => ({ attendance, behaviour: null, failing: null, wellbeing: null });

describe('impact figures (pure)', () => {
  it('takes the tier decided by the moment, else the stored suggestion', () => {
    const timeline = { suggestedTier: 1, decisions: [{ tier: 2, decidedAt: at('2026-01-10T00:00:00Z') }, { tier: 3, decidedAt: at('2026-02-01T00:00:00Z') }] };
    expect(tierAt(timeline, at('2026-01-05T00:00:00Z'))).to.equal(1);
    expect(tierAt(timeline, at('2026-01-20T00:00:00Z'))).to.equal(2);
    expect(tierAt(timeline, at('2026-03-01T00:00:00Z'))).to.equal(3);
    expect(tierAt({ suggestedTier: null, decisions: [] }, at('2026-03-01T00:00:00Z'))).to.equal(null);
    expect(tierAt(undefined, at('2026-03-01T00:00:00Z'))).to.equal(null);
  });

  it('places the windows around the anchor, or says which side is short', () => {
    const anchor: Anchor = { studentId: 'a', day: '2026-01-12', servedAt: at('2026-01-12T15:00:00Z') };
    expect(windowsOf(anchor, { beforeFrom: '2025-12-15', afterTo: '2026-02-06' })).to.deep.equal({ before: { from: '2025-12-15', to: '2026-01-11' }, after: { from: '2026-01-12', to: '2026-02-06' } });
    expect(windowsOf(anchor, { beforeFrom: '2025-12-15', afterTo: null })).to.equal('tooRecent');
    expect(windowsOf(anchor, { beforeFrom: null, afterTo: '2026-02-06' })).to.equal('tooEarly');
    expect(windowsOf(anchor, undefined)).to.equal('tooRecent');
  });

  it('weighs each served student once in the comparison: the mean of their comparison students\' means', () => {
    // A (comparisons: c1) and B (comparisons: c2, c3); E has too few days before. Attendance only.
    const a: Anchor = { studentId: 'A', day: '2026-01-12', servedAt: at('2026-01-12T15:00:00Z') };
    const b: Anchor = { studentId: 'B', day: '2026-02-02', servedAt: at('2026-02-02T15:00:00Z') };
    const e: Anchor = { studentId: 'E', day: '2025-09-01', servedAt: at('2025-09-01T15:00:00Z') };
    const win = (x: Anchor): ReturnType<typeof windowsOf> => (x === e ? 'tooEarly' : { before: { from: `${x.day}-b`, to: `${x.day}-b` }, after: { from: `${x.day}-a`, to: `${x.day}-a` } });
    // [before, after] per student around each anchor.
    const data: Record<string, [number, number]> = { 'A|2026-01-12': [50, 70], 'B|2026-02-02': [60, 60], 'c1|2026-01-12': [80, 80], 'c2|2026-02-02': [90, 70], 'c3|2026-02-02': [70, 70] };
    const valuesOf = (id: string, w: { from: string }) => {
      const pair = data[`${id}|${w.from.slice(0, 10)}`];
      return pair ? only(w.from.endsWith('-b') ? pair[0] : pair[1]) : undefined;
    };
    const r = groupFigures([a, b, e], win, (x) => (x === a ? ['c1'] : ['c2', 'c3']), valuesOf);
    expect([r.served, r.tooRecent, r.tooEarly, r.comparison]).to.deep.equal([2, 0, 1, 3]);
    // Served: before (50 + 60) / 2 = 55, after (70 + 60) / 2 = 65, change +10.
    expect(r.measures.attendance.served).to.deep.equal({ n: 2, before: 55, after: 65, change: 10 });
    // Comparison: A's mean (80, 80), B's mean ((90 + 70) / 2, (70 + 70) / 2) = (80, 70); over served: (80, 75), change -5.
    // (Pooling the three students instead would give an after of 73.3.)
    expect(r.measures.attendance.comparison).to.deep.equal({ n: 2, before: 80, after: 75, change: -5 });
    expect(r.measures.attendance.difference).to.equal(15);
    expect(r.measures.behaviour).to.deep.equal({ served: null, comparison: null, difference: null });
  });

  it('suppresses a count under the minimum (the stand-in rule)', () => {
    expect(suppress([0, 9, 10, 11], 10)).to.deep.equal(['suppressed', 'suppressed', 'shown', 'shown']);
  });
});
