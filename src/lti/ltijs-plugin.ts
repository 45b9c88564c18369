import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { and, asc, eq, gt, isNull, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Db, DbOrTx } from '../db/client.js';
import type { Clock } from '../web/clock.js';
import type { Logger } from '../web/logger.js';
import { ltiDocuments as docs } from './lti.tables.js';

/** A document as ltijs stores and reads it; `createdAt` (epoch ms) is added on read. */
export type LtijsDocument = Record<string, unknown>;
/** ltijs queries are equality on top-level fields, in MongoDB style. */
export type LtijsQuery = Record<string, unknown>;

/**
 * The database-plugin interface ltijs 5.9.9 calls (src/Utils/Database.js is the reference):
 * an encryption key (or false) first, collections by name, `Get` answering an array or `false`.
 */
export interface LtijsDatabase {
  setup(): Promise<boolean>;
  Close(): Promise<boolean>;
  Get(encryptionKey: string | false, collection: string, query?: LtijsQuery): Promise<LtijsDocument[] | false>;
  Insert(encryptionKey: string | false, collection: string, item: LtijsDocument, index?: LtijsQuery): Promise<boolean>;
  Replace(encryptionKey: string | false, collection: string, query: LtijsQuery, item: LtijsDocument, index?: LtijsQuery): Promise<boolean>;
  Modify(encryptionKey: string | false, collection: string, query: LtijsQuery, modification: LtijsDocument): Promise<boolean>;
  Delete(collection: string, query: LtijsQuery): Promise<boolean>;
  Encrypt(data: string, secret: string): Promise<{ iv: string; data: string }>;
  Decrypt(data: string, iv: string, secret: string): Promise<string>;
}

export interface LtijsPlugin extends LtijsDatabase {
  /** Deletes expired rows now; the timer started by setup() calls it periodically. */
  cleanup(): Promise<number>;
}

/** The lifetimes ltijs gives its MongoDB TTL indexes, in seconds; other collections never expire. */
export const ltijsTtlSeconds: Readonly<Record<string, number>> = {
  nonce: 10,
  state: 600,
  idtoken: 24 * 3600,
  contexttoken: 24 * 3600,
  accesstoken: 3600,
};

export interface LtijsPluginOptions {
  db: Db;
  clock: Clock;
  logger?: Logger;
  cleanupIntervalMs?: number;
}

// Same cipher and key derivation as ltijs's MongoDB plugin, so rows written by one read with the other.
function aesKey(secret: string): Buffer {
  return createHash('sha256').update(secret).digest().subarray(0, 32);
}

async function encrypt(data: string, secret: string): Promise<{ iv: string; data: string }> {
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-256-cbc', aesKey(secret), iv);
  return { iv: iv.toString('hex'), data: Buffer.concat([cipher.update(data), cipher.final()]).toString('hex') };
}

async function decrypt(data: string, iv: string, secret: string): Promise<string> {
  const decipher = createDecipheriv('aes-256-cbc', aesKey(secret), Buffer.from(iv, 'hex'));
  return Buffer.concat([decipher.update(Buffer.from(data, 'hex')), decipher.final()]).toString();
}

/** JSON drops undefined fields, as MongoDB's driver does in queries and documents. */
function plain(value: LtijsQuery | undefined): LtijsQuery {
  return value ? (JSON.parse(JSON.stringify(value)) as LtijsQuery) : {};
}

