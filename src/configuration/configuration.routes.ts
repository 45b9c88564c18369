import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type { AppContext } from '../web/context.js';
import type { AppUser } from '../auth/user.js';
import { redirectInTool } from '../web/forms.js';
import { badRequest, message } from '../web/errors.js';
import { t, withTerms } from '../web/i18n.js';
import { ConfigRefused } from './configuration.service.js';
import { problemsOf, versionNumber, type ConfigProblem } from './configuration.schemas.js';
import { bodyFrom, formFields, jsonSchemaOf, type FormField } from './schema-form.js';
import { receiveUpload } from '../student-data/imports.routes.js';

/** Where the pages live in the LMS frame; the console (src/console) mounts them again under its own window. */
const FRAME_BASE = '/admin/configuration';

/** The pages' addresses under one mount: the list, a kind's editor, the export, and the import (the frame's only: an upload is read before the form parser, where the console's CSRF check cannot see its token). */
const pathsAt = (base: string) => ({
  list: base,
  kind: (kind: string) => `${base}/${encodeURIComponent(kind)}`,
  export: `${base}/export`,
  import: base === FRAME_BASE ? `${FRAME_BASE}/import` : null,
});
type Paths = ReturnType<typeof pathsAt>;

export interface ConfigurationMount {
  /** The list page's path; the rest hang under it. */
  base: string;
  /** Who is signed in: the ltik in the frame, the console's session in its window. */
  requireUser: RequestHandler;
}

const NOTE_MAX = 500;
// The note's length is the admin's to fix, in place (checked with the body); only a tampered save count is no form of this page.
const saveForm = z.object({ edits: z.union([z.literal(''), z.coerce.number().int().min(0)]).default(''), note: z.string().default('') });
const versionForm = z.object({ version: versionNumber });
const diffQuery = z.object({ a: versionNumber, b: versionNumber });
// `part`: a part of a long document (a week of the check-in script), an id the kind lists (checked there against the version's body).
const previewQuery = z.object({ version: versionNumber, as: z.string().max(40), part: z.string().regex(/^[a-z0-9-]{1,60}$/).optional() });

/** A problem in the reader's words: configuration.problems.<code>, with its bounds. */
const problemText = (p: ConfigProblem, user: AppUser) => t(`configuration.problems.${p.code}`, { ...p.params, defaultValue: t('configuration.problems.custom', {}, user.locale) }, user.locale);

/** A version's name; version 0 is the shipped default, or the school's own settings for a kind with a baseline (`zero`). */
const versionLabel = (n: number, user: AppUser, zero: 'shipped' | 'baseline' = 'shipped') => (n === 0 ? t(`configuration.${zero}`, {}, user.locale) : t('configuration.version', { n }, user.locale));

/** Each field's error in place, by body path; and the summary at the top linking to each field. */
function placed(problems: readonly ConfigProblem[], user: AppUser) {
  const errors = new Map<string, string>();
  for (const p of problems) if (!errors.has(p.path)) errors.set(p.path, problemText(p, user));
  const summary = [...errors].map(([path, text]) => ({ href: `#${['cfg', ...(path ? path.split('.') : [])].join('-').replace(/[^A-Za-z0-9_-]/g, '_')}`, text }));
  return { errors, summary };
}

/**
 * /admin/configuration: the district's configuration documents (issue 14). Each kind's editor is drawn
 * from its schema (schema-form.ts); a save keeps a draft, publish puts it in force, any version can be
 * compared with another and restored; the whole configuration exports as one JSON file and imports back.
 */
