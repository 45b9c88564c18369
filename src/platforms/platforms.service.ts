import type { Db, DbOrTx } from '../db/client.js';
import * as repo from './platforms.repository.js';
import { manualPlatformInput, problemsOf, type ManualPlatformInput } from './platforms.schemas.js';
import { HttpError } from '../web/errors.js';

export type { Tenant, NewTenant } from './platforms.repository.js';
export type { ManualPlatformInput } from './platforms.schemas.js';

/** The tool's key registry (ctx.lti): every registered platform gets its own key pair. */
export interface PlatformKeys {
  ensurePlatform(tenant: repo.Tenant): Promise<void>;
}

/** Registration input that fails validation; `problems` are sentences for the admin. */
export class PlatformInputError extends HttpError {
  constructor(readonly problems: string[]) {
    super(400, 'The platform details are not valid', problems.join(' '), 'invalid_platform');
  }
}

const FRAME_ANCESTOR_TTL_MS = 30_000;

/** Tenants (LMS registrations) and their deployments. */
export function createPlatformsService(db: Db, keys: PlatformKeys, extraFrameAncestors: string[] = []) {
  let ancestors: { at: number; origins: string[] } | undefined;
  const invalidate = () => {
    ancestors = undefined;
  };

  /** Idempotent on (issuer, client id): a second call updates the endpoints and adds deployments. */
  const upsertRegistration = async (input: ManualPlatformInput, registeredBy: 'manual' | 'dynamic'): Promise<repo.Tenant> => {
    const parsed = manualPlatformInput.safeParse(input);
    if (!parsed.success) throw new PlatformInputError(problemsOf(parsed.error));
    const p = parsed.data;
    const endpoints = { name: p.name, authLoginUrl: p.authLoginUrl, accessTokenUrl: p.accessTokenUrl, jwksUrl: p.jwksUrl, active: true };
    // Fields the caller left out keep their stored value on an update.
    const given = {
      ...(p.family !== undefined && { family: p.family }),
      ...(p.authorizationServer !== undefined && { authorizationServer: p.authorizationServer }),
      ...(p.acceptNewDeployments !== undefined && { acceptNewDeployments: p.acceptNewDeployments }),
      ...(p.grantedScopes !== undefined && { grantedScopes: p.grantedScopes }),
    };
    const tenant = await db.transaction(async (tx) => {
      const row = await repo.upsertTenant(
        tx,
        // A dynamically registered platform (Canvas) names no deployment: its first launch records one.
        { issuer: p.issuer, clientId: p.clientId, registeredBy, acceptNewDeployments: registeredBy === 'dynamic', ...endpoints, ...given },
        { ...endpoints, ...given },
      );
      for (const d of p.deploymentIds) await repo.addDeployment(tx, row.id, d);
      return row;
    });
    invalidate();
    // After the commit: ltijs writes through its own plugin; signingKey() registers lazily if this fails.
    await keys.ensurePlatform(tenant);
    return tenant;
  };

  return {
    /** Contract 2: a platform registered by hand (CLI, admin form, sandbox, tests). */
    addManual: (input: ManualPlatformInput) => upsertRegistration(input, 'manual'),
    /** A platform that registered the tool through LTI Dynamic Registration. */
    addDynamic: (input: ManualPlatformInput) => upsertRegistration(input, 'dynamic'),
    async setAcceptNewDeployments(id: string, accept: boolean) {
      return repo.updateTenant(db, id, { acceptNewDeployments: accept });
    },
    async register(t: repo.NewTenant) {
      const row = await repo.insertTenant(db, t);
      invalidate();
      return row;
    },
    find: (id: string) => repo.findTenant(db, id),
    findByIssuer: (issuer: string, clientId: string) => repo.findTenantByIssuer(db, issuer, clientId),
    list: () => repo.listTenants(db),
    /** Active registrations of one issuer (a login without client_id picks the only one). */
    activeForIssuer: (issuer: string) => repo.findActiveByIssuer(db, issuer),
    async update(id: string, patch: Partial<repo.NewTenant>, tx: DbOrTx = db) {
      const row = await repo.updateTenant(tx, id, patch);
      invalidate();
      return row;
    },
    /** Forgets a registration and all of its data (rosters, plans, audit): the sandbox's reset. */
    async remove(id: string) {
      await repo.deleteTenant(db, id);
      invalidate();
    },
    listDeployments: (tenantId: string) => repo.listDeployments(db, tenantId),
    // `tx` lets a launch record its deployment in the same transaction as its roster writes.
    addDeployment: (tenantId: string, deploymentId: string, tx: DbOrTx = db) => repo.addDeployment(tx, tenantId, deploymentId),

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
