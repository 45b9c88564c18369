import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../web/context.js';
import { authorize } from '../policies/policy.js';
import { contentItemPolicy } from '../policies/content-item.js';
import { badRequest } from '../web/errors.js';
import { createDeepLinkingService, offersResourceLink } from './deep-linking.service.js';

const choice = z.object({ choice: z.enum(['success-plans', 'advisory', 'subject', 'none']) });

/** Where an LtiDeepLinkingRequest lands after its launch: pick "Success plans", post it back to the LMS. */
export function deepLinkingRoutes(ctx: AppContext): Router {
  const r = Router();
  const dl = createDeepLinkingService({ baseUrl: ctx.config.baseUrl, clock: ctx.clock, lti: ctx.lti, platforms: ctx.platforms, roster: ctx.roster, launches: ctx.launches });

  r.get('/lti/deep-link/:id', ctx.requireUser, async (req, res) => {
    const user = req.user!;
    authorize(contentItemPolicy, user, 'create', { tenantId: user.tenantId });
    const { settings, row } = await dl.request(String(req.params.id), user);
    res.render('lti/deep-link', { titleKey: 'lti.deepLink.title', id: row.id, offered: offersResourceLink(settings), answered: Boolean(row.respondedAt) });
  });

  r.post('/lti/deep-link/:id', ctx.requireUser, async (req, res) => {
    const user = req.user!;
    authorize(contentItemPolicy, user, 'create', { tenantId: user.tenantId });
    const parsed = choice.safeParse(req.body);
    if (!parsed.success) throw badRequest('Choose what to add to the course.', 'bad_choice');
    const { returnUrl, jwt } = await dl.respond(String(req.params.id), user, parsed.data.choice === 'none' ? null : parsed.data.choice);
    res.locals.log.info({ tenantId: user.tenantId, personId: user.personId, choice: parsed.data.choice }, 'deep linking response sent');
    res.render('lti/deep-link-return', { titleKey: 'lti.deepLinkReturn.title', returnUrl, jwt });
  });
  return r;
}
