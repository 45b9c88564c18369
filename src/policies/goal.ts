import type { AppUser } from '../auth/user.js';
import type { Policy } from './policy.js';
import { grantsOf, type PermissionTable } from './permission-set.js';
import { relationshipTo, type Relationship, type StudentScope } from './student-record.js';

export const goalStatuses = ['draft', 'active', 'achieved', 'revised', 'dropped'] as const;
export type GoalStatus = (typeof goalStatuses)[number];

export type GoalAction = 'list' | 'view' | 'propose' | 'create' | 'edit' | 'approve' | 'suggest' | 'setStatus' | 'addProgress' | 'editSteps';
export const goalActions: readonly GoalAction[] = ['list', 'view', 'propose', 'create', 'edit', 'approve', 'suggest', 'setStatus', 'addProgress', 'editSteps'];

export interface GoalResource {
  scope: StudentScope;
  /** Absent for list/propose/create, which are about the student's goals as a whole. */
  goal?: { status: GoalStatus };
}

/**
 * Students propose and revise their own goals and log progress; advisors approve, suggest changes
 * and close goals; family and admins read. Admins never write student content.
 */
const defaults: Record<Relationship, readonly GoalAction[]> = {
  self: ['list', 'view', 'propose', 'edit', 'addProgress', 'editSteps'],
  advisor: ['list', 'view', 'create', 'edit', 'approve', 'suggest', 'setStatus', 'addProgress', 'editSteps'],
  staff: ['list', 'view'],
  teacher: [],
  mentor: ['list', 'view'],
  admin: ['list', 'view'],
  none: [],
};

/**
 * The most a school's permission set may grant (the safety floor): a student proposes and never approves;
 * a counsellor may do what an advisor does; family and admins only read.
 */
export const goalPermissions: PermissionTable<GoalAction> = {
  defaults,
  ceiling: {
    self: ['list', 'view', 'propose', 'edit', 'addProgress', 'editSteps'],
    advisor: ['list', 'view', 'create', 'edit', 'approve', 'suggest', 'setStatus', 'addProgress', 'editSteps'],
    staff: ['list', 'view', 'create', 'edit', 'approve', 'suggest', 'setStatus', 'addProgress', 'editSteps'],
    mentor: ['list', 'view'],
    admin: ['list', 'view'],
  },
};

const closed = (s: GoalStatus) => s === 'achieved' || s === 'dropped';

export const goalPolicy: Policy<GoalAction, GoalResource> = (user: AppUser, action, { scope, goal }) => {
  const rel = relationshipTo(user, scope);
  if (!grantsOf(user, 'goal', goalPermissions, rel).includes(action)) return false;
  if (!goal) return true;
  switch (action) {
    case 'approve':
      return goal.status === 'draft' || goal.status === 'revised';
    // A closed goal is history: reopening it is the advisor's call (setStatus), not an edit.
    case 'edit':
    case 'suggest':
    case 'editSteps':
      return !closed(goal.status);
    case 'addProgress':
      return goal.status !== 'dropped';
    default:
      return true;
  }
};
