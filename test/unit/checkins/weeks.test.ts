import { expect } from 'chai';
import { scriptWeekOf, weekSince, weekStartOf } from '../../../src/checkins/weeks.js';

describe('check-in weeks', () => {
  it('counts weeks from the start, week 1 first', () => {
    expect(weekSince(null, '2026-03-20')).to.equal(1);
    expect(weekSince('2026-03-20', '2026-03-20')).to.equal(1);
    expect(weekSince('2026-03-20', '2026-03-26')).to.equal(1);
    expect(weekSince('2026-03-20', '2026-03-27')).to.equal(2);
    expect(weekSince('2026-03-20', '2026-04-20')).to.equal(5);
    expect(weekSince('2026-03-20', '2026-03-01'), 'a back-dated day is still week 1').to.equal(1);
  });

  it('starts the week today is in on the day weekSince counts it from', () => {
    expect(weekStartOf('2026-03-20', '2026-03-20')).to.equal('2026-03-20');
    expect(weekStartOf('2026-03-20', '2026-03-26')).to.equal('2026-03-20');
    expect(weekStartOf('2026-03-20', '2026-03-27')).to.equal('2026-03-27');
    expect(weekStartOf('2026-03-20', '2026-04-20')).to.equal('2026-04-17');
    expect(weekStartOf(null, '2026-03-20'), 'no start yet: the week begins today').to.equal('2026-03-20');
    expect(weekStartOf('2026-03-20', '2026-03-01'), 'before the start: today').to.equal('2026-03-01');
  });

  it("takes a week's script from its number, and the script's last week after that", () => {
    expect(scriptWeekOf(1, 36)).to.equal(1);
    expect(scriptWeekOf(20, 36)).to.equal(20);
    expect(scriptWeekOf(36, 36)).to.equal(36);
    expect(scriptWeekOf(37, 36)).to.equal(36);
    expect(scriptWeekOf(52, 36)).to.equal(36);
    expect(scriptWeekOf(0, 36), 'never before week 1').to.equal(1);
  });
});
