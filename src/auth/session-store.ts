import session from 'express-session';
import { and, eq, gt, lt } from 'drizzle-orm';
import { index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type { Db } from '../db/client.js';
import type { Clock } from '../web/clock.js';

/** Expired sessions are swept at most this often, by the write that notices. */
const SWEEP_MS = 10 * 60_000;

/**
 * A table of first-party sessions (the providers' portal, the admin console). No tenant column: a session
 * exists before anyone has signed in; once signed in it names its person and school, and every request
 * then runs in that school's scope.
 */
export const sessionTable = (name: string) =>
  pgTable(
    name,
    {
      sid: text('sid').primaryKey(),
      sess: jsonb('sess').$type<Record<string, unknown>>().notNull(),
      expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    },
    (t) => [index(`${name}_expires_idx`).on(t.expiresAt)],
  );
export type SessionTable = ReturnType<typeof sessionTable>;

/**
 * express-session's store over our own database (PGlite or PostgreSQL), one table per kind of session.
 * Expired rows are never read, and swept now and then on a write.
 */
export class DbSessionStore extends session.Store {
  #lastSweep = 0;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly fallbackMs: number,
    private readonly table: SessionTable,
  ) {
    super();
  }

  /** When the cookie expires, on the app's clock (the cookie counts on the process's; the same in production). */
  #expiry(sess: session.SessionData): Date {
    const expires = sess.cookie?.expires;
    const remaining = expires ? new Date(expires).getTime() - Date.now() : this.fallbackMs;
    return new Date(this.clock.now().getTime() + remaining);
  }

  override get(sid: string, callback: (err: unknown, session?: session.SessionData | null) => void): void {
    const t = this.table;
    this.db
      .select({ sess: t.sess })
      .from(t)
      .where(and(eq(t.sid, sid), gt(t.expiresAt, this.clock.now())))
      .then(
        ([row]) => callback(null, (row?.sess as unknown as session.SessionData | undefined) ?? null),
        (err: unknown) => callback(err),
      );
  }

  override set(sid: string, sess: session.SessionData, callback?: (err?: unknown) => void): void {
    const t = this.table;
    const now = this.clock.now().getTime();
    const sweep = now - this.#lastSweep > SWEEP_MS;
    if (sweep) this.#lastSweep = now;
    const row = { sid, sess: JSON.parse(JSON.stringify(sess)) as Record<string, unknown>, expiresAt: this.#expiry(sess) };
    this.db
      .insert(t)
      .values(row)
      .onConflictDoUpdate({ target: t.sid, set: { sess: row.sess, expiresAt: row.expiresAt } })
      .then(() => (sweep ? this.db.delete(t).where(lt(t.expiresAt, this.clock.now())) : undefined))
      .then(() => callback?.(), (err: unknown) => callback?.(err));
  }

  override touch(sid: string, sess: session.SessionData, callback?: (err?: unknown) => void): void {
    const t = this.table;
    this.db
      .update(t)
      .set({ expiresAt: this.#expiry(sess) })
      .where(eq(t.sid, sid))
      .then(() => callback?.(), (err: unknown) => callback?.(err));
  }

  override destroy(sid: string, callback?: (err?: unknown) => void): void {
    const t = this.table;
    this.db
      .delete(t)
      .where(eq(t.sid, sid))
      .then(() => callback?.(), (err: unknown) => callback?.(err));
  }
}
