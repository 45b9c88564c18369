import type { AppUser } from '../auth/user.js';
import type { Policy } from './policy.js';
import { relationshipTo, type Relationship, type StudentScope } from './student-record.js';

export type PlanAction = 'view' | 'print' | 'viewHistory' | 'editStudentVoice' | 'editAdultVoice' | 'setStatus' | 'comment';
export const planActions: readonly PlanAction[] = ['view', 'print', 'viewHistory', 'editStudentVoice', 'editAdultVoice', 'setStatus', 'comment'];

export interface PlanResource {
  scope: StudentScope;
}

/**
 * The plan is co-written: the student writes the student voice, their advisors the adult voice.
 * Family read and comment; admins read (audited) and never write student content. The history
 * is for the people who write the plan (and admins), since it holds every past word.
 */
const byRelationship: Record<Relationship, readonly PlanAction[]> = {
  self: ['view', 'print', 'viewHistory', 'editStudentVoice', 'comment'],
  advisor: ['view', 'print', 'viewHistory', 'editAdultVoice', 'setStatus', 'comment'],
  mentor: ['view', 'print', 'comment'],
  admin: ['view', 'print', 'viewHistory'],
  none: [],
};

export const planPolicy: Policy<PlanAction, PlanResource> = (user: AppUser, action, { scope }) => byRelationship[relationshipTo(user, scope)].includes(action);

/** Which fields of the template a user may see: the audience they read as. */
export function planAudience(relationship: Relationship): 'student' | 'adult' | 'family' | null {
  switch (relationship) {
    case 'self':
      return 'student';
    case 'advisor':
    case 'admin':
      return 'adult';
    case 'mentor':
      return 'family';
    default:
      return null;
  }
}
