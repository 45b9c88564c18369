import { Router, type Response } from 'express';
import { stringify } from 'csv-stringify';
import type { AppContext } from '../web/context.js';
import { studentNav } from '../web/student-nav.js';
import { InvalidInput, orInvalid, summaryOf } from '../web/forms.js';
import { safeError } from '../web/logger.js';
import { t } from '../web/i18n.js';
import { auditActions, type AuditCursor } from './audit.service.js';
import { encodeCursor } from './audit.schemas.js';
import { actionLabel } from './audit.presenter.js';
import { recordsPaths } from '../records-requests/records-requests.routes.js';
// Names come from the LMS, where people write their own: a cell that starts like a formula is quoted as text.
import { spreadsheetSafe } from '../reports/export.js';

const AUDIT = '/admin/audit';
const filterFieldIds: Record<string, string> = { student: 'f-student', person: 'f-person', action: 'f-action', from: 'f-from', to: 'f-to' };
const csvColumns = ['when', 'who', 'role', 'action', 'record', 'attempt', 'students', 'studentIds'] as const;


/** The filter fields as a link's query (what the form sent, so paging and export keep the filters). */
const filterParams = (raw: Record<string, unknown>) =>
  Object.fromEntries(Object.keys(filterFieldIds).flatMap((k) => (typeof raw[k] === 'string' && raw[k] !== '' ? [[k, raw[k] as string]] : [])));

/** /admin/audit (the tenant's log, filtered, paged, CSV) and /students/:id/record-views ("who viewed my record"). */
export function auditRoutes(ctx: AppContext): Router {
  const r = Router();

  /** Newer/older links: the filters plus the position, built by the `url` helper in the view. */
  const pager = (older: AuditCursor | null, newer: AuditCursor | null, params: Record<string, string> = {}) => ({
    older: older ? { ...params, before: encodeCursor(older) } : null,
    newer: newer ? { ...params, after: encodeCursor(newer) } : null,
    newest: newer ? params : null,
  });

  const renderLog = (res: Response, raw: Record<string, unknown>, extra: Record<string, unknown>) =>
    res.render('audit/index', {
      titleKey: 'audit.title',
      nav: [{ href: '/admin', label: t('audit.nav.admin', {}, res.locals.locale), current: false }],
      // The school's zone, which requireUser put in res.locals.
      zone: res.locals.timeZone,
      values: raw,
      actions: auditActions.map((value) => ({ value, label: actionLabel(value, res.locals.locale), selected: raw.action === value })),
      ...extra,
    });

  r.get(AUDIT, ctx.requireUser, async (req, res) => {
    const raw = req.query as Record<string, unknown>;
    await orInvalid(
      res,
      async () => {
        const page = await ctx.auditLog.adminPage(req.user!, raw);
        const params = filterParams(raw);
        renderLog(res, raw, {
          errors: {},
          events: page.events,
          student: page.student,
          // An exact student (a name link, or the one match) leads on to their records request.
          recordsRequestUrl: page.student.exactName && page.student.ids?.length === 1 ? recordsPaths(page.student.ids[0]!).page : null,
          person: page.person,
          nameMatches: page.nameMatches,
          filtered: Object.keys(params).length > 0,
          pages: pager(page.older, page.newer, params),
          exportQuery: params,
        });
      },
      // The form still shows: an administrator fixes the date next to the field.
      async (e) => renderLog(res, raw, { errors: e.errors, errorSummary: summaryOf(e.errors, (f) => filterFieldIds[f]), events: [] }),
    );
  });

  r.get(`${AUDIT}/export`, ctx.requireUser, async (req, res) => {
    const rows = ctx.auditLog.exportRows(req.user!, req.query);
    // The first row gates (policy), checks the filters and audits before any byte is sent, so a refusal is still a clean 403 or 400.
    let first: IteratorResult<string[]>;
    try {
      first = await rows.next();
    } catch (err) {
      if (!(err instanceof InvalidInput)) throw err;
      res.status(400).type('text/plain').send(Object.values(err.errors).join('\n'));
      return;
    }
    res.type('text/csv; charset=utf-8').attachment('audit-log.csv');
    const csv = stringify({ header: true, columns: csvColumns.map((key) => ({ key, header: t(`audit.csv.${key}`, {}, req.user!.locale) })), cast: { string: spreadsheetSafe } });
    csv.pipe(res);
    const write = (row: string[]) => new Promise<void>((resolve) => (csv.write(Object.fromEntries(csvColumns.map((k, i) => [k, row[i]]))) ? resolve() : csv.once('drain', resolve)));
    try {
      if (!first.done) await write(first.value);
      for await (const row of rows) await write(row);
    } catch (err) {
      // Headers are sent: the download stops short; the log says why.
      res.locals.log?.error({ err: safeError(err) }, 'audit export failed');
      res.destroy();
      return;
    }
    csv.end();
  });

  r.get('/students/:studentId/record-views', ctx.requireUser, async (req, res) => {
    const { record, ...page } = await ctx.auditLog.recordViews(req.user!, String(req.params.studentId), req.query);
    const isSelf = record.relationship === 'self';
    res.render('audit/record-views', {
      title: isSelf ? t('recordViews.title', {}, req.user!.locale) : t('recordViews.titleOf', { name: record.student.name }, req.user!.locale),
      nav: studentNav(req.user!, record, 'record-views'),
      student: record.student,
      isSelf,
      path: `/students/${record.student.id}/record-views`,
      views: page.views,
      pages: pager(page.older, page.newer),
    });
  });
  return r;
}
