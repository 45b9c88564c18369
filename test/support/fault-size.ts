/**
 * How hard the fault tests push: small by default (the whole file well under a minute in CI), full
 * size with FAULT_SIZE=full (`npm run faults`): more restarts, longer outages, more kills.
 */
export interface FaultSize {
  full: boolean;
  /** Restarts in each of fast and immediate mode. */
  restartsPerMode: number;
  /** How long the server stays down during a restart. */
  downMs: number;
  /** The write loop's run between restarts. */
  betweenRestartsMs: number;
  midTransactionKills: number;
}

export function faultSize(env: NodeJS.ProcessEnv = process.env): FaultSize {
  const full = env.FAULT_SIZE === 'full';
  return full
    ? { full, restartsPerMode: 5, downMs: 1_500, betweenRestartsMs: 1_500, midTransactionKills: 10 }
    : { full, restartsPerMode: 1, downMs: 400, betweenRestartsMs: 400, midTransactionKills: 2 };
}
