import type { AppUser } from '../auth/user.js';
import type { Policy } from './policy.js';

export type AuditLogAction = 'list' | 'export';
export const auditLogActions: readonly AuditLogAction[] = ['list', 'export'];

/** The audit log is for the tenant's administrators only, and only their own tenant's. */
export const auditPolicy: Policy<AuditLogAction, { tenantId: string }> = (user: AppUser, _action, resource) => user.role === 'admin' && user.tenantId === resource.tenantId;
