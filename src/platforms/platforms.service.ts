import type { Db } from '../db/client.js';
import * as repo from './platforms.repository.js';

export type { Tenant, NewTenant } from './platforms.repository.js';

const FRAME_ANCESTOR_TTL_MS = 30_000;

/** Tenants (LMS registrations) and their deployments. */
export function createPlatformsService(db: Db, extraFrameAncestors: string[] = []) {
  let ancestors: { at: number; origins: string[] } | undefined;
  const invalidate = () => {
    ancestors = undefined;
  };
  return {
    async register(t: repo.NewTenant) {
      const row = await repo.insertTenant(db, t);
      invalidate();
      return row;
    },
    find: (id: string) => repo.findTenant(db, id),
    findByIssuer: (issuer: string, clientId: string) => repo.findTenantByIssuer(db, issuer, clientId),
    list: () => repo.listTenants(db),
    async update(id: string, patch: Partial<repo.NewTenant>) {
      const row = await repo.updateTenant(db, id, patch);
      invalidate();
      return row;
    },
    listDeployments: (tenantId: string) => repo.listDeployments(db, tenantId),
    addDeployment: (tenantId: string, deploymentId: string) => repo.addDeployment(db, tenantId, deploymentId),

    /**
     * Origins allowed to frame the tool: those of registered LMSs only (never `*`).
     * Cached briefly because every response needs it.
     */
    async frameAncestors(): Promise<string[]> {
      if (ancestors && Date.now() - ancestors.at < FRAME_ANCESTOR_TTL_MS) return ancestors.origins;
      const origins = new Set<string>(extraFrameAncestors);
      for (const t of await repo.listTenants(db)) {
        if (!t.active) continue;
        for (const u of [t.issuer, t.authLoginUrl]) {
          try {
            origins.add(new URL(u).origin);
          } catch {
            // A malformed URL was refused at registration; nothing to allow here.
          }
        }
        const extra = t.settings.frameOrigins;
        if (Array.isArray(extra)) for (const o of extra) if (typeof o === 'string') origins.add(o);
      }
      ancestors = { at: Date.now(), origins: [...origins] };
      return ancestors.origins;
    },
    invalidate,
  };
}
export type PlatformsService = ReturnType<typeof createPlatformsService>;
