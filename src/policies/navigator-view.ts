import type { AppUser } from '../auth/user.js';
import type { Policy } from './policy.js';
import { isSupportStaff } from './student-record.js';

export const navigatorViewActions = ['view'] as const;
export type NavigatorViewAction = (typeof navigatorViewActions)[number];

/** The screen is one adult's own: `navigates` says whether they navigate any student (an advisory's or by assignment). */
export interface NavigatorViewResource {
  tenantId: string;
  navigates: boolean;
}

/**
 * The navigator view (/navigator): an advisor who navigates students (their advisories' or assigned
 * to them), and support staff (counsellor, social worker, coordinator), who see the same screen for
 * the students they navigate, an empty one when they navigate none. Never students or families, nor
 * anyone of another tenant; admins have the school's views, not a caseload.
 */
export const navigatorViewPolicy: Policy<NavigatorViewAction, NavigatorViewResource> = (user: AppUser, _action, { tenantId, navigates }) =>
  user.tenantId === tenantId && (isSupportStaff(user) || (user.role === 'advisor' && navigates));
