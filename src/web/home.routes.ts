import { Router } from 'express';
import type { AppContext } from './context.js';

export function homeRoutes(ctx: AppContext): Router {
  const r = Router();
  r.get('/healthz', async (_req, res) => {
    try {
      await ctx.database.ping();
      res.json({ status: 'ok', database: ctx.database.driver });
    } catch {
      res.status(503).json({ status: 'unavailable', database: ctx.database.driver });
    }
  });
  // Browsers ask for it on every page; a 404 per page would only add noise to the logs.
  r.get('/favicon.ico', (_req, res) => {
    res.status(204).end();
  });
  r.get('/', (_req, res) => {
    const base = ctx.config.baseUrl;
    res.render('home', {
      titleKey: 'home.install.title',
      urls: {
        login: `${base}/lti/login`,
        launch: `${base}/lti/launch`,
        keys: `${base}/lti/keys`,
        register: `${base}/lti/register`,
        canvas: `${base}/lti/canvas.json`,
      },
    });
  });
  return r;
}
