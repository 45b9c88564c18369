import { expect } from 'chai';
import { defaultSchoolYearStart, schoolYearAt, schoolYearOfInstant, schoolYearStart, schoolYearStartFrom } from '../../../src/web/school-year.js';
import { schoolYearOf } from '../../../src/plans/plans.service.js';
import { windowsOf } from '../../../src/indicators/compute.js';
import { loadIndicatorConfig } from '../../../src/indicators/indicators.schemas.js';

describe('the school year (one boundary for plans, imports and indicators)', () => {
  it('begins on 1 August unless the school says', () => {
    expect(defaultSchoolYearStart).to.equal('08-01');
    expect(schoolYearAt('2026-10-05')).to.deep.equal({ firstDay: '2026-08-01', lastDay: '2027-07-31', label: '2026-2027' });
  });

  it('turns over on the first day itself: the day before is the old year, the day after the new', () => {
    expect(schoolYearAt('2026-07-31', '08-01')).to.deep.equal({ firstDay: '2025-08-01', lastDay: '2026-07-31', label: '2025-2026' });
    expect(schoolYearAt('2026-08-01', '08-01')).to.deep.equal({ firstDay: '2026-08-01', lastDay: '2027-07-31', label: '2026-2027' });
    expect(schoolYearAt('2026-08-02', '08-01').firstDay).to.equal('2026-08-01');
    expect(schoolYearAt('2026-06-30', '07-01').label).to.equal('2025-2026');
    expect(schoolYearAt('2026-07-01', '07-01')).to.deep.equal({ firstDay: '2026-07-01', lastDay: '2027-06-30', label: '2026-2027' });
  });

  it('ends on the day before the next first day, 29 February included in a leap year', () => {
    // A year starting 1 March ends on 29 February when that year has one, else the 28th.
    expect(schoolYearAt('2027-10-01', '03-01')).to.deep.equal({ firstDay: '2027-03-01', lastDay: '2028-02-29', label: '2027-2028' });
    expect(schoolYearAt('2028-02-29', '03-01').firstDay).to.equal('2027-03-01');
    expect(schoolYearAt('2028-03-01', '03-01').lastDay).to.equal('2029-02-28');
    expect(schoolYearAt('2026-02-28', '03-01').lastDay).to.equal('2026-02-28');
    // A calendar-year school (southern hemisphere): one calendar year, named by it.
    expect(schoolYearAt('2026-12-31', '01-01')).to.deep.equal({ firstDay: '2026-01-01', lastDay: '2026-12-31', label: '2026' });
    expect(schoolYearAt('2027-01-01', '01-01').firstDay).to.equal('2027-01-01');
  });

  it('counts in the school\'s zone, not UTC', () => {
    // 22:00 on 31 July in Los Angeles is 1 August in UTC.
    expect(schoolYearOfInstant(new Date('2026-08-01T05:00:00Z'), 'America/Los_Angeles').label).to.equal('2025-2026');
    expect(schoolYearOfInstant(new Date('2026-08-01T05:00:00Z'), 'UTC').label).to.equal('2026-2027');
    expect(schoolYearOf(new Date('2026-07-15T12:00:00Z'), 'UTC', '07-01')).to.equal('2026-2027');
    expect(schoolYearOf(new Date('2026-07-15T12:00:00Z'), 'UTC')).to.equal('2025-2026');
  });

  it('gives plans and the indicators\' year the same first day', () => {
    const config = loadIndicatorConfig();
    for (const start of ['08-01', '07-01', '09-15', '01-01']) {
      for (const today of ['2026-07-31', '2026-08-01', '2026-09-14', '2026-09-15', '2027-01-01']) {
        const year = schoolYearAt(today, start);
        expect(windowsOf(config, today, start).yearFrom).to.equal(year.firstDay);
        expect(schoolYearOf(new Date(`${today}T12:00:00Z`), 'UTC', start)).to.equal(year.label);
      }
    }
  });

  it('takes a month and a day that every year has, and refuses the rest with the reason', () => {
    expect(schoolYearStartFrom('8', '1')).to.deep.equal({ ok: true, start: '08-01' });
    expect(schoolYearStartFrom('12', '31')).to.deep.equal({ ok: true, start: '12-31' });
    expect(schoolYearStartFrom('2', '28')).to.deep.equal({ ok: true, start: '02-28' });
    expect(schoolYearStartFrom('2', '29')).to.deep.equal({ ok: false, problem: 'notEveryYear' });
    expect(schoolYearStartFrom('4', '31')).to.deep.equal({ ok: false, problem: 'notEveryYear' });
    expect(schoolYearStartFrom('13', '1')).to.deep.equal({ ok: false, problem: 'month' });
    expect(schoolYearStartFrom(undefined, '1')).to.deep.equal({ ok: false, problem: 'month' });
    expect(schoolYearStartFrom('8', '0')).to.deep.equal({ ok: false, problem: 'day' });
    expect(schoolYearStartFrom('8', 'first')).to.deep.equal({ ok: false, problem: 'day' });
    expect(schoolYearStart.safeParse('08-01').success).to.equal(true);
    expect(schoolYearStart.safeParse('02-29').success).to.equal(false);
    expect(schoolYearStart.safeParse('8-1').success).to.equal(false);
  });
});
