import type { Policy } from './policy.js';

export const automationActions = ['view', 'edit', 'switch', 'dryRun'] as const;
export type AutomationPolicyAction = (typeof automationActions)[number];

/**
 * The district's automation rules (issue 14, item 5): its admins read, write, switch on and dry-run
 * them; nobody else, whatever their staff roles (a rule acts on every student of the district).
 */
export const automationPolicy: Policy<AutomationPolicyAction, { tenantId: string }> = (user, _action, { tenantId }) => user.tenantId === tenantId && user.role === 'admin';
