import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Server } from 'node:http';
import { execFileSync } from 'node:child_process';
import { loadConfig, projectRoot } from '../../src/web/config.js';
import { openDatabase } from '../../src/db/client.js';
import { asSystem } from '../../src/db/tenant-scope.js';
import { createLogger } from '../../src/web/logger.js';
import { systemClock } from '../../src/web/clock.js';
import { createApp } from '../../src/web/app.js';
import { ADVISORIES, seedSampleSchool, studentSub } from '../../src/sandbox/sample-school.js';
import { seedIfEmpty } from '../../src/sandbox/seed.js';
import { freePort } from '../support/net.js';
import { connectTool, startSimulator, type RunningSimulator } from '../support/simulator.js';
import { LtiAgent } from '../support/lti-agent.js';
import { percentile } from '../bench/bench.js';
import { startToolProcess, type ToolProcess } from './tool-process.js';
import { topSelfTime, type ProfileEntry } from './cpu-profile.js';

export const SCENARIOS = ['launch', 'caseload', 'mixed'] as const;
export type Scenario = (typeof SCENARIOS)[number];
type Operation = 'launch' | 'caseload' | 'plan';

/** What each scenario asks for, in turn. */
const CYCLES: Record<Scenario, Operation[]> = {
  launch: ['launch'],
  caseload: ['caseload'],
  // An advisor's day: a launch, then pages read inside the tool.
  mixed: ['launch', 'caseload', 'plan', 'caseload'],
};

export interface LoadOptions {
  scenario: Scenario;
  /** Virtual clients, each one request at a time. */
  clients: number;
  /** Target operations per second over all clients; 0 = as fast as the clients go. */
  rate: number;
  durationSeconds: number;
  /** PostgreSQL server; unset = PGlite in a temporary folder, as `npm start` runs it. */
  databaseUrl?: string;
  /** `dist` compiles first and runs dist/src/server.js (as `npm start`); `tsx` runs the sources (CI size). */
  runner: 'dist' | 'tsx';
  /** WEB_CONCURRENCY for the tool (worker processes on PostgreSQL); unset = the tool's default. */
  workers?: number;
  cpuProf: boolean;
  /** Run the tool from this checkout instead of this one (same schema), to compare two versions in the same conditions. */
  toolDir?: string;
  /** Keep the .cpuprofile files here (for Chrome DevTools); unset = a temporary folder, removed. */
  cpuProfDir?: string;
  logLevel: string;
  progress(message: string): void;
}

export interface OperationFigures {
  operation: Operation;
  count: number;
  errors: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface LoadReport {
  options: Omit<LoadOptions, 'progress'>;
  driver: 'pglite' | 'postgres';
  elapsedSeconds: number;
  completed: number;
  errors: number;
  /** Error messages by count (status and page, never page text). */
  errorKinds: { message: string; count: number }[];
  throughput: number;
  operations: OperationFigures[];
  memory: { restBeforeMb: number; peakMb: number; restAfterMb: number };
  /**
   * CPU the tool used during the load (user + system, all its processes), and per completed operation:
   * steadier than latency on a shared machine, as waiting for a core costs no CPU time.
   */
  cpu: { seconds: number; msPerOperation: number };
  profile?: { entries: ProfileEntry[]; busyMs: number; files: number };
}

interface VirtualUser {
  sub: string;
  courseId: string;
  /** Where a successful launch lands, and a name that page must show. */
  home: '/caseload' | '/my-plan';
  expect: string;
}

/** The sample school's advisors and students (the seats whose launches land on a page with data). */
function virtualUsers(): VirtualUser[] {
  return ADVISORIES.flatMap((a) => [
    { sub: a.advisor.sub, courseId: a.id, home: '/caseload' as const, expect: a.students.at(-1)!.givenName },
    ...a.students.map((s) => ({ sub: studentSub(s.givenName, s.familyName), courseId: a.id, home: '/my-plan' as const, expect: s.givenName })),
  ]);
}

/** The environment the tool runs with: production settings on loopback, its data in `dataDir`. */
function toolEnv(opts: LoadOptions, port: number, dataDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    PORT: String(port),
    BASE_URL: `http://127.0.0.1:${port}`,
    DATA_DIR: dataDir,
    // One key for every run: a PostgreSQL database used again keeps the tool's stored keys readable.
    ENCRYPTION_KEY: process.env.ENCRYPTION_KEY ?? 'load-test-key-not-for-production-0000000000',
    LOG_LEVEL: opts.logLevel,
  };
  if (opts.databaseUrl) env.DATABASE_URL = opts.databaseUrl;
  if (opts.workers !== undefined) env.WEB_CONCURRENCY = String(opts.workers);
  return env;
}

