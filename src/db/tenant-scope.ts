import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Which tenant's rows the database lets the current async flow see (row-level security, migration
 * 0008). The code scopes every query by tenant itself; this is the net beneath it: a query that forgets
 * its tenant filter still sees only the scope's tenant. Outside any scope nothing of any tenant is
 * visible (fail closed).
 */
export type DbScope = { kind: 'tenant'; tenantId: string } | { kind: 'system'; reason: SystemReason };

/**
 * The few legitimate reasons to see every tenant's rows, named so that each use is findable:
 * - launch: the LTI login and launch find the platform (tenant) by issuer before any tenant is known;
 * - install: the tool's public key set and dynamic registration (which creates a tenant);
 * - platform-admin: the platforms page lists and registers every LMS platform;
 * - schedule: background rounds that list work across tenants (roster sync, score publishing);
 * - jobs: the job queue's own bookkeeping (enqueue, claim, finish), whose rows name their tenant or
 *   none (installation-wide work); each handler then runs outside any scope and chooses its own;
 * - metrics: /metrics counts queue depth and sync lag over every tenant (numbers only);
 * - sandbox: seeding and resetting the sample school (development only);
 * - tool: command-line tools (adding a platform), and the fixtures of tests and the bench.
 */
export type SystemReason = 'launch' | 'install' | 'platform-admin' | 'schedule' | 'jobs' | 'metrics' | 'sandbox' | 'tool';

const storage = new AsyncLocalStorage<DbScope>();

/** Runs fn (and everything it starts) seeing only this tenant's rows. */
export function withTenant<T>(tenantId: string, fn: () => T): T {
  return storage.run({ kind: 'tenant', tenantId }, fn);
}

/** Runs fn seeing every tenant's rows; only for the reasons SystemReason lists. */
export function asSystem<T>(reason: SystemReason, fn: () => T): T {
  return storage.run({ kind: 'system', reason }, fn);
}

/** Runs fn outside any scope: where work must choose its own (each request, each queued job). */
export function outsideScope<T>(fn: () => T): T {
  return storage.exit(fn);
}

export function currentScope(): DbScope | undefined {
  return storage.getStore();
}

/**
 * For test fixtures only: the rest of the current async flow runs as system. Tests build data
 * through services directly; requests and jobs still choose their own scope (outsideScope).
 */
export function enterSystemScopeForTests(): void {
  storage.enterWith({ kind: 'system', reason: 'tool' });
}

/**
 * The role the app's queries run as: neither superuser (who bypasses every policy) nor owner (who
 * bypasses them unless forced); see src/db/scoped-connections.ts.
 */
export const APP_ROLE = 'success_plans_app';

/** The values the policies read: app.tenant_id ('' = none) and app.system ('on' | 'off'). */
export function scopeSettings(scope: DbScope | undefined = currentScope()): { tenantId: string; system: 'on' | 'off' } {
  if (scope?.kind === 'tenant') return { tenantId: scope.tenantId, system: 'off' };
  if (scope?.kind === 'system') return { tenantId: '', system: 'on' };
  return { tenantId: '', system: 'off' };
}
