import type { AppUser } from '../auth/user.js';
import type { Policy } from './policy.js';

/** Placing the tool in a course (deep linking) is a teacher's or administrator's act, in their own tenant. */
export const contentItemPolicy: Policy<'create', { tenantId: string }> = (user: AppUser, _action, resource) =>
  user.tenantId === resource.tenantId && (user.role === 'advisor' || user.role === 'admin');
