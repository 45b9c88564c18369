import type { AppUser } from '../auth/user.js';
import type { Policy } from './policy.js';
import { grantsOf, type PermissionTable } from './permission-set.js';
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
const defaults: Record<Relationship, readonly CheckinAction[]> = {
  self: ['list', 'view', 'prep'],
  advisor: ['list', 'view', 'record', 'viewAdultNotes', 'viewSensitiveNeeds', 'resolveNeed'],
  staff: ['list', 'view', 'viewAdultNotes', 'viewSensitiveNeeds', 'resolveNeed'],
  teacher: [],
  mentor: [],
  admin: ['list', 'view', 'viewAdultNotes', 'viewSensitiveNeeds'],
  none: [],
};

/**
 * The most a school's permission set may grant (the safety floor): a student never reads the adult-only
 * note or sensitive needs adults raised; family never see check-ins; admins read and never record.
 */
export const checkinPermissions: PermissionTable<CheckinAction> = {
  defaults,
  ceiling: {
    self: ['list', 'view', 'prep'],
    advisor: ['list', 'view', 'record', 'viewAdultNotes', 'viewSensitiveNeeds', 'resolveNeed'],
    staff: ['list', 'view', 'record', 'viewAdultNotes', 'viewSensitiveNeeds', 'resolveNeed'],
    mentor: [],
    admin: ['list', 'view', 'viewAdultNotes', 'viewSensitiveNeeds'],
  },
};

export const checkinPolicy: Policy<CheckinAction, CheckinResource> = (user: AppUser, action, { scope }) =>
  grantsOf(user, 'checkin', checkinPermissions, relationshipTo(user, scope)).includes(action);
