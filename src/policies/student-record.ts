import { supportStaffRoles, type AppUser } from '../auth/user.js';
import { holdsAt, holdsSupportRole } from './staff-scope.js';

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
  /** The student's current school (src/schools); empty when the tool knows none: only staff of every school reach them. */
  schoolIds: string[];
}

/**
 * `teacher`: teaches the student in a subject course; sees only what the plan shares with teachers.
 * `staff`: a counsellor, social worker or support coordinator of the student's school (a staff role an
 * admin gave at that school, or at every school), who is not the student's advisor: they read the record
 * and work with its needs. Staff of another school are strangers to the student.
 */
export type Relationship = 'self' | 'advisor' | 'staff' | 'teacher' | 'mentor' | 'admin' | 'none';

/** Whether the user holds a staff role that works with students' needs (counsellor, social worker, coordinator) at any school. */
export const isSupportStaff = (user: AppUser): boolean => holdsSupportRole(user);

/** Whether the user holds such a role at this student's school (or at every school). */
export const isSupportStaffOf = (user: AppUser, scope: StudentScope): boolean => holdsAt(user, supportStaffRoles, scope.schoolIds);

/** How the user stands to the student. A user of another tenant is always 'none'. */
export function relationshipTo(user: AppUser, scope: StudentScope): Relationship {
  if (user.tenantId !== scope.tenantId) return 'none';
  if (user.role === 'student') return user.personId === scope.studentId ? 'self' : 'none';
  if (user.role === 'family') return scope.mentorIds.includes(user.personId) && user.menteeIds.includes(scope.studentId) ? 'mentor' : 'none';
  if (user.role === 'admin') return 'admin';
  if (user.role === 'advisor' && scope.advisorIds.includes(user.personId)) return 'advisor';
  // Staff roles are given to LMS users whatever their role in the course they launched from.
  if (isSupportStaffOf(user, scope)) return 'staff';
  if (user.role === 'advisor' && scope.teacherIds.includes(user.personId)) return 'teacher';
  return 'none';
}
