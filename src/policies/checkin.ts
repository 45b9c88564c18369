import type { AppUser } from '../auth/user.js';
import type { Policy } from './policy.js';
import { relationshipTo, type Relationship, type StudentScope } from './student-record.js';

export type CheckinAction = 'list' | 'view' | 'record' | 'prep' | 'viewAdultNotes' | 'viewSensitiveNeeds' | 'resolveNeed';
export const checkinActions: readonly CheckinAction[] = ['list', 'view', 'record', 'prep', 'viewAdultNotes', 'viewSensitiveNeeds', 'resolveNeed'];

export interface CheckinResource {
  scope: StudentScope;
}

/**
 * Check-ins are between the student and their advisors. The student sees their own check-ins
 * without the adult-only note and without sensitive needs adults raised about them (the service
 * still shows a student every need they raised themselves: they wrote it). Family members do not
 * see check-ins at all (DESIGN: they read plans and goals). Admins read everything, audited.
 */
const byRelationship: Record<Relationship, readonly CheckinAction[]> = {
  self: ['list', 'view', 'prep'],
  advisor: ['list', 'view', 'record', 'viewAdultNotes', 'viewSensitiveNeeds', 'resolveNeed'],
  staff: ['list', 'view', 'viewAdultNotes', 'viewSensitiveNeeds', 'resolveNeed'],
  teacher: [],
  mentor: [],
  admin: ['list', 'view', 'viewAdultNotes', 'viewSensitiveNeeds'],
  none: [],
};

export const checkinPolicy: Policy<CheckinAction, CheckinResource> = (user: AppUser, action, { scope }) =>
  byRelationship[relationshipTo(user, scope)].includes(action);
