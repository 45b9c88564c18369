import { Router } from 'express';
import type { AppContext } from './context.js';
import { installGuideView, lmsFamilies, toolUrls } from '../lti/families/index.js';

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
  // Every LMS's own guide, from its family: nothing here names one.
  const urls = toolUrls(ctx.config.baseUrl);
  const guides = lmsFamilies.map((f) => ({ code: f.code, ...installGuideView(f.install, urls) }));
  r.get('/', (_req, res) => {
    res.render('home', { titleKey: 'install.title', guides });
  });
  return r;
}
