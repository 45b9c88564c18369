import { Router } from 'express';
import type { AppContext } from '../web/context.js';
import { outcomeQuery, type Outcome } from './scores.schemas.js';
import { redirectInTool } from '../web/forms.js';
import { defaultLocale, t, type Locale } from '../web/i18n.js';

const PAGE = '/admin/scores';
import type { PublishSummary } from './scores.service.js';

/** The redirect's query after a publish: counts only, never names. */
const countsOf = (results: PublishSummary[]) => ({ posted: results.reduce((n, r) => n + r.posted, 0), courses: results.length, failed: results.filter((r) => r.error).length });

function noticeOf(o: Outcome, locale: Locale): string | undefined {
  const say = (key: string, params: Record<string, unknown> = {}) => t(`scores.notice.${key}`, params, locale);
  const parts = { scores: say('scores', { count: o.posted }), courses: say('courses', { count: o.courses }), failed: say('failed', { count: o.failed }) };
  const posted = say(o.failed ? 'postedFailed' : 'posted', parts);
  switch (o.done) {
    case 'on':
      return o.courses ? posted : say('onNoCourse');
    case 'off':
      return say('off');
    case 'published':
      return o.courses ? posted : say('nothing');
    case 'inspected':
      return say('inspected');
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
    res.render('scores/admin', { titleKey: 'scores.title', ...page, notice: noticeOf(outcomeQuery.parse(req.query), req.user!.locale ?? defaultLocale) });
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
