import type { AppUser } from '../auth/user.js';
import type { ContextKind } from '../roster/roster.service.js';
import type { Policy } from './policy.js';

export type CourseAction = 'setKind' | 'confirmKind' | 'viewStudents';
export const courseActions: readonly CourseAction[] = ['setKind', 'confirmKind', 'viewStudents'];

/** A course (LMS context) as the policy sees it: what it is and who teaches it. */
export interface CourseResource {
  tenantId: string;
  kind: ContextKind;
  instructorIds: string[];
}

/**
 * What a course is decides who gets caseloads, check-ins and a gradebook column, so: an admin of the
 * tenant may set any course's kind; an instructor of the course answers "is it an advisory?" only while
 * nobody has decided; and an instructor of a subject course sees the plans' teacher view of its students.
 */
export const coursePolicy: Policy<CourseAction, CourseResource> = (user: AppUser, action, course) => {
  if (user.tenantId !== course.tenantId) return false;
  if (action === 'setKind') return user.role === 'admin';
  const teaches = user.role === 'advisor' && course.instructorIds.includes(user.personId);
  if (action === 'confirmKind') return teaches && course.kind === 'undecided';
  return teaches && course.kind === 'subject';
};
