import { Router } from 'express';
import type { AppContext } from '../web/context.js';
import { createDeepLinkingService, offersResourceLink } from './deep-linking.service.js';

/** Where an LtiDeepLinkingRequest lands after its launch: pick "Success plans", post it back to the LMS. */
export function deepLinkingRoutes(ctx: AppContext): Router {
  const r = Router();
  const dl = createDeepLinkingService({ baseUrl: ctx.config.baseUrl, clock: ctx.clock, lti: ctx.lti, platforms: ctx.platforms, roster: ctx.roster, launches: ctx.launches });

  r.get('/lti/deep-link/:id', ctx.requireUser, async (req, res) => {
    const { settings, row } = await dl.request(String(req.params.id), req.user!);
    res.render('lti/deep-link', { titleKey: 'lti.deepLink.title', id: row.id, offered: offersResourceLink(settings), answered: Boolean(row.respondedAt) });
  });

  r.post('/lti/deep-link/:id', ctx.requireUser, async (req, res) => {
    const user = req.user!;
    const { returnUrl, jwt, choice } = await dl.respond(String(req.params.id), user, req.body);
    res.locals.log.info({ tenantId: user.tenantId, personId: user.personId, choice }, 'deep linking response sent');
    res.render('lti/deep-link-return', { titleKey: 'lti.deepLinkReturn.title', returnUrl, jwt });
  });
  return r;
}
