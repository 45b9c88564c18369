import type { AppUser } from '../auth/user.js';
import type { Policy } from './policy.js';
import { grantsOf, type PermissionTable } from './permission-set.js';
import type { Audience } from '../plans/plans.schemas.js';
import { relationshipTo, type Relationship, type StudentScope } from './student-record.js';

/**
 * `edit`: write in the plan at all, in some voice (checked before a save's form is read; the voice's
 * own action then decides the fields). `viewShared`: read only the fields the template shares with
 * teachers (a subject course's list of plans).
 */
export type PlanAction = 'view' | 'print' | 'viewHistory' | 'edit' | 'editStudentVoice' | 'editAdultVoice' | 'setStatus' | 'comment' | 'viewShared';
export const planActions: readonly PlanAction[] = ['view', 'print', 'viewHistory', 'edit', 'editStudentVoice', 'editAdultVoice', 'setStatus', 'comment', 'viewShared'];

export interface PlanResource {
  scope: StudentScope;
}

/**
 * The plan is co-written: the student writes the student voice, their advisors the adult voice.
 * Family read and comment; admins read (audited) and never write student content. The history
 * is for the people who write the plan (and admins), since it holds every past word. A teacher of
 * a subject course the student is in reads only what the plan shares with teachers: not the plan
 * page, no history, no edits, no comments.
 */
const defaults: Record<Relationship, readonly PlanAction[]> = {
  self: ['view', 'print', 'viewHistory', 'edit', 'editStudentVoice', 'comment'],
  // An advisor who also teaches the student a subject sees the subject course's list like any teacher.
  advisor: ['view', 'print', 'viewHistory', 'edit', 'editAdultVoice', 'setStatus', 'comment', 'viewShared'],
  staff: ['view', 'print', 'comment'],
  teacher: ['viewShared'],
  mentor: ['view', 'print', 'comment'],
  admin: ['view', 'print', 'viewHistory'],
  none: [],
};

/**
 * The most a school's permission set may grant (the safety floor): a student writes only their own voice;
 * a counsellor may co-write the adult voice and keep the plan's status; family read and comment; an admin
 * reads and never writes student content.
 */
export const planPermissions: PermissionTable<PlanAction> = {
  defaults,
  ceiling: {
    self: ['view', 'print', 'viewHistory', 'edit', 'editStudentVoice', 'comment'],
    advisor: ['view', 'print', 'viewHistory', 'edit', 'editAdultVoice', 'setStatus', 'comment', 'viewShared'],
    staff: ['view', 'print', 'viewHistory', 'edit', 'editAdultVoice', 'setStatus', 'comment'],
    mentor: ['view', 'print', 'comment'],
    admin: ['view', 'print', 'viewHistory'],
  },
};

export const planPolicy: Policy<PlanAction, PlanResource> = (user: AppUser, action, { scope }) => grantsOf(user, 'plan', planPermissions, relationshipTo(user, scope)).includes(action);

/** Which fields of the template a user may see: the audience they read as. */
export function planAudience(relationship: Relationship): Audience | null {
  switch (relationship) {
    case 'self':
      return 'student';
    case 'advisor':
    case 'staff':
    case 'admin':
      return 'adult';
    case 'mentor':
      return 'family';
    case 'teacher':
      return 'teacher';
    default:
      return null;
  }
}
