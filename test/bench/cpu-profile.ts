import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Session } from 'node:inspector/promises';
import { topSelfTime } from '../load/cpu-profile.js';
import { projectRoot } from '../../src/web/config.js';
import type { BenchRow } from './bench.js';

/**
 * Runs `work` under V8's sampling profiler (this process: the tool, the LMS simulator and the client,
 * which share it in the bench), writes `<dir>/<name>/profile.cpuprofile` (for Chrome DevTools) and returns
 * its top self-time entries as rows, summed as test/load's profiles are.
 */
export async function profiled(dir: string, name: string, work: () => Promise<void>, top = 15): Promise<BenchRow[]> {
  const file = path.join(dir, name, 'profile.cpuprofile');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    await work();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    mkdirSync(path.join(dir, name), { recursive: true });
    writeFileSync(file, JSON.stringify(profile));
  }
  const { entries, busyMs } = topSelfTime(path.join(dir, name), projectRoot, top);
  return [
    { metric: `cpu profile (${name}): busy`, value: `${busyMs.toFixed(0)} ms`, note: file },
    ...entries.map((e) => ({ metric: `cpu self: ${e.functionName}${e.where ? ` (${e.where})` : ''}`, value: `${e.selfMs.toFixed(0)} ms`, note: `${e.percent.toFixed(1)}%` })),
  ];
}