export function configurationRoutes(ctx: AppContext, mount: ConfigurationMount = { base: FRAME_BASE, requireUser: ctx.requireUser }): Router {
  const r = Router();
  const BASE = mount.base;
  const paths = pathsAt(BASE);
  const kindPath = paths.kind;
  r.use(BASE, mount.requireUser);

  const renderEditor = async (req: Request, res: Response, kind: string, posted?: { body?: unknown; problems: readonly ConfigProblem[]; edits?: string; note?: string }) => {
    const user = req.user!;
    const view = await ctx.configuration.editor(user, kind);
    const { errors, summary } = placed(posted?.problems ?? [], user);
    const fields: FormField[] = formFields(view.kind, jsonSchemaOf(view.schema), posted?.body ?? view.body, errors);
    res.render('configuration/editor', {
      titleKey: 'configuration.editor.title',
      kindTitle: t(`configuration.kinds.${view.kind}.title`, {}, user.locale),
      kindIntro: t(`configuration.kinds.${view.kind}.intro`, {}, user.locale),
      kindPath: kindPath(view.kind),
      listPath: paths.list,
      previewAs: view.previewAs,
      previewVersion: view.draft?.version ?? view.inForce,
      inForce: view.inForce,
      draft: view.draft,
      edits: posted?.edits ?? (view.draft ? String(view.draft.edits) : ''),
      note: posted?.note ?? view.draft?.note ?? '',
      noteMax: NOTE_MAX,
      noteError: errors.get('note'),
      fields,
      versions: view.versions,
      zero: view.zero,
      can: view.can,
      errorSummary: summary,
      saved: req.query.saved === '1',
      published: req.query.published === '1',
    });
  };

  r.get(BASE, (req, res) => renderIndex(ctx, req, res, paths));

  r.get(`${BASE}/export`, async (req, res) => {
    const exported = await ctx.configuration.exportAll(req.user!);
    res.attachment(`configuration-${exported.exportedAt.slice(0, 10)}.json`).type('application/json').send(JSON.stringify(exported, null, 2));
  });

  r.get(`${BASE}/:kind`, (req, res) => renderEditor(req, res, String(req.params.kind)));

  r.post(`${BASE}/:kind/draft`, async (req, res) => {
    const kind = String(req.params.kind);
    const user = req.user!;
    const schema = ctx.configuration.schemaOf(user, kind);
    const posted = req.body as Record<string, unknown>;
    const form = saveForm.safeParse(posted);
    if (!form.success) throw badRequest(message('configuration.errors.form'));
    const body = bodyFrom(jsonSchemaOf(schema), posted);
    if (form.data.note.length > NOTE_MAX) {
      const note: ConfigProblem = { kind, path: 'note', code: 'too_big_text', params: { maximum: NOTE_MAX }, message: `note longer than ${NOTE_MAX}` };
      res.status(400);
      return renderEditor(req, res, kind, { body, problems: [...problemsOf(kind, schema, body), note], edits: form.data.edits === '' ? '' : String(form.data.edits), note: form.data.note });
    }
    try {
      await ctx.configuration.saveDraft(user, kind, { body, edits: form.data.edits === '' ? null : form.data.edits, note: form.data.note });
      redirectInTool(res, kindPath(kind), { query: { saved: 1 } });
    } catch (err) {
      if (!(err instanceof ConfigRefused)) throw err;
      res.status(400);
      await renderEditor(req, res, kind, { body, problems: err.problems, edits: form.data.edits === '' ? '' : String(form.data.edits), note: form.data.note });
    }
  });

  const step = (path: string, run: (user: AppUser, kind: string, version: number) => Promise<unknown>, query: Record<string, string>) =>
    r.post(`${BASE}/:kind/${path}`, async (req, res) => {
      const kind = String(req.params.kind);
      const form = versionForm.safeParse(req.body);
      if (!form.success) throw badRequest(message('configuration.errors.form'));
      try {
        await run(req.user!, kind, form.data.version);
      } catch (err) {
        // A version the schema no longer takes cannot go in force: shown on the editor, not as a failure.
        if (!(err instanceof ConfigRefused)) throw err;
        res.status(400);
        // The draft as stored, with the problems its kind's schema now finds.
        return renderEditor(req, res, kind, { problems: err.problems });
      }
      redirectInTool(res, kindPath(kind), { query });
    });
  step('publish', (u, k, v) => ctx.configuration.publish(u, k, v), { published: '1' });
  step('restore', (u, k, v) => ctx.configuration.restore(u, k, v), { published: '1' });

  r.post(`${BASE}/:kind/discard`, async (req, res) => {
    const kind = String(req.params.kind);
    await ctx.configuration.discard(req.user!, kind);
    redirectInTool(res, kindPath(kind));
  });

  // The page a version makes, with sample data, as one audience sees it: a draft is checked before anyone meets it.
  r.get(`${BASE}/:kind/preview`, async (req, res) => {
    const kind = String(req.params.kind);
    const query = previewQuery.safeParse(req.query);
    if (!query.success) throw badRequest(message('configuration.errors.previewAudience'), 'bad_preview_audience');
    const { version, as, part } = query.data;
    const { view, model, words, parts } = await ctx.configuration.preview(req.user!, kind, version, as, part);
    const at = parts.findIndex((p) => p.current);
    const preview = { kindPath: kindPath(kind), path: `${kindPath(kind)}/preview`, kind, version: versionLabel(version, req.user!), versionNumber: version, as, parts, previous: parts[at - 1], next: parts[at + 1] };
    // In the document's own words where it is the school's words (terminology): the layout's too.
    withTerms(words, () => res.render(view, { titleKey: 'configuration.preview.title', ...model, preview }));
  });

  r.get(`${BASE}/:kind/diff`, async (req, res) => {
    const kind = String(req.params.kind);
    const query = diffQuery.safeParse(req.query);
    if (!query.success) throw badRequest(message('configuration.errors.diff'));
    const runs = await ctx.configuration.diff(req.user!, kind, query.data.a, query.data.b);
    res.render('configuration/diff', {
      titleKey: 'configuration.diff.title',
      kindTitle: t(`configuration.kinds.${kind}.title`, {}, req.user!.locale),
      kindPath: kindPath(kind),
      a: versionLabel(query.data.a, req.user!, ctx.configuration.zeroOf(kind)),
      b: versionLabel(query.data.b, req.user!, ctx.configuration.zeroOf(kind)),
      runs,
      changed: runs.some((run) => run.op !== 'same'),
    });
  });
  return r;
}

