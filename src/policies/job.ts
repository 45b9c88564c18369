import type { Policy } from './policy.js';

export const jobActions = ['list', 'retry'] as const;
export type JobAction = (typeof jobActions)[number];

/** The background jobs of a school (/admin/jobs) are its administrators' to see and retry; installation-wide jobs are nobody's page. */
export const jobPolicy: Policy<JobAction, { tenantId: string }> = (user, _action, resource) => user.role === 'admin' && user.tenantId === resource.tenantId;
