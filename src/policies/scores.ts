import type { Policy } from './policy.js';

export type ScoresAction = 'view' | 'configure' | 'publish';

/** Gradebook publishing is a tenant-wide admin decision: admins of that tenant only. */
export const scoresPolicy: Policy<ScoresAction, { tenantId: string }> = (user, _action, resource) =>
  user.role === 'admin' && user.tenantId === resource.tenantId;
