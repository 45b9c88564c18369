import cluster, { type Worker } from 'node:cluster';
import type { Config } from './config.js';
import { createLogger } from './logger.js';

/** A worker that dies sooner than this after it was forked is not replaced (it would only die again). */
const MIN_LIFETIME_MS = 10_000;

/**
 * The cluster primary: forks `webConcurrency` workers that each run the app on the shared port (each
 * migrates at start, one at a time under the migration lock), replaces a worker that crashes, and on
 * SIGTERM/SIGINT stops them all and exits. It never loads the app itself.
 */
export function runPrimary(config: Config): void {
  const logger = createLogger(config.logLevel);
  let stopping = false;
  const forkedAt = new Map<Worker, number>();
  const fork = () => forkedAt.set(cluster.fork(), Date.now());
  cluster.on('exit', (worker, code, signal) => {
    const lived = Date.now() - (forkedAt.get(worker) ?? 0);
    forkedAt.delete(worker);
    if (stopping) {
      if (forkedAt.size === 0) process.exit(0);
      return;
    }
    logger.error({ pid: worker.process.pid, code, signal }, 'web worker exited');
    if (lived >= MIN_LIFETIME_MS) fork();
    else if (forkedAt.size === 0) process.exit(1);
  });
  for (let i = 0; i < config.webConcurrency; i++) fork();
  logger.info({ workers: config.webConcurrency }, 'web workers started');
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      stopping = true;
      logger.info({ signal }, 'stopping web workers');
      for (const worker of forkedAt.keys()) worker.process.kill('SIGTERM');
      if (forkedAt.size === 0) process.exit(0);
    });
  }
}
