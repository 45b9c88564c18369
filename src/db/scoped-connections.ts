import { AsyncLocalStorage } from 'node:async_hooks';
import type { PGlite, Transaction } from '@electric-sql/pglite';
import type pg from 'pg';
import { APP_ROLE, scopeSettings } from './tenant-scope.js';

/**
 * Every connection the app queries through runs as APP_ROLE (not a superuser, not the tables' owner,
 * so row-level security applies) with the caller's scope in app.tenant_id / app.system. Session-level
 * settings, applied before the query or the transaction's BEGIN on a connection nobody else uses
 * meanwhile (a checked-out pool client; the embedded database's one connection behind a queue), and
 * only when they differ from what that connection already has. Where the role could not be created
 * (a hosted database whose user lacks CREATEROLE, migration 0008) the connection stays its own user, the
 * tables' owner, which FORCE ROW LEVEL SECURITY holds to the same policies.
 */
const APPLY_SCOPE = `select
  set_config('role', coalesce((select rolname from pg_roles where rolname = $1 and pg_has_role(session_user, oid, 'MEMBER')), 'none'), false),
  set_config('app.tenant_id', $2, false),
  set_config('app.system', $3, false)`;

type Settings = ReturnType<typeof scopeSettings>;
const keyOf = (s: Settings) => `${s.tenantId}|${s.system}`;

const appliedTo = new WeakMap<object, string>();

/** Told of each statement a connection runs for the scope (the bench counts them with the app's own). */
export type OnStatement = (text: string) => void;

async function applyScope(connection: object, query: (text: string, params: unknown[]) => Promise<unknown>, settings: Settings, onStatement?: OnStatement): Promise<void> {
  const key = keyOf(settings);
  if (appliedTo.get(connection) === key) return;
  // Forgotten first: a failed apply must not leave a stale "already applied".
  appliedTo.delete(connection);
  onStatement?.(APPLY_SCOPE);
  await query(APPLY_SCOPE, [APP_ROLE, settings.tenantId, settings.system]);
  appliedTo.set(connection, key);
}

/** Forget what a connection has applied (after a migration reset its role). */
export function forgetScope(connection: object): void {
  appliedTo.delete(connection);
}

/**
 * What drizzle's node-postgres driver gets instead of the pool. Its class name contains "Pool" on
 * purpose: drizzle checks out a client per transaction only for pools (it tests the constructor name).
 */
export class ScopedPool {
  readonly #pool: pg.Pool;
  readonly #onStatement: OnStatement | undefined;

  constructor(pool: pg.Pool, onStatement?: OnStatement) {
    this.#pool = pool;
    this.#onStatement = onStatement;
  }

  /** A client with the caller's scope applied; drizzle calls this for each transaction. */
  async connect(): Promise<pg.PoolClient> {
    // Read now, in the caller's async context, not after the checkout's wait.
    const settings = scopeSettings();
    const client = await this.#pool.connect();
    try {
      await applyScope(client, (text, params) => client.query(text, params), settings, this.#onStatement);
    } catch (err) {
      client.release(err instanceof Error ? err : true);
      throw err;
    }
    return client;
  }

  /** A plain query: checked out, scoped, run, released (as pg's own pool.query does). */
  async query(config: unknown, params?: unknown[]): Promise<unknown> {
    const client = await this.connect();
    try {
      // drizzle passes either a query config object or text; pg's overloads cannot say "either".
      const result = await client.query(config as pg.QueryConfig, params);
      client.release();
      return result;
    } catch (err) {
      client.release(err instanceof Error ? err : true);
      throw err;
    }
  }
}

/**
 * A query the code sends through the database handle (not the transaction's) while its own transaction
 * holds the embedded database's one connection: it would queue behind that transaction, which waits for
 * it, forever, and every other request with them. Refused at once instead, so the request fails with a
 * clear error and the transaction rolls back. On PostgreSQL the same code takes a second pool connection
 * (reading outside its transaction, which is its own bug); the tests on PGlite find it.
 */
export class QueryOutsideOwnTransaction extends Error {
  constructor() {
    super('a query outside its transaction while that transaction holds the embedded database (pass the transaction down)');
    this.name = 'QueryOutsideOwnTransaction';
  }
}

/** The embedded transaction the current async flow runs inside, while it is open. */
const heldBy = new AsyncLocalStorage<{ db: ScopedPglite; open: boolean }>();

/**
 * What drizzle's PGlite driver gets instead of the PGlite instance. Concurrent requests share its one
 * connection, so each query and each whole transaction runs in turn behind one queue, with the scope
 * applied at its start: no other request's scope can come in between.
 */
export class ScopedPglite {
  readonly #client: PGlite;
  readonly #onStatement: OnStatement | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(client: PGlite, onStatement?: OnStatement) {
    this.#client = client;
    this.#onStatement = onStatement;
  }

  /** One at a time, in call order; a failure does not stop the queue. */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(work, work);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #apply(settings: Settings): Promise<void> {
    await applyScope(this.#client, (text, params) => this.#client.query(text, params), settings, this.#onStatement);
  }

  /** True when the caller runs inside a transaction of this database that is still open (a timer started there and run later is not). */
  #insideOwnTransaction(): boolean {
    const held = heldBy.getStore();
    return held?.db === this && held.open;
  }

  query(...args: Parameters<PGlite['query']>): ReturnType<PGlite['query']> {
    if (this.#insideOwnTransaction()) return Promise.reject(new QueryOutsideOwnTransaction());
    const settings = scopeSettings();
    return this.exclusive(async () => {
      await this.#apply(settings);
      return this.#client.query(...args);
    });
  }

  transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    if (this.#insideOwnTransaction()) return Promise.reject(new QueryOutsideOwnTransaction());
    const settings = scopeSettings();
    return this.exclusive(async () => {
      await this.#apply(settings);
      const held = { db: this, open: true };
      try {
        return await heldBy.run(held, () => this.#client.transaction(fn));
      } finally {
        held.open = false;
      }
    });
  }
}
