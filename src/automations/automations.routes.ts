import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../web/context.js';
import type { AppUser } from '../auth/user.js';
import { orInvalid, redirectInTool, summaryOf, type InvalidInput } from '../web/forms.js';
import { badRequest, message } from '../web/errors.js';
import { labelOf, t } from '../web/i18n.js';
import { alertAudiences, CONDITION_MAX, draftCategories, eventFacts, NAME_MAX, ruleForm, stateForm, STUDENT_FACTS, type StudentFieldFact } from './automations.schemas.js';
import { automationEvents, ruleActions } from './automations.tables.js';
import { DRY_RUN_DAYS } from './automations.service.js';
import { goalLimits } from '../goals/goals.schemas.js';

const BASE = '/admin/automations';
const rulePath = (id: string) => `${BASE}/${encodeURIComponent(id)}`;
const fieldIds = ['name', 'event', 'condition', 'action', 'audience', 'step', 'navigator', 'category', 'maxPerHour'] as const;
const idOf = (field: string) => `rule-${fieldIds.includes(field as (typeof fieldIds)[number]) ? field : 'name'}`;

/** The editor's values: the stored rule's, or what was posted (kept as typed when refused). */
interface RuleValues {
  name: string;
  event: string;
  condition: string;
  action: string;
  audience: string;
  step: string;
  navigator: string;
  category: string;
  maxPerHour: string;
  edits: string;
}

const posted = (body: unknown): RuleValues => {
  const b = (body ?? {}) as Record<string, unknown>;
  const s = (k: string) => (typeof b[k] === 'string' ? (b[k] as string) : '');
  return { name: s('name'), event: s('event'), condition: s('condition'), action: s('action'), audience: s('audience'), step: s('step'), navigator: s('navigator'), category: s('category'), maxPerHour: s('maxPerHour'), edits: s('edits') };
};

/** The choices of each select, labelled in the reader's words, the current one marked; the facts each event gives, the student's own fields last. */
function choices(user: AppUser, v: RuleValues, studentFacts: readonly StudentFieldFact[]) {
  const options = (values: readonly string[], key: string, current: string) => values.map((value) => ({ value, label: t(`${key}.${value}`, {}, user.locale), selected: value === current }));
  return {
    events: options(automationEvents, 'automations.events', v.event),
    actions: options(ruleActions, 'automations.actions', v.action),
    audiences: options(alertAudiences, 'automations.audiences', v.audience),
    categories: draftCategories.map((value) => ({ value, label: value === 'event' ? t('automations.editor.categoryFromEvent', {}, user.locale) : labelOf('supports.category', value, user.locale), selected: value === v.category })),
    facts: [
      ...automationEvents.map((e) => ({ event: t(`automations.events.${e}`, {}, user.locale), names: Object.keys(eventFacts[e]).join(', '), example: JSON.stringify(eventFacts[e]) })),
      ...(studentFacts.length > 0
        ? [{ event: t('automations.editor.studentFacts', {}, user.locale), names: studentFacts.map((f) => `${STUDENT_FACTS}.${f.key} (${f.label})`).join(', '), example: JSON.stringify({ [STUDENT_FACTS]: Object.fromEntries(studentFacts.map((f) => [f.key, f.sample])) }) }]
        : []),
    ],
  };
}

/**
 * /admin/automations (issue 14, item 5): the district's rules, each "when EVENT and CONDITION then
 * ACTION"; write one, dry-run it over the last 30 days, switch it on or pause it, read its latest runs.
 */
export function automationsRoutes(ctx: AppContext): Router {
  const r = Router();
  r.use(BASE, ctx.requireUser);

  // `read`: the rule and runs the caller already read (GET /:id), so a page reads and audits them once.
  type Detail = Awaited<ReturnType<AppContext['automations']['detail']>>;
  const renderForm = async (req: Request, res: Response, id: string | null, v: RuleValues, refused?: InvalidInput, read?: Detail) => {
    const user = req.user!;
    if (!id) ctx.automations.newRule(user);
    const detail = read ?? (id ? await ctx.automations.detail(user, id) : null);
    res.render('automations/editor', {
      titleKey: id ? 'automations.editor.title' : 'automations.editor.newTitle',
      rule: detail?.rule,
      runs: detail?.runs.map((run) => ({ ...run, outcomeLabel: t(`automations.outcomes.${run.outcome}`, {}, user.locale) })),
      action: id ? rulePath(id) : BASE,
      values: v,
      ...choices(user, v, await ctx.automations.studentFacts(user)),
      navigators: (await ctx.automations.navigatorChoices(user)).map((p) => ({ value: p.id, label: p.name, selected: p.id === v.navigator })),
      nameMax: NAME_MAX,
      stepMax: goalLimits.step,
      conditionMax: CONDITION_MAX,
      errors: refused?.errors ?? {},
      errorSummary: refused ? summaryOf(refused.errors, idOf) : undefined,
      saved: req.query.saved === '1',
      switched: req.query.switched === '1',
    });
  };

  r.get(BASE, async (req, res) => {
    const user = req.user!;
    const view = await ctx.automations.list(user);
    res.render('automations/index', {
      titleKey: 'automations.index.title',
      rules: view.rules.map((rule) => ({
        ...rule,
        path: rulePath(rule.id),
        eventLabel: t(`automations.events.${rule.event}`, {}, user.locale),
        stateLabel: t(`automations.states.${rule.state}`, {}, user.locale),
      })),
      can: view.can,
    });
  });

  r.get(`${BASE}/new`, (req, res) => renderForm(req, res, null, { name: '', event: 'checkin_recorded', condition: 'true', action: 'alert_role', audience: 'navigator', step: '', navigator: '', category: '', maxPerHour: '50', edits: '' }));

  r.post(BASE, async (req, res) => {
    await orInvalid(
      res,
      async () => {
        const id = await ctx.automations.create(req.user!, ruleForm.safeParse(req.body));
        redirectInTool(res, rulePath(id), { query: { saved: 1 } });
      },
      (refused) => renderForm(req, res, null, posted(req.body), refused),
    );
  });

  r.get(`${BASE}/:id`, async (req, res) => {
    const id = String(req.params.id);
    const detail = await ctx.automations.detail(req.user!, id);
    const { rule } = detail;
    await renderForm(req, res, id, { name: rule.name, event: rule.event, condition: rule.conditionText, action: rule.action, audience: rule.audience, step: rule.step, navigator: rule.navigator, category: rule.category, maxPerHour: String(rule.maxPerHour), edits: String(rule.edits) }, undefined, detail);
  });

  r.post(`${BASE}/:id`, async (req, res) => {
    const id = String(req.params.id);
    await orInvalid(
      res,
      async () => {
        await ctx.automations.update(req.user!, id, ruleForm.safeParse(req.body));
        redirectInTool(res, rulePath(id), { query: { saved: 1 } });
      },
      (refused) => renderForm(req, res, id, posted(req.body), refused),
    );
  });

  r.post(`${BASE}/:id/state`, async (req, res) => {
    const id = String(req.params.id);
    const form = stateForm.safeParse(req.body);
    if (!form.success) throw badRequest(message('automations.errors.state'));
    await ctx.automations.setState(req.user!, id, form.data.state);
    redirectInTool(res, rulePath(id), { query: { switched: 1 } });
  });

  r.get(`${BASE}/:id/dry-run`, async (req, res) => {
    const view = await ctx.automations.dryRun(req.user!, String(req.params.id));
    res.render('automations/dry-run', { titleKey: 'automations.dryRun.title', ...view, days: DRY_RUN_DAYS, rulePath: rulePath(view.rule.id) });
  });
  return r;
}
