import type { AppUser } from '../auth/user.js';
import type { Policy } from './policy.js';
import { relationshipTo, type StudentScope } from './student-record.js';

export type RecordViewsAction = 'view';
export const recordViewsActions: readonly RecordViewsAction[] = ['view'];

/**
 * "Who viewed my record" is the student's, about their own record, and their family's, about each
 * student they follow. Staff read the whole audit log instead (admins) or nothing of it.
 */
export const recordViewsPolicy: Policy<RecordViewsAction, { scope: StudentScope }> = (user: AppUser, _action, { scope }) => {
  const rel = relationshipTo(user, scope);
  return rel === 'self' || rel === 'mentor';
};
