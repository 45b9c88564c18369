import type { ToolRole } from '../auth/user.js';

const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/';

/** Context roles may arrive as full URIs, sub-role URIs (membership/Instructor#TeachingAssistant) or bare names. */
function contextRole(role: string): string | undefined {
  if (!role.includes('/') && !role.includes('#')) return role;
  const full = role.startsWith(`${LIS}membership#`) ? role.slice(`${LIS}membership#`.length) : undefined;
  if (full) return full;
  const sub = /^http:\/\/purl\.imsglobal\.org\/vocab\/lis\/v2\/membership\/([A-Za-z]+)#[A-Za-z]+$/.exec(role);
  return sub?.[1];
}

const adminRoles = new Set([
  `${LIS}institution/person#Administrator`,
  `${LIS}system/person#Administrator`,
  `${LIS}system/person#SysAdmin`,
  `${LIS}system/person#AccountAdmin`,
]);

export interface RoleInput {
  roles: readonly string[];
  /** role_scope_mentor: the subs a mentor may see. */
  mentees?: readonly string[];
}

/**
 * LTI roles -> the tool's one role. Strongest first: an administrator stays an administrator
 * in any course; a Mentor becomes family only when the platform says whom they mentor;
 * whatever else arrives gets least privilege (guest).
 */
export function mapRole({ roles, mentees = [] }: RoleInput): ToolRole {
  const context = new Set(roles.map(contextRole).filter((r): r is string => Boolean(r)));
  if (context.has('Administrator') || roles.some((r) => adminRoles.has(r))) return 'admin';
  if (context.has('Instructor') || context.has('TeachingAssistant')) return 'advisor';
  if (context.has('Mentor') && mentees.length > 0) return 'family';
  if (context.has('Learner')) return 'student';
  return 'guest';
}

/**
 * Roles whose home lists other people of the course (the advisor's caseload, the family's children):
 * their first launch into a course waits for its first roster sync before the home is drawn.
 */
export const homeListsRoster: ReadonlySet<ToolRole> = new Set(['advisor', 'family']);

/** Where school and district leaders land: from an account-level placement, or without a course (src/dashboards). */
export const leaderHome = '/schools';

/** Where each role lands after a launch (the URLs other teams build on). */
export const roleHome: Record<ToolRole, string> = {
  advisor: '/caseload',
  student: '/my-plan',
  family: '/family',
  admin: '/admin',
  guest: '/home',
};
