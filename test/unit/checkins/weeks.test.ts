import { expect } from 'chai';
import { schoolYearStart, weekSince } from '../../../src/checkins/weeks.js';

describe('check-in weeks', () => {
  it('counts weeks from the start, week 1 first', () => {
    expect(weekSince(null, '2026-03-20')).to.equal(1);
    expect(weekSince('2026-03-20', '2026-03-20')).to.equal(1);
    expect(weekSince('2026-03-20', '2026-03-26')).to.equal(1);
    expect(weekSince('2026-03-20', '2026-03-27')).to.equal(2);
    expect(weekSince('2026-03-20', '2026-04-20')).to.equal(5);
    expect(weekSince('2026-03-20', '2026-03-01'), 'a back-dated day is still week 1').to.equal(1);
  });
  it('finds the school year a date belongs to', () => {
    expect(schoolYearStart('2026-10-05', '08-01')).to.equal('2026-08-01');
    expect(schoolYearStart('2026-03-20', '08-01')).to.equal('2025-08-01');
    expect(schoolYearStart('2026-08-01', '08-01')).to.equal('2026-08-01');
  });
});
