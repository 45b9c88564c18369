import type { Express } from 'express';
import type { AppContext } from './context.js';
import { homeRoutes } from './home.routes.js';

/** Every feature mounts here, in one visible list. */
export async function mountFeatures(app: Express, ctx: AppContext): Promise<void> {
  app.use(homeRoutes(ctx));
}
