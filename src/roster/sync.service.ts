import { randomUUID } from 'node:crypto';
import type { Db, DbOrTx } from '../db/client.js';
import type { Clock } from '../web/clock.js';
import type { Logger } from '../web/logger.js';
import type { Tenant } from '../platforms/platforms.service.js';
import type { LtiServices } from '../lti/services/index.js';
import { isServiceError } from '../lti/services/index.js';
import { fetchMembership, type NrpsMember } from '../lti/services/nrps.js';
import * as roster from './roster.repository.js';
import * as repo from './sync.repository.js';
import { safeError } from '../web/logger.js';
import { asSystem, withTenant } from '../db/tenant-scope.js';
import { errorClassOf, type JobQueue } from '../jobs/jobs.service.js';

export type SyncTrigger = 'launch' | 'schedule' | 'manual';
export type FirstSyncStatus = 'ready' | 'waiting' | 'failed';
export type { SyncRun } from './sync.repository.js';

export interface RunSummary {
  status: 'succeeded' | 'failed' | 'skipped';
  /** The run record; null when skipped (another sync held the context). */
  runId: string | null;
  pages: number;
  members: number;
  /** Members listed in a shape the tool cannot read, left out of the roster (see fetchMembership). */
  skipped: number;
  added: number;
  updated: number;
  deactivated: number;
  /** A short reason without student data ("not_granted: GET answered 403"). */
  error: string | null;
  /** Time spent reading the platform's pages and writing the roster (succeeded runs). */
  fetchMs?: number;
  writeMs?: number;
}

export interface RosterSyncDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  maxAgeMinutes: number;
  intervalMinutes: number;
  services: LtiServices;
  findTenant: (tenantId: string) => Promise<Tenant | undefined>;
  /** LTI roles (+ known mentees) -> tool role (src/lti/roles.ts). */
  mapRoles: (roles: string[], mentees: string[]) => string;
  /** How long a sync may hold a context before another process may take over. */
  leaseMs?: number;
  /** The durable queue a launch's sync runs on (retried with backoff when the LMS fails; survives restarts). */
  jobs: Pick<JobQueue, 'runNow'>;
  /** After a sync wrote a course's roster (its students without a school take the course's: src/schools). */
  onSynced?: (tenantId: string, contextId: string) => Promise<unknown>;
}

/** Job type on the queue (src/jobs): one context's roster sync, key tenantId/contextId. */
export const SYNC_JOB = 'roster.sync';
const syncKey = (tenantId: string, contextId: string) => `${tenantId}/${contextId}`;

/** Failures that waiting may cure (the LMS down, slow, or a token hiccup): the queue retries those. */
const TRANSIENT = new Set(['unavailable', 'timeout', 'unauthorized']);

class RosterSyncFailed extends Error {
  override readonly name = 'RosterSyncFailed';
  constructor(readonly kind: string) {
    super(`roster sync failed: ${kind}`);
  }
}

/** A sync that cannot start, with a fixed reason (no record text): kept on the run as it is. */
class SyncRefused extends Error {}

/** After a failed attempt, launches wait this long before trying again, so a refusing platform is not hammered. */
const RETRY_FAILED_AFTER_MS = 10 * 60_000;
/** How often a first launch looks whether another process's first sync of its course has finished. */
const FIRST_SYNC_POLL_MS = 100;

const skipped = (reason: string): RunSummary => ({ status: 'skipped', runId: null, pages: 0, members: 0, skipped: 0, added: 0, updated: 0, deactivated: 0, error: reason });

const isInstitutionOrSystemRole = (r: string) => /\/vocab\/(lis\/v2\/(institution|system)|lti\/system)\//.test(r);

/** The platform may list one person twice (several enrollments): one entry each, roles merged. */
function activeMembers(members: NrpsMember[]): NrpsMember[] {
  const bySub = new Map<string, NrpsMember>();
  for (const m of members) {
    if (m.status !== 'Active') continue;
    const prev = bySub.get(m.user_id);
    bySub.set(m.user_id, prev ? { ...prev, ...m, roles: [...new Set([...prev.roles, ...m.roles])] } : m);
  }
  return [...bySub.values()];
}

/**
 * Roster sync through NRPS: whole membership (every page), people and memberships upserted,
 * leavers set inactive, every run recorded. Triggered by launches (when stale) and a scheduler.
 */
