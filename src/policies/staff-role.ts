import type { Policy } from './policy.js';

export const staffRoleActions = ['list', 'grant'] as const;
export type StaffRoleAction = (typeof staffRoleActions)[number];

/**
 * Who is a counsellor, social worker, coordinator or leader in the tool is the school's admins' call:
 * an LMS role alone never says so. Nobody else sees the list or changes it.
 */
export const staffRolePolicy: Policy<StaffRoleAction, { tenantId: string }> = (user, _action, { tenantId }) => user.tenantId === tenantId && user.role === 'admin';
