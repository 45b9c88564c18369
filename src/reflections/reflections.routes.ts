import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../web/context.js';
import { InvalidInput, redirectInTool, summaryOf, unlessRefused, validForm } from '../web/forms.js';
import { HttpError } from '../web/errors.js';
import { defaultLocale, t } from '../web/i18n.js';
import { toolPath } from '../web/urls.js';
import { actionTitleLimit } from '../team-actions/team-actions.js';
import { teamActionRoutes, type ActionRender } from '../team-actions/team-actions.routes.js';
import { evidenceCardKinds, lookForRatings, reflectionComponents, type ReflectionComponent } from './reflection-tool.js';
import { cardForm, cycleTitleLimit, newCycleForm, rateForm, reflectionSaveForm, reflectionTextLimit } from './reflections.schemas.js';
import { cyclePaths, figureLines, teamPath } from './reflections.presenter.js';

/** What a refused post brings back to the cycle page: the typed reflection (and theirs on a conflict), and the errors. */
interface CycleRender extends ActionRender {
  component?: ReflectionComponent;
  typed?: { text: string; version: number; conflict?: string; error?: string };
}

/**
 * /schools/:schoolId/reflections and /district/reflections (a team's cycles, + compare),
 * /reflections/:cycleId (+ ratings, reflections, cards): the Reflection and Action Planning Tool's pages.
 */
