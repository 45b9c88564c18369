import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Router, type Request, type Response } from 'express';
import busboy from 'busboy';
import { formBodies, unsupportedBody } from '../web/body.js';
import type { AppContext } from '../web/context.js';
import { studentNav } from '../web/student-nav.js';
import { redirectInTool, summaryOf, unlessRefused } from '../web/forms.js';
import { labelOf, t } from '../web/i18n.js';
import { HttpError, message } from '../web/errors.js';
import { isUuid } from '../web/ids.js';
import { withTenant } from '../db/tenant-scope.js';
import { systemActor } from '../audit/audit.service.js';
import { badRowText, type BadRow } from './import-report.js';
import type { ImportKind, ImportOutcome } from './imports.service.js';
import { attendanceEntryForm, importKind, incidentEntryForm } from './imports.schemas.js';

const PAGE = '/admin/data';
/** An upload or a push larger than this is refused (413): a district's year of attendance is a few hundred megabytes. */
const MAX_FILE_BYTES = 2 * 1024 ** 3;

const tooLarge = () => new HttpError(413, message('dataImports.refused.title'), message('dataImports.refused.tooLarge'), 'file_too_large');
const badUpload = () => new HttpError(400, message('dataImports.refused.title'), message('dataImports.refused.noFile'), 'bad_upload');

/** A multipart upload's `kind` field and its file, the file saved to a temporary folder (a OneRoster zip is read by random access). */
export async function receiveUpload(req: Request, dir: string): Promise<{ kind: string; file: string }> {
  const contentType = req.headers['content-type'] ?? '';
  // Anything but a multipart upload is refused as every route refuses a body it does not take (415).
  if (!contentType.startsWith('multipart/form-data')) throw unsupportedBody();
  return new Promise((resolve, reject) => {
    let kind = '';
    let saved: Promise<string> | undefined;
    let truncated = false;
    const bb = busboy({ headers: req.headers, limits: { files: 1, fields: 10, fileSize: MAX_FILE_BYTES, fieldSize: 1024 } });
    bb.on('field', (name, value) => {
      if (name === 'kind') kind = value;
    });
    bb.on('file', (_name, stream) => {
      // The person's file name is never used: it may name a student.
      const file = path.join(dir, 'upload');
      stream.on('limit', () => (truncated = true));
      saved = pipeline(stream, createWriteStream(file)).then(() => file);
    });
    bb.on('error', () => reject(badUpload()));
    bb.on('close', () => {
      if (!saved) return reject(badUpload());
      saved.then((file) => (truncated ? reject(tooLarge()) : resolve({ kind, file })), reject);
    });
    req.pipe(bb);
  });
}

/** A run's bad rows (as stored or as reported) in the admin's words, in file order. */
const badRowLines = (rows: BadRow[], locale: string | undefined) => [...rows].sort((a, b) => (a.file ?? '').localeCompare(b.file ?? '') || a.line - b.line).map((r) => badRowText(r, locale));

/**
 * /admin/data: the school's imports (attendance and incidents CSV, OneRoster zip), the SIS's push
 * token, and what each import did; /api/push/:tenantId/:kind for the SIS; and the manual entry of a
 * student's day or incident.
 */
