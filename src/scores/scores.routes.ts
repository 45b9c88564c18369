import { Router } from 'express';
import type { AppContext } from '../web/context.js';
import { authorize } from '../policies/policy.js';
import { scoresPolicy } from '../policies/scores.js';
import { badRequest } from '../web/errors.js';
import { outcomeQuery, publishSettingForm, type Outcome } from './scores.schemas.js';
import { redirectInTool } from '../web/forms.js';

const PAGE = '/admin/scores';
import type { PublishSummary } from './scores.service.js';

/** The redirect's query after a publish: counts only, never names. */
const countsOf = (results: PublishSummary[]) => ({ posted: results.reduce((n, r) => n + r.posted, 0), courses: results.length, failed: results.filter((r) => r.error).length });

function noticeOf(o: Outcome): string | undefined {
  const posted = `Posted ${o.posted} score${o.posted === 1 ? '' : 's'} in ${o.courses} course${o.courses === 1 ? '' : 's'}${o.failed ? `; ${o.failed} course${o.failed === 1 ? '' : 's'} failed (see below)` : ''}.`;
  switch (o.done) {
    case 'on':
      return o.courses ? posted : 'Publishing is on. No course has an AGS endpoint yet.';
    case 'off':
      return 'Publishing is off. Scores already in the gradebook stay there.';
    case 'published':
      return o.courses ? posted : 'Nothing was posted: publishing is off or no course has an AGS endpoint.';
    case 'inspected':
      return 'Checked what each course shows the tool.';
    default:
      return undefined;
  }
}

/** /admin/scores: the gradebook publishing switch and what AGS exposes per course. */
export function scoresRoutes(ctx: AppContext): Router {
  const r = Router();
  r.use('/admin/scores', ctx.requireUser);

  const render = async (req: Parameters<Parameters<Router['get']>[1]>[0], res: Parameters<Parameters<Router['get']>[1]>[1], notice?: string) => {
    const user = req.user!;
    res.render('scores/admin', {
      title: 'Gradebook scores',
      publishEnabled: await ctx.scores.publishEnabled(user.tenantId),
      contexts: await ctx.scores.overview(user.tenantId),
      notice,
    });
  };

  r.get('/admin/scores', async (req, res) => {
    authorize(scoresPolicy, req.user!, 'view', { tenantId: req.user!.tenantId });
    await render(req, res, noticeOf(outcomeQuery.parse(req.query)));
  });

  r.post('/admin/scores/settings', async (req, res) => {
    const user = req.user!;
    authorize(scoresPolicy, user, 'configure', { tenantId: user.tenantId });
    const form = publishSettingForm.safeParse(req.body);
    if (!form.success) throw badRequest(form.error.issues[0]?.message ?? 'Choose whether to publish scores.');
    const enabled = form.data.publish === 'on';
    const results = await ctx.scores.setPublishing(user.tenantId, enabled, user.personId);
    redirectInTool(res, PAGE, { query: { done: enabled ? 'on' : 'off', ...countsOf(results) } });
  });

  r.post('/admin/scores/publish', async (req, res) => {
    const user = req.user!;
    authorize(scoresPolicy, user, 'publish', { tenantId: user.tenantId });
    const results = await ctx.scores.publishAll(user.tenantId);
    redirectInTool(res, PAGE, { query: { done: 'published', ...countsOf(results) } });
  });

  r.post('/admin/scores/inspect', async (req, res) => {
    const user = req.user!;
    authorize(scoresPolicy, user, 'view', { tenantId: user.tenantId });
    await ctx.scores.inspectAll(user.tenantId);
    redirectInTool(res, PAGE, { query: { done: 'inspected' } });
  });
  return r;
}
