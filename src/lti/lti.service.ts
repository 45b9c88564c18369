import { createPrivateKey, type KeyObject } from 'node:crypto';
import type { Db } from '../db/client.js';
import type { Clock } from '../web/clock.js';
import type { Logger } from '../web/logger.js';
import type { Tenant } from '../platforms/platforms.service.js';
import { createLtijsPlugin, type LtijsPlugin } from './ltijs-plugin.js';
import { openLtijs, type Jwk, type Ltijs } from './ltijs.js';

export interface SigningKey {
  kid: string;
  /** RS256 private key, usable with jose's SignJWT. */
  privateKey: KeyObject;
}

/** The tool's keys per platform (contract 1): ctx.lti. */
export interface LtiService {
  /** Registers the tenant in ltijs if missing (creating its RSA key pair), else refreshes its endpoints. */
  ensurePlatform(tenant: Tenant): Promise<void>;
  /** The tool's private key for that tenant's platform (registering the platform first if needed). */
  signingKey(tenantId: string): Promise<SigningKey>;
  /** Public JWKS of every platform's key, served at /lti/keys. */
  jwks(): Promise<{ keys: Jwk[] }>;
  /** ltijs's store, exposed for housekeeping and tests. */
  store: LtijsPlugin;
  /** Stops the store's cleanup timer. */
  close(): Promise<void>;
}

export interface LtiServiceDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  encryptionKey: string;
  /** Late-bound: the platforms service depends on this one to register keys. */
  findTenant: (id: string) => Promise<Tenant | undefined>;
}

export function createLtiService(deps: LtiServiceDeps): LtiService {
  const store = createLtijsPlugin({ db: deps.db, clock: deps.clock, logger: deps.logger });
  let opened: Promise<Ltijs> | undefined;
  const ltijs = () => (opened ??= openLtijs(store, deps.encryptionKey));
  const keys = new Map<string, Promise<SigningKey>>();
  // ltijs's registerPlatform is check-then-create: two concurrent calls for one platform would make two key pairs.
  const registering = new Map<string, Promise<void>>();

  const ensurePlatform = async (tenant: Tenant): Promise<void> => {
    const lockKey = `${tenant.issuer}\n${tenant.clientId}`;
    while (registering.has(lockKey)) await registering.get(lockKey)!.catch(() => undefined);
    const run = (async () => {
      await (await ltijs()).registerPlatform(tenant);
      keys.delete(tenant.id);
    })();
    registering.set(lockKey, run);
    try {
      await run;
    } finally {
      registering.delete(lockKey);
    }
  };

  const loadKey = async (tenantId: string): Promise<SigningKey> => {
    const tenant = await deps.findTenant(tenantId);
    if (!tenant) throw new Error(`unknown tenant ${tenantId}`);
    const lt = await ltijs();
    let key = await lt.platformKey(tenant.issuer, tenant.clientId);
    if (!key) {
      await ensurePlatform(tenant);
      key = await lt.platformKey(tenant.issuer, tenant.clientId);
      if (!key) throw new Error(`platform of tenant ${tenantId} has no key pair`);
    }
    return { kid: key.kid, privateKey: createPrivateKey(key.privateKeyPem) };
  };

  return {
    ensurePlatform,
    signingKey(tenantId) {
      let p = keys.get(tenantId);
      if (!p) {
        p = loadKey(tenantId);
        keys.set(tenantId, p);
        // A failed lookup is not cached: the next call tries again.
        p.catch(() => keys.delete(tenantId));
      }
      return p;
    },
    jwks: async () => (await ltijs()).keyset(),
    store,
    close: async () => {
      await store.Close();
    },
  };
}
