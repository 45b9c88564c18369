import { expect } from 'chai';
import { isTimeZone, localDate, timeZoneName, zonedTime } from '../../../src/web/time-zone.js';
import { schoolYearOf } from '../../../src/plans/plans.service.js';

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

  it('finds the instant a wall-clock time in the zone stands for, either side of a daylight-saving switch', () => {
    expect(zonedTime('2026-03-06', '15:30', 'America/Los_Angeles').toISOString()).to.equal('2026-03-06T23:30:00.000Z'); // PST
    expect(zonedTime('2026-03-09', '15:30', 'America/Los_Angeles').toISOString()).to.equal('2026-03-09T22:30:00.000Z'); // PDT
    expect(zonedTime('2026-03-08', '22:00', 'America/Los_Angeles').toISOString()).to.equal('2026-03-09T05:00:00.000Z'); // the switch day
    expect(zonedTime('2026-03-09', '08:00', 'Asia/Tokyo').toISOString()).to.equal('2026-03-08T23:00:00.000Z');
    expect(zonedTime('2026-03-09', '08:00', 'UTC').toISOString()).to.equal('2026-03-09T08:00:00.000Z');
  });

  it('turns the school year over on 1 August in the school, not in UTC', () => {
    // 22:00 on 31 July in Los Angeles is 1 August in UTC: still the old year there.
    const lateJuly = new Date('2026-08-01T05:00:00Z');
    expect(schoolYearOf(lateJuly, 'America/Los_Angeles')).to.equal('2025-2026');
    expect(schoolYearOf(lateJuly, 'UTC')).to.equal('2026-2027');
    // 08:00 on 1 August in Tokyo is still 31 July in UTC: already the new year there.
    const earlyAugust = new Date('2026-07-31T23:00:00Z');
    expect(schoolYearOf(earlyAugust, 'Asia/Tokyo')).to.equal('2026-2027');
    expect(schoolYearOf(earlyAugust, 'UTC')).to.equal('2025-2026');
    expect(schoolYearOf(new Date('2027-01-15T12:00:00Z'), 'America/Los_Angeles')).to.equal('2026-2027');
  });

  it('accepts IANA zone names and refuses others', () => {
    expect(isTimeZone('America/Los_Angeles')).to.equal(true);
    expect(isTimeZone('Mars/Olympus_Mons')).to.equal(false);
    expect(timeZoneName.safeParse(' Europe/Paris ').data).to.equal('Europe/Paris');
    expect(timeZoneName.safeParse('Mars/Olympus_Mons').success).to.equal(false);
    expect(timeZoneName.safeParse('').success).to.equal(false);
  });
});
