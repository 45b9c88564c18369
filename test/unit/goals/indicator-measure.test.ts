import { expect } from 'chai';
import { indicatorProgress, withIndicatorMeasure } from '../../../src/goals/indicator-measure.js';
import { goalForm } from '../../../src/goals/goals.schemas.js';
import { InvalidInput } from '../../../src/web/forms.js';

const base = { category: 'academic', statement: 'Come to school every day', measure: '', target: '', targetDate: '2026-06-01', why: 'To keep up' };

describe('goals: an indicator as the measure (issue 10)', () => {
  it('parses the posted choice: words (empty) or an indicator with a numeric target', () => {
    const words = goalForm.parse(base);
    expect(words).to.include({ measureIndicator: null, measureTarget: null });
    expect(goalForm.parse({ ...base, measureIndicator: 'attendance', measureTarget: ' 95 ' })).to.include({ measureIndicator: 'attendance', measureTarget: 95 });
    expect(goalForm.safeParse({ ...base, measureIndicator: 'mood' }).success).to.equal(false);
    for (const bad of ['ninety', '101', '-3', '1e2', '95.555']) expect(goalForm.safeParse({ ...base, measureIndicator: 'attendance', measureTarget: bad }).success, bad).to.equal(false);
  });

  it('needs a target in the indicator\'s range, says the measure and target in words when left empty, and drops a stray target', () => {
    expect(() => withIndicatorMeasure({ ...base, measureIndicator: 'attendance', measureTarget: null })).to.throw(InvalidInput);
    try {
      withIndicatorMeasure({ ...base, measureIndicator: 'wellbeing', measureTarget: 7 });
      expect.fail('a well-being target of 7');
    } catch (err) {
      expect((err as InvalidInput).errors).to.deep.equal({ measureTarget: 'Enter a target from 1 to 5' });
    }
    const m = withIndicatorMeasure({ ...base, measureIndicator: 'attendance', measureTarget: 95 });
    expect(m).to.include({ measureIndicator: 'attendance', measureTarget: 95, target: 'at least 95%' });
    expect(m.measure).to.contain('school days attended');
    expect(withIndicatorMeasure({ ...base, measureIndicator: 'behaviour', measureTarget: 2 }, 'es').target).to.equal('como máximo 2 %');
    // The person's own words stay.
    expect(withIndicatorMeasure({ ...base, measure: 'My own', target: 'Mine', measureIndicator: 'grades', measureTarget: 70 })).to.include({ measure: 'My own', target: 'Mine' });
    expect(withIndicatorMeasure({ ...base, measureIndicator: null, measureTarget: 40 })).to.include({ measureIndicator: null, measureTarget: null });
  });

  it('progress moves with the current value: toward "at least", toward "at most", reached, and no data', () => {
    const attendance = { measureIndicator: 'attendance', measureTarget: 95 };
    expect(indicatorProgress(attendance, { attendance: 76 })).to.deep.include({ current: '76%', reached: false, percent: 80, text: 'Now 76%, target at least 95%: 80% of the way there.' });
    expect(indicatorProgress(attendance, { attendance: 96.5 })).to.deep.include({ reached: true, percent: 100, text: 'Now 96.5%, target at least 95%: reached.' });
    const behaviour = { measureIndicator: 'behaviour', measureTarget: 2 };
    expect(indicatorProgress(behaviour, { behaviour: 8 })).to.deep.include({ reached: false, percent: 25 });
    expect(indicatorProgress(behaviour, { behaviour: 0 })).to.deep.include({ reached: true, percent: 100 });
    expect(indicatorProgress({ measureIndicator: 'wellbeing', measureTarget: 4 }, { wellbeing: 3 })).to.deep.include({ current: '3/5', percent: 75 });
    expect(indicatorProgress(attendance, { attendance: null })).to.deep.include({ current: null, reached: false, text: 'No recent data yet (target at least 95%).' });
    // Not measured by an indicator, or a reader who may not see indicators: no progress from data.
    expect(indicatorProgress({ measureIndicator: null, measureTarget: null }, { attendance: 90 })).to.equal(null);
    expect(indicatorProgress(attendance, null)).to.equal(null);
  });
});
