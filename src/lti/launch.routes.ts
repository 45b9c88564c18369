import { inToolUrl } from '../web/urls.js';
import { Router, type Response } from 'express';
import type { AppContext } from '../web/context.js';
import type { Launched } from './launch.service.js';
import { clearStateCookie, hasStateCookie } from './state-cookie.js';
import { framedByPlatform } from './framing.js';
import { ROSTER_WAITING } from '../roster/roster.routes.js';
import { withTenant } from '../db/tenant-scope.js';

/** The redirect URI for every message type, and the platform-storage completion step. */
export function launchRoutes(ctx: AppContext): Router {
  const r = Router();

  // The launched user's tenant from here on, as for every request after the ltik.
  const landed = (res: Response, launched: Launched) => withTenant(launched.tenantId, () => land(res, launched));
  const land = async (res: Response, launched: Launched) => {
    res.locals.log.info({ tenantId: launched.tenantId, personId: launched.personId, contextId: launched.contextId }, 'launch accepted');
    if (launched.context && launched.landsOnRoster) {
      // The first launch into a course waits a moment for its roster, so the caseload is not drawn empty;
      // past the bound (a slow or failing LMS) a page follows the roster instead.
      const roster = await ctx.rosterSync.syncForLaunch(launched.tenantId, launched.context, ctx.config.firstSyncWaitMs);
      res.redirect(302, roster === 'ready' ? launched.redirectTo : inToolUrl(ROSTER_WAITING, launched.ltik));
      return;
    }
    // Fire and forget: a slow LMS roster must never hold up the person launching.
    if (launched.context) void ctx.rosterSync.syncIfStale(launched.tenantId, launched.context).catch(() => undefined);
    res.redirect(302, launched.redirectTo);
  };

  r.post('/lti/launch', async (req, res) => {
    const outcome = await ctx.launches.launch(req.body, (state) => hasStateCookie(req, state), framedByPlatform(res));
    if (outcome.kind === 'launched') {
      // The service has validated the body, so state is the string it matched.
      clearStateCookie(res, (req.body as { state: string }).state);
      await landed(res, outcome.launched);
      return;
    }
    const restartUrl = `/lti/login/restart/${outcome.row.id}`;
    if (outcome.kind === 'storage') {
      res.render('lti/storage-launch', { titleKey: 'lti.storageLaunch.title', launchId: outcome.row.id, storage: outcome.storage, restartUrl });
      return;
    }
    res.locals.log.info({ tenantId: outcome.row.tenantId }, 'launch needs a new window: no state cookie, no platform storage');
    res.render('lti/new-window', { titleKey: 'lti.newWindow.title', restartUrl });
  });

  r.post('/lti/launch/complete', async (req, res) => {
    await landed(res, await ctx.launches.complete(req.body, framedByPlatform(res)));
  });
  return r;
}
