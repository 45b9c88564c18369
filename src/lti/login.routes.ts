import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../web/context.js';
import type { LoginResult } from './launch.service.js';
import { setStateCookie } from './state-cookie.js';
import { framedByPlatform } from './framing.js';

function answer(res: Response, result: LoginResult): void {
  setStateCookie(res, result.row.state);
  if (!result.storage) {
    res.redirect(302, result.authUrl);
    return;
  }
  // The cookie may be blocked; the page also stores the state in the LMS's platform storage first.
  res.render('lti/storage-login', { titleKey: 'lti.storageLogin.title', authUrl: result.authUrl, storage: result.storage });
}

/** OIDC login initiation (GET or POST, as the platform chooses) and the new-window restart. */
export function loginRoutes(ctx: AppContext): Router {
  const r = Router();
  const login = async (req: Request, res: Response, input: unknown) => answer(res, await ctx.launches.login(input, framedByPlatform(res)));
  r.get('/lti/login', (req, res) => login(req, res, req.query));
  r.post('/lti/login', (req, res) => login(req, res, req.body));
  r.get('/lti/login/restart/:id', async (req, res) => {
    answer(res, await ctx.launches.restart(String(req.params.id), framedByPlatform(res)));
  });
  return r;
}
