import { Router } from 'express';
import type { AppContext } from '../web/context.js';
import { outcomeQuery, type Outcome } from './scores.schemas.js';
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

  r.get('/admin/scores', async (req, res) => {
    const page = await ctx.scores.adminPage(req.user!);
    res.render('scores/admin', { title: 'Gradebook scores', ...page, notice: noticeOf(outcomeQuery.parse(req.query)) });
  });

  r.post('/admin/scores/settings', async (req, res) => {
    const { enabled, results } = await ctx.scores.configure(req.user!, req.body);
    redirectInTool(res, PAGE, { query: { done: enabled ? 'on' : 'off', ...countsOf(results) } });
  });

  r.post('/admin/scores/publish', async (req, res) => {
    const results = await ctx.scores.publish(req.user!);
    redirectInTool(res, PAGE, { query: { done: 'published', ...countsOf(results) } });
  });

  r.post('/admin/scores/inspect', async (req, res) => {
    await ctx.scores.inspect(req.user!);
    redirectInTool(res, PAGE, { query: { done: 'inspected' } });
  });
  return r;
}
