import type { Policy } from './policy.js';

export const recordsBundleActions = ['view', 'download'] as const;
export type RecordsBundleAction = (typeof recordsBundleActions)[number];

/**
 * The district-wide export bundle (issue 14 item 7): every student's rows of every feature, to load
 * elsewhere. Least privilege: the tenant's admins only, whatever anyone's staff roles (a district
 * leader reads numbers on the district view, never every record whole).
 */
export const recordsBundlePolicy: Policy<RecordsBundleAction, { tenantId: string }> = (user, _action, { tenantId }) => user.tenantId === tenantId && user.role === 'admin';
