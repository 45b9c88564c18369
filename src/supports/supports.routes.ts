import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../web/context.js';
import { redirectInTool, summaryOf, unlessRefused } from '../web/forms.js';
import { t } from '../web/i18n.js';
import type { AppUser } from '../auth/user.js';
import { parseSupportForm, supportForm, supportsQuery, type SupportsQuery } from './supports.schemas.js';
import { filterChoices, formView, supportView } from './supports.presenter.js';

const BROWSE = '/supports';
const ADMIN = '/admin/supports';

/** The form's inputs (the schema's fields, in page order), for the error summary's links. */
const fieldIds: Record<string, string> = Object.fromEntries(Object.keys(supportForm.shape).map((f) => [f, `s-${f}`]));

const notices = ['created', 'saved', 'deactivated', 'reactivated', 'starter'] as const;

/**
 * /supports: the catalogue for adults who refer (search, category, tier, language). /admin/supports:
 * the admins' list, add, edit, deactivate and reactivate, and "Add the starter catalogue".
 */
export function supportsRoutes(ctx: AppContext): Router {
  const r = Router();
  r.use([BROWSE, ADMIN], ctx.requireUser);

  const noticeOf = (req: Request) => {
    const done = notices.find((n) => n === req.query.done);
    if (!done) return undefined;
    const count = Number(req.query.count);
    return t(`supports.done.${done}`, { count: Number.isInteger(count) ? count : 0 }, req.user!.locale);
  };

  /** What both lists show: the query, the filters' choices, the supports in words, the `can` map. */
  const listView = async (req: Request, list: (user: AppUser, query: SupportsQuery) => ReturnType<AppContext['supports']['catalogue']>) => {
    const query = supportsQuery.parse(req.query);
    const locale = req.user!.locale;
    const view = await list(req.user!, query);
    return { query, filters: filterChoices(query, view.languages, locale), supports: view.supports.map((s) => supportView(s, locale)), can: view.can };
  };

  r.get(BROWSE, async (req, res) => {
    const list = await listView(req, ctx.supports.catalogue);
    res.render('supports/index', { titleKey: 'supports.title', ...list, impact: ctx.impact.can(req.user!).view, filtered: Boolean(list.query.q || list.query.category || list.query.tier || list.query.language) });
  });

  r.get(ADMIN, async (req, res) => {
    const list = await listView(req, ctx.supports.adminList);
    res.render('supports/admin', { titleKey: 'supports.admin.title', nav: [{ href: '/admin', label: t('nav.admin', {}, req.user!.locale), current: false }], notice: noticeOf(req), ...list });
  });

  const renderForm = (req: Request, res: Response, opts: { id?: string; values: Record<string, unknown>; languageChoices: readonly string[]; organisations: readonly { id: string; name: string }[]; errors?: Record<string, string>; can: Record<string, boolean> }) => {
    const locale = req.user!.locale;
    const form = formView(opts.values, opts.languageChoices, locale, opts.organisations);
    res.render('supports/form', {
      titleKey: opts.id ? 'supports.form.editTitle' : 'supports.form.newTitle',
      nav: [
        { href: '/admin', label: t('nav.admin', {}, locale), current: false },
        { href: ADMIN, label: t('supports.admin.title', {}, locale), current: false },
      ],
      editing: Boolean(opts.id),
      action: opts.id ? `${ADMIN}/${opts.id}` : ADMIN,
      ...form,
      errors: opts.errors ?? {},
      errorSummary: opts.errors ? summaryOf(opts.errors, (f) => fieldIds[f]) : undefined,
      can: opts.can,
    });
  };

  r.get(`${ADMIN}/new`, async (req, res) => {
    const view = await ctx.supports.newForm(req.user!);
    renderForm(req, res, { values: { tier: '1', cost: 'free', referral: 'internal' }, languageChoices: view.languageChoices, organisations: view.organisations, can: view.can });
  });

  r.post(`${ADMIN}/starter`, async (req, res) => {
    const added = await ctx.supports.addStarter(req.user!);
    redirectInTool(res, ADMIN, { query: { done: 'starter', count: String(added) } });
  });

  r.post(ADMIN, async (req, res) => {
    const posted = req.body as Record<string, unknown>;
    const outcome = await unlessRefused(() => ctx.supports.create(req.user!, parseSupportForm(posted)));
    if (!outcome.ok) {
      res.status(400);
      const view = await ctx.supports.newForm(req.user!);
      return renderForm(req, res, { values: posted, errors: outcome.errors, languageChoices: view.languageChoices, organisations: view.organisations, can: view.can });
    }
    redirectInTool(res, ADMIN, { query: { done: 'created' } });
  });

  r.get(`${ADMIN}/:id`, async (req, res) => {
    const { support, languageChoices, organisations, can } = await ctx.supports.find(req.user!, String(req.params.id));
    renderForm(req, res, { id: support.id, values: { ...support }, languageChoices, organisations, can });
  });

  r.post(`${ADMIN}/:id`, async (req, res) => {
    const id = String(req.params.id);
    const posted = req.body as Record<string, unknown>;
    const outcome = await unlessRefused(() => ctx.supports.update(req.user!, id, parseSupportForm(posted)));
    if (!outcome.ok) {
      res.status(400);
      const { languageChoices, organisations, can } = await ctx.supports.find(req.user!, id);
      return renderForm(req, res, { id, values: posted, errors: outcome.errors, languageChoices, organisations, can });
    }
    redirectInTool(res, ADMIN, { query: { done: 'saved' } });
  });

  r.post(`${ADMIN}/:id/active`, async (req, res) => {
    const active = req.body?.active === 'on';
    await ctx.supports.setActive(req.user!, String(req.params.id), active);
    redirectInTool(res, ADMIN, { query: { done: active ? 'reactivated' : 'deactivated', ...(active ? {} : { status: 'inactive' }) } });
  });
  return r;
}
