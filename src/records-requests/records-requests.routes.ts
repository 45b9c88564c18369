import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../web/context.js';
import { t } from '../web/i18n.js';
import { redirectInTool, summaryOf, unlessRefused } from '../web/forms.js';
import { reasonLimit, scheduleDeletionForm } from './records-requests.schemas.js';
import { toolPath } from '../web/urls.js';
import { readableRecord } from './records-requests.presenter.js';

/** A student's records request pages, as paths inside the tool. */
export const recordsPaths = (studentId: string) => ({
  page: toolPath('admin', 'students', studentId, 'records'),
  json: toolPath('admin', 'students', studentId, 'records', 'export.json'),
  print: toolPath('admin', 'students', studentId, 'records', 'print'),
  deletion: toolPath('admin', 'students', studentId, 'records', 'deletion'),
  cancel: toolPath('admin', 'students', studentId, 'records', 'deletion', 'cancel'),
});

const fieldIds: Record<string, string> = { reason: 'deletion-reason', confirm: 'deletion-confirm' };

/** /admin/students/:studentId/records: the records request page, its JSON export and its readable record. */
export function recordsRequestsRoutes(ctx: AppContext): Router {
  const r = Router();
  const studentIdOf = (req: Request) => String(req.params.studentId);

  const renderPage = async (req: Request, res: Response, form?: { values: Record<string, string>; errors: Record<string, string> }) => {
    const user = req.user!;
    const view = await ctx.recordsRequests.page(user, studentIdOf(req));
    res.render('records-requests/show', {
      title: t('recordsRequests.title', { name: view.student.name }, user.locale),
      nav: [{ href: '/admin', label: t('nav.admin', {}, user.locale), current: false }],
      ...view,
      urls: recordsPaths(view.student.id),
      reasonLimit,
      values: form?.values ?? {},
      errors: form?.errors ?? {},
      errorSummary: form ? summaryOf(form.errors, (f) => fieldIds[f]) : undefined,
    });
  };

  r.get('/admin/students/:studentId/records', ctx.requireUser, async (req, res) => renderPage(req, res));

  r.post('/admin/students/:studentId/records/deletion', ctx.requireUser, async (req, res) => {
    const done = await unlessRefused(() => ctx.recordsRequests.scheduleDeletion(req.user!, studentIdOf(req), scheduleDeletionForm.safeParse(req.body)));
    if (!done.ok) {
      res.status(400);
      await renderPage(req, res, { values: { reason: String((req.body as Record<string, unknown>).reason ?? '') }, errors: done.errors });
      return;
    }
    redirectInTool(res, recordsPaths(studentIdOf(req)).page);
  });

  r.post('/admin/students/:studentId/records/deletion/cancel', ctx.requireUser, async (req, res) => {
    await ctx.recordsRequests.cancelDeletion(req.user!, studentIdOf(req));
    redirectInTool(res, recordsPaths(studentIdOf(req)).page);
  });

  r.get('/admin/students/:studentId/records/export.json', ctx.requireUser, async (req, res) => {
    const { data } = await ctx.recordsRequests.exportOf(req.user!, studentIdOf(req));
    res.attachment(`student-record-${data.studentId}.json`).type('application/json').send(JSON.stringify(data, null, 2));
  });

  // A document of its own, opened in a new top-level window: printing inside the LMS frame prints the LMS.
  r.get('/admin/students/:studentId/records/print', ctx.requireUser, async (req, res) => {
    const user = req.user!;
    const { student, data } = await ctx.recordsRequests.exportOf(user, studentIdOf(req));
    res.render('records-requests/print', {
      layout: 'print',
      title: t('recordsRequests.title', { name: student.name }, user.locale),
      student,
      exportedAt: new Date(data.exportedAt),
      features: readableRecord(data),
      pageUrl: recordsPaths(student.id).page,
    });
  });
  return r;
}
