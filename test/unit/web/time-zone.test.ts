import { expect } from 'chai';
import { isTimeZone, localDate, timeZoneName } from '../../../src/web/time-zone.js';

describe('school time zone', () => {
  it('gives the day in the zone, not in UTC: 22:00 in Los Angeles on 9 March is the 10th in UTC', () => {
    const at = new Date('2026-03-10T05:00:00Z'); // 22:00 PDT on the 9th (DST began on the 8th)
    expect(localDate(at, 'America/Los_Angeles')).to.equal('2026-03-09');
    expect(localDate(at, 'UTC')).to.equal('2026-03-10');
    expect(localDate(at, 'Asia/Tokyo')).to.equal('2026-03-10');
  });

  it('follows daylight saving time: the same UTC hour falls on different local days either side of the switch', () => {
    // 07:30 UTC: 23:30 PST on 7 March (UTC-8), but 00:30 PDT on 9 March (UTC-7).
    expect(localDate(new Date('2026-03-08T07:30:00Z'), 'America/Los_Angeles')).to.equal('2026-03-07');
    expect(localDate(new Date('2026-03-09T07:30:00Z'), 'America/Los_Angeles')).to.equal('2026-03-09');
    // The November switch back: 07:30 UTC is 00:30 PDT on 1 November, 23:30 PST on 1 November the next day.
    expect(localDate(new Date('2026-11-01T07:30:00Z'), 'America/Los_Angeles')).to.equal('2026-11-01');
    expect(localDate(new Date('2026-11-02T07:30:00Z'), 'America/Los_Angeles')).to.equal('2026-11-01');
  });

  it('accepts IANA zone names and refuses others', () => {
    expect(isTimeZone('America/Los_Angeles')).to.equal(true);
    expect(isTimeZone('Mars/Olympus_Mons')).to.equal(false);
    expect(timeZoneName.safeParse(' Europe/Paris ').data).to.equal('Europe/Paris');
    expect(timeZoneName.safeParse('Mars/Olympus_Mons').success).to.equal(false);
    expect(timeZoneName.safeParse('').success).to.equal(false);
  });
});
