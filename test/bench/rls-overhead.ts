/**
 * `npx tsx test/bench/rls-overhead.ts` (PGlite in memory) or with DATABASE_URL (PostgreSQL): what the
 * row-level security plumbing (src/db/scoped-connections.ts) costs per query and per transaction,
 * against the unwrapped driver as the connecting superuser (no policies). Rounds interleave the
 * variants so that load from other processes hits them alike; the median round is shown.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { openDatabase, queryRows, type Db } from '../../src/db/client.js';
import { asSystem, withTenant } from '../../src/db/tenant-scope.js';

const ROUNDS = 15;
const WARMUP_ROUNDS = 5;
const OPS = 200;

const url = process.env.DATABASE_URL || undefined;
const database = await openDatabase({ databaseUrl: url, max: 5 });
await database.migrate();

const tenants = [randomUUID(), randomUUID()] as const;
const plans: string[] = [];
const addTenant = async (db: Db, tenantId: string) => {
  await db.execute(sql`insert into tenants (id, name, issuer, client_id, auth_login_url, access_token_url, jwks_url)
    values (${tenantId}, 'Bench', ${`https://${tenantId}.bench.test`}, 'c', 'https://a.test', 'https://a.test', 'https://a.test')`);
  const person = randomUUID();
  await db.execute(sql`insert into people (id, tenant_id, sub) values (${person}, ${tenantId}, 'bench')`);
  const plan = randomUUID();
  await db.execute(sql`insert into plans (id, tenant_id, student_id, school_year) values (${plan}, ${tenantId}, ${person}, '2026-27')`);
  return plan;
};

// The baseline: the driver itself as the connecting superuser, so no role switch, no settings, no policies.
let baseline: Db;
let pool: pg.Pool | undefined;
if (url) {
  pool = new pg.Pool({ connectionString: url, max: 5 });
  baseline = drizzlePg(pool) as unknown as Db;
  await asSystem('tool', async () => {
    for (const t of tenants) plans.push(await addTenant(database.db, t));
  });
} else {
  baseline = drizzlePglite(new PGlite()) as unknown as Db;
  await migratePglite(baseline as unknown as Parameters<typeof migratePglite>[0], { migrationsFolder: 'src/db/migrations' });
  await asSystem('tool', async () => {
    for (const t of tenants) plans.push(await addTenant(database.db, t));
  });
  for (const t of tenants) await addTenant(baseline, t);
}

const query = (db: Db, i: number) => queryRows(db, sql`select * from plans where id = ${plans[i % 2]}`);
const transaction = (db: Db, i: number) =>
  db.transaction(async (tx) => {
    await queryRows(tx, sql`select * from plans where id = ${plans[i % 2]}`);
    await queryRows(tx, sql`select * from people limit 1`);
  });
const variants: [string, (i: number) => Promise<unknown>][] = [
  ['query: unwrapped driver, superuser (baseline)', (i) => query(baseline, i)],
  ['query: scoped, same tenant (settings kept)', () => withTenant(tenants[0], () => query(database.db, 0))],
  ['query: scoped, tenant alternating (settings applied)', (i) => withTenant(tenants[i % 2]!, () => query(database.db, i))],
  ['transaction of 2: unwrapped driver (baseline)', (i) => transaction(baseline, i)],
  ['transaction of 2: scoped, same tenant', () => withTenant(tenants[0], () => transaction(database.db, 0))],
  ['transaction of 2: scoped, tenant alternating', (i) => withTenant(tenants[i % 2]!, () => transaction(database.db, i))],
];

const samples = variants.map(() => [] as number[]);
for (let round = 0; round < ROUNDS; round++) {
  for (const [v, [, run]] of variants.entries()) {
    const t0 = performance.now();
    for (let i = 0; i < OPS; i++) await run(i);
    if (round >= WARMUP_ROUNDS) samples[v]!.push(((performance.now() - t0) / OPS) * 1000);
  }
}
process.stdout.write(`${database.driver}\n`);
for (const [v, [label]] of variants.entries()) {
  const sorted = samples[v]!.sort((a, b) => a - b);
  process.stdout.write(`${label.padEnd(56)} ${sorted[Math.floor(sorted.length / 2)]!.toFixed(0).padStart(6)} µs\n`);
}
await pool?.end();
await database.close();