/**
 * Before the tool starts: its database migrated, the simulator registered with it (and it with the
 * simulator), and the sample school's term of history written, by the tool's own code listening on the
 * port the tool will use (the simulator checks the tool's keys there during the seed's roster syncs).
 */
async function prepare(env: NodeJS.ProcessEnv, sim: RunningSimulator, port: number): Promise<{ clientId: string; driver: 'pglite' | 'postgres' }> {
  const config = loadConfig(env);
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await database.migrate();
    const app = await createApp({ config, database, clock: systemClock, logger: createLogger('warn') });
    const server = await new Promise<Server>((resolve) => {
      const s = app.app.listen(port, '127.0.0.1', () => resolve(s));
    });
    try {
      seedSampleSchool(sim.sim);
      // Registering and seeding span tenants (row-level security): a tool's fixture, as system.
      return await asSystem('tool', async () => {
        const { clientId, deploymentId, tenant } = await connectTool(sim.sim, { baseUrl: config.baseUrl, platforms: app.ctx.platforms }, { name: 'Load test LMS', family: 'canvas' });
        // A fresh issuer every run: the tenant is new, so it is seeded and never wiped (no re-registration).
        await seedIfEmpty(app.ctx, sim.sim, { tenant, clientId, deploymentId }, () => Promise.reject(new Error('the load test never re-registers')));
        return { clientId, driver: database.driver };
      });
    } finally {
      await app.ctx.shutdown?.();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  } finally {
    await database.close();
  }
}

/** One full launch in a fresh browser; returns the ltik it ended with. */
async function launch(sim: RunningSimulator, clientId: string, user: VirtualUser): Promise<string> {
  const res = await new LtiAgent().launch(sim.sim.launchUrl({ clientId, userSub: user.sub, courseId: user.courseId }));
  const pathname = new URL(res.url).pathname;
  if (res.status !== 200 || pathname !== user.home) throw new Error(`launch ended with ${res.status} at ${pathname}`);
  if (!res.ltik || !res.body.includes(user.expect)) throw new Error(`launch reached ${pathname} without its page`);
  return res.ltik;
}

