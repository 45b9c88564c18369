import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../web/context.js';
import { prefixed, redirectInTool, summaryOf, unlessRefused } from '../web/forms.js';
import { t } from '../web/i18n.js';
import { toolPath } from '../web/urls.js';
import { teamActionRoutes, type ActionRender } from '../team-actions/team-actions.routes.js';
import { actionTitleLimit } from '../team-actions/team-actions.js';
import { mapTextLimit, newMapForm, sectionSaveForm, titleLimit } from './team-maps.schemas.js';

/** What a refused save brings back to one field: the typed text, and the other person's words on a conflict. */
interface FieldOverride {
  text: string;
  version?: number;
  error?: string;
  conflict?: { text: string; authorName: string; at: Date };
}

interface MapRender extends ActionRender {
  fields?: Map<string, FieldOverride>;
  notice?: { section: string; saved: string[]; needsLook: string[] };
}

/** A map's pages as paths inside the tool. */
export const mapPaths = (mapId: string) => ({
  map: toolPath('maps', mapId),
  fields: toolPath('maps', mapId, 'fields'),
  history: toolPath('maps', mapId, 'history'),
  print: toolPath('maps', mapId, 'print'),
  actions: toolPath('maps', mapId, 'actions'),
  action: (actionId: string) => toolPath('maps', mapId, 'actions', actionId),
  complete: (actionId: string) => toolPath('maps', mapId, 'actions', actionId, 'complete'),
});
/** A team's list of maps: a school's, or the district's (null). */
export const teamPath = (schoolId: string | null) => (schoolId === null ? toolPath('district', 'maps') : toolPath('schools', schoolId, 'maps'));

const inputId = (key: string) => `text-${key}`;

