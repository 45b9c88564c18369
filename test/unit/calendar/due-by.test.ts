import { expect } from 'chai';
import { daysBetween, endOfNthSchoolDay, nthSchoolDayAfter } from '../../../src/calendar/business-days.js';

/** Response standards count school days on the school's calendar, in its zone. */
describe('calendar: the end of the Nth school day', () => {
  const weekend = [6, 0];
  const none = new Set<string>();
  // Friday 2026-03-06, 10:00 in Los Angeles (18:00 UTC).
  const friday = new Date('2026-03-06T18:00:00Z');
  const la = 'America/Los_Angeles';

  it('an urgent referral (1 school day) made on a Friday is due at the end of Monday', () => {
    expect(endOfNthSchoolDay(friday, la, 1, weekend, none).toISOString()).to.equal('2026-03-10T06:59:59.999Z');
  });

  it('with Monday closed it is due at the end of Tuesday', () => {
    expect(endOfNthSchoolDay(friday, la, 1, weekend, new Set(['2026-03-09'])).toISOString()).to.equal('2026-03-11T06:59:59.999Z');
  });

  it('a routine referral (2 school days) made on a Friday is due at the end of Tuesday', () => {
    expect(endOfNthSchoolDay(friday, la, 2, weekend, none).toISOString()).to.equal('2026-03-11T06:59:59.999Z');
  });

  it('counts from the day at the school, not in UTC: Friday 22:00 in Los Angeles is still Friday', () => {
    const late = new Date('2026-03-07T06:00:00Z');
    expect(endOfNthSchoolDay(late, la, 1, weekend, none).toISOString()).to.equal('2026-03-10T06:59:59.999Z');
  });

  it('a referral made on a Saturday counts Monday as its first school day; a school with a Friday weekend skips Fridays', () => {
    expect(nthSchoolDayAfter('2026-03-07', 1, weekend, none)).to.equal('2026-03-09');
    expect(nthSchoolDayAfter('2026-03-05', 1, [5, 6], none)).to.equal('2026-03-08');
  });

  it('lists every day of a range', () => {
    expect(daysBetween('2026-12-30', '2027-01-02')).to.deep.equal(['2026-12-30', '2026-12-31', '2027-01-01', '2027-01-02']);
  });
});
