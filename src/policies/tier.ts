import type { AppUser } from '../auth/user.js';
import type { Policy } from './policy.js';
import { relationshipTo, type Relationship, type StudentScope } from './student-record.js';

/**
 * A student's support tier (1 universal, 2 targeted, 3 intensive): the rules suggest one, an adult
 * who advises the student confirms it or overrides it with a reason (audited), and every decision is
 * kept (`viewHistory`). Admins read the tier and its history but do not decide it (they do not know
 * the student). Students and families never see a tier: it is the adults' working word.
 */
export type TierAction = 'view' | 'decide' | 'viewHistory';
export const tierActions: readonly TierAction[] = ['view', 'decide', 'viewHistory'];

export interface TierResource {
  scope: StudentScope;
}

const byRelationship: Record<Relationship, readonly TierAction[]> = {
  self: [],
  advisor: ['view', 'decide', 'viewHistory'],
  staff: ['view', 'viewHistory'],
  teacher: [],
  mentor: [],
  admin: ['view', 'viewHistory'],
  none: [],
};

export const tierPolicy: Policy<TierAction, TierResource> = (user: AppUser, action, { scope }) => byRelationship[relationshipTo(user, scope)].includes(action);