/**
 * The configuration import: a file upload (the file an export downloaded), so mounted before the form
 * parser as the other uploads are (src/web/routes.ts). Checked whole: a refused file changes nothing and
 * the page lists every problem.
 */
export function configurationUploadRoutes(ctx: AppContext): Router {
  const r = Router();
  const BASE = FRAME_BASE;
  const paths = pathsAt(BASE);
  r.use(`${BASE}/import`, ctx.requireUser);
  r.post(`${BASE}/import`, async (req, res) => {
    const user = req.user!;
    // Refused before the upload is read: only an admin's file is worth receiving.
    ctx.configuration.checkImport(user);
    const dir = await mkdtemp(path.join(tmpdir(), 'configuration-'));
    try {
      const upload = await receiveUpload(req, dir);
      let raw: unknown;
      try {
        raw = JSON.parse(await readFile(upload.file, 'utf8'));
      } catch {
        return await refuseImport(ctx, req, res, paths, [{ kind: '', path: '', code: 'not_json', params: {}, message: 'not JSON' }]);
      }
      try {
        const changed = await ctx.configuration.importAll(user, raw);
        redirectInTool(res, BASE, { query: { imported: String(changed.length) } });
      } catch (err) {
        if (!(err instanceof ConfigRefused)) throw err;
        await refuseImport(ctx, req, res, paths, err.problems);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
  return r;
}

/** The list page again (400) with every problem of the refused import. */
async function refuseImport(ctx: AppContext, req: Request, res: Response, paths: Paths, problems: readonly ConfigProblem[]) {
  const user = req.user!;
  res.status(400);
  await renderIndex(ctx, req, res, paths, {
    importProblems: problems.map((p) => ({ where: [p.kind, p.path].filter(Boolean).join(' › '), text: problemText(p, user) })),
    errorSummary: [{ href: '#import-file', text: t('configuration.import.refused', { count: problems.length }, user.locale) }],
  });
}

async function renderIndex(ctx: AppContext, req: Request, res: Response, paths: Paths, extra: Record<string, unknown> = {}) {
  const user = req.user!;
  const view = await ctx.configuration.overview(user);
  res.render('configuration/index', {
    titleKey: 'configuration.index.title',
    paths,
    kinds: view.kinds.map((k) => ({ ...k, zero: ctx.configuration.zeroOf(k.id), path: paths.kind(k.id), title: t(`configuration.kinds.${k.id}.title`, {}, user.locale) })),
    can: view.can,
    imported: typeof req.query.imported === 'string' ? req.query.imported : null,
    ...extra,
  });
}