export function importsRoutes(ctx: AppContext): Router {
  const r = Router();
  // Mounted before the form parser (src/web/routes.ts): an upload is multipart and a push is a file, so
  // each route here takes its own body.
  r.use(PAGE, ctx.requireUser);

  const render = async (req: Request, res: Response, extra: Record<string, unknown> = {}) => {
    const user = req.user!;
    const view = await ctx.dataImports.page(user);
    const locale = user.locale;
    res.render('student-data/admin', {
      title: t('dataImports.title', {}, locale),
      nav: [{ href: '/admin', label: t('nav.admin', {}, locale), current: false }],
      kinds: (['attendance', 'incidents', 'oneroster'] as const).map((k) => ({ value: k, label: t(`dataImports.kind.${k}`, {}, locale) })),
      runs: view.runs.map((run) => ({
        ...run,
        kindLabel: labelOf('dataImports.runKind', run.kind, locale),
        triggerLabel: labelOf('dataImports.trigger', run.trigger, locale),
        statusLabel: labelOf('dataImports.status', run.status, locale),
        badRows: badRowLines(run.badRows as BadRow[], locale).slice(0, 20),
        moreBadRows: Math.max(0, run.badRows.length - 20),
      })),
      pushTokenSet: view.pushTokenSet,
      pushUrl: new URL(`/api/push/${user.tenantId}/attendance`, ctx.config.baseUrl).href,
      can: view.can,
      ...extra,
    });
  };

  r.get(PAGE, async (req, res) => {
    await render(req, res);
  });

  // The upload's body is multipart (read here, not by the form parser); the ltik rides in the action's query.
  r.post(`${PAGE}/import`, async (req, res) => {
    const dir = await mkdtemp(path.join(tmpdir(), 'import-'));
    try {
      const upload = await receiveUpload(req, dir);
      const kind = importKind.safeParse(upload.kind);
      if (!kind.success) throw badUpload();
      const outcome = await ctx.dataImports.upload(req.user!, kind.data, upload.file);
      res.status(outcome.status === 'imported' ? 200 : 422);
      await render(req, res, { outcome: outcomeView(outcome, kind.data, req.user!.locale) });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  r.post(`${PAGE}/push-token`, formBodies(), async (req, res) => {
    const token = await ctx.dataImports.rotatePushToken(req.user!);
    // Shown this once: only its hash is kept.
    await render(req, res, { newToken: token });
  });

  /** The SIS pushes a file: `Authorization: Bearer <the school's push token>`, the file as the body. */
  r.post('/api/push/:tenantId/:kind', async (req, res) => {
    const tenantId = req.params.tenantId;
    const kind = importKind.safeParse(req.params.kind);
    const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    res.setHeader('Cache-Control', 'no-store');
    if (!isUuid(tenantId) || !token || !(await withTenant(tenantId, () => ctx.dataImports.pushTokenValid(tenantId, token)))) {
      res.locals.log?.warn({ reason: 'push_token_refused' }, 'import push refused');
      res.status(401).json({ error: 'unauthorized' });
      return;
    }
    if (!kind.success) {
      res.status(404).json({ error: 'unknown_kind' });
      return;
    }
    const dir = await mkdtemp(path.join(tmpdir(), 'push-'));
    try {
      let file: { path: string } | { stream: Request };
      if (kind.data === 'oneroster') {
        const saved = path.join(dir, 'push.zip');
        await pipeline(req, createWriteStream(saved));
        file = { path: saved };
      } else {
        file = { stream: req };
      }
      const outcome = await withTenant(tenantId, () => ctx.dataImports.importFile({ tenantId, kind: kind.data, trigger: 'push', file, actor: systemActor(tenantId) }));
      res.status(outcome.status === 'imported' ? 200 : 422).json({
        status: outcome.status,
        runId: outcome.runId,
        rows: outcome.rows,
        upserted: outcome.upserted,
        unmatched: outcome.unmatched,
        badRows: outcome.report.listed,
        badRowsNotListed: outcome.report.unlisted,
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  // Manual entry of one day of attendance or one incident, for a student the adult may write for.
  const entryPath = '/students/:studentId/data-entry';
  const renderEntry = async (req: Request, res: Response, extra: Record<string, unknown> = {}) => {
    const user = req.user!;
    const { record, ...view } = await ctx.dataImports.entryPage(user, req.params.studentId as string);
    res.render('student-data/entry', {
      title: t('dataImports.entry.title', { name: view.student.name }, user.locale),
      nav: studentNav(user, record, 'data-entry'),
      ...view,
      statuses: (['present', 'absent', 'tardy', 'excused'] as const).map((s) => ({ value: s, label: t(`dataImports.entry.status.${s}`, {}, user.locale) })),
      severities: (['minor', 'moderate', 'major'] as const).map((s) => ({ value: s, label: t(`dataImports.entry.severity.${s}`, {}, user.locale) })),
      notice: req.query.done === 'attendance' ? t('dataImports.entry.savedAttendance', {}, user.locale) : req.query.done === 'incident' ? t('dataImports.entry.savedIncident', {}, user.locale) : undefined,
      ...extra,
    });
  };
  r.use(entryPath, formBodies(), ctx.requireUser);
  r.get(entryPath, async (req, res) => {
    await renderEntry(req, res);
  });
  r.post(`${entryPath}/attendance`, async (req, res) => {
    const studentId = req.params.studentId as string;
    const result = await unlessRefused(() => ctx.dataImports.enterAttendance(req.user!, studentId, attendanceEntryForm.safeParse(req.body)));
    if (result.ok) return redirectInTool(res, `/students/${studentId}/data-entry`, { query: { done: 'attendance' } });
    res.status(400);
    await renderEntry(req, res, { attendance: { values: req.body, errors: result.errors }, errorSummary: summaryOf(result.errors, (f) => `attendance-${f}`) });
  });
  r.post(`${entryPath}/incidents`, async (req, res) => {
    const studentId = req.params.studentId as string;
    const result = await unlessRefused(() => ctx.dataImports.enterIncident(req.user!, studentId, incidentEntryForm.safeParse(req.body)));
    if (result.ok) return redirectInTool(res, `/students/${studentId}/data-entry`, { query: { done: 'incident' } });
    res.status(400);
    await renderEntry(req, res, { incident: { values: req.body, errors: result.errors }, errorSummary: summaryOf(result.errors, (f) => `incident-${f}`) });
  });
  return r;
}

function outcomeView(outcome: ImportOutcome, kind: ImportKind, locale: string | undefined) {
  const tr = (key: string, params: Record<string, unknown> = {}) => t(key, params, locale);
  return {
    imported: outcome.status === 'imported',
    summary:
      outcome.status === 'imported'
        ? tr('dataImports.outcome.imported', { kind: tr(`dataImports.kind.${kind}`), rows: outcome.rows, upserted: outcome.upserted, unmatched: outcome.unmatched })
        : tr('dataImports.outcome.refused', { kind: tr(`dataImports.kind.${kind}`), count: outcome.report.blocking }),
    badRows: badRowLines(outcome.report.listed, locale),
    unlisted: outcome.report.unlisted,
  };
}
