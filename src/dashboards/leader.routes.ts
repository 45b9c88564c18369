import { Router } from 'express';
import type { AppContext } from '../web/context.js';
import { leaderHome } from '../lti/roles.js';

/** /schools: where school and district leaders land (an account-level launch, or a launch without a course). */
export function leaderRoutes(ctx: AppContext): Router {
  const r = Router();
  r.get(leaderHome, ctx.requireUser, async (req, res) => {
    const view = await ctx.leaders.yourSchools(req.user!);
    res.render('dashboards/leader-home', { titleKey: 'dashboards.leader.title', ...view });
  });
  return r;
}
