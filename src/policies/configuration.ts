import type { Policy } from './policy.js';

export const configurationActions = ['view', 'edit', 'publish', 'export', 'import', 'openConsole', 'manageSignOn'] as const;
export type ConfigurationAction = (typeof configurationActions)[number];

/**
 * The district's configuration documents (issue 14): its admins read, edit, publish, roll back, export
 * and import them; nobody else, whatever their staff roles (a leader shapes practice through an admin).
 */
export const configurationPolicy: Policy<ConfigurationAction, { tenantId: string }> = (user, _action, { tenantId }) => user.tenantId === tenantId && user.role === 'admin';
