import { createHash } from 'node:crypto';
import { Router, type Request, type RequestHandler } from 'express';
import session from 'express-session';
import { csrfSync } from 'csrf-sync';
import type { Db } from '../db/client.js';
import type { Clock } from '../web/clock.js';
import type { HttpError } from '../web/errors.js';
import { forbidFraming } from '../web/csp.js';
import { DbSessionStore, type SessionTable } from './session-store.js';

export interface FirstPartyWindow {
  /** Mount at `path`: never framed, never cached, the session read. */
  router: Router;
  /** Refuses (with `refused`) a post whose `_csrf` field is not the session's token. */
  csrfProtection: RequestHandler;
  /** The session's CSRF token, for a page's forms. */
  csrfToken: (req: Request) => string;
}

/**
 * The pages of a top-level window of the tool's own (the providers' portal, the admin console): never
 * framed (frame-ancestors 'none', X-Frame-Options DENY) and never cached, with a first-party session
 * (express-session over `table`; HttpOnly, SameSite=Lax, Secure on an https BASE_URL, the cookie's path
 * the window's so no other page receives it) and a CSRF token (csrf-sync) carried as the `_csrf` field.
 */
export function firstPartyWindow(deps: { db: Db; clock: Clock; encryptionKey: string; baseUrl: string }, opts: { path: string; cookie: string; secretLabel: string; table: SessionTable; sessionMs: number; refused: () => HttpError }): FirstPartyWindow {
  const { csrfSynchronisedProtection, generateToken } = csrfSync({
    getTokenFromRequest: (req) => {
      const token = (req.body as Record<string, unknown> | undefined)?._csrf;
      return typeof token === 'string' ? token : undefined;
    },
  });
  const router = Router();
  router.use((_req, res, next) => {
    forbidFraming(res);
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  router.use(
    session({
      name: opts.cookie,
      // A key of its own per kind of session, derived so that it never exposes the encryption key.
      secret: createHash('sha256').update(`${opts.secretLabel}:${deps.encryptionKey}`).digest('base64url'),
      store: new DbSessionStore(deps.db, deps.clock, opts.sessionMs, opts.table),
      resave: false,
      saveUninitialized: false,
      rolling: false,
      cookie: { path: opts.path, httpOnly: true, sameSite: 'lax', secure: deps.baseUrl.startsWith('https:'), maxAge: opts.sessionMs },
    }),
  );
  return {
    router,
    csrfProtection: (req, res, next) => {
      if (req.method !== 'POST') return next();
      csrfSynchronisedProtection(req, res, (err?: unknown) => next(err ? opts.refused() : undefined));
    },
    csrfToken: (req) => generateToken(req),
  };
}
