import { Router } from 'express';
import type { AppContext } from '../web/context.js';
import { t } from '../web/i18n.js';
import { impactQuery } from './impact.schemas.js';

export const IMPACT = '/impact';

/** /impact: which supports worked (filters: period, strategy). Support staff, leaders and admins. */
export function impactRoutes(ctx: AppContext): Router {
  const r = Router();
  r.get(IMPACT, ctx.requireUser, async (req, res) => {
    const view = await ctx.impact.report(req.user!, impactQuery.parse(req.query));
    res.render('impact/index', { titleKey: 'impact.title', nav: [{ href: '/supports', label: t('supports.title', {}, req.user!.locale), current: false }], ...view });
  });
  return r;
}
