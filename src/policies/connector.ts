import type { Policy } from './policy.js';

export const connectorActions = ['view', 'configure', 'run', 'review'] as const;
export type ConnectorAction = (typeof connectorActions)[number];

/**
 * A school's data sources (tokens, runs, the identity review queue) are its administrators' alone:
 * tokens open every student's grades, and the review queue shows outside names.
 */
export const connectorPolicy: Policy<ConnectorAction, { tenantId: string }> = (user, _action, resource) => user.role === 'admin' && user.tenantId === resource.tenantId;
