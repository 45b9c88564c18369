import session from 'express-session';
import type { Db } from '../db/client.js';
import type { Clock } from '../web/clock.js';
import * as repo from './providers.repository.js';

/** Expired sessions are swept at most this often, by the write that notices. */
const SWEEP_MS = 10 * 60_000;

/**
 * express-session's store over our own database (PGlite or PostgreSQL), table provider_sessions: the
 * providers' first-party sessions. Expired rows are never read, and swept now and then on a write.
 */
export class ProviderSessionStore extends session.Store {
  #lastSweep = 0;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly fallbackMs: number,
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
    repo.findSession(this.db, sid, this.clock.now()).then(
      (sess) => callback(null, (sess as unknown as session.SessionData | undefined) ?? null),
      (err: unknown) => callback(err),
    );
  }

  override set(sid: string, sess: session.SessionData, callback?: (err?: unknown) => void): void {
    const now = this.clock.now().getTime();
    const sweep = now - this.#lastSweep > SWEEP_MS;
    if (sweep) this.#lastSweep = now;
    repo
      .saveSession(this.db, sid, JSON.parse(JSON.stringify(sess)) as Record<string, unknown>, this.#expiry(sess))
      .then(() => (sweep ? repo.deleteExpiredSessions(this.db, this.clock.now()) : undefined))
      .then(() => callback?.(), (err: unknown) => callback?.(err));
  }

  override touch(sid: string, sess: session.SessionData, callback?: (err?: unknown) => void): void {
    repo.touchSession(this.db, sid, this.#expiry(sess)).then(() => callback?.(), (err: unknown) => callback?.(err));
  }

  override destroy(sid: string, callback?: (err?: unknown) => void): void {
    repo.deleteSession(this.db, sid).then(() => callback?.(), (err: unknown) => callback?.(err));
  }
}
