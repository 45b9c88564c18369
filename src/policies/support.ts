import type { Policy } from './policy.js';
import { isSupportStaff } from './student-record.js';

export const supportActions = ['browse', 'manage'] as const;
export type SupportAction = (typeof supportActions)[number];

/**
 * The school's catalogue of supports (its asset map). Adults who refer browse it (advisors, navigators,
 * counsellors, social workers and coordinators, admins); students and families do not: a list of sensitive services is not theirs to search, and
 * they see their own supports on their pages. Adding, editing and deactivating are the admins'.
 */
export const supportPolicy: Policy<SupportAction, { tenantId: string }> = (user, action, resource) => {
  if (user.tenantId !== resource.tenantId) return false;
  switch (action) {
    case 'browse':
      return user.role === 'advisor' || user.role === 'admin' || isSupportStaff(user);
    case 'manage':
      return user.role === 'admin';
  }
};
