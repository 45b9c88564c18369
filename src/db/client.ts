import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { sql, type SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import * as schema from './schema.js';
import { projectRoot } from '../web/config.js';
import { ScopedPglite, ScopedPool, forgetScope } from './scoped-connections.js';

/** Both drivers expose this one type, so every repository has one code path. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
/** A transaction handle has the same query surface as the database. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

export interface Database {
  db: Db;
  driver: 'pglite' | 'postgres';
  ping(): Promise<void>;
  migrate(): Promise<void>;
  close(): Promise<void>;
}

const migrationsFolder = path.join(projectRoot, 'src', 'db', 'migrations');
/** Serialises migrations when several processes start at once (release phase plus web dynos). */
const MIGRATION_LOCK = 7_240_001;

/**
 * Migrations run as the connecting user (who owns the tables), not the app's role; and as system,
 * since FORCE ROW LEVEL SECURITY holds the owner to the policies too and a data migration must see every row.
 */
const MIGRATE_AS_OWNER = "reset role; select set_config('app.system', 'on', false), set_config('app.tenant_id', '', false)";

export interface DatabaseOptions {
  databaseUrl?: string;
  /** Folder for the embedded database; omit for an in-memory one (tests). */
  dataDir?: string;
  /** Pool size for node-postgres. */
  max?: number;
  /** How the server lists our connections (pg_stat_activity). */
  applicationName?: string;
  /** How long getting a connection may take (a new one, or a free one from a full pool) before the request is refused. */
  connectTimeoutMs?: number;
  /** How long one query may wait for the server's answer before the request is refused (the server stopped answering). */
  queryTimeoutMs?: number;
  /** Called with each statement the app's queries send, scope switches included (the bench counts queries per launch with it). */
  onQuery?: (text: string) => void;
}

/** A server that stops answering (paused, network gone) must not hold a request for ever. */
const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
const DEFAULT_QUERY_TIMEOUT_MS = 30_000;

/**
 * A pool that rides through a database restart or a killed connection:
 * - every client gets an error listener (a checked-out client whose connection dies emits 'error';
 *   without a listener that kills the process);
 * - a client whose `begin` fails is destroyed (drizzle only releases a transaction's client after a
 *   successful begin, so it would stay checked out for ever and the pool would run dry);
 * - getting a connection and each query have time limits (a server that stops answering refuses the
 *   request instead of holding it), and a client whose query timed out is cut off: its connection
 *   still waits for that answer, so its next query (a transaction's rollback) would wait too, and
 *   back in the pool it would hand the wait to the next request.
 * Later queries get fresh connections once the server answers again.
 */
function resilientPool(opts: { connectionString: string; max: number; applicationName: string; connectTimeoutMs: number; queryTimeoutMs: number }): pg.Pool {
  const pool = new pg.Pool({
    connectionString: opts.connectionString,
    max: opts.max,
    application_name: opts.applicationName,
    connectionTimeoutMillis: opts.connectTimeoutMs,
    query_timeout: opts.queryTimeoutMs,
    keepAlive: true,
  });
  // An idle client losing its connection: the pool drops it; the next query reconnects.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    // pg's query has many overloads; this wrapper only watches the promise form drizzle uses.
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      const result = query(...args);
      if (!(result instanceof Promise)) return result;
      const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: unknown } | undefined)?.text;
      const isBegin = typeof text === 'string' && /^\s*begin\b/i.test(text);
      return result.catch((err: unknown) => {
        if (err instanceof Error && err.message === QUERY_TIMEOUT) cutOff(client);
        if (isBegin) (client as pg.PoolClient).release(err instanceof Error ? err : new Error('begin failed'));
        throw err;
      });
    };
  });
  return pool;
}

/** node-postgres's errors for a connection or query past its time limit. */
const QUERY_TIMEOUT = 'Query read timeout';

/** Ends a client's connection at once: its pending queries fail, and the pool drops it on release. */
function cutOff(client: pg.Client): void {
  // node-postgres has no public call for this; `end()` would queue behind the query that never answers.
  (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
}

const CONNECTION_LOST = new Set(['57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

/** Whether an error means the database is out of reach (restarting, connection killed, closed), not a bad query. */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && CONNECTION_LOST.has(code)) return true;
    if (typeof message === 'string' && /Connection terminated|connection is closed|Client has encountered a connection error|embedded database is closed|PGlite is closed|Client was closed|Query read timeout|timeout exceeded when trying to connect|Connection terminated due to connection timeout/i.test(message)) return true;
  }
  return false;
}

const loggerOf = (onQuery: DatabaseOptions['onQuery']) => (onQuery ? { logQuery: (text: string) => onQuery(text) } : false);

export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  if (opts.databaseUrl) {
    const pool = resilientPool({
      connectionString: opts.databaseUrl,
      max: opts.max ?? 10,
      applicationName: opts.applicationName ?? 'success-plans',
      connectTimeoutMs: opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      queryTimeoutMs: opts.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS,
    });
    const databaseUrl = opts.databaseUrl;
    // Queries go through the scoped pool (row-level security); migrations and ping use the pool itself.
    const db = drizzlePg(new ScopedPool(pool, opts.onQuery) as unknown as pg.Pool, { schema, logger: loggerOf(opts.onQuery) }) as unknown as Db;
    return {
      db,
      driver: 'postgres',
      ping: async () => {
        await pool.query('select 1');
      },
      migrate: async () => {
        // A connection of its own, without the pool's query time limit: a migration may take long.
        const client = new pg.Client({ connectionString: databaseUrl, application_name: opts.applicationName ?? 'success-plans' });
        // A lost connection rejects the migration's query; unheard, its 'error' event would end the process.
        client.on('error', () => undefined);
        await client.connect();
        try {
          await client.query(MIGRATE_AS_OWNER);
          forgetScope(client);
          await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
          await migratePg(drizzlePg(client, { schema }), { migrationsFolder });
        } finally {
          await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
          await client.end();
        }
      },
      close: () => pool.end(),
    };
  }
  let dataPath: string | undefined;
  if (opts.dataDir) {
    dataPath = path.join(opts.dataDir, 'pglite');
    mkdirSync(dataPath, { recursive: true });
  }
  const client = dataPath ? new PGlite(dataPath) : new PGlite();
  const scoped = new ScopedPglite(client, opts.onQuery);
  const db = drizzlePglite(scoped as unknown as PGlite, { schema, logger: loggerOf(opts.onQuery) }) as unknown as Db;
  return {
    db,
    driver: 'pglite',
    ping: async () => {
      if (client.closed) throw new Error('embedded database is closed');
      await db.execute(sql`select 1`);
    },
    // In the queue: no query may run (as the app role) between the reset and the migration.
    migrate: () =>
      scoped.exclusive(async () => {
        await client.exec(MIGRATE_AS_OWNER);
        forgetScope(client);
        await migratePglite(drizzlePglite(client, { schema }), { migrationsFolder });
      }),
    close: async () => {
      if (!client.closed) await client.close();
    },
  };
}

/** Raw SQL for the few queries the builder cannot say well; both drivers return `{ rows }`. */
export async function queryRows<T>(db: DbOrTx, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}
