import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import path from 'node:path';

export interface ToolProcess {
  child: ChildProcess;
  baseUrl: string;
  /** Resident memory of the tool: the process and its cluster workers, summed (MB). */
  rssMb(): number;
  /** CPU time the tool has used so far (user + system, the process and its workers), in seconds. */
  cpuSeconds(): number;
  /** Asks the tool to stop (SIGTERM, as a platform would) and waits for it to exit. */
  stop(): Promise<number | null>;
}

/** VmRSS of one process in kB, 0 when it has gone. */
function vmRssKb(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const USER_HZ = 100;

/** utime + stime of one process in ticks, 0 when it has gone. */
function cpuTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces, hence the last ')'): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

/** A process and every descendant (cluster workers), from /proc/<pid>/task/<tid>/children. */
function processTree(pid: number): number[] {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    try {
      const children = readFileSync(`/proc/${out[i]}/task/${out[i]}/children`, 'utf8').trim();
      if (children) out.push(...children.split(/\s+/).map(Number));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

export async function waitForHealthy(baseUrl: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`the tool exited with ${child.exitCode} before it listened`);
    try {
      const res = await fetch(`${baseUrl}/healthz`);
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the tool did not answer /healthz within ${timeoutMs} ms`);
}

/**
 * The tool as `npm start` runs it, in a process of its own: compiled (`dist/`) or, with `runner: 'tsx'`,
 * straight from the sources (the CI size, which skips the build). Its log goes to `logFile`.
 */
export async function startToolProcess(opts: {
  port: number;
  env: NodeJS.ProcessEnv;
  runner: 'dist' | 'tsx';
  logFile: string;
  /** The checkout to run (another version, to compare before and after a change). */
  toolDir: string;
  /** Folder for V8 CPU profiles (one file per process); unset = no profiling. */
  cpuProfDir?: string;
}): Promise<ToolProcess> {
  // The heap cap `npm start` gives the tool (package.json's config.maxOldSpaceMb, set by npm for `npm run load`).
  const heapCap = process.env.npm_package_config_maxOldSpaceMb;
  const nodeArgs = [...(heapCap ? [`--max-old-space-size=${heapCap}`] : []), ...(opts.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${opts.cpuProfDir}`] : [])];
  const entry = opts.runner === 'dist' ? [path.join(opts.toolDir, 'dist', 'src', 'server.js')] : ['--import', 'tsx', path.join(opts.toolDir, 'src', 'server.ts')];
  const log = createWriteStream(opts.logFile);
  const child = spawn(process.execPath, [...nodeArgs, ...entry], { cwd: opts.toolDir, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const baseUrl = `http://127.0.0.1:${opts.port}`;
  try {
    await waitForHealthy(baseUrl, child, 120_000);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    child,
    baseUrl,
    rssMb: () => processTree(child.pid!).reduce((sum, pid) => sum + vmRssKb(pid), 0) / 1024,
    cpuSeconds: () => processTree(child.pid!).reduce((sum, pid) => sum + cpuTicks(pid), 0) / USER_HZ,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
