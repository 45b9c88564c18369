import type { AppUser } from '../auth/user.js';
import type { Policy } from './policy.js';
import { isSupportStaff, relationshipTo, type StudentScope } from './student-record.js';

export const surveyActions = ['answer', 'manageWindows', 'readResults'] as const;
export type SurveyAction = (typeof surveyActions)[number];

/** Leaders read the school's pulse results (as groups, never one student's answers). */
const isLeader = (user: AppUser): boolean =>
  user.role !== 'student' && user.role !== 'family' && (user.staffRoles ?? []).some((r) => r === 'school_leader' || r === 'district_leader');

/**
 * The school's pulse surveys. `answer`: students, for themselves (surveyAnswerPolicy checks the record is
 * their own). `manageWindows`: when a survey is open is the admins' to say. `readResults`: the
 * group results are read by support staff, leaders and admins (suppressing small groups is the reader's).
 */
export const surveyPolicy: Policy<SurveyAction, { tenantId: string }> = (user, action, { tenantId }) => {
  if (user.tenantId !== tenantId) return false;
  switch (action) {
    case 'answer':
      return user.role === 'student';
    case 'manageWindows':
      return user.role === 'admin';
    case 'readResults':
      return user.role === 'admin' || isSupportStaff(user) || isLeader(user);
  }
};

/** A student's own answers: only the student writes them (nobody answers a pulse for someone else). */
export const surveyAnswerPolicy: Policy<'answer', { scope: StudentScope }> = (user, _action, { scope }) => relationshipTo(user, scope) === 'self';