/** /schools/:schoolId/maps and /district/maps (a team's maps), /maps/:mapId (+ fields, actions, history, print). */
export function teamMapsRoutes(ctx: AppContext): Router {
  const r = Router();
  const mapIdOf = (req: Request) => String(req.params.mapId);

  const renderIndex = async (req: Request, res: Response, schoolId: string | null, form?: { values: Record<string, string>; errors: Record<string, string> }) => {
    const user = req.user!;
    const view = await ctx.teamMaps.index(user, schoolId);
    res.render('team-maps/index', {
      title: t('teamMaps.index.title', { team: view.team.name }, user.locale),
      nav: [{ href: schoolId === null ? toolPath('district') : toolPath('schools', schoolId), label: view.team.name, current: false }],
      ...view,
      maps: view.maps.map((m) => ({ ...m, url: mapPaths(m.id).map })),
      createUrl: teamPath(schoolId),
      titleLimit,
      values: form?.values ?? { start: 'example' },
      errors: form?.errors ?? {},
      errorSummary: form ? summaryOf(form.errors, (f) => (f === 'start' ? 'start-example' : `map-${f}`)) : undefined,
    });
  };

  const create = (schoolIdOf: (req: Request) => string | null) => async (req: Request, res: Response) => {
    const schoolId = schoolIdOf(req);
    const created = await unlessRefused(() => ctx.teamMaps.create(req.user!, schoolId, newMapForm.safeParse(req.body)));
    if (!created.ok) {
      res.status(400);
      const body = req.body as Record<string, unknown>;
      await renderIndex(req, res, schoolId, { values: { title: String(body.title ?? ''), start: String(body.start ?? '') }, errors: created.errors });
      return;
    }
    redirectInTool(res, mapPaths(created.value).map);
  };

  r.get('/schools/:schoolId/maps', ctx.requireUser, async (req, res) => renderIndex(req, res, String(req.params.schoolId)));
  r.post('/schools/:schoolId/maps', ctx.requireUser, create((req) => String(req.params.schoolId)));
  r.get('/district/maps', ctx.requireUser, async (req, res) => renderIndex(req, res, null));
  r.post('/district/maps', ctx.requireUser, create(() => null));

  const renderMap = async (req: Request, res: Response, opts: MapRender = {}) => {
    const user = req.user!;
    const view = await ctx.teamMaps.view(user, mapIdOf(req));
    const paths = mapPaths(view.map.id);
    const saved = typeof req.query.saved === 'string' ? req.query.saved : undefined;
    const sections = view.sections.map((sec) => ({
      ...sec,
      justSaved: saved === sec.key && !opts.errorSummary,
      notice: opts.notice?.section === sec.key ? opts.notice : undefined,
      fields: sec.fields.map((f) => {
        const mine = opts.fields?.get(f.key);
        return { ...f, inputId: inputId(f.key), text: mine ? mine.text : (f.entry?.text ?? ''), version: mine?.version ?? f.entry?.version ?? 0, error: mine?.error, conflict: mine?.conflict };
      }),
    }));
    res.render('team-maps/show', {
      title: t('teamMaps.show.title', { title: view.map.title, team: view.team.name }, user.locale),
      nav: [{ href: teamPath(view.team.schoolId), label: t('teamMaps.index.title', { team: view.team.name }, user.locale), current: false }],
      ...view,
      sections,
      limit: mapTextLimit,
      actionTitleLimit,
      actions: view.actions.map((a) => ({ ...a, editUrl: paths.action(a.id), completeUrl: paths.complete(a.id), stale: opts.actionStale === a.id })),
      urls: paths,
      newAction: opts.newAction ?? { values: { status: 'not_started' }, errors: {} },
      errorSummary: opts.errorSummary,
    });
  };

  r.get('/maps/:mapId', ctx.requireUser, async (req, res) => renderMap(req, res));

  // One section's fields, saved together, each with the version its form loaded.
  r.post('/maps/:mapId/fields', ctx.requireUser, async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const section = String(body.section ?? '');
    const typed = prefixed(body, 'text');
    const loaded = prefixed(body, 'version');
    const saved = await unlessRefused(() => ctx.teamMaps.saveSection(req.user!, mapIdOf(req), sectionSaveForm.safeParse({ section, text: typed, version: loaded })));
    const locale = req.user!.locale;
    const labelOf = (key: string) => t(`teamMaps.fields.${key}.label`, {}, locale);
    if (!saved.ok) {
      // Nothing is written; every typed word goes back into its field, next to its error.
      const fields = new Map<string, FieldOverride>(Object.entries(typed).map(([key, text]) => [key, { text, error: saved.errors[`text.${key}`] }]));
      const errorSummary = summaryOf(saved.errors, (name) => {
        const key = /^text\.(.+)$/.exec(name)?.[1];
        return key ? inputId(key) : 'main';
      });
      res.status(400);
      await renderMap(req, res, { fields, errorSummary });
      return;
    }
    const outcome = saved.value;
    if (outcome.conflicts.length === 0) {
      redirectInTool(res, mapPaths(mapIdOf(req)).map, { query: { saved: section }, hash: `sec-${section}` });
      return;
    }
    res.status(409);
    await renderMap(req, res, {
      fields: new Map(outcome.conflicts.map((c) => [c.key, { text: c.yours, version: c.version, conflict: c.theirs }])),
      notice: { section, saved: outcome.saved.map(labelOf), needsLook: outcome.conflicts.map((c) => labelOf(c.key)) },
      errorSummary: outcome.conflicts.map((c) => ({ href: `#${inputId(c.key)}`, text: t('teamMaps.errors.conflict', { label: labelOf(c.key), name: c.theirs.authorName }, locale) })),
    });
  });

  teamActionRoutes(r, ctx.requireUser, {
    base: '/maps/:mapId',
    idOf: mapIdOf,
    pageOf: (id) => mapPaths(id).map,
    actions: { add: ctx.teamMaps.addAction, edit: ctx.teamMaps.editAction, complete: ctx.teamMaps.completeAction },
    render: renderMap,
  });

  r.get('/maps/:mapId/history', ctx.requireUser, async (req, res) => {
    const user = req.user!;
    const view = await ctx.teamMaps.history(user, mapIdOf(req));
    res.render('team-maps/history', { title: t('teamMaps.history.title', { title: view.map.title }, user.locale), nav: [{ href: teamPath(view.team.schoolId), label: t('teamMaps.index.title', { team: view.team.name }, user.locale), current: false }], ...view, mapUrl: mapPaths(view.map.id).map });
  });

  // A document of its own, opened in a new top-level window: printing inside the LMS frame prints the LMS.
  r.get('/maps/:mapId/print', ctx.requireUser, async (req, res) => {
    const user = req.user!;
    const view = await ctx.teamMaps.print(user, mapIdOf(req));
    res.render('team-maps/print', { layout: 'print', title: t('teamMaps.show.title', { title: view.map.title, team: view.team.name }, user.locale), ...view, mapUrl: mapPaths(view.map.id).map, printedAt: ctx.clock.now() });
  });
  return r;
}
