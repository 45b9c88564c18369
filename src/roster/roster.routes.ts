import { inToolUrl } from '../web/urls.js';
import { Router } from 'express';
import type { AppContext } from '../web/context.js';
import { roleHome } from '../lti/roles.js';
import type { FirstSyncStatus } from './sync.service.js';

/** Where a first launch lands when its course's roster is still on its way (see launch.routes.ts). */
export const ROSTER_WAITING = '/roster/waiting';
const ROSTER_STATUS = '/roster/status';

/**
 * The "class list on its way" page and the small status endpoint its script polls. Both carry the
 * ltik (link, or bearer header from the script): no cookie is needed inside the LMS frame.
 */
export function rosterRoutes(ctx: AppContext): Router {
  const r = Router();
  // Only the user's own launch context: whether its roster arrived says nothing about anyone in it.
  const statusOf = async (user: Express.User): Promise<FirstSyncStatus> =>
    user.contextId ? ctx.rosterSync.firstSyncStatus(user.tenantId, user.contextId) : 'ready';

  r.get(ROSTER_WAITING, ctx.requireUser, async (req, res) => {
    const user = req.user!;
    const status = await statusOf(user);
    const home = roleHome[user.role];
    if (status === 'ready') {
      res.redirect(303, inToolUrl(home, res.locals.ltik));
      return;
    }
    res.render('roster/waiting', { titleKey: 'roster.waiting.title', failed: status === 'failed', home, statusUrl: ROSTER_STATUS, waitingUrl: ROSTER_WAITING });
  });

  r.get(ROSTER_STATUS, ctx.requireUser, async (req, res) => {
    res.json({ status: await statusOf(req.user!) });
  });
  return r;
}
