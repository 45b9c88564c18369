import { createHash } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { HttpError } from '../web/errors.js';

/** The window every sign-in limit counts in. */
export const SIGN_IN_WINDOW_MS = 15 * 60_000;

/** The e-mail a rate limit counts, at its school (hashed: the limiter's memory holds no address). */
const emailKey = (req: Request) => {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const email = typeof body.email === 'string' ? body.email.trim().toLowerCase() : '';
  return createHash('sha256').update(`${String(body.school)}|${email}`).digest('base64url');
};

/**
 * A limit on sign-in attempts (the providers' portal, the console's local administrators): per address
 * (IP), or per e-mail at a school; `failedOnly` counts only the attempts that did not sign in. Past it, a
 * 429 (`tooMany`) with Retry-After. Counted in the process's memory: a cluster counts per worker.
 */
export function signInLimiter(limit: number, tooMany: () => HttpError, opts: { byEmail?: boolean; failedOnly?: boolean } = {}): RequestHandler {
  return rateLimit({
    windowMs: SIGN_IN_WINDOW_MS,
    limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    skipSuccessfulRequests: opts.failedOnly ?? false,
    ...(opts.byEmail ? { keyGenerator: emailKey } : {}),
    handler: (_req, res, next) => {
      res.setHeader('Retry-After', String(SIGN_IN_WINDOW_MS / 1000));
      next(tooMany());
    },
  });
}
