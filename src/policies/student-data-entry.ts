import type { AppUser } from '../auth/user.js';
import type { Policy } from './policy.js';
import { relationshipTo, type Relationship, type StudentScope } from './student-record.js';

export const studentDataEntryActions = ['enterAttendance', 'enterIncident'] as const;
export type StudentDataEntryAction = (typeof studentDataEntryActions)[number];

/**
 * Entering a day of attendance or an incident by hand (a school without a SIS feed, or a correction
 * before the next import) is for the adults responsible for the student: their advisors and the
 * school's admins. A subject teacher, the family and the student do not write the record.
 */
const byRelationship: Record<Relationship, readonly StudentDataEntryAction[]> = {
  self: [],
  advisor: ['enterAttendance', 'enterIncident'],
  staff: [],
  teacher: [],
  mentor: [],
  admin: ['enterAttendance', 'enterIncident'],
  none: [],
};

export const studentDataEntryPolicy: Policy<StudentDataEntryAction, { scope: StudentScope }> = (user: AppUser, action, { scope }) =>
  byRelationship[relationshipTo(user, scope)].includes(action);
