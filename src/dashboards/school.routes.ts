import { Router, type Request } from 'express';
import type { z } from 'zod';
import type { AppContext } from '../web/context.js';
import { badRequest, message } from '../web/errors.js';
import { t } from '../web/i18n.js';
import { leaderHome } from '../lti/roles.js';
import { exportQuery, sendTable } from '../reports/export.js';
import { studentFilter } from './school-filters.js';
import { schoolViewQuery } from './school.schemas.js';
import { schoolPage } from './school.presenter.js';
import { studentListPage, studentsExport } from './school-students.presenter.js';
import { districtPage } from './district.presenter.js';

/** A query the page cannot answer is a 400 naming the parameters, never a guess. */
function queryOf<S extends z.ZodType>(schema: S, req: Request): z.infer<S> {
  const parsed = schema.safeParse(req.query);
  if (!parsed.success) throw badRequest(message('errors.badQuery', { fields: [...new Set(parsed.error.issues.map((i) => i.path.join('.')))].join(', ') }));
  return parsed.data;
}

/** The district's view (/district), a school's (/schools/:schoolId), the students behind its numbers, and their export (CSV, XLSX). */
export function schoolViewRoutes(ctx: AppContext): Router {
  const r = Router();
  const back = (locale: Parameters<typeof t>[2]) => [{ href: leaderHome, label: t('dashboards.leader.title', {}, locale), current: false }];

  r.get('/district', ctx.requireUser, async (req, res) => {
    const user = req.user!;
    const view = await ctx.dashboards.district(user);
    res.render('dashboards/district', { titleKey: 'dashboards.district.title', nav: back(user.locale), ...districtPage(view, user.locale) });
  });

  r.get('/schools/:schoolId', ctx.requireUser, async (req, res) => {
    const user = req.user!;
    const { group } = queryOf(schoolViewQuery, req);
    const view = await ctx.schoolView.view(user, String(req.params.schoolId), group);
    res.render('dashboards/school', { titleKey: 'dashboards.school.title', nav: back(user.locale), ...schoolPage(view, user.locale) });
  });

  r.get('/schools/:schoolId/students', ctx.requireUser, async (req, res) => {
    const user = req.user!;
    const filter = queryOf(studentFilter, req);
    const view = await ctx.schoolView.students(user, String(req.params.schoolId), filter);
    res.render('dashboards/school-students', { titleKey: 'dashboards.students.title', nav: back(user.locale), ...studentListPage(view, user.locale) });
  });

  r.get('/schools/:schoolId/students/export', ctx.requireUser, async (req, res) => {
    const user = req.user!;
    const filter = queryOf(studentFilter, req);
    const { format } = queryOf(exportQuery, req);
    const view = await ctx.schoolView.exportStudents(user, String(req.params.schoolId), filter);
    await sendTable(res, studentsExport(view, user.locale), format, t('dashboards.students.fileName', {}, user.locale));
  });
  return r;
}
