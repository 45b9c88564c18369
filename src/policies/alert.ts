import type { Policy } from './policy.js';
import { isSupportStaff } from './student-record.js';

export const alertActions = ['list', 'view', 'acknowledge', 'resolve', 'viewSensitive'] as const;
export type AlertAction = (typeof alertActions)[number];

/** An alert of the school, with the people it was routed to (none for `list`: the page as a whole). */
export interface AlertResource {
  tenantId: string;
  recipientIds: readonly string[];
}

/**
 * Alerts reach the adults they were routed to (navigators, coordinators, counsellors, social workers,
 * a referral's owner). Support staff (counsellor, social worker, coordinator) see and work every alert
 * of the school; admins see every alert to oversee, but leave acknowledging and resolving to the adults
 * who work with the student. A sensitive category (well-being, health, substance use, legal) is
 * need-to-know: only the alert's recipients and support staff see it. Students and families never see alerts.
 */
export const alertPolicy: Policy<AlertAction, AlertResource> = (user, action, resource) => {
  if (user.tenantId !== resource.tenantId) return false;
  if (user.role === 'student' || user.role === 'family') return false;
  const recipient = resource.recipientIds.includes(user.personId);
  const staff = isSupportStaff(user);
  switch (action) {
    case 'list':
      return user.role === 'advisor' || user.role === 'admin' || staff;
    case 'view':
      return recipient || staff || user.role === 'admin';
    case 'acknowledge':
    case 'resolve':
    case 'viewSensitive':
      return recipient || staff;
  }
};
