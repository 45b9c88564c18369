import type { AppUser } from '../auth/user.js';

/** The facts about one student that every student-record policy decides on. */
export interface StudentScope {
  tenantId: string;
  studentId: string;
  /** The student's navigator(s): an explicit assignment, else the advisory teachers. */
  navigatorIds: string[];
  /** Every adult who advises the student: navigators plus advisors of the student's contexts. */
  advisorIds: string[];
  /** Family members whose role_scope_mentor names the student. */
  mentorIds: string[];
  /** Instructors of the subject courses (not advisories) the student is in. */
  teacherIds: string[];
}

/** `teacher`: teaches the student in a subject course; sees only what the plan shares with teachers. */
export type Relationship = 'self' | 'advisor' | 'teacher' | 'mentor' | 'admin' | 'none';

/** How the user stands to the student. A user of another tenant is always 'none'. */
export function relationshipTo(user: AppUser, scope: StudentScope): Relationship {
  if (user.tenantId !== scope.tenantId) return 'none';
  if (user.role === 'student') return user.personId === scope.studentId ? 'self' : 'none';
  if (user.role === 'advisor') {
    if (scope.advisorIds.includes(user.personId)) return 'advisor';
    return scope.teacherIds.includes(user.personId) ? 'teacher' : 'none';
  }
  if (user.role === 'family') return scope.mentorIds.includes(user.personId) && user.menteeIds.includes(scope.studentId) ? 'mentor' : 'none';
  if (user.role === 'admin') return 'admin';
  return 'none';
}
