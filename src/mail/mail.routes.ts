import { Router } from 'express';
import type { AppContext } from '../web/context.js';

export const OUTBOX_PATH = '/sandbox/outbox';

/**
 * /sandbox/outbox: where the tool's e-mail goes when SMTP_URL is unset outside production (development,
 * the sandbox): each kept message as its recipient would read it. No route at all otherwise.
 */
export function mailRoutes(ctx: AppContext): Router {
  const r = Router();
  if (!ctx.mail.keepsMail) return r;
  r.get(OUTBOX_PATH, async (_req, res) => {
    res.render('mail/outbox', { titleKey: 'mail.outbox.title', messages: await ctx.mail.keptMessages() });
  });
  return r;
}
