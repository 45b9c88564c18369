import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../web/context.js';
import { redirectInTool, summaryOf, unlessRefused } from '../web/forms.js';
import { t } from '../web/i18n.js';
import { inviteForm, organisationForm } from './providers.schemas.js';
import { organisationView } from './providers.presenter.js';

const ADMIN = '/admin/providers';
const notices = ['organisation', 'invited', 'deactivated', 'reactivated'] as const;

/** The error summary's links: each form's fields have ids of their own (two forms share the page). */
const fieldIds: Record<string, Record<string, string>> = {
  organisation: Object.fromEntries(Object.keys(organisationForm.shape).map((f) => [f, `po-${f}`])),
  invite: Object.fromEntries(Object.keys(inviteForm.shape).map((f) => [f, `pi-${f}`])),
};

/**
 * /admin/providers (inside the LMS, an admin's ltik): the school's community organisations and their
 * people; add an organisation, invite a person (an e-mail with a link valid a week), deactivate.
 */
export function providersRoutes(ctx: AppContext): Router {
  const r = Router();
  r.use(ADMIN, ctx.requireUser);

  const render = async (req: Request, res: Response, refused?: { form: 'organisation' | 'invite'; errors: Record<string, string>; values: Record<string, unknown> }) => {
    const locale = req.user!.locale;
    const view = await ctx.providers.adminPage(req.user!);
    const done = notices.find((n) => n === req.query.done);
    const values = (form: string) => (refused?.form === form ? refused.values : {});
    const invited = values('invite');
    res.render('providers/admin', {
      titleKey: 'providers.admin.title',
      nav: [{ href: '/admin', label: t('nav.admin', {}, locale), current: false }],
      notice: done ? t(`providers.done.${done}`, {}, locale) : undefined,
      organisations: view.organisations.map((o) => organisationView(o, locale ?? 'en', typeof res.locals.timeZone === 'string' ? res.locals.timeZone : undefined)),
      choices: view.organisations.map((o) => ({ value: o.id, label: o.name, selected: invited.organisationId === o.id })),
      signInUrl: view.signInUrl,
      can: view.can,
      organisation: { values: values('organisation'), errors: refused?.form === 'organisation' ? refused.errors : {} },
      invite: { values: invited, errors: refused?.form === 'invite' ? refused.errors : {} },
      errorSummary: refused ? summaryOf(refused.errors, (f) => fieldIds[refused.form]![f]) : undefined,
    });
  };

  r.get(ADMIN, (req, res) => render(req, res));

  r.post(`${ADMIN}/organisations`, async (req, res) => {
    const posted = req.body as Record<string, unknown>;
    const outcome = await unlessRefused(() => ctx.providers.addOrganisation(req.user!, organisationForm.safeParse(posted)));
    if (!outcome.ok) {
      res.status(400);
      return render(req, res, { form: 'organisation', errors: outcome.errors, values: posted });
    }
    redirectInTool(res, ADMIN, { query: { done: 'organisation' } });
  });

  r.post(`${ADMIN}/accounts`, async (req, res) => {
    const posted = req.body as Record<string, unknown>;
    const outcome = await unlessRefused(() => ctx.providers.invite(req.user!, inviteForm.safeParse(posted)));
    if (!outcome.ok) {
      res.status(400);
      return render(req, res, { form: 'invite', errors: outcome.errors, values: posted });
    }
    redirectInTool(res, ADMIN, { query: { done: 'invited' } });
  });

  r.post(`${ADMIN}/accounts/:id/active`, async (req, res) => {
    const active = (req.body as Record<string, unknown> | undefined)?.active === 'on';
    await ctx.providers.setActive(req.user!, String(req.params.id), active);
    redirectInTool(res, ADMIN, { query: { done: active ? 'reactivated' : 'deactivated' } });
  });
  return r;
}
