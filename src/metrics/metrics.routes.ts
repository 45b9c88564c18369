import { createHash, timingSafeEqual } from 'node:crypto';
import { Router, type Request } from 'express';
import type { AppContext } from '../web/context.js';
import type { Config } from '../web/config.js';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Who may scrape: a bearer token equal to METRICS_TOKEN when one is configured; without one, only a
 * direct loopback caller in development (a request a local proxy forwarded is not loopback's own).
 */
export function mayScrape(req: Request, config: Pick<Config, 'metricsToken' | 'env'>): boolean {
  if (config.metricsToken) {
    const m = /^Bearer (.+)$/i.exec(req.get('authorization') ?? '');
    return m !== null && timingSafeEqual(digest(m[1]!), digest(config.metricsToken));
  }
  return config.env === 'development' && LOOPBACK.has(req.socket.remoteAddress ?? '') && !req.get('x-forwarded-for');
}

/** GET /metrics in Prometheus format; anyone else gets the ordinary 404, so the address confirms nothing. */
export function metricsRoutes(ctx: AppContext): Router {
  const r = Router();
  r.get('/metrics', async (req, res, next) => {
    if (!mayScrape(req, ctx.config)) return next();
    const { contentType, body } = await ctx.metrics.scrape();
    res.set('Content-Type', contentType).set('Cache-Control', 'no-store').send(body);
  });
  return r;
}
