import { expect } from 'chai';
import { enrollmentSchema, finalGradeSchema, sectionSchema } from '../../../src/connectors/schoology/schoology.client.js';
import { periodScores } from '../../../src/connectors/schoology/schoology.normalize.js';

const section = sectionSchema.parse({ id: '4318461', course_title: 'Algebra I', section_title: 'Period 2', active: 1, grading_periods: [13011, 13012] });
const enrollments = [
  { id: '1', uid: '100', school_uid: 'S-1', name_display: 'Ana A', admin: 0, status: '1' },
  { id: '2', uid: '200', school_uid: 'T-1', name_display: 'Teacher', admin: 1, status: '1' },
  { id: '3', uid: '300', school_uid: 'S-3', name_display: 'Old', admin: 0, status: '2' },
].map((e) => enrollmentSchema.parse(e));

describe('Schoology connector: section grades per grading period', () => {
  it('reads p<id> period columns of active students, numbers or numeric strings', () => {
    const grades = [
      { enrollment_id: 1, period: [{ period_id: 'p13011', grade: 91.33 }, { period_id: 'p13012', grade: '78.5' }, { period_id: 'final', grade: 85 }] },
    ].map((g) => finalGradeSchema.parse(g));
    expect(periodScores(section, enrollments, grades)).to.deep.equal([
      { uid: '100', schoolUid: 'S-1', label: 'Ana A', sectionId: '4318461', courseTitle: 'Algebra I: Period 2', periodId: '13011', currentScore: 91.33 },
      { uid: '100', schoolUid: 'S-1', label: 'Ana A', sectionId: '4318461', courseTitle: 'Algebra I: Period 2', periodId: '13012', currentScore: 78.5 },
    ]);
  });

  it('leaves out teachers, inactive enrollments, other columns, foreign periods and grades not given', () => {
    const grades = [
      { enrollment_id: 2, period: [{ period_id: 'p13011', grade: 100 }] },
      { enrollment_id: 3, period: [{ period_id: 'p13011', grade: 50 }] },
      { enrollment_id: 1, period: [{ period_id: 'a2979142114', grade: 9 }, { period_id: 'p99', grade: 70 }, { period_id: 'p13011', grade: null }, { period_id: 'p13012', grade: 'B+' }] },
      { enrollment_id: 404, period: [{ period_id: 'p13011', grade: 70 }] },
    ].map((g) => finalGradeSchema.parse(g));
    expect(periodScores(section, enrollments, grades)).to.deep.equal([]);
  });
});
