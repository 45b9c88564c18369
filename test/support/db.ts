import pg from 'pg';
import { openDatabase, type Database } from '../../src/db/client.js';

let shared: Promise<Database> | undefined;

/**
 * In mocha's parallel mode each worker process runs files one after another with a database of its
 * own (DATABASE_URL's database with a `_w<N>` suffix, created when missing), kept for all its files.
 */
const worker = process.env.MOCHA_WORKER_ID;

async function workerDatabaseUrl(url: string): Promise<string> {
  if (worker === undefined) return url;
  const target = new URL(url);
  const name = `${target.pathname.slice(1)}_w${worker}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    const found = await admin.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount === 0) await admin.query(`create database "${name.replace(/"/g, '""')}"`);
  } finally {
    await admin.end();
  }
  target.pathname = `/${name}`;
  return target.toString();
}

/** The PostgreSQL database this process's tests use (its worker's in parallel mode); undefined on PGlite. */
export async function testDatabaseUrl(): Promise<string | undefined> {
  return process.env.DATABASE_URL ? workerDatabaseUrl(process.env.DATABASE_URL) : undefined;
}

/**
 * One database per test run (per worker in parallel mode), starting from an empty schema: a real
 * PostgreSQL server when DATABASE_URL is set, an in-memory PGlite otherwise. Tests isolate themselves by tenant.
 */
export function testDatabase(): Promise<Database> {
  shared ??= (async () => {
    const url = await testDatabaseUrl();
    if (url) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query('drop schema if exists public cascade; drop schema if exists drizzle cascade; create schema public;');
      await client.end();
    }
    const database = await openDatabase({ databaseUrl: url, max: 5 });
    await database.migrate();
    return database;
  })();
  return shared;
}

/** After the run; in parallel mode root hooks end each file, and the worker keeps its database for the next. */
export async function closeTestDatabase(): Promise<void> {
  if (!shared || worker !== undefined) return;
  const db = await shared;
  shared = undefined;
  await db.close();
}
