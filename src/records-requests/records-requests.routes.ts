import { Router, type Request } from 'express';
import type { AppContext } from '../web/context.js';
import { t } from '../web/i18n.js';
import { toolPath } from '../web/urls.js';
import { readableRecord } from './records-requests.presenter.js';

/** A student's records request pages, as paths inside the tool. */
export const recordsPaths = (studentId: string) => ({
  page: toolPath('admin', 'students', studentId, 'records'),
  json: toolPath('admin', 'students', studentId, 'records', 'export.json'),
  print: toolPath('admin', 'students', studentId, 'records', 'print'),
});

/** /admin/students/:studentId/records: the records request page, its JSON export and its readable record. */
export function recordsRequestsRoutes(ctx: AppContext): Router {
  const r = Router();
  const studentIdOf = (req: Request) => String(req.params.studentId);

  r.get('/admin/students/:studentId/records', ctx.requireUser, async (req, res) => {
    const user = req.user!;
    const view = await ctx.recordsRequests.page(user, studentIdOf(req));
    res.render('records-requests/show', {
      title: t('recordsRequests.title', { name: view.student.name }, user.locale),
      nav: [{ href: '/admin', label: t('nav.admin', {}, user.locale), current: false }],
      ...view,
      urls: recordsPaths(view.student.id),
    });
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
