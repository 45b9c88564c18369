import type { RequestHandler, Response } from 'express';
import { and, eq, lt } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../db/client.js';
import type { Clock } from './clock.js';
import { formSubmissions } from './once.tables.js';
import { inToolUrl } from './urls.js';
import { HttpError, message } from './errors.js';

const onceField = z.object({ _once: z.uuid() });

/** How long a replay waits for the first submission to finish before saying so. */
const WAIT_MS = 5_000;
const POLL_MS = 100;
/** Tokens older than this are forgotten (a form left open for a week gets a fresh page anyway). */
const KEEP_MS = 14 * 24 * 3600_000;

/**
 * One-time form tokens: every creating form carries `_once` (partial `once`). The first post with a
 * token claims it and runs; when it ends in a redirect the target is kept. A replay of the token (back
 * and submit again, a double click) is sent to that same page and creates nothing. A post that fails
 * (400, 409, 5xx) releases its claim, so the person can correct and send again.
 * Runs after authentication, so tokens are per tenant and person.
 */
export function onceGuard(db: Db, clock: Clock): RequestHandler {
  return async (req, res, next) => {
    const parsed = req.method === 'POST' ? onceField.safeParse(req.body) : undefined;
    if (!parsed?.success || !req.user) return next();
    const key = { tenantId: req.user.tenantId, personId: req.user.personId, token: parsed.data._once };
    try {
      const claimed = await db.insert(formSubmissions).values({ ...key, createdAt: clock.now() }).onConflictDoNothing().returning({ token: formSubmissions.token });
      if (claimed.length > 0) {
        // The person's own stale tokens go as new ones come: no timer needed, the table stays small.
        await db.delete(formSubmissions).where(and(eq(formSubmissions.tenantId, key.tenantId), eq(formSubmissions.personId, key.personId), lt(formSubmissions.createdAt, new Date(clock.now().getTime() - KEEP_MS))));
        settleOnFinish(db, res, key);
        return next();
      }
      const result = await waitForResult(db, key);
      if (result === undefined) throw new HttpError(409, message('errors.once.title'), message('errors.once.detail'), 'form_in_progress');
      res.redirect(303, inToolUrl(result, res.locals.ltik));
    } catch (err) {
      next(err);
    }
  };
}

type Key = { tenantId: string; personId: string; token: string };
const where = (k: Key) => and(eq(formSubmissions.tenantId, k.tenantId), eq(formSubmissions.personId, k.personId), eq(formSubmissions.token, k.token));

/** Keeps the redirect target of a successful post; releases the claim of any other outcome. */
function settleOnFinish(db: Db, res: Response, key: Key): void {
  res.on('finish', () => {
    const target = res.statusCode === 303 && typeof res.locals.redirectedTo === 'string' ? res.locals.redirectedTo : undefined;
    const settle = target ? db.update(formSubmissions).set({ result: target }).where(where(key)) : db.delete(formSubmissions).where(where(key));
    settle.catch((err: unknown) => res.locals.log?.warn({ err: { name: (err as Error)?.name } }, 'one-time token not settled'));
  });
}

async function waitForResult(db: Db, key: Key): Promise<string | undefined> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const [row] = await db.select({ result: formSubmissions.result }).from(formSubmissions).where(where(key));
    if (!row) return undefined;
    if (row.result) return row.result;
    if (Date.now() > deadline) return undefined;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
