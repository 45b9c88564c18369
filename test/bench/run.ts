/**
 * npm run bench [-- section-name ...]: the tool on loopback (PGlite in a temporary folder, or the
 * PostgreSQL server of DATABASE_URL), then every section in test/bench/sections/, then a table.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/web/config.js';
import { openDatabase } from '../../src/db/client.js';
import { asSystem } from '../../src/db/tenant-scope.js';
import { createLogger } from '../../src/web/logger.js';
import { systemClock } from '../../src/web/clock.js';
import { createApp } from '../../src/web/app.js';
import { freePort } from '../support/net.js';
import type { BenchRow, BenchSection } from './bench.js';

const here = path.dirname(new URL(import.meta.url).pathname);

async function loadSections(only: string[]): Promise<BenchSection[]> {
  // .ts under tsx, .js when compiled (npm run bench runs the compiled bench, as npm start runs the tool).
  const files = readdirSync(path.join(here, 'sections')).filter((f) => /^[^.]+\.(ts|js)$/.test(f)).sort();
  const sections: BenchSection[] = [];
  for (const f of files) {
    const mod = (await import(path.join(here, 'sections', f))) as { section?: BenchSection };
    if (!mod.section) throw new Error(`test/bench/sections/${f} exports no \`section\``);
    if (only.length === 0 || only.includes(mod.section.name)) sections.push(mod.section);
  }
  return sections;
}

function printTable(title: string, rows: { section: string; row: BenchRow }[]): void {
  const cells = rows.map(({ section, row }) => [section, row.metric, row.value, row.note ?? '']);
  const head = ['section', 'metric', 'value', 'note'];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => `| ${c.map((v, i) => v.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(`\n${title}\n`);
  console.log(line(head));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const c of cells) console.log(line(c));
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const sections = await loadSections(only);
  const databaseUrl = process.env.DATABASE_URL || undefined;
  const tmp = databaseUrl ? undefined : mkdtempSync(path.join(os.tmpdir(), 'success-plans-bench-'));
  const port = await freePort();
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: String(port),
    BASE_URL: `http://127.0.0.1:${port}`,
    DATA_DIR: tmp ?? path.join(os.tmpdir(), 'success-plans-bench'),
    ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'warn',
    SANDBOX_LMS: 'off',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  });
  // The embedded database on disk, as `npm start` runs it; PostgreSQL as deployed when DATABASE_URL is set.
  let queries = 0;
  // BENCH_QUERY_LOG=1 prints each statement (to stderr), to see what a launch asks the database.
  const logQueries = Boolean(process.env.BENCH_QUERY_LOG);
  const onQuery = (text: string) => {
    queries++;
    if (logQueries) process.stderr.write(`    sql: ${text.replace(/\s+/g, ' ').slice(0, 240)}\n`);
  };
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: tmp, onQuery });
  await database.migrate();
  const app = await createApp({ config, database, clock: systemClock, logger: createLogger('warn') });
  const server = await new Promise<Server>((resolve) => {
    const s = app.app.listen(port, '127.0.0.1', () => resolve(s));
  });
  const progress = (m: string) => process.stderr.write(`  ${m}\n`);
  const rows: { section: string; row: BenchRow }[] = [];
  try {
    for (const s of sections) {
      progress(`section ${s.name}...`);
      // Sections build their fixtures through services, as tests do (test/support/hooks.ts); what they time over HTTP picks its own scope.
      for (const row of await asSystem('tool', () => s.run({ app, baseUrl: config.baseUrl, driver: database.driver, progress, queryCount: () => queries }))) rows.push({ section: s.name, row });
    }
  } finally {
    await app.ctx.shutdown?.();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await database.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
  printTable(`Success Plans bench: ${database.driver}, Node ${process.version}, ${os.cpus().length} CPU (${os.cpus()[0]?.model ?? 'unknown'}), ${new Date().toISOString()}`, rows);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
