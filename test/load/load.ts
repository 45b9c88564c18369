/**
 * npm run load [-- --scenario launch|caseload|mixed --clients 20 --rate 0 --duration 30 --cpu-prof --ci]:
 * the tool in its own process (PGlite, or the PostgreSQL server of DATABASE_URL), the LMS simulator as
 * its platform, virtual clients for a while, then errors, latency percentiles, throughput and the tool's
 * resident memory. Exits non-zero when any request failed.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { runLoad, SCENARIOS, type LoadReport } from './run-load.js';

const { values } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'mixed' },
    clients: { type: 'string', default: '20' },
    rate: { type: 'string', default: '0' },
    duration: { type: 'string', default: '30' },
    workers: { type: 'string' },
    runner: { type: 'string', default: 'dist' },
    'tool-dir': { type: 'string' },
    'log-level': { type: 'string', default: 'info' },
    'cpu-prof': { type: 'boolean', default: false },
    'cpu-prof-dir': { type: 'string' },
    ci: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});

// --ci: a few seconds at a small size, straight from the sources (no build), as CI runs it.
const ci = values.ci ? { clients: '4', duration: '3', rate: '0', runner: 'tsx' } : {};
const options = z
  .object({
    scenario: z.enum(SCENARIOS),
    clients: z.coerce.number().int().positive(),
    rate: z.coerce.number().nonnegative(),
    duration: z.coerce.number().positive(),
    workers: z.coerce.number().int().positive().optional(),
    runner: z.enum(['dist', 'tsx']),
    'log-level': z.string(),
  })
  .parse({ ...values, ...ci });

function print(r: LoadReport): void {
  const o = r.options;
  console.log(`\nSuccess Plans load: ${o.scenario} on ${r.driver}${o.workers ? `, ${o.workers} workers` : ''}, ${o.clients} clients, target ${o.rate > 0 ? `${o.rate}/s` : 'unbounded'}, ${r.elapsedSeconds} s; Node ${process.version}, ${os.cpus().length} CPU\n`);
  console.log('| operation | count | errors | p50 ms | p95 ms | p99 ms | max ms |');
  console.log('|---|---|---|---|---|---|---|');
  for (const f of r.operations) console.log(`| ${f.operation} | ${f.count} | ${f.errors} | ${f.p50} | ${f.p95} | ${f.p99} | ${f.max} |`);
  console.log(`\nthroughput ${r.throughput}/s (${r.completed} ok, ${r.errors} errors)`);
  console.log(`resident memory of the tool: ${r.memory.restBeforeMb} MB at rest before, ${r.memory.peakMb} MB peak, ${r.memory.restAfterMb} MB at rest after`);
  console.log(`CPU of the tool during the load: ${r.cpu.seconds} s, ${r.cpu.msPerOperation} ms per operation`);
  for (const e of r.errorKinds.slice(0, 10)) console.log(`  error x${e.count}: ${e.message}`);
  if (r.profile) {
    console.log(`\nCPU profile: top self time (${r.profile.files} process(es), ${Math.round(r.profile.busyMs)} ms busy, start-up included)\n`);
    console.log('| self ms | % | function | where |');
    console.log('|---|---|---|---|');
    for (const e of r.profile.entries) console.log(`| ${Math.round(e.selfMs)} | ${e.percent.toFixed(1)} | ${e.functionName} | ${e.where} |`);
  }
}

runLoad({
  scenario: options.scenario,
  clients: options.clients,
  rate: options.rate,
  durationSeconds: options.duration,
  databaseUrl: process.env.DATABASE_URL || undefined,
  runner: options.runner,
  workers: options.workers,
  cpuProf: values['cpu-prof'] || values['cpu-prof-dir'] !== undefined,
  cpuProfDir: values['cpu-prof-dir'],
  toolDir: values['tool-dir'],
  logLevel: options['log-level'],
  progress: (m) => process.stderr.write(`  ${m}\n`),
}).then(
  (report) => {
    if (values.json) console.log(JSON.stringify(report, null, 2));
    else print(report);
    process.exit(report.errors === 0 && report.completed > 0 ? 0 : 1);
  },
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
