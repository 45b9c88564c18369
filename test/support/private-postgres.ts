import { execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './net.js';

/**
 * A throwaway PostgreSQL cluster of the test's own, in a temp dir, on a free port: restarting it
 * disturbs nobody (the machine's shared server serves other people). Fails loudly when it cannot be
 * started, so a fault test never passes by not running.
 */
export interface PrivateCluster {
  url: string;
  port: number;
  /**
   * `pg_ctl restart -m <mode>`, or with `downMs` a stop in that mode, that long down, and a start (so
   * a loop surely meets the outage). Resolves when the server accepts connections again (`-w`).
   */
  restart(mode: 'smart' | 'fast' | 'immediate', downMs?: number): Promise<{ downAt: number; upAt: number }>;
  /**
   * Freezes the server (SIGSTOP to the postmaster and every backend): connections stay open but
   * nothing answers, as with a hung host or a cut network. `resume` thaws it.
   */
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
  /** The server's log, for a failing test's message. */
  log(): string;
}

const PG_ROOT = '/usr/lib/postgresql';

/** The newest installed version's bin folder that has initdb and pg_ctl. */
function binDir(): string {
  const versions = existsSync(PG_ROOT) ? readdirSync(PG_ROOT).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) {
    const dir = path.join(PG_ROOT, v, 'bin');
    if (existsSync(path.join(dir, 'initdb')) && existsSync(path.join(dir, 'pg_ctl'))) return dir;
  }
  throw new Error(`private PostgreSQL cluster: no initdb and pg_ctl under ${PG_ROOT}/*/bin (install the postgresql server package); the fault test needs a cluster it may restart`);
}

/** PostgreSQL refuses to run as root: as root, the cluster runs as the postgres (or nobody) account. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const name of ['postgres', 'nobody']) {
    try {
      const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
      return { uid, gid };
    } catch {
      // No such account: try the next.
    }
  }
  throw new Error('private PostgreSQL cluster: running as root and neither a postgres nor a nobody account exists to run the server as');
}

function run(bin: string, args: string[], user: { uid: number; gid: number } | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], ...(user ?? {}), env: { ...process.env, LC_ALL: 'C' } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`private PostgreSQL cluster: ${path.basename(bin)} ${args[0]} exited ${code}: ${out.slice(-2000)}`))));
  });
}

/** The postmaster (first line of postmaster.pid) and its children, from /proc. */
function clusterPids(data: string): number[] {
  const postmaster = Number(readFileSync(path.join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const children = readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        // Field 4 of /proc/<pid>/stat is the parent pid (after the command in parentheses).
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === postmaster;
      } catch {
        return false;
      }
    })
    .map(Number);
  return [postmaster, ...children];
}

function signalAll(data: string, signal: NodeJS.Signals): void {
  for (const pid of clusterPids(data)) {
    try {
      process.kill(pid, signal);
    } catch {
      // Gone meanwhile.
    }
  }
}

export async function startPrivateCluster(): Promise<PrivateCluster> {
  const bin = binDir();
  const user = runAs();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sp-pg-'));
  if (user) chownSync(dir, user.uid, user.gid);
  const data = path.join(dir, 'data');
  const logFile = path.join(dir, 'server.log');
  const port = await freePort();
  await run(path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync'], user);
  // The socket lives in the temp dir (the default /var/run/postgresql belongs to the shared server).
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=40`;
  const pgCtl = (...args: string[]) => run(path.join(bin, 'pg_ctl'), ['-D', data, '-l', logFile, '-w', '-t', '60', '-o', options, ...args], user);
  await pgCtl('start');
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    async restart(mode, downMs = 0) {
      const downAt = Date.now();
      if (downMs > 0) {
        await pgCtl('stop', '-m', mode);
        await new Promise((r) => setTimeout(r, downMs));
        await pgCtl('start');
      } else {
        await pgCtl('restart', '-m', mode);
      }
      return { downAt, upAt: Date.now() };
    },
    pause: () => signalAll(data, 'SIGSTOP'),
    resume: () => signalAll(data, 'SIGCONT'),
    async stop() {
      // A frozen server would not hear the stop.
      signalAll(data, 'SIGCONT');
      await pgCtl('stop', '-m', 'immediate').catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
    log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-4000) : ''),
  };
}
