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
    res.render('jobs/admin', {
      title: t('jobs.title'),
      nav: [{ href: '/admin', label: t('nav.admin'), current: false }],
      notice: req.query.done === 'retried' ? t('jobs.retried') : undefined,
      jobs: shown.jobs.map((j) => {
        const type = labelOf('jobs.type', j.type);
        const about = j.about === null ? t('jobs.aboutNone') : (j.about ?? t('jobs.aboutUnknown'));
        return {
          ...j,
          typeLabel: type,
          aboutLabel: about,
          stateLabel: labelOf('jobs.state', j.status),
          errorLabel: j.lastError ? labelOf('jobs.error', j.lastError) : t('jobs.noError'),
          retryAction: `${PAGE}/${j.id}/retry`,
          retryLabel: t('jobs.retryLabel', { type, about }),
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
      await render(req, res, 1, { jobId: String(req.params.jobId), text: t('jobs.notFailed') });
      return;
    }
    redirectInTool(res, PAGE, { query: { done: 'retried' } });
  });
  return r;
}
