import type { AppUser, ToolRole } from '../auth/user.js';
import type { Policy } from './policy.js';

export type RoleHomePage = 'caseload' | 'my-plan' | 'family' | 'admin';

const ownerOf: Record<RoleHomePage, ToolRole> = { caseload: 'advisor', 'my-plan': 'student', family: 'family', admin: 'admin' };

/** Each role home belongs to one role in its own tenant; nobody browses another role's home. */
export const roleHomePolicy: Policy<'view', { tenantId: string; page: RoleHomePage }> = (user: AppUser, _action, resource) =>
  user.tenantId === resource.tenantId && ownerOf[resource.page] === user.role;
