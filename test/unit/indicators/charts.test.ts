import { expect } from 'chai';
import { trendCharts, trendTable } from '../../../src/indicators/charts.js';
import type { WeekPoint } from '../../../src/indicators/compute.js';

const weeks: WeekPoint[] = [
  { week: '2026-03-02', attendancePercent: 100, incidentDays: 0, averageScore: 80, wellbeing: 4 },
  { week: '2026-03-09', attendancePercent: null, incidentDays: 2, averageScore: null, wellbeing: null },
  { week: '2026-03-16', attendancePercent: 60, incidentDays: 0, averageScore: 70, wellbeing: 2 },
];

describe('indicators: trend charts (server-drawn SVG model)', () => {
  it('scales each series on its own axis, breaks the line where a week has no value, and describes it in words', () => {
    const [attendance, score, incidents, wellbeing] = trendCharts(weeks, 'en');
    expect(attendance!.yTicks.map((t) => t.label)).to.deep.equal(['0', '20', '40', '60', '80', '100']);
    expect(attendance!.yTicks[0]!.y).to.be.greaterThan(attendance!.yTicks.at(-1)!.y); // 0 at the bottom
    expect(attendance!.path.match(/M/g)).to.have.length(2); // two pieces: the gap week is not bridged
    expect(attendance!.dots.map((d) => d.label)).to.deep.equal(['Mar 2: 100%', 'Mar 16: 60%']);
    expect(attendance!.summary).to.equal('Attendance (% of school days): 100% in the week of Mar 2, 60% in the week of Mar 16.');
    expect(score!.dots).to.have.length(2);
    expect(incidents!.bars.map((b) => b.label)).to.deep.equal(['Mar 9: 2 days']);
    expect(incidents!.path).to.equal('');
    expect(wellbeing!.yTicks[0]!.label).to.equal('1');
    expect(trendCharts([], 'en').every((c) => c.empty)).to.equal(true);
  });

  it('the table alternative holds the same numbers, a dash where a week has none, in the reader\'s language', () => {
    const table = trendTable(weeks, 'es');
    expect(table.headers[0]).to.equal('Semana del');
    expect(table.rows[1]).to.deep.equal({ week: '9 mar', cells: ['–', '–', '2 días', '–'] });
    expect(table.rows[2]!.cells).to.deep.equal(['60%', '70%', '0 días', '2 de 5']);
  });
});
