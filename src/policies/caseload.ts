import type { AppUser } from '../auth/user.js';
import type { Policy } from './policy.js';
import { relationshipTo, type StudentScope } from './student-record.js';

export type CaseloadAction = 'view' | 'recordAll';
export const caseloadActions: readonly CaseloadAction[] = ['view', 'recordAll'];

/** The caseload is the advisor's own working list, in their own tenant. */
export const caseloadPolicy: Policy<CaseloadAction, { tenantId: string }> = (user: AppUser, _action, { tenantId }) =>
  user.tenantId === tenantId && user.role === 'advisor';

export type NavigatorAction = 'reassign' | 'setPreferredAdult';
export const navigatorActions: readonly NavigatorAction[] = ['reassign', 'setPreferredAdult'];

/**
 * Any advisor of the student (or an admin, who manages staffing) may hand the student to another
 * navigator; the student's preferred adult is noted by one of their advisors.
 */
export const navigatorPolicy: Policy<NavigatorAction, { scope: StudentScope }> = (user: AppUser, action, { scope }) => {
  const rel = relationshipTo(user, scope);
  if (action === 'reassign') return rel === 'advisor' || rel === 'admin';
  return rel === 'advisor';
};
