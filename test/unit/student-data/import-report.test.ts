import { expect } from 'chai';
import { badRowReasons, badRowText, ImportReport, skippedReasons } from '../../../src/student-data/import-report.js';
import { locales } from '../../../src/web/i18n.js';

describe('import report', () => {
  it('has words for every reason in every language', () => {
    for (const locale of locales) {
      for (const reason of badRowReasons) {
        expect(badRowText({ line: 3, reason, column: 'date' }, locale), `${reason} in ${locale}`).to.match(/3/);
        expect(badRowText({ line: 3, reason, column: 'date', file: 'results.csv' }, locale)).to.match(/^results\.csv/);
      }
    }
  });

  it('accepts a file whose only bad rows are unknown students, and refuses one with any other', () => {
    const report = new ImportReport();
    report.add({ line: 2, reason: 'unknownStudent' });
    expect(report.accepted).to.equal(true);
    expect([...skippedReasons]).to.deep.equal(['unknownStudent']);
    report.add({ line: 3, reason: 'badDate', column: 'date' });
    expect(report.accepted).to.equal(false);
    expect(report.total).to.equal(2);
    expect(report.fileErrors).to.equal(0);
    report.add({ line: 1, reason: 'missingColumn', column: 'date' });
    expect(report.fileErrors).to.equal(1);
  });
});
