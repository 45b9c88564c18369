import { randomUUID } from 'node:crypto';
import type { Db, DbOrTx } from '../db/client.js';
import type { Clock } from '../web/clock.js';
import type { Logger } from '../web/logger.js';
import * as repo from './jobs.repository.js';
import type { AppUser } from '../auth/user.js';
import { authorize, canMap } from '../policies/policy.js';
import { jobActions, jobPolicy } from '../policies/job.js';
import { jobIdParam } from './jobs.schemas.js';
import { notFound } from '../web/errors.js';
import { asSystem, outsideScope } from '../db/tenant-scope.js';

export type { JobRow } from './jobs.repository.js';

/** Does the work for one key. Throwing means "try again later" (with backoff, up to maxAttempts). */
export type JobHandler = (key: string) => Promise<void>;

/**
 * What a job of one type is about, readable by a school's admin (a course title), for its keys;
 * never personal data. Keys it does not know are shown as the job type alone.
 */
export type JobDescriber = (tenantId: string, keys: string[]) => Promise<Map<string, string>>;

/** Jobs shown per page on /admin/jobs. */
export const JOBS_PAGE_SIZE = 25;

export interface JobQueueDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  /** How often a started worker looks for due jobs. */
  pollMs: number;
  /** How long a worker may hold a job before another process may take it over (longer than any run). */
  leaseMs: number;
  /** Attempts before a job is marked failed (until it is enqueued again). */
  maxAttempts: number;
  /** First retry delay; doubled each attempt, capped at an hour. */
  retryBaseMs: number;
  /** Told of every failed attempt, by job type and error class (the error counter in /metrics). */
  onFailure?: (type: string, errorClass: string) => void;
}

const MAX_RETRY_DELAY_MS = 60 * 60_000;

/** A class for the record, never a message (messages can carry data): a ServiceError kind, else the Error's name. */
export function errorClassOf(err: unknown): string {
  const kind = (err as { kind?: unknown } | null)?.kind;
  if (typeof kind === 'string') return kind.slice(0, 60);
  return err instanceof Error ? err.name.slice(0, 60) : 'unknown';
}

/**
 * The durable job queue on PostgreSQL (see src/jobs/README.md). Every process may run a worker;
 * the jobs table coordinates them, so one key never runs in two places at once.
 */