export function createRosterSyncService(deps: RosterSyncDeps) {
  const { db, clock, logger } = deps;
  const leaseMs = deps.leaseMs ?? 15 * 60_000;
  const background = new Set<Promise<unknown>>();
  /** Syncs running in this process, by context: a burst of launches joins the one running. */
  const running = new Map<string, Promise<unknown>>();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  /** Makes the stored membership equal the platform's list, all in the caller's transaction. */
  async function applyRoster(tx: DbOrTx, tenantId: string, contextId: string, listed: NrpsMember[], at: Date) {
    const personIds = await repo.upsertPeople(
      tx,
      tenantId,
      listed.map((m) => ({ sub: m.user_id, name: m.name ?? null, givenName: m.given_name ?? null, familyName: m.family_name ?? null, email: m.email ?? null, sisId: m.lis_person_sourcedid ?? null })),
    );
    const stored = new Map((await repo.contextMemberships(tx, tenantId, contextId)).map((m) => [m.personId, m]));
    const rows = listed.map((m) => {
      const personId = personIds.get(m.user_id)!;
      const before = stored.get(personId);
      // NRPS lists context roles only; institution and system roles came with a launch and still hold.
      const roles = [...new Set([...m.roles, ...(before?.roles ?? []).filter(isInstitutionOrSystemRole)])];
      // Mentees come from the launch's role_scope_mentor; keep using them so a parent stays family.
      return { personId, roles, role: deps.mapRoles(roles, before?.mentees ?? []) };
    });
    const { added, updated } = await repo.upsertMemberships(tx, tenantId, contextId, rows, stored, at);
    const listedIds = new Set(personIds.values());
    // An administrator who launched from a course they are not enrolled in is never on its roster: not a leaver.
    const gone = [...stored.values()].filter((m) => m.status === 'active' && m.role !== 'admin' && !listedIds.has(m.personId)).map((m) => m.id);
    await repo.deactivateMemberships(tx, tenantId, gone, at);
    await repo.markSynced(tx, tenantId, contextId, at);
    return { added, updated, deactivated: gone.length };
  }

  /** One context's sync sees only its tenant's rows, whoever asked (a launch, the schedule, a test). */
  function syncContext(tenantId: string, contextId: string, trigger: SyncTrigger): Promise<RunSummary> {
    return withTenant(tenantId, () => syncTenantContext(tenantId, contextId, trigger));
  }

  async function syncTenantContext(tenantId: string, contextId: string, trigger: SyncTrigger): Promise<RunSummary> {
    const context = await roster.findContext(db, tenantId, contextId);
    if (!context) return skipped('unknown context');
    const holder = randomUUID();
    if (!(await repo.acquireLease(db, tenantId, contextId, holder, leaseMs))) return skipped('another sync of this context is running');
    let runId: string;
    try {
      runId = await repo.startRun(db, { tenantId, contextId, trigger, startedAt: clock.now() });
    } catch (err) {
      await repo.releaseLease(db, tenantId, contextId, holder).catch(() => undefined);
      throw err;
    }
    let pages = 0;
    let members = 0;
    let skippedMembers = 0;
    try {
      const tenant = await deps.findTenant(tenantId);
      if (!tenant) throw new SyncRefused('tenant not found');
      if (!context.membershipsUrl) throw new SyncRefused('no_endpoint: no launch from this context carried an NRPS endpoint');
      // Fetch everything first, write after: a page failing halfway leaves the stored roster as it was.
      const t0 = performance.now();
      const fetched = await fetchMembership(deps.services.client, tenant, context.membershipsUrl, tenant.lms.nrpsPageSize);
      pages = fetched.pages;
      members = fetched.members.length + fetched.skipped;
      skippedMembers = fetched.skipped;
      const listed = activeMembers(fetched.members);
      const t1 = performance.now();
      const counts = await db.transaction(async (tx) => {
        const c = await applyRoster(tx, tenantId, contextId, listed, clock.now());
        await repo.finishRun(tx, tenantId, runId, { status: 'succeeded', finishedAt: clock.now(), pages, members, skipped: skippedMembers, ...c, error: null });
        return c;
      });
      // The roster is written: what follows from it elsewhere must not turn the run into a failure.
      await deps.onSynced?.(tenantId, contextId).catch((err: unknown) => logger.warn({ tenantId, contextId, ...safeError(err) }, 'after roster sync failed'));
      const timing = { fetchMs: Math.round(t1 - t0), writeMs: Math.round(performance.now() - t1) };
      logger.info({ tenantId, contextId, runId, trigger, pages, members, skipped: skippedMembers, ...counts, ...timing }, 'roster sync done');
      return { status: 'succeeded', runId, pages, members, skipped: skippedMembers, ...counts, error: null, ...timing };
    } catch (err) {
      // Service errors carry statuses only, our own refusals a fixed sentence; anything else (a database
      // error's message quotes the roster's names) is reduced to its class and code.
      const error = (isServiceError(err) ? err.summary : err instanceof SyncRefused ? err.message : Object.values(safeError(err)).join(' ')).slice(0, 500);
      await repo.finishRun(db, tenantId, runId, { status: 'failed', finishedAt: clock.now(), pages, members, skipped: skippedMembers, added: 0, updated: 0, deactivated: 0, error });
      logger.warn({ tenantId, contextId, runId, trigger, error }, 'roster sync failed');
      return { status: 'failed', runId, pages, members, skipped: skippedMembers, added: 0, updated: 0, deactivated: 0, error };
    } finally {
      await repo.releaseLease(db, tenantId, contextId, holder).catch(() => undefined);
    }
  }

  /** A sync as a job: a failure waiting may cure throws, so the queue runs it again later with backoff. */
  async function syncAsJob(tenantId: string, contextId: string, trigger: SyncTrigger): Promise<RunSummary> {
    const summary = await syncContext(tenantId, contextId, trigger);
    const kind = summary.error?.split(':')[0] ?? '';
    if (summary.status === 'failed' && TRANSIENT.has(kind)) throw new RosterSyncFailed(kind);
    return summary;
  }

  /** Queue handler: a launch's sync the queue runs again (after a failure, or a process that died holding it). */
  async function syncJob(key: string): Promise<void> {
    const [tenantId, contextId] = key.split('/');
    if (tenantId && contextId) await syncAsJob(tenantId, contextId, 'launch');
  }

  /**
   * Runs a sync on the queue without making the caller wait: held as the context's job here and now
   * (another process running it meanwhile makes this a no-op); the promise is kept so shutdown can wait for it.
   */
  function inBackground(tenantId: string, contextId: string, trigger: SyncTrigger): void {
    // A burst of launches from one course starts one sync here; the job's lock covers other processes.
    if (running.has(contextId)) return;
    const p = deps.jobs
      .runNow(SYNC_JOB, syncKey(tenantId, contextId), () => syncAsJob(tenantId, contextId, trigger))
      // A failure the queue retries is already recorded (run row, job row); anything else is logged by class.
      .catch((err: unknown) => {
        if (!(err instanceof RosterSyncFailed)) logger.error({ tenantId, contextId, trigger, errorClass: errorClassOf(err) }, 'roster sync crashed');
      })
      .finally(() => {
        background.delete(p);
        running.delete(contextId);
      });
    background.add(p);
    running.set(contextId, p);
  }

  /** Resolves when `p` settles or after `ms`, whichever comes first. */
  async function within(p: Promise<unknown>, ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([p, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
    clearTimeout(timer);
  }

  /** Whether a context's roster is older than the configured age (and its last attempt did not fail just now). */
  async function isStale(tenantId: string, context: roster.Context | undefined): Promise<boolean> {
    if (!context?.membershipsUrl) return false;
    const now = clock.now().getTime();
    if (context.lastRosterSyncAt && now - context.lastRosterSyncAt.getTime() < deps.maxAgeMinutes * 60_000) return false;
    const [last] = await repo.listRuns(db, tenantId, context.id, 1);
    return !(last && last.status === 'failed' && now - last.startedAt.getTime() < Math.min(RETRY_FAILED_AFTER_MS, deps.maxAgeMinutes * 60_000));
  }

  /** Whether a context's first roster arrived: `ready`, `waiting` (running or not started), or `failed` (its last attempt). */
  async function firstSyncStatus(tenantId: string, contextId: string): Promise<FirstSyncStatus> {
    const context = await roster.findContext(db, tenantId, contextId);
    if (!context?.membershipsUrl || context.lastRosterSyncAt) return 'ready';
    const [last] = await repo.listRuns(db, tenantId, contextId, 1);
    return last?.status === 'failed' ? 'failed' : 'waiting';
  }

  /** The first sync's outcome, polled for at most `waitMs` while it is still on its way (in another process, which holds its job). */
  async function untilFirstSync(tenantId: string, contextId: string, waitMs: number): Promise<FirstSyncStatus> {
    const deadline = performance.now() + waitMs;
    let status = await firstSyncStatus(tenantId, contextId);
    while (status === 'waiting' && performance.now() < deadline) {
      await new Promise((r) => setTimeout(r, Math.min(FIRST_SYNC_POLL_MS, Math.max(deadline - performance.now(), 0))));
      status = await firstSyncStatus(tenantId, contextId);
    }
    return status;
  }

  async function syncAll(trigger: SyncTrigger, only: { tenantId?: string } = {}): Promise<RunSummary[]> {
    const out: RunSummary[] = [];
    // The one cross-tenant read: which contexts to sync; each sync then runs in its own tenant.
    for (const t of await asSystem('schedule', () => repo.listSyncableContexts(db, only.tenantId))) {
      if (stopped) break;
      out.push(await syncContext(t.tenantId, t.contextId, trigger));
    }
    return out;
  }

  return {
    syncContext,
    syncAll,
    /** For the app to register on the queue (src/web/app.ts). */
    jobHandlers: { [SYNC_JOB]: syncJob } as Record<string, (key: string) => Promise<void>>,
    listRuns: (tenantId: string, contextId: string, limit?: number) => repo.listRuns(db, tenantId, contextId, limit),

    /**
     * For the launch: starts a background sync when the last one is older than the configured age.
     * Returns as soon as that is decided; errors are logged (ids only), never thrown at the launch.
     * Given the course as the launch just stored it, so it is not read again.
     */
    async syncIfStale(tenantId: string, context: roster.Context): Promise<void> {
      if (stopped) return;
      try {
        if (await isStale(tenantId, context)) inBackground(tenantId, context.id, 'launch');
      } catch (err) {
        logger.error({ tenantId, contextId: context.id, err: safeError(err) }, 'roster staleness check failed');
      }
    },

    /**
     * For a launch whose page lists the roster: like syncIfStale, but a context that never synced
     * (its first launch) is waited for, at most `waitMs`. Answers whether the roster is there to draw
     * (`ready`) or still on its way (`waiting`); never throws at the launch.
     */
    async syncForLaunch(tenantId: string, context: roster.Context, waitMs: number): Promise<FirstSyncStatus> {
      if (stopped) return 'ready';
      const contextId = context.id;
      try {
        if (await isStale(tenantId, context)) inBackground(tenantId, contextId, 'launch');
        // Later launches with a stale roster never wait: they draw what is stored while it refreshes.
        if (!context.membershipsUrl || context.lastRosterSyncAt) return 'ready';
        const started = performance.now();
        const inFlight = running.get(contextId);
        if (inFlight) await within(inFlight, waitMs);
        // Ran here: its outcome is known. Held by another process: what remains of the wait is spent polling for it.
        return await untilFirstSync(tenantId, contextId, waitMs - (performance.now() - started));
      } catch (err) {
        logger.error({ tenantId, contextId, err: safeError(err) }, 'roster staleness check failed');
        return 'ready';
      }
    },

    firstSyncStatus,

    /** Age of the oldest last successful sync over every syncable context, and how many never synced (for /metrics). */
    async lag(): Promise<{ oldestAgeSeconds: number | null; neverSynced: number }> {
      const { oldestSyncAt, neverSynced } = await repo.syncLag(db);
      return { oldestAgeSeconds: oldestSyncAt ? Math.max(0, (clock.now().getTime() - oldestSyncAt.getTime()) / 1000) : null, neverSynced };
    },

    /** Every known context, one after another, every intervalMinutes. Only the server entry starts it. */
    startScheduler(): void {
      if (timer || stopped) return;
      const tick = () => {
        const p = syncAll('schedule')
          .catch((err: unknown) => logger.error({ err: safeError(err) }, 'scheduled roster sync failed'))
          .finally(() => background.delete(p));
        background.add(p);
      };
      timer = setInterval(tick, deps.intervalMinutes * 60_000);
      timer.unref();
    },

    /** Stops the scheduler and waits for running syncs, so the database can close under nothing. */
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = undefined;
      await Promise.allSettled([...background]);
    },

    /** Resolves when every background sync started so far has finished (tests, bench). */
    async idle(): Promise<void> {
      while (background.size) await Promise.allSettled([...background]);
    },
  };
}
export type RosterSyncService = ReturnType<typeof createRosterSyncService>;
