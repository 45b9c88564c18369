import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../web/context.js';
import { orInvalid, redirectInTool, summaryOf } from '../web/forms.js';
import { reportSettingsForm } from './reports.schemas.js';
import { minimumGroupSize } from './suppression.js';

const SETTINGS = '/admin/reports';
const fieldIds: Record<string, string> = { minGroupSize: 'min-group-size' };

/** /admin/reports: the school's report settings (the minimum group size). */
export function reportsRoutes(ctx: AppContext): Router {
  const r = Router();
  r.use(SETTINGS, ctx.requireUser);

  const render = async (req: Request, res: Response, errors: Record<string, string> = {}, posted?: unknown) => {
    const settings = await ctx.reports.settings(req.user!);
    const value = typeof posted === 'string' ? posted : String(settings.minGroupSize);
    res.render('reports/settings', {
      titleKey: 'reports.settings.title',
      formAction: SETTINGS,
      saved: req.query.saved === '1' && !errors.minGroupSize,
      value,
      limits: minimumGroupSize,
      errors,
      errorSummary: summaryOf(errors, (f) => fieldIds[f]),
    });
  };

  r.get(SETTINGS, (req, res) => render(req, res));
  r.post(SETTINGS, async (req, res) => {
    await orInvalid(
      res,
      async () => {
        await ctx.reports.updateSettings(req.user!, reportSettingsForm.safeParse(req.body));
        redirectInTool(res, SETTINGS, { query: { saved: 1 } });
      },
      (e) => render(req, res, e.errors, (req.body as Record<string, unknown>).minGroupSize),
    );
  });
  return r;
}
