import { Router, type Request } from 'express';
import type { AppContext } from '../web/context.js';
import type { AppUser } from '../auth/user.js';
import { authorize } from '../policies/policy.js';
import { roleHomePolicy, type RoleHomePage } from '../policies/role-home.js';
import { roleHome } from '../lti/roles.js';

/**
 * The page each role lands on after a launch (contract 5). Placeholders the plans team replaces,
 * keeping the URLs; each still shows only what that role may see.
 */
export function roleHomeRoutes(ctx: AppContext): Router {
  const r = Router();
  const viewer = (req: Request, page: RoleHomePage): AppUser => {
    const user = req.user!;
    authorize(roleHomePolicy, user, 'view', { tenantId: user.tenantId, page });
    return user;
  };

  r.get('/home', ctx.requireUser, (req, res) => {
    const user = req.user!;
    if (user.role === 'guest') {
      res.render('home/guest', { title: 'No access yet' });
      return;
    }
    res.redirect(302, `${roleHome[user.role]}?ltik=${encodeURIComponent(res.locals.ltik as string)}`);
  });

  r.get('/my-plan', ctx.requireUser, (req, res) => {
    viewer(req, 'my-plan');
    res.render('home/my-plan', { title: 'My plan' });
  });

  r.get('/family', ctx.requireUser, async (req, res) => {
    const user = viewer(req, 'family');
    const mentees = await Promise.all(user.menteeIds.map((id) => ctx.roster.findPerson(user.tenantId, id)));
    res.render('home/family', { title: 'My student', students: mentees.filter((p) => p).map((p) => ({ name: p!.name || 'Name not shared by the LMS yet' })) });
  });

  r.get('/admin', ctx.requireUser, (req, res) => {
    viewer(req, 'admin');
    res.render('home/admin', { title: 'Administration' });
  });
  return r;
}
