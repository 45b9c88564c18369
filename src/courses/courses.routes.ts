import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../web/context.js';
import { orInvalid, redirectInTool, summaryOf } from '../web/forms.js';
import { t } from '../web/i18n.js';
import { courseKinds } from './courses.schemas.js';

/** Deciding what a course is (instructor on first launch, admin page) and the subject course's student list. */
export function coursesRoutes(ctx: AppContext): Router {
  const r = Router();
  const questionPath = (id: string) => `/courses/${id}/kind`;

  const renderQuestion = async (req: Request, res: Response, errors: Record<string, string> = {}) => {
    const course = await ctx.courses.question(req.user!, req.params.contextId);
    res.render('courses/question', {
      title: t('courses.question.title', { title: course.title }, req.user!.locale),
      course: { ...course, action: questionPath(course.id) },
      errors,
      errorSummary: Object.keys(errors).length > 0 ? summaryOf(errors, () => 'kind-advisory') : undefined,
    });
  };

  r.get('/courses/:contextId/kind', ctx.requireUser, async (req, res) => {
    await renderQuestion(req, res);
  });

  r.post('/courses/:contextId/kind', ctx.requireUser, async (req, res) => {
    await orInvalid(
      res,
      async () => {
        const course = await ctx.courses.confirm(req.user!, req.params.contextId, req.body);
        redirectInTool(res, course.kind === 'advisory' ? '/caseload' : `/courses/${course.id}/students`);
      },
      (e) => renderQuestion(req, res, e.errors),
    );
  });

  r.get('/courses/:contextId/students', ctx.requireUser, async (req, res) => {
    const view = await ctx.courses.studentsOf(req.user!, req.params.contextId);
    res.render('courses/students', { title: t('courses.students.title', { title: view.course.title }, req.user!.locale), ...view });
  });

  const renderAdmin = async (req: Request, res: Response, invalid?: { id: string; message: string }) => {
    const courses = await ctx.courses.forAdmin(req.user!);
    res.render('courses/admin', {
      titleKey: 'courses.admin.title',
      nav: [{ href: '/admin', label: t('nav.admin', {}, req.user!.locale), current: false }],
      saved: req.query.saved === '1',
      courses: courses.map((c) => ({
        ...c,
        action: `/admin/courses/${c.id}`,
        error: invalid?.id === c.id ? invalid.message : null,
        choices: courseKinds.map((value) => ({ value, label: t(`courses.kinds.${value}`, {}, req.user!.locale), checked: value === c.kind })),
      })),
      errorSummary: invalid ? [{ href: `#kind-${invalid.id}`, text: invalid.message }] : undefined,
    });
  };

  r.get('/admin/courses', ctx.requireUser, async (req, res) => {
    await renderAdmin(req, res);
  });

  r.post('/admin/courses/:contextId', ctx.requireUser, async (req, res) => {
    await orInvalid(
      res,
      async () => {
        await ctx.courses.setByAdmin(req.user!, req.params.contextId, req.body);
        redirectInTool(res, '/admin/courses', { query: { saved: 1 } });
      },
      (e) => renderAdmin(req, res, { id: String(req.params.contextId), message: e.errors.kind ?? t('courses.errors.chooseAdminKind', {}, req.user!.locale) }),
    );
  });
  return r;
}
