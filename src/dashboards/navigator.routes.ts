import { Router } from 'express';
import type { AppContext } from '../web/context.js';
import { t } from '../web/i18n.js';
import { roleHome } from '../lti/roles.js';
import { navigatorPage } from './navigator.presenter.js';

/** The navigator view (/navigator): what waits across every student the adult navigates, on one screen. */
export function navigatorRoutes(ctx: AppContext): Router {
  const r = Router();
  r.get('/navigator', ctx.requireUser, async (req, res) => {
    const user = req.user!;
    const screen = await ctx.navigatorView.screen(user);
    const home = roleHome[user.role];
    res.render('dashboards/navigator', {
      titleKey: 'dashboards.navigator.title',
      nav: [{ href: home, label: t(home === '/caseload' ? 'nav.caseload' : 'nav.home', {}, user.locale), current: false }],
      ...navigatorPage(screen, user.locale),
    });
  });
  return r;
}