export function reflectionsRoutes(ctx: AppContext): Router {
  const r = Router();
  const cycleIdOf = (req: Request) => String(req.params.cycleId);
  const teamLabel = (name: string | null, locale: string | undefined) => name ?? t('reflections.district', {}, locale);
  const homeOf = (schoolId: string | null) => (schoolId === null ? toolPath('district') : toolPath('schools', schoolId));

  const renderIndex = async (req: Request, res: Response, schoolId: string | null, form?: { title: string; errors: Record<string, string> }) => {
    const user = req.user!;
    const view = await ctx.reflections.index(user, schoolId);
    const team = teamLabel(view.team.name, user.locale);
    res.render('reflections/index', {
      title: t('reflections.index.title', { team }, user.locale),
      nav: [{ href: homeOf(schoolId), label: team, current: false }],
      team,
      can: view.can,
      cycles: view.cycles.map((c) => ({ ...c, url: cyclePaths(c.id).cycle })),
      createUrl: teamPath(schoolId),
      compareUrl: teamPath(schoolId, 'compare'),
      titleLimit: cycleTitleLimit,
      values: { title: form?.title ?? '' },
      errors: form?.errors ?? {},
      errorSummary: form ? summaryOf(form.errors, () => 'cycle-title') : undefined,
    });
  };

  const start = (schoolIdOf: (req: Request) => string | null) => async (req: Request, res: Response) => {
    const schoolId = schoolIdOf(req);
    const started = await unlessRefused(async () => {
      // The gate first: a stranger's post is a 403, never a 400.
      ctx.reflections.mayStart(req.user!, schoolId);
      return ctx.reflections.startCycle(req.user!, schoolId, validForm(newCycleForm.safeParse(req.body), req.user!.locale).title);
    });
    if (!started.ok) {
      res.status(400);
      await renderIndex(req, res, schoolId, { title: String((req.body as Record<string, unknown>).title ?? ''), errors: started.errors });
      return;
    }
    redirectInTool(res, cyclePaths(started.value.id).cycle);
  };

  const renderCompare = async (req: Request, res: Response, schoolId: string | null) => {
    const user = req.user!;
    const view = await ctx.reflections.compare(user, schoolId);
    const tool = ctx.reflections.toolIn(user.locale);
    const team = teamLabel(view.team.name, user.locale);
    const components = reflectionComponents.map((component) => ({
      title: tool.components[component].title,
      lookFors: view.lookFors
        .filter((l) => l.key.startsWith(`${component}.`))
        .map((l) => {
          const [, inquiry, lookFor] = l.key.split('.') as [string, string, string];
          return { text: tool.components[component].inquiries[inquiry]?.lookFors[lookFor] ?? l.key, ratings: l.ratings };
        }),
    }));
    res.render('reflections/compare', {
      title: t('reflections.compare.title', { team }, user.locale),
      nav: [{ href: teamPath(schoolId), label: t('reflections.index.title', { team }, user.locale), current: false }],
      team,
      cycles: view.cycles.map((c) => ({ ...c, url: cyclePaths(c.id).cycle })),
      components,
    });
  };

  r.get('/schools/:schoolId/reflections', ctx.requireUser, async (req, res) => renderIndex(req, res, String(req.params.schoolId)));
  r.post('/schools/:schoolId/reflections', ctx.requireUser, start((req) => String(req.params.schoolId)));
  r.get('/schools/:schoolId/reflections/compare', ctx.requireUser, async (req, res) => renderCompare(req, res, String(req.params.schoolId)));
  r.get('/district/reflections', ctx.requireUser, async (req, res) => renderIndex(req, res, null));
  r.post('/district/reflections', ctx.requireUser, start(() => null));
  r.get('/district/reflections/compare', ctx.requireUser, async (req, res) => renderCompare(req, res, null));

  const renderCycle = async (req: Request, res: Response, opts: CycleRender = {}) => {
    const user = req.user!;
    const locale = user.locale;
    const view = await ctx.reflections.cycle(user, cycleIdOf(req));
    const tool = ctx.reflections.toolIn(locale);
    const paths = cyclePaths(view.cycle.id);
    const team = teamLabel(view.team.name, locale);
    const saved = typeof req.query.saved === 'string' ? req.query.saved : undefined;
    const components = reflectionComponents.map((component) => {
      const content = tool.components[component];
      const entry = view.reflections.get(component);
      const mine = opts.component === component ? opts.typed : undefined;
      const offered = new Set(Object.values(content.inquiries).flatMap((q) => q.evidenceCards));
      return {
        key: component,
        title: content.title,
        summary: content.summary,
        justSaved: saved === component && !opts.errorSummary,
        inquiries: Object.entries(content.inquiries).map(([inquiry, q]) => ({
          question: q.question,
          dataSources: Object.values(q.dataSources),
          lookFors: Object.entries(q.lookFors).map(([lookFor, text]) => {
            const key = `${component}.${inquiry}.${lookFor}`;
            return { key, text, inputId: `rate-${key.replace(/\./g, '-')}`, rating: view.ratings.get(key) ?? null };
          }),
        })),
        district: view.cycle.schoolId === null ? Object.values(content.district) : [],
        reflection: { text: mine ? mine.text : (entry?.text ?? ''), version: mine?.version ?? entry?.version ?? 0, conflict: mine?.conflict, error: mine?.error },
        cards: view.cards
          .filter((c) => c.component === component)
          .map((c) => {
            const now = figureLines(c.now.figures, locale);
            return {
              id: c.id,
              kind: c.kind,
              day: c.day,
              nowDay: c.now.day,
              schoolName: view.cycle.schoolId === null ? view.schools.find((s) => s.id === c.schoolId)?.name : undefined,
              lines: figureLines(c.figures, locale).map((l, i) => ({ ...l, now: now[i]?.value ?? '' })),
            };
          }),
        // The cards this component's inquiries offer come first in the select.
        kinds: [...evidenceCardKinds].sort((a, b) => Number(offered.has(b)) - Number(offered.has(a))),
      };
    });
    res.render('reflections/show', {
      title: t('reflections.show.title', { title: view.cycle.title, team }, locale),
      nav: [{ href: teamPath(view.cycle.schoolId), label: t('reflections.index.title', { team }, locale), current: false }],
      cycle: view.cycle,
      team,
      can: view.can,
      components,
      ratings: lookForRatings,
      schools: view.schools,
      district: view.cycle.schoolId === null,
      limit: reflectionTextLimit,
      urls: { ...paths, compare: teamPath(view.cycle.schoolId, 'compare') },
      // The shared actions partial (views/partials/team-actions.hbs).
      actions: view.actions.map((a) => ({ ...a, editUrl: paths.action(a.id), completeUrl: paths.complete(a.id), stale: opts.actionStale === a.id })),
      owners: view.owners,
      actionTitleLimit,
      newAction: opts.newAction ?? { values: { status: 'not_started' }, errors: {} },
      errorSummary: opts.errorSummary,
    });
  };

  /** A post whose input the page refused: 400 with the cycle page and its error summary, nothing written. */
  const refusedPost = async (req: Request, res: Response, errors: Record<string, string>, opts: CycleRender = {}) => {
    res.status(400);
    await renderCycle(req, res, { ...opts, errorSummary: summaryOf(errors, () => 'main') });
  };

  r.get('/reflections/:cycleId', ctx.requireUser, async (req, res) => renderCycle(req, res));

  /**
   * Runs a post on the cycle once its gate has let the user through (a stranger's post is a 403, never a
   * 400): the form's errors, or the service's refusal of a choice not on the page, come back for the 400 page.
   */
  const onCycle = async <T>(req: Request, run: (locale: string | undefined) => Promise<T>) => {
    await ctx.reflections.mayEdit(req.user!, cycleIdOf(req));
    return unlessRefused(async () => {
      try {
        return await run(req.user!.locale);
      } catch (err) {
        if (err instanceof HttpError && err.status === 400) throw new InvalidInput({ form: err.in(req.user!.locale ?? defaultLocale).detail });
        throw err;
      }
    });
  };
  const backTo = (res: Response, req: Request, component: string) => redirectInTool(res, cyclePaths(cycleIdOf(req)).cycle, { query: { saved: component }, hash: `component-${component}` });

  r.post('/reflections/:cycleId/ratings', ctx.requireUser, async (req, res) => {
    const rated = await onCycle(req, async (locale) => {
      const form = validForm(rateForm.safeParse(req.body), locale);
      await ctx.reflections.rate(req.user!, cycleIdOf(req), form.lookFor, form.rating);
      return form.lookFor.split('.')[0]!;
    });
    if (!rated.ok) return refusedPost(req, res, rated.errors);
    backTo(res, req, rated.value);
  });

  // One component's reflection with the version its form loaded: a stale save is a 409 with theirs beside yours.
  r.post('/reflections/:cycleId/reflections', ctx.requireUser, async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const saved = await onCycle(req, async (locale) => {
      const form = validForm(reflectionSaveForm.safeParse(body), locale);
      return { form, outcome: await ctx.reflections.saveReflections(req.user!, cycleIdOf(req), [{ key: form.component, text: form.text, version: form.version }]) };
    });
    const component = (reflectionComponents as readonly string[]).includes(String(body.component)) ? (String(body.component) as ReflectionComponent) : undefined;
    if (!saved.ok) {
      return refusedPost(req, res, saved.errors, component ? { component, typed: { text: String(body.text ?? ''), version: Number(body.version) || 0, error: Object.values(saved.errors).join(' ') } } : {});
    }
    const conflict = saved.value.outcome.conflicts[0];
    if (!conflict) return backTo(res, req, saved.value.form.component);
    res.status(409);
    const locale = req.user!.locale;
    await renderCycle(req, res, {
      component: saved.value.form.component,
      typed: { text: conflict.yours, version: conflict.version, conflict: conflict.theirs },
      errorSummary: [{ href: `#reflection-${conflict.key}`, text: t('reflections.errors.conflict', { component: ctx.reflections.toolIn(locale).components[saved.value.form.component].title }, locale) }],
    });
  });

  r.post('/reflections/:cycleId/cards', ctx.requireUser, async (req, res) => {
    const attached = await onCycle(req, async (locale) => {
      const form = validForm(cardForm.safeParse(req.body), locale);
      await ctx.reflections.attachCard(req.user!, cycleIdOf(req), form.component, form.kind, form.school);
      return form.component;
    });
    if (!attached.ok) return refusedPost(req, res, attached.errors);
    backTo(res, req, attached.value);
  });

  teamActionRoutes(r, ctx.requireUser, {
    base: '/reflections/:cycleId',
    idOf: cycleIdOf,
    pageOf: (id) => cyclePaths(id).cycle,
    actions: { add: ctx.reflections.addAction, edit: ctx.reflections.editAction, complete: ctx.reflections.completeAction },
    render: renderCycle,
  });
  return r;
}
