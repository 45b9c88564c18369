import { expect } from 'chai';
import { addDays } from '../../../src/web/days.js';

describe('addDays (yyyy-mm-dd arithmetic)', () => {
  it('crosses months, years and leap days', () => {
    expect(addDays('2026-01-31', 1)).to.equal('2026-02-01');
    expect(addDays('2026-12-31', 1)).to.equal('2027-01-01');
    expect(addDays('2028-02-28', 1)).to.equal('2028-02-29');
    expect(addDays('2028-03-01', -1)).to.equal('2028-02-29');
  });

  it('counts whole days across a clock change, whatever the machine zone', () => {
    // US clocks change on 2026-03-08 and 2026-11-01: a zone-local sum would land a day off at midnight.
    expect(addDays('2026-03-07', 1)).to.equal('2026-03-08');
    expect(addDays('2026-03-08', 1)).to.equal('2026-03-09');
    expect(addDays('2026-11-01', -7)).to.equal('2026-10-25');
    expect(addDays('2026-09-01', 365)).to.equal('2027-09-01');
  });
});
