import { expect } from 'chai';
import { classScores, type ScoreResult } from '../../../src/connectors/oneroster/oneroster.scores.js';

const items = [
  { sourcedId: 'quiz', status: 'active', resultValueMax: 20 },
  { sourcedId: 'test', status: 'active', resultValueMax: 100 },
  { sourcedId: 'gone', status: 'tobedeleted', resultValueMax: 10 },
  { sourcedId: 'nomax', status: 'active', resultValueMax: 0 },
];
const r = (lineItemSourcedId: string, studentSourcedId: string, x: Partial<ScoreResult> = {}): ScoreResult => ({ lineItemSourcedId, studentSourcedId, status: 'active', scoreStatus: 'fully graded', ...x });

describe('OneRoster connector: a class current score from results', () => {
  it('is the mean of score / resultValueMax as a percent, each result weighing the same', () => {
    const s = classScores(items, [r('quiz', 'a', { score: 15 }), r('test', 'a', { score: 90 })]);
    expect(s.get('a')).to.deep.equal({ currentScore: 82.5, gradedCount: 2, missingCount: 0, lateCount: 0 });
  });

  it('leaves out what is not graded, deleted results and line items, and line items without a positive maximum', () => {
    const s = classScores(items, [
      r('quiz', 'a', { score: 10 }),
      r('test', 'a', { scoreStatus: 'not submitted' }),
      r('test', 'a', { score: 0, scoreStatus: 'exempt' }),
      r('gone', 'a', { score: 0 }),
      r('nomax', 'a', { score: 3 }),
      r('test', 'a', { score: 0, status: 'tobedeleted' }),
    ]);
    expect(s.get('a')!.currentScore).to.equal(50);
    expect(s.get('a')!.gradedCount).to.equal(1);
  });

  it('counts a zero the teacher entered, and counts missing and late flags', () => {
    const s = classScores(items, [r('quiz', 'b', { score: 0, missing: true }), r('test', 'b', { score: 100, late: true })]);
    expect(s.get('b')).to.deep.equal({ currentScore: 50, gradedCount: 2, missingCount: 1, lateCount: 1 });
  });

  it('gives null, not zero, to a student with nothing graded yet', () => {
    const s = classScores(items, [r('quiz', 'c', { scoreStatus: 'not submitted', missing: true })]);
    expect(s.get('c')).to.deep.equal({ currentScore: null, gradedCount: 0, missingCount: 1, lateCount: 0 });
  });

  it('keeps extra credit above 100 and rounds to hundredths', () => {
    const s = classScores(items, [r('quiz', 'd', { score: 22 }), r('test', 'd', { score: 33.333 })]);
    expect(s.get('d')!.currentScore).to.equal(71.67);
  });
});