export function createLtijsPlugin(opts: LtijsPluginOptions): LtijsPlugin {
  const { db, clock } = opts;
  const intervalMs = opts.cleanupIntervalMs ?? 5 * 60_000;
  let timer: NodeJS.Timeout | undefined;

  const expiresAt = (collection: string, now: Date): Date | null => {
    const ttl = ltijsTtlSeconds[collection];
    return ttl === undefined ? null : new Date(now.getTime() + ttl * 1000);
  };

  /** Rows of a collection matching the query that have not expired (expiry is enforced here, not only by cleanup). */
  const matching = (collection: string, query: LtijsQuery | undefined, now: Date): SQL => {
    const q = plain(query);
    const conditions = [eq(docs.collection, collection), or(isNull(docs.expiresAt), gt(docs.expiresAt, now))!];
    if (Object.keys(q).length > 0) conditions.push(sql`${docs.document} @> ${JSON.stringify(q)}::jsonb`);
    return and(...conditions)!;
  };

  const stored = async (key: string | false, item: LtijsDocument, index: LtijsQuery | undefined): Promise<LtijsDocument> =>
    key ? { ...plain(index), ...(await encrypt(JSON.stringify(item), key)) } : plain(item);

  const insertRow = async (tx: DbOrTx, collection: string, document: LtijsDocument) => {
    const now = clock.now();
    await tx.insert(docs).values({ collection, document, createdAt: now, expiresAt: expiresAt(collection, now) });
  };

  const requireParams = (ok: boolean) => {
    if (!ok) throw new Error('MISSING_PARAMS');
  };

  const plugin: LtijsPlugin = {
    async setup() {
      timer ??= setInterval(() => {
        plugin.cleanup().catch((err: unknown) => opts.logger?.warn({ err: err instanceof Error ? err.message : String(err) }, 'ltijs store cleanup failed'));
      }, intervalMs);
      // Housekeeping must never keep a process (a test run, a CLI) alive.
      timer.unref();
      return true;
    },

    async Close() {
      if (timer) clearInterval(timer);
      timer = undefined;
      return true;
    },

    async Get(key, collection, query) {
      if (!collection) throw new Error('MISSING_COLLECTION');
      const rows = await db.select().from(docs).where(matching(collection, query, clock.now())).orderBy(asc(docs.id));
      if (rows.length === 0) return false;
      const out: LtijsDocument[] = [];
      for (const row of rows) {
        let doc: LtijsDocument;
        try {
          doc = key ? (JSON.parse(await decrypt(String(row.document.data), String(row.document.iv), key)) as LtijsDocument) : { ...row.document };
        } catch {
          // Written under another ENCRYPTION_KEY: unreadable, so absent. Skipping it keeps the other
          // platforms' keys (the whole JWKS) working; the log names the row so an operator can act.
          opts.logger?.warn({ collection, row: row.id }, 'ltijs row does not decrypt with the current ENCRYPTION_KEY');
          continue;
        }
        doc.createdAt = row.createdAt.getTime();
        out.push(doc);
      }
      return out.length > 0 ? out : false;
    },

    async Insert(key, collection, item, index) {
      requireParams(Boolean(collection && item && (!key || index)));
      await insertRow(db, collection, await stored(key, item, index));
      return true;
    },

    async Replace(key, collection, query, item, index) {
      requireParams(Boolean(collection && item && (!key || index)));
      const document = await stored(key, item, index);
      const q = plain(query);
      await db.transaction(async (tx) => {
        // Two replaces of one key must not both insert: serialise them on the (collection, query) pair.
        await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`${collection}:${JSON.stringify(q)}`}))`);
        await tx.delete(docs).where(and(eq(docs.collection, collection), sql`${docs.document} @> ${JSON.stringify(q)}::jsonb`));
        await insertRow(tx, collection, document);
      });
      return true;
    },

    async Modify(key, collection, query, modification) {
      requireParams(Boolean(collection && query && modification));
      await db.transaction(async (tx) => {
        const [row] = await tx.select().from(docs).where(matching(collection, query, clock.now())).orderBy(asc(docs.id)).limit(1).for('update');
        if (!row) return;
        let change = plain(modification);
        if (key) {
          // Like ltijs: only the first field of the modification is applied inside the encrypted payload.
          const data = JSON.parse(await decrypt(String(row.document.data), String(row.document.iv), key)) as LtijsDocument;
          const [field, value] = Object.entries(modification)[0] ?? [];
          if (field !== undefined) data[field] = value;
          change = await encrypt(JSON.stringify(data), key);
        }
        await tx.update(docs).set({ document: { ...row.document, ...change } }).where(eq(docs.id, row.id));
      });
      return true;
    },

    async Delete(collection, query) {
      requireParams(Boolean(collection && query));
      const q = plain(query);
      // ltijs deletes by key only; an empty query comes from an undefined key (registerPlatform's
      // rollback after a failed key generation) and must never wipe a whole collection.
      if (Object.keys(q).length === 0) return true;
      await db.delete(docs).where(and(eq(docs.collection, collection), sql`${docs.document} @> ${JSON.stringify(q)}::jsonb`));
      return true;
    },

    Encrypt: encrypt,
    Decrypt: decrypt,

    async cleanup() {
      const removed = await db.delete(docs).where(lte(docs.expiresAt, clock.now())).returning({ id: docs.id });
      return removed.length;
    },
  };
  return plugin;
}
