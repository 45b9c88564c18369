import type { AppUser } from '../auth/user.js';
import type { Policy } from './policy.js';

export type AuditAction = 'list';

/** The audit log is for the tenant's administrators only, and only their own tenant's. */
export const auditPolicy: Policy<AuditAction, { tenantId: string }> = (user: AppUser, _action, resource) => user.role === 'admin' && user.tenantId === resource.tenantId;
