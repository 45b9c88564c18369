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

describe('view helpers: dates and numbers in the page\'s language', () => {
  const inSpanish = (timeZone: string) => ({ data: { root: { timeZone, locale: 'es' } } });
  const lateEvening = new Date('2026-03-10T06:00:00Z');

  it('names the month and writes the time as the language does, still in the school\'s zone', () => {
    expect(helpers.date(lateEvening, inSpanish('America/Los_Angeles'))).to.equal('9 mar 2026');
    expect(helpers.dateTime(lateEvening, inSpanish('America/Los_Angeles'))).to.equal('9 mar 2026, 11:00 p.m. PDT');
    expect(helpers.date('2026-03-09', inSpanish('Pacific/Auckland'))).to.equal('9 mar 2026');
    expect(helpers.number(12345, inSpanish('UTC'))).to.equal('12,345');
    expect(helpers.number(12345, at())).to.equal('12,345');
  });

  it('translates in the page\'s language, English when the page names none it speaks', () => {
    const page = (locale?: string) => ({ hash: {}, data: { root: locale ? { locale } : {} } });
    expect(helpers.t('nav.goals', page('es'))).to.equal('Metas');
    expect(helpers.t('nav.goals', page('xx'))).to.equal('Goals');
    expect(helpers.t('nav.goals', page())).to.equal('Goals');
    expect(helpers.tHtml('sandbox.off', page('es')).toHTML()).to.contain('<code>SANDBOX_LMS=off</code>');
  });
});
