import type { AppUser } from '../auth/user.js';
import type { Policy } from './policy.js';
import { grantsOf, type PermissionTable } from './permission-set.js';
import { isSupportStaff, isSupportStaffOf, relationshipTo, type Relationship, type StudentScope } from './student-record.js';

export const referralActions = ['list', 'view', 'viewSensitive', 'create', 'respond', 'serve', 'close', 'recordConsent', 'revokeConsent'] as const;
export type ReferralAction = (typeof referralActions)[number];

/** The facts about one referral the need-to-know rule decides on. */
export interface ReferralFacts {
  sensitive: boolean;
  referredBy: string;
  ownerId: string;
}

export interface ReferralResource {
  scope: StudentScope;
  referral?: ReferralFacts;
}

/**
 * Referrals of a student to supports. Adults who advise the student refer and record consent; support
 * staff (counsellor, social worker, coordinator) and the referral's owner take it through its steps.
 * Need-to-know (issue 11): a sensitive referral's category, support and details are seen only by the
 * student themselves, the adult who referred, its owner and support staff; everyone else who may list
 * the student's supports (another advisor, an admin, family) sees "a support was arranged" and its state.
 */
const defaults: Record<Relationship, readonly ReferralAction[]> = {
  self: ['list', 'view', 'viewSensitive'],
  advisor: ['list', 'view', 'create', 'recordConsent', 'revokeConsent'],
  staff: ['list', 'view', 'viewSensitive', 'create', 'respond', 'serve', 'close', 'recordConsent', 'revokeConsent'],
  teacher: [],
  mentor: ['list', 'view'],
  admin: ['list', 'view'],
  none: [],
};
/**
 * The most a school's permission set may grant (the safety floor): what each relationship has by default.
 * A school may narrow who refers or records consent (only its counsellors, say), never widen who sees a
 * sensitive referral or works one through its steps.
 */
export const referralPermissions: PermissionTable<ReferralAction> = {
  defaults,
  ceiling: { self: defaults.self, advisor: defaults.advisor, staff: defaults.staff, mentor: defaults.mentor, admin: defaults.admin },
};

/** What the referral's own people may do on it, whatever else they are to the student. */
const referrerMay: readonly ReferralAction[] = ['viewSensitive'];
const ownerMay: readonly ReferralAction[] = ['viewSensitive', 'respond', 'serve', 'close'];

export const referralPolicy: Policy<ReferralAction, ReferralResource> = (user: AppUser, action, { scope, referral }) => {
  const rel = relationshipTo(user, scope);
  if (rel === 'none') return false;
  if (grantsOf(user, 'referral', referralPermissions, rel).includes(action)) return true;
  // An advisor of the student who also holds a staff role works their referrals as staff.
  if (rel === 'advisor' && isSupportStaffOf(user, scope) && grantsOf(user, 'referral', referralPermissions, 'staff').includes(action)) return true;
  if (!referral || (rel !== 'advisor' && rel !== 'staff' && rel !== 'admin')) return false;
  if (referral.ownerId === user.personId && ownerMay.includes(action)) return true;
  return referral.referredBy === user.personId && referrerMay.includes(action);
};

export const referralQueueActions = ['view'] as const;
export type ReferralQueueAction = (typeof referralQueueActions)[number];

/** The school's referral queue (/referrals): support staff work it, admins watch it (sensitive ones as "a support was arranged"). */
export const referralQueuePolicy: Policy<ReferralQueueAction, { tenantId: string }> = (user, _action, { tenantId }) =>
  user.tenantId === tenantId && (user.role === 'admin' || isSupportStaff(user));
