import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../web/context.js';
import { redirectInTool, summaryOf, unlessRefused } from '../web/forms.js';
import { t } from '../web/i18n.js';
import { staffRoles } from '../auth/user.js';
import { ALL_SCHOOLS, staffRoleForm } from './staff.service.js';

const STAFF = '/admin/staff';

/** /admin/staff: who holds which staff role; give one to an adult of the school, or take it back. */
export function staffRoutes(ctx: AppContext): Router {
  const r = Router();
  r.use(STAFF, ctx.requireUser);

  const render = async (req: Request, res: Response, errors?: Record<string, string>) => {
    const locale = req.user!.locale;
    const view = await ctx.staff.list(req.user!);
    const roleName = (role: string) => t(`staff.roles.${role}`, {}, locale);
    const allSchools = t('staff.allSchools', {}, locale);
    const schoolName = new Map(view.schools.map((s) => [s.id, s.name]));
    res.status(errors ? 400 : 200).render('staff/index', {
      titleKey: 'staff.title',
      nav: [{ href: '/admin', label: t('nav.admin', {}, locale), current: false }],
      holders: view.holders.map((p) => ({
        ...p,
        grants: p.staffGrants.map((g) => ({ role: g.role, school: g.schoolId ?? ALL_SCHOOLS, name: roleName(g.role), schoolName: g.schoolId === null ? allSchools : (schoolName.get(g.schoolId) ?? '') })),
      })),
      candidates: view.candidates,
      roles: staffRoles.map((role) => ({ role, name: roleName(role) })),
      // "All schools" is offered last: the admin page refuses it for a role at one school when the tenant has schools.
      schools: [...view.schools, { id: ALL_SCHOOLS, name: allSchools }],
      notice: !errors && req.query.done === 'saved' ? t('staff.saved', {}, locale) : undefined,
      errors: errors ?? {},
      errorSummary: errors ? summaryOf(errors, (f) => `staff-${f}`) : undefined,
    });
  };

  r.get(STAFF, (req, res) => render(req, res));
  r.post(STAFF, async (req, res) => {
    const outcome = await unlessRefused(() => ctx.staff.change(req.user!, staffRoleForm.safeParse(req.body)));
    if (!outcome.ok) return render(req, res, outcome.errors);
    redirectInTool(res, STAFF, { query: { done: 'saved' } });
  });
  return r;
}
