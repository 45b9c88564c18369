import { mkdtemp, rm } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../web/context.js';
import { redirectInTool, summaryOf, unlessRefused } from '../web/forms.js';
import { labelOf, t } from '../web/i18n.js';
import { receiveUpload } from '../student-data/imports.routes.js';
import { badRowText } from '../student-data/import-report.js';
import { courseSchoolForm, moveForm, moveSearch, schoolNameForm, type MoveSearch } from './schools.schemas.js';
import { moveMatches, type ProgramsOutcome } from './schools.service.js';

const PAGE = '/admin/schools';
const doneKeys = ['added', 'renamed', 'placed', 'moved'] as const;

/** /admin/schools: the district's schools (add, rename), courses' schools, moving a student, the programs file. */
export function schoolsRoutes(ctx: AppContext): Router {
  const r = Router();
  r.use(PAGE, ctx.requireUser);

  r.get(PAGE, (req, res) => render(ctx, req, res));
  r.post(PAGE, async (req, res) => {
    const outcome = await unlessRefused(() => ctx.schools.addSchool(req.user!, schoolNameForm.safeParse(req.body)));
    if (!outcome.ok) return render(ctx, req, res, { add: { errors: outcome.errors, values: req.body }, errorSummary: summaryOf(outcome.errors, (f) => `school-${f}`) });
    redirectInTool(res, PAGE, { query: { done: 'added' } });
  });
  r.post(`${PAGE}/:id/rename`, async (req, res) => {
    const id = req.params.id;
    const outcome = await unlessRefused(() => ctx.schools.renameSchool(req.user!, id, schoolNameForm.safeParse(req.body)));
    if (!outcome.ok) return render(ctx, req, res, { rename: { id, errors: outcome.errors, values: req.body }, errorSummary: summaryOf(outcome.errors, () => `rename-${id}`) });
    redirectInTool(res, PAGE, { query: { done: 'renamed' } });
  });
  r.post(`${PAGE}/courses`, async (req, res) => {
    const outcome = await unlessRefused(() => ctx.schools.setCourseSchool(req.user!, courseSchoolForm.safeParse(req.body)));
    if (!outcome.ok) return render(ctx, req, res, { place: { errors: outcome.errors, values: req.body }, errorSummary: summaryOf(outcome.errors, (f) => `place-${f}`) });
    redirectInTool(res, PAGE, { query: { done: 'placed' } });
  });
  r.post(`${PAGE}/moves`, async (req, res) => {
    const outcome = await unlessRefused(() => ctx.schools.moveStudent(req.user!, moveForm.safeParse(req.body)));
    // The form again for the student it was for (a forged id: the search, with the error).
    if (!outcome.ok) return render(ctx, req, res, { move: { errors: outcome.errors, values: req.body }, errorSummary: summaryOf(outcome.errors, (f) => `move-${f}`) }, moveSearch.parse({ student: (req.body as { studentId?: unknown }).studentId }));
    redirectInTool(res, PAGE, { query: { done: 'moved' } });
  });
  return r;
}

/** The programs file upload: multipart, so mounted before the form parser (src/web/routes.ts). */
export function schoolsUploadRoutes(ctx: AppContext): Router {
  const r = Router();
  r.use(`${PAGE}/programs`, ctx.requireUser);
  r.post(`${PAGE}/programs`, async (req, res) => {
    const dir = await mkdtemp(path.join(tmpdir(), 'programs-'));
    try {
      const upload = await receiveUpload(req, dir);
      const outcome = await ctx.schools.importPrograms(req.user!, createReadStream(upload.file));
      await render(ctx, req, res.status(outcome.status === 'imported' ? 200 : 422), { programs: programsView(outcome, req.user!.locale) });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
  return r;
}

/** The page; the move form's search and chosen student from the query (`find`: a post's own). */
async function render(ctx: AppContext, req: Request, res: Response, extra: Record<string, unknown> & { errorSummary?: unknown } = {}, find: MoveSearch = moveSearch.parse(req.query)) {
  const user = req.user!;
  const locale = user.locale;
  const view = await ctx.schools.page(user, find);
  const schoolName = new Map(view.schools.map((s) => [s.id, s.name]));
  const done = doneKeys.find((k) => k === req.query.done);
  if (extra.errorSummary) res.status(400);
  res.render('schools/index', {
    titleKey: 'schools.title',
    nav: [{ href: '/admin', label: t('nav.admin', {}, locale), current: false }],
    schools: view.schools.map((s) => ({ ...s, sourceLabel: labelOf('schools.source', s.source, locale), renameUrl: `${PAGE}/${s.id}/rename` })),
    courses: view.courses.map((c) => ({ ...c, schoolName: c.schoolId ? schoolName.get(c.schoolId) : undefined, sourceLabel: c.source ? labelOf('schools.source', c.source, locale) : undefined })),
    unplaced: view.courses.filter((c) => !c.schoolId),
    find: {
      q: find.q,
      max: moveMatches,
      anyStudent: view.anyStudent,
      searched: view.matches !== null,
      matches: view.matches?.students.map((s) => ({ ...s, label: `${s.name} (${schoolName.get(s.schoolId) ?? ''})` })),
      more: view.matches?.more ? t('schools.move.more', { max: moveMatches }, locale) : undefined,
      chosen: view.chosen ? { ...view.chosen, label: `${view.chosen.name} (${schoolName.get(view.chosen.schoolId) ?? ''})` } : undefined,
    },
    today: view.today,
    notice: done && !extra.errorSummary ? t(`schools.done.${done}`, {}, locale) : undefined,
    ...extra,
  });
}

function programsView(outcome: ProgramsOutcome, locale: string | undefined) {
  return {
    imported: outcome.status === 'imported',
    summary:
      outcome.status === 'imported'
        ? t('schools.programs.imported', { rows: outcome.rows, changed: outcome.changed }, locale)
        : t('schools.programs.refused', { count: outcome.report.blocking }, locale),
    badRows: [...outcome.report.listed].sort((a, b) => a.line - b.line).map((r) => badRowText(r, locale)),
  };
}
