import { Router } from 'express';
import type { AppContext } from '../web/context.js';
import { createHomeService } from './home.service.js';
import { leaderHome, roleHome } from '../lti/roles.js';
import { isLeader } from '../policies/staff-scope.js';
import { inToolUrl } from '../web/urls.js';

/**
 * /home sends each role to its home, and the admin home lives here. The student's (/my-plan),
 * family's (/family) and advisor's (/caseload) homes belong to their features.
 */
export function roleHomeRoutes(ctx: AppContext): Router {
  const r = Router();
  const home = createHomeService();

  r.get('/home', ctx.requireUser, (req, res) => {
    const user = req.user!;
    // A school or district leader launched without a course: their schools, not a course's home.
    if (user.contextId === null && isLeader(user)) {
      res.redirect(302, inToolUrl(leaderHome, res.locals.ltik));
      return;
    }
    if (user.role === 'guest') {
      // Support staff launched without a course role work from the navigator view (empty until they navigate someone).
      res.render('home/guest', { titleKey: 'home.guest.title', canOpenNavigatorView: ctx.navigatorView.canOpen(user, false) });
      return;
    }
    res.redirect(302, inToolUrl(roleHome[user.role], res.locals.ltik));
  });

  r.get('/admin', ctx.requireUser, async (req, res) => {
    res.render('home/admin', { ...home.adminHome(req.user!), alertsOpen: await ctx.alerts.openCount(req.user!) });
  });
  return r;
}
