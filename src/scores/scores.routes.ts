import { Router } from 'express';
import type { AppContext } from '../web/context.js';
import { authorize } from '../policies/policy.js';
import { scoresPolicy } from '../policies/scores.js';
import { badRequest } from '../web/errors.js';
import { publishSettingForm } from './scores.schemas.js';
import type { PublishSummary } from './scores.service.js';

function flash(results: PublishSummary[]): string | undefined {
  if (results.length === 0) return undefined;
  const posted = results.reduce((n, r) => n + r.posted, 0);
  const failed = results.filter((r) => r.error).length;
  return `Posted ${posted} score${posted === 1 ? '' : 's'} in ${results.length} course${results.length === 1 ? '' : 's'}${failed ? `; ${failed} course${failed === 1 ? '' : 's'} failed (see below)` : ''}.`;
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
    await render(req, res);
  });

  r.post('/admin/scores/settings', async (req, res) => {
    const user = req.user!;
    authorize(scoresPolicy, user, 'configure', { tenantId: user.tenantId });
    const form = publishSettingForm.safeParse(req.body);
    if (!form.success) throw badRequest(form.error.issues[0]?.message ?? 'Choose whether to publish scores.');
    const enabled = form.data.publish === 'on';
    const results = await ctx.scores.setPublishing(user.tenantId, enabled, user.personId);
    await render(req, res, enabled ? (flash(results) ?? 'Publishing is on. No course has an AGS endpoint yet.') : 'Publishing is off. Scores already in the gradebook stay there.');
  });

  r.post('/admin/scores/publish', async (req, res) => {
    const user = req.user!;
    authorize(scoresPolicy, user, 'publish', { tenantId: user.tenantId });
    const results = await ctx.scores.publishAll(user.tenantId);
    await render(req, res, flash(results) ?? 'Nothing was posted: publishing is off or no course has an AGS endpoint.');
  });

  r.post('/admin/scores/inspect', async (req, res) => {
    const user = req.user!;
    authorize(scoresPolicy, user, 'view', { tenantId: user.tenantId });
    await ctx.scores.inspectAll(user.tenantId);
    await render(req, res, 'Checked what each course shows the tool.');
  });
  return r;
}
