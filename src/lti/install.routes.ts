import { Router } from 'express';
import type { AppContext } from '../web/context.js';
import { badRequest, message } from '../web/errors.js';
import { canvasDeveloperKey } from './families/canvas.js';
import { registerQuery } from './registration.schemas.js';
import { createRegistrationService } from './registration.service.js';
import { framedByRegisteringLms } from './framing.js';

/** How an LMS installs the tool: the JWKS, dynamic registration, Canvas's developer-key JSON (its guide links to it). */
export function installRoutes(ctx: AppContext): Router {
  const r = Router();
  const registration = createRegistrationService({ config: ctx.config, platforms: ctx.platforms, logger: ctx.logger });

  r.get('/lti/keys', async (_req, res) => {
    // Short: a platform registered a minute ago must find its new key soon.
    res.set('cache-control', 'public, max-age=60');
    res.json(await ctx.lti.jwks());
  });

  r.get('/lti/canvas.json', (_req, res) => {
    res.json(canvasDeveloperKey(registration.tool));
  });

  r.get('/lti/register', async (req, res) => {
    const q = registerQuery.safeParse(req.query);
    if (!q.success) {
      throw badRequest(message('install.registered.badRequest'), 'registration_bad_request');
    }
    // Only here, and only the LMS named: its admin page opens this route in a frame, even before it is a known platform.
    framedByRegisteringLms(res, q.data.openid_configuration);
    const tenant = await registration.register(q.data.openid_configuration, q.data.registration_token, res.locals.log);
    const firstLaunchRecordsDeployment = (await ctx.platforms.listDeployments(tenant.id)).length === 0;
    res.render('install/registered', { titleKey: 'install.registered.title', platformName: tenant.name, afterRegistration: tenant.lms.install.afterRegistration, firstLaunchRecordsDeployment });
  });
  return r;
}
