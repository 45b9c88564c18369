import type { Policy } from './policy.js';
import { supportStaffRoles } from '../auth/user.js';
import { holdsAt, holdsSupportRole } from './staff-scope.js';

export const alertActions = ['list', 'view', 'acknowledge', 'resolve', 'viewSensitive'] as const;
export type AlertAction = (typeof alertActions)[number];

/** An alert of the school, with the people it was routed to (none for `list`: the page as a whole). */
export interface AlertResource {
  tenantId: string;
  recipientIds: readonly string[];
  /** The alert's student's current school (empty: none known); absent for the page as a whole. */
  schoolIds?: readonly string[];
}

/**
 * Alerts reach the adults they were routed to (navigators, coordinators, counsellors, social workers,
 * a referral's owner). Support staff (counsellor, social worker, coordinator) see and work every alert
 * of their school's students (of every student when their role holds at every school); admins see every alert to oversee, but leave acknowledging and resolving to the adults
 * who work with the student. A sensitive category (well-being, health, substance use, legal) is
 * need-to-know: only the alert's recipients and support staff see it. Students and families never see alerts.
 */
export const alertPolicy: Policy<AlertAction, AlertResource> = (user, action, resource) => {
  if (user.tenantId !== resource.tenantId) return false;
  if (user.role === 'student' || user.role === 'family') return false;
  const recipient = resource.recipientIds.includes(user.personId);
  // On the page as a whole: staff of any school list alerts; on one alert: staff of its student's school.
  const staff = resource.schoolIds === undefined ? holdsSupportRole(user) : holdsAt(user, supportStaffRoles, resource.schoolIds);
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