async function page(baseUrl: string, pathname: string, ltik: string, expect: string): Promise<void> {
  const url = new URL(pathname, baseUrl);
  url.searchParams.set('ltik', ltik);
  const res = await fetch(url, { headers: { accept: 'text/html' } });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${pathname} answered ${res.status}`);
  if (!text.includes(expect)) throw new Error(`${pathname} answered 200 without its content`);
}

const round = (v: number) => Math.round(v * 10) / 10;

/** Drives the operations: `clients` loops sharing one schedule of `rate` starts per second. */
async function drive(opts: LoadOptions, run: (op: Operation, n: number) => Promise<void>, sampleMemory: () => void) {
  const cycle = CYCLES[opts.scenario];
  const samples = new Map<Operation, number[]>();
  const errors = new Map<Operation, number>();
  const errorKinds = new Map<string, number>();
  const started = performance.now();
  const end = started + opts.durationSeconds * 1000;
  const interval = opts.rate > 0 ? 1000 / opts.rate : 0;
  let next = 0;
  const memoryTimer = setInterval(sampleMemory, 250);
  const client = async () => {
    for (;;) {
      const n = next++;
      const at = started + n * interval;
      if (at >= end || performance.now() >= end) return;
      const wait = at - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const op = cycle[n % cycle.length]!;
      const t0 = performance.now();
      try {
        await run(op, n);
        const list = samples.get(op) ?? [];
        list.push(performance.now() - t0);
        samples.set(op, list);
      } catch (err) {
        errors.set(op, (errors.get(op) ?? 0) + 1);
        const message = `${op}: ${err instanceof Error ? err.message : String(err)}`.slice(0, 200);
        errorKinds.set(message, (errorKinds.get(message) ?? 0) + 1);
      }
    }
  };
  await Promise.all(Array.from({ length: opts.clients }, client));
  clearInterval(memoryTimer);
  const elapsedSeconds = (performance.now() - started) / 1000;
  const operations: OperationFigures[] = [...new Set(cycle)].map((operation) => {
    const sorted = [...(samples.get(operation) ?? [])].sort((a, b) => a - b);
    return {
      operation,
      count: sorted.length,
      errors: errors.get(operation) ?? 0,
      p50: round(percentile(sorted, 50)),
      p95: round(percentile(sorted, 95)),
      p99: round(percentile(sorted, 99)),
      max: round(sorted.at(-1) ?? NaN),
    };
  });
  const completed = operations.reduce((s, o) => s + o.count, 0);
  return {
    elapsedSeconds: round(elapsedSeconds),
    completed,
    errors: operations.reduce((s, o) => s + o.errors, 0),
    errorKinds: [...errorKinds].map(([message, count]) => ({ message, count })).sort((a, b) => b.count - a.count),
    throughput: round(completed / elapsedSeconds),
    operations,
  };
}

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The load test: a fresh database for the tool, the LMS simulator in this process as the platform,
 * the tool in a process of its own, then `clients` virtual clients for `durationSeconds`, then the figures.
 */
export async function runLoad(opts: LoadOptions): Promise<LoadReport> {
  const toolDir = path.resolve(opts.toolDir ?? projectRoot);
  const work = mkdtempSync(path.join(os.tmpdir(), 'success-plans-load-'));
  const cpuProfDir = opts.cpuProfDir ? path.resolve(opts.cpuProfDir) : opts.cpuProf ? path.join(work, 'profiles') : undefined;
  if (opts.cpuProfDir && existsSync(opts.cpuProfDir) && readdirSync(opts.cpuProfDir).some((f) => f.endsWith('.cpuprofile'))) {
    throw new Error(`${opts.cpuProfDir} already holds profiles: give an empty or new folder`);
  }
  let tool: ToolProcess | undefined;
  let keepLog = false;
  const sim = await startSimulator('canvas');
  try {
    if (opts.runner === 'dist') {
      opts.progress('building (tsc)...');
      execFileSync(process.execPath, [path.join(toolDir, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: toolDir, stdio: 'inherit' });
    }
    const port = await freePort();
    const env = toolEnv(opts, port, path.join(work, 'data'));
    opts.progress('preparing the database and the sample school...');
    const { clientId, driver } = await prepare(env, sim, port);
    opts.progress(`starting the tool (${driver}, ${opts.runner})...`);
    tool = await startToolProcess({ port, env, runner: opts.runner, logFile: path.join(work, 'tool.log'), toolDir, cpuProfDir });
    const running = tool;
    await settle(2000);
    const restBeforeMb = running.rssMb();
    const users = virtualUsers();
    const advisor = users.find((u) => u.home === '/caseload')!;
    const student = users.find((u) => u.home === '/my-plan')!;
    // Warm-up, unmeasured: the platform's key set, JIT, and the ltiks the page views use.
    opts.progress('warming up...');
    const advisorLtik = await launch(sim, clientId, advisor);
    const studentLtik = await launch(sim, clientId, student);
    for (let i = 0; i < 5; i++) {
      await page(running.baseUrl, '/caseload', advisorLtik, advisor.expect);
      await page(running.baseUrl, '/my-plan', studentLtik, student.expect);
    }
    // The peak of the whole run, from the reading at rest on: the warm-up's garbage may be collected
    // before the load starts, leaving every later reading below the one at rest.
    let peakMb = Math.max(restBeforeMb, running.rssMb());
    const sampleMemory = () => {
      peakMb = Math.max(peakMb, running.rssMb());
    };
    const cpuBefore = running.cpuSeconds();
    opts.progress(`driving ${opts.scenario}: ${opts.clients} clients, ${opts.rate > 0 ? `${opts.rate}/s` : 'as fast as they go'}, ${opts.durationSeconds} s...`);
    const figures = await drive(
      opts,
      async (op, n) => {
        if (op === 'launch') await launch(sim, clientId, users[n % users.length]!);
        else if (op === 'caseload') await page(running.baseUrl, '/caseload', advisorLtik, advisor.expect);
        else await page(running.baseUrl, '/my-plan', studentLtik, student.expect);
      },
      sampleMemory,
    );
    sampleMemory();
    const cpuSeconds = running.cpuSeconds() - cpuBefore;
    await settle(3000);
    const restAfterMb = running.rssMb();
    const code = await running.stop();
    tool = undefined;
    if (code !== 0) {
      keepLog = true;
      throw new Error(`the tool exited with ${code} (its log: ${path.join(work, 'tool.log')})`);
    }
    const { progress: _progress, ...options } = opts;
    return {
      options,
      driver,
      ...figures,
      memory: { restBeforeMb: round(restBeforeMb), peakMb: round(peakMb), restAfterMb: round(restAfterMb) },
      cpu: { seconds: round(cpuSeconds), msPerOperation: round((1000 * cpuSeconds) / Math.max(figures.completed, 1)) },
      profile: cpuProfDir ? topSelfTime(cpuProfDir, projectRoot) : undefined,
    };
  } finally {
    await tool?.stop();
    await sim.close();
    if (keepLog) rmSync(path.join(work, 'data'), { recursive: true, force: true });
    else rmSync(work, { recursive: true, force: true });
  }
}
