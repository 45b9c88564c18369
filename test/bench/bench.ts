import type { App } from '../../src/web/app.js';

/** What every bench section gets: the real app listening on loopback, on the chosen database. */
export interface BenchEnv {
  app: App;
  /** The tool's origin, e.g. http://127.0.0.1:41234 */
  baseUrl: string;
  driver: 'pglite' | 'postgres';
  /** Progress lines for the person watching (stderr, so the table on stdout stays clean). */
  progress(message: string): void;
  /** How many statements the app's queries have sent so far (drizzle's, inside transactions too). */
  queryCount(): number;
}

export interface BenchRow {
  metric: string;
  value: string;
  note?: string;
}

/**
 * One file per section in test/bench/sections/ exporting `section`; run.ts finds them by name,
 * so adding a measurement is adding a file.
 */
export interface BenchSection {
  name: string;
  run(env: BenchEnv): Promise<BenchRow[]>;
}

export function percentile(sortedMs: number[], p: number): number {
  if (sortedMs.length === 0) return NaN;
  const i = Math.min(sortedMs.length - 1, Math.max(0, Math.ceil((p / 100) * sortedMs.length) - 1));
  return sortedMs[i]!;
}

export const ms = (v: number) => `${v.toFixed(1)} ms`;

/** p50/p95/mean/min/max rows for a list of durations. */
export function latencyRows(label: string, samples: number[]): BenchRow[] {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  return [
    { metric: `${label} p50`, value: ms(percentile(sorted, 50)), note: `n=${sorted.length}` },
    { metric: `${label} p95`, value: ms(percentile(sorted, 95)) },
    { metric: `${label} mean / min / max`, value: `${ms(mean)} / ${ms(sorted[0]!)} / ${ms(sorted.at(-1)!)}` },
  ];
}

export async function timed<T>(fn: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const start = process.hrtime.bigint();
  const result = await fn();
  return { result, ms: Number(process.hrtime.bigint() - start) / 1e6 };
}
