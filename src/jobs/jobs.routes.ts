import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../web/context.js';
import { redirectInTool } from '../web/forms.js';
import { labelOf, t } from '../web/i18n.js';
import { jobsPageQuery } from './jobs.schemas.js';

const PAGE = '/admin/jobs';

/** /admin/jobs: the school's background jobs (type, what for, state, attempts, next run, last error) and "Retry now" for failed ones. */
export function jobsRoutes(ctx: AppContext): Router {
  const r = Router();
  r.use(PAGE, ctx.requireUser);

  const render = async (req: Request, res: Response, page: number, problem?: { jobId: string; text: string }) => {
    const view = await ctx.jobs.listForAdmin(req.user!, page);
    // Past the last page: show the last one rather than an empty list.
    const shown = view.page > view.pages ? await ctx.jobs.listForAdmin(req.user!, view.pages) : view;
    const locale = req.user!.locale;
    const tr = (key: string, params: Record<string, unknown> = {}) => t(key, params, locale);
    res.render('jobs/admin', {
      title: tr('jobs.title'),
      nav: [{ href: '/admin', label: tr('nav.admin'), current: false }],
      notice: req.query.done === 'retried' ? tr('jobs.retried') : undefined,
      jobs: shown.jobs.map((j) => {
        const type = labelOf('jobs.type', j.type, locale);
        const about = j.about === null ? tr('jobs.aboutNone') : (j.about ?? tr('jobs.aboutUnknown'));
        return {
          ...j,
          typeLabel: type,
          aboutLabel: about,
          stateLabel: labelOf('jobs.state', j.status, locale),
          errorLabel: j.lastError ? labelOf('jobs.error', j.lastError, locale) : tr('jobs.noError'),
          retryAction: `${PAGE}/${j.id}/retry`,
          retryLabel: tr('jobs.retryLabel', { type, about }),
        };
      }),
      page: shown.page,
      pages: shown.pages,
      total: shown.total,
      newer: shown.page > 1 ? shown.page - 1 : null,
      older: shown.page < shown.pages ? shown.page + 1 : null,
      errorSummary: problem ? [{ href: `#job-${problem.jobId}`, text: problem.text }] : undefined,
    });
  };

  r.get(PAGE, async (req, res) => {
    await render(req, res, jobsPageQuery.parse(req.query).page);
  });

  r.post(`${PAGE}/:jobId/retry`, async (req, res) => {
    const outcome = await ctx.jobs.retryForAdmin(req.user!, req.params.jobId);
    if (outcome === 'not_failed') {
      res.status(409);
      await render(req, res, 1, { jobId: String(req.params.jobId), text: t('jobs.notFailed', {}, req.user!.locale) });
      return;
    }
    redirectInTool(res, PAGE, { query: { done: 'retried' } });
  });
  return r;
}
