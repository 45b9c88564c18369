import pg from 'pg';
import { openDatabase, type Database } from '../../src/db/client.js';

let shared: Promise<Database> | undefined;

/**
 * One database per test run, starting from an empty schema: a real PostgreSQL server when
 * DATABASE_URL is set, an in-memory PGlite otherwise. Tests isolate themselves by tenant.
 */
export function testDatabase(): Promise<Database> {
  shared ??= (async () => {
    const url = process.env.DATABASE_URL;
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

export async function closeTestDatabase(): Promise<void> {
  if (!shared) return;
  const db = await shared;
  shared = undefined;
  await db.close();
}
