import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../web/context.js';
import { studentNav } from '../web/student-nav.js';
import { orInvalid, redirectInTool, summaryOf } from '../web/forms.js';
import { t } from '../web/i18n.js';
import { familyViews, indicatorSettingsForm, tierDecisionForm } from './indicators.schemas.js';

type Body = Record<string, unknown>;
/** A band's colour step (0 = best) as the badge class the stylesheet has. */
const badgeClass = (level: number | null | undefined) => (level === null || level === undefined ? '' : level === 0 ? 'good' : level === 1 ? '' : level === 2 ? 'warn' : 'bad');
const tierFieldIds: Record<string, string> = { tier: 'tier-1', reason: 'tier-reason', _form: 'tier-1' };
const settingsFieldIds: Record<string, string> = { familyView: 'family-view-none' };

/** The student's data panel (/students/:id/data), the tier decision, and the admin's indicator settings. */
export function indicatorsRoutes(ctx: AppContext): Router {
  const r = Router();
  const base = (studentId: string) => `/students/${studentId}/data`;

  const renderPanel = async (req: Request, res: Response, values: Body = {}, errors: Record<string, string> = {}) => {
    const user = req.user!;
    const panel = await ctx.indicators.panelFor(user, String(req.params.studentId));
    const { record } = panel;
    const isSelf = record.relationship === 'self';
    const common = {
      title: isSelf ? t('indicators.panel.titleOwn', {}, user.locale) : t('indicators.panel.title', { name: record.student.name }, user.locale),
      nav: studentNav(user, record, 'data'),
      student: record.student,
      isSelf,
    };
    if (panel.mode === 'familyNone' || panel.mode === 'student') {
      res.render('indicators/panel', { ...common, ...panel });
      return;
    }
    const facts = panel.facts;
    const withClass = <T extends { level: number | null }>(f: T) => ({ ...f, badgeClass: badgeClass(f.level) });
    const tier = panel.tier;
    res.render('indicators/panel', {
      ...common,
      ...panel,
      facts: { attendance: withClass(facts.attendance), behaviour: withClass(facts.behaviour), grades: withClass(facts.grades), wellbeing: withClass(facts.wellbeing) },
      tier: tier && {
        ...tier,
        formAction: `${base(record.student.id)}/tier`,
        options: ([1, 2, 3] as const).map((n) => ({ value: String(n), id: `tier-${n}`, label: t(`indicators.tier.${n}`, {}, user.locale), checked: values.tier === undefined ? n === tier.current : values.tier === String(n), suggested: n === tier.suggested })),
        reason: typeof values.reason === 'string' ? values.reason : '',
      },
      errors,
      errorSummary: summaryOf(errors, (f) => tierFieldIds[f]),
    });
  };

  r.get('/students/:studentId/data', ctx.requireUser, async (req, res) => {
    await renderPanel(req, res);
  });

  r.post('/students/:studentId/data/tier', ctx.requireUser, async (req, res) => {
    await orInvalid(
      res,
      async () => {
        await ctx.indicators.decideTier(req.user!, String(req.params.studentId), tierDecisionForm.safeParse(req.body));
        redirectInTool(res, base(String(req.params.studentId)), { query: { decided: 1 }, hash: 'tier' });
      },
      (e) => renderPanel(req, res, req.body as Body, e.errors),
    );
  });

  const renderSettings = async (req: Request, res: Response, values: Body = {}, errors: Record<string, string> = {}) => {
    const s = await ctx.indicators.settings(req.user!);
    const selected = typeof values.familyView === 'string' ? values.familyView : s.familyView;
    res.render('indicators/settings', {
      titleKey: 'indicators.settings.title',
      formAction: '/admin/indicators',
      saved: req.query.saved === '1',
      options: familyViews.map((v) => ({ value: v, id: `family-view-${v}`, label: t(`indicators.settings.familyView.${v}`, {}, req.user!.locale), checked: v === selected })),
      errors,
      errorSummary: summaryOf(errors, (f) => settingsFieldIds[f]),
    });
  };

  r.get('/admin/indicators', ctx.requireUser, async (req, res) => {
    await renderSettings(req, res);
  });

  r.post('/admin/indicators', ctx.requireUser, async (req, res) => {
    await orInvalid(
      res,
      async () => {
        await ctx.indicators.saveSettings(req.user!, indicatorSettingsForm.safeParse(req.body));
        redirectInTool(res, '/admin/indicators', { query: { saved: 1 } });
      },
      (e) => renderSettings(req, res, req.body as Body, e.errors),
    );
  });
  return r;
}
