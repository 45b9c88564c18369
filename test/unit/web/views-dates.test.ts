import { expect } from 'chai';
import { helpers } from '../../../src/web/views.js';

const at = (timeZone?: string) => ({ data: { root: timeZone ? { timeZone } : {} } });

describe('view helpers: dates in the school\'s time zone', () => {
  const lateEvening = new Date('2026-03-10T06:00:00Z'); // 23:00 on the 9th in Los Angeles

  it('shows an instant in the school\'s zone (res.locals.timeZone), UTC when none is given', () => {
    expect(helpers.date(lateEvening, at('America/Los_Angeles'))).to.equal('Mar 9, 2026');
    expect(helpers.dateTime(lateEvening, at('America/Los_Angeles'))).to.equal('Mar 9, 2026, 11:00 PM PDT');
    expect(helpers.isoDate(lateEvening, at('America/Los_Angeles'))).to.equal('2026-03-09');
    expect(helpers.date(lateEvening, at())).to.equal('Mar 10, 2026');
    expect(helpers.isoDate(lateEvening, at())).to.equal('2026-03-10');
  });

  it('shows a calendar day (a check-in\'s date) as that day in every zone', () => {
    expect(helpers.date('2026-03-09', at('America/Los_Angeles'))).to.equal('Mar 9, 2026');
    expect(helpers.date('2026-03-09', at('Pacific/Auckland'))).to.equal('Mar 9, 2026');
    expect(helpers.isoDate('2026-03-09', at('America/Los_Angeles'))).to.equal('2026-03-09');
  });
});