export function createJobQueue(deps: JobQueueDeps) {
  const { db, clock, logger } = deps;
  const handlers = new Map<string, JobHandler>();
  const describers = new Map<string, JobDescriber>();
  /** One id per queue instance (a process, or a test's second "process"). */
  const worker = `${process.pid}-${randomUUID().slice(0, 8)}`;
  let timer: NodeJS.Timeout | undefined;
  let started = false;
  let stopped = false;
  let current: Promise<unknown> | undefined;
  /** When the worker's next round is set to start (epoch ms). */
  let nextRoundAt = Infinity;
  /** The earliest run time of a job this process queued that no round has covered yet (epoch ms). */
  let wakeAt: number | undefined;

  const leaseUntil = () => new Date(clock.now().getTime() + deps.leaseMs);
  const retryAt = (attempts: number) => new Date(clock.now().getTime() + Math.min(deps.retryBaseMs * 2 ** Math.max(attempts - 1, 0), MAX_RETRY_DELAY_MS));

  async function run<T>(job: repo.ClaimedJob, work: () => Promise<T>): Promise<T> {
    try {
      const out = await work();
      if (!(await asSystem('jobs', () => repo.succeed(db, job.id, worker, clock.now())))) logger.warn({ jobId: job.id, type: job.type }, 'job lease was lost before it finished');
      return out;
    } catch (err) {
      const errorClass = errorClassOf(err);
      deps.onFailure?.(job.type, errorClass);
      await asSystem('jobs', () => repo.fail(db, job.id, worker, errorClass, retryAt(job.attempts), deps.maxAttempts, clock.now()));
      logger.warn({ jobId: job.id, type: job.type, attempt: job.attempts, errorClass }, 'job failed');
      throw err;
    }
  }

  /**
   * Claims and runs due jobs one after another until none is due; returns how many ran. `types` limits
   * it to some of the registered types (a test that drives one feature's jobs on a database other
   * tests' jobs share); `tenantId` to one tenant's jobs (a test counting what ran, beside other tests' tenants).
   */
  async function runDue(types?: readonly string[], tenantId?: string): Promise<number> {
    const claimable = types ? types.filter((type) => handlers.has(type)) : [...handlers.keys()];
    let ran = 0;
    while (!stopped) {
      const job = await asSystem('jobs', () => repo.claimNext(db, claimable, worker, clock.now(), leaseUntil(), tenantId));
      if (!job) break;
      ran++;
      const handler = handlers.get(job.type)!;
      // A handler starts outside any tenant scope, whoever runs the queue: it chooses its own from the key.
      await run(job, () => outsideScope(() => handler(job.key))).catch(() => undefined);
    }
    return ran;
  }

  function poll(): void {
    if (stopped) return;
    current = runDue()
      .catch((err: unknown) => logger.error({ errorClass: errorClassOf(err) }, 'job worker round failed'))
      .finally(() => {
        current = undefined;
        if (stopped) return;
        // The next round at the poll interval, or sooner when a job queued here falls due sooner.
        const now = clock.now().getTime();
        let delay = deps.pollMs;
        if (wakeAt !== undefined) {
          delay = Math.max(0, Math.min(delay, wakeAt - now));
          if (wakeAt <= now + delay) wakeAt = undefined;
        }
        scheduleRound(delay);
      });
  }

  function scheduleRound(delayMs: number): void {
    if (timer) clearTimeout(timer);
    nextRoundAt = clock.now().getTime() + delayMs;
    timer = setTimeout(poll, delayMs);
    timer.unref();
  }

  /**
   * A job queued here falls due at `at`: a started worker runs it then rather than at its next poll
   * (a Live Event's score refresh, then its recompute, each waited up to a whole poll interval).
   * Other processes' workers still find it by polling.
   */
  function wake(at: number): void {
    if (!started || stopped) return;
    wakeAt = Math.min(wakeAt ?? Infinity, at);
    // A round under way schedules the next one from wakeAt when it ends.
    if (current === undefined && at < nextRoundAt) scheduleRound(Math.max(0, at - clock.now().getTime()));
  }

  return {
    /** One handler per job type, registered by the feature that owns the work when it is built. */
    register(type: string, handler: JobHandler, describe?: JobDescriber): void {
      if (handlers.has(type)) throw new Error(`job type ${type} is registered twice`);
      handlers.set(type, handler);
      if (describe) describers.set(type, describe);
    },

    /**
     * Run `type` for `key` after `runAfter`; merges with a pending job of the same key (earliest time
     * wins). `tenantId` names the school the work is for (its admins see the job); null for the installation's.
     */
    async enqueue(type: string, key: string, runAfter: Date, tenantId: string | null = null): Promise<void> {
      await asSystem('jobs', () => repo.enqueue(db, type, key, runAfter, clock.now(), tenantId));
      wake(runAfter.getTime());
    },

    /** `enqueue` for many keys of one type at once (one statement). */
    async enqueueAll(type: string, items: readonly { key: string; tenantId: string | null }[], runAfter: Date): Promise<void> {
      await asSystem('jobs', () => repo.enqueueAll(db, type, items, runAfter, clock.now()));
      if (items.length > 0) wake(runAfter.getTime());
    },

    /**
     * `enqueue` inside the caller's transaction: the job exists exactly when the write that caused it
     * commits (an outbox row and its send). The transaction's scope must see the row: its tenant's, or system.
     */
    async enqueueIn(tx: DbOrTx, type: string, key: string, runAfter: Date, tenantId: string | null = null): Promise<void> {
      await repo.enqueue(tx, type, key, runAfter, clock.now(), tenantId);
      wake(runAfter.getTime());
    },

    runDue,

    /**
     * Runs `work` here and now as the job (type, key), holding its lock: a pending job of that key is
     * covered by it, and a worker elsewhere cannot run the key meanwhile. Null when it is running elsewhere.
     */
    async runNow<T>(type: string, key: string, work: () => Promise<T>, tenantId: string | null = null): Promise<T | null> {
      const job = await asSystem('jobs', () => repo.claimKey(db, type, key, worker, clock.now(), leaseUntil(), tenantId));
      return job ? run(job, work) : null;
    },

    find: (type: string, key: string) => asSystem('jobs', () => repo.find(db, type, key)),

    /** /admin/jobs: a page of the admin's own school's jobs, each with what it is about (no personal data). */
    async listForAdmin(user: AppUser, page: number) {
      authorize(jobPolicy, user, 'list', { tenantId: user.tenantId });
      const { rows, total } = await repo.listForTenant(db, user.tenantId, JOBS_PAGE_SIZE, (page - 1) * JOBS_PAGE_SIZE);
      const about = new Map<string, Map<string, string>>();
      for (const type of new Set(rows.map((r) => r.type))) {
        const describe = describers.get(type);
        if (describe) about.set(type, await describe(user.tenantId, rows.filter((r) => r.type === type).map((r) => r.key)));
      }
      const can = canMap(jobPolicy, user, jobActions, { tenantId: user.tenantId });
      return {
        can,
        jobs: rows.map((r) => ({
          id: r.id,
          type: r.type,
          /** What it is about; null when its type has no describer, undefined when the describer does not know the key (the course is gone). */
          about: describers.has(r.type) ? about.get(r.type)?.get(r.key) : null,
          status: r.status,
          attempts: r.attempts,
          runAfter: r.runAfter,
          lastError: r.lastError,
          lastFinishedAt: r.lastFinishedAt,
          canRetry: can.retry && r.status === 'failed',
        })),
        page,
        pages: Math.max(1, Math.ceil(total / JOBS_PAGE_SIZE)),
        total,
      };
    },

    /**
     * An admin's "Retry" of a failed job of their school: pending again now, with a fresh count.
     * `not_failed` when it is no longer failed (retried or enqueued again meanwhile). `id` as sent: anything but a job id is a 404.
     */
    async retryForAdmin(user: AppUser, id: unknown): Promise<'retried' | 'not_failed'> {
      authorize(jobPolicy, user, 'retry', { tenantId: user.tenantId });
      const jobId = jobIdParam.safeParse(id);
      if (!jobId.success) throw notFound();
      const row = await repo.findForTenant(db, user.tenantId, jobId.data);
      if (!row) throw notFound();
      if (row.status !== 'failed') return 'not_failed';
      await repo.enqueue(db, row.type, row.key, clock.now(), clock.now(), row.tenantId);
      logger.info({ tenantId: user.tenantId, jobId: row.id, type: row.type }, 'failed job retried by an admin');
      return 'retried';
    },

    /** Jobs per type and state, over every tenant (for /metrics). */
    depth: () => asSystem('metrics', () => repo.depth(db)),

    /** Polls for due jobs every pollMs, and wakes for jobs queued here. Only the server entry starts it; tests call runDue themselves. */
    start(): void {
      if (started || stopped) return;
      started = true;
      poll();
    },

    /** No new job is claimed; resolves when the job in hand has finished. */
    async stop(): Promise<void> {
      stopped = true;
      nextRoundAt = Infinity;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await current;
    },
  };
}
export type JobQueue = ReturnType<typeof createJobQueue>;
