import { randomUUID } from 'node:crypto';
import type { Db } from '../db/client.js';
import type { Clock } from '../web/clock.js';
import type { Logger } from '../web/logger.js';
import * as repo from './jobs.repository.js';
import { outsideScope } from '../db/tenant-scope.js';

export type { JobRow } from './jobs.repository.js';

/** Does the work for one key. Throwing means "try again later" (with backoff, up to maxAttempts). */
export type JobHandler = (key: string) => Promise<void>;

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
  /** One id per queue instance (a process, or a test's second "process"). */
  const worker = `${process.pid}-${randomUUID().slice(0, 8)}`;
  let timer: NodeJS.Timeout | undefined;
  let started = false;
  let stopped = false;
  let current: Promise<unknown> | undefined;

  const leaseUntil = () => new Date(clock.now().getTime() + deps.leaseMs);
  const retryAt = (attempts: number) => new Date(clock.now().getTime() + Math.min(deps.retryBaseMs * 2 ** Math.max(attempts - 1, 0), MAX_RETRY_DELAY_MS));

  async function run<T>(job: repo.ClaimedJob, work: () => Promise<T>): Promise<T> {
    try {
      const out = await work();
      if (!(await repo.succeed(db, job.id, worker, clock.now()))) logger.warn({ jobId: job.id, type: job.type }, 'job lease was lost before it finished');
      return out;
    } catch (err) {
      const errorClass = errorClassOf(err);
      await repo.fail(db, job.id, worker, errorClass, retryAt(job.attempts), deps.maxAttempts, clock.now());
      logger.warn({ jobId: job.id, type: job.type, attempt: job.attempts, errorClass }, 'job failed');
      throw err;
    }
  }

  /** Claims and runs due jobs one after another until none is due; returns how many ran. */
  async function runDue(): Promise<number> {
    let ran = 0;
    while (!stopped) {
      const job = await repo.claimNext(db, [...handlers.keys()], worker, clock.now(), leaseUntil());
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
        if (!stopped) {
          timer = setTimeout(poll, deps.pollMs);
          timer.unref();
        }
      });
  }

  return {
    /** One handler per job type, registered by the feature that owns the work when it is built. */
    register(type: string, handler: JobHandler): void {
      if (handlers.has(type)) throw new Error(`job type ${type} is registered twice`);
      handlers.set(type, handler);
    },

    /** Run `type` for `key` after `runAfter`; merges with a pending job of the same key (earliest time wins). */
    enqueue: (type: string, key: string, runAfter: Date) => repo.enqueue(db, type, key, runAfter, clock.now()),

    runDue,

    /**
     * Runs `work` here and now as the job (type, key), holding its lock: a pending job of that key is
     * covered by it, and a worker elsewhere cannot run the key meanwhile. Null when it is running elsewhere.
     */
    async runNow<T>(type: string, key: string, work: () => Promise<T>): Promise<T | null> {
      const job = await repo.claimKey(db, type, key, worker, clock.now(), leaseUntil());
      return job ? run(job, work) : null;
    },

    find: (type: string, key: string) => repo.find(db, type, key),

    /** Polls for due jobs every pollMs. Only the server entry starts it; tests call runDue themselves. */
    start(): void {
      if (started || stopped) return;
      started = true;
      poll();
    },

    /** No new job is claimed; resolves when the job in hand has finished. */
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await current;
    },
  };
}
export type JobQueue = ReturnType<typeof createJobQueue>;
