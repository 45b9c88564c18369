import { toolPath } from '../web/urls.js';
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../web/context.js';
import { orInvalid, prefixed, redirectInTool, summaryOf, unlessRefused } from '../web/forms.js';
import { t } from '../web/i18n.js';
import { itemInputId, surveyItems } from './surveys.presenter.js';
import { windowForm } from './surveys.schemas.js';

const ADMIN = '/admin/surveys';
const surveyUrl = (windowId: string) => toolPath('surveys', windowId);
const windowFieldIds: Record<string, string> = { surveyId: 'window-survey', opensOn: 'window-opens', closesOn: 'window-closes', schoolId: 'window-school' };

/** The student's pulse form (/surveys/:windowId) and the admin's windows (/admin/surveys). */
export function surveysRoutes(ctx: AppContext): Router {
  const r = Router();

  const renderForm = async (req: Request, res: Response, posted?: Record<string, unknown>, errors: Record<string, string> = {}) => {
    const user = req.user!;
    const view = await ctx.surveys.form(user, req.params.windowId);
    const typed = posted ? prefixed(posted, 'answer') : undefined;
    res.render('surveys/answer', {
      title: view.survey.title,
      nav: [{ href: '/my-plan', label: t('nav.myPlan', {}, user.locale), current: false }],
      formAction: surveyUrl(view.window.id),
      survey: view.survey,
      window: view.window,
      answeredAt: view.answeredAt,
      saved: !posted && req.query.saved === '1',
      items: surveyItems(view.survey.items, view.scale, (id) => (typed ? (typed[id] ?? '') : String(view.answers[id] ?? '')), errors),
      errorSummary: summaryOf(errors, (field) => itemInputId(field.slice('answer.'.length), 1)),
    });
  };

  r.get('/surveys/:windowId', ctx.requireUser, (req, res) => renderForm(req, res));
  r.post('/surveys/:windowId', ctx.requireUser, async (req, res) => {
    await orInvalid(
      res,
      async () => {
        await ctx.surveys.answer(req.user!, req.params.windowId, req.body);
        redirectInTool(res, surveyUrl(String(req.params.windowId)), { query: { saved: 1 } });
      },
      (e) => renderForm(req, res, req.body as Record<string, unknown>, e.errors),
    );
  });

  const renderAdmin = async (req: Request, res: Response, errors?: Record<string, string>, values: Record<string, unknown> = {}) => {
    const user = req.user!;
    const [view, choices] = await Promise.all([ctx.surveys.adminPage(user), ctx.surveys.surveyChoices(user.tenantId, user.locale)]);
    res.status(errors ? 400 : 200).render('surveys/admin', {
      titleKey: 'surveys.admin.title',
      nav: [{ href: '/admin', label: t('nav.admin', {}, user.locale), current: false }],
      formAction: ADMIN,
      surveys: choices.map((s) => ({ ...s, selected: s.id === (values.surveyId ?? choices[0]?.id) })),
      schools: view.schools.map((x) => ({ ...x, selected: x.id === values.schoolId })),
      windows: view.windows.map((w) => ({ ...w, stateLabel: t(`surveys.admin.state.${w.state}`, {}, user.locale), closeUrl: w.state === 'closed' ? undefined : `${ADMIN}/${w.id}/close` })),
      notice: !errors && typeof req.query.done === 'string' ? t(`surveys.admin.done.${req.query.done === 'closed' ? 'closed' : 'added'}`, {}, user.locale) : undefined,
      values: { opensOn: view.today, closesOn: view.today, ...values },
      errors: errors ?? {},
      errorSummary: errors ? summaryOf(errors, (f) => windowFieldIds[f]) : undefined,
    });
  };

  r.get(ADMIN, ctx.requireUser, (req, res) => renderAdmin(req, res));
  r.post(ADMIN, ctx.requireUser, async (req, res) => {
    const offered = (await ctx.surveys.surveyChoices(req.user!.tenantId)).map((s) => s.id);
    const outcome = await unlessRefused(() => ctx.surveys.addWindow(req.user!, windowForm(offered).safeParse(req.body)));
    if (!outcome.ok) return renderAdmin(req, res, outcome.errors, req.body as Record<string, unknown>);
    redirectInTool(res, ADMIN, { query: { done: 'added' } });
  });
  r.post(`${ADMIN}/:id/close`, ctx.requireUser, async (req, res) => {
    await ctx.surveys.closeWindow(req.user!, req.params.id);
    redirectInTool(res, ADMIN, { query: { done: 'closed' } });
  });
  return r;
}
