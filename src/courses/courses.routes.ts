import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../web/context.js';
import { fieldErrors, redirectInTool, summaryOf } from '../web/forms.js';
import { notFound } from '../web/errors.js';
import { adminKindForm, confirmKindForm } from './courses.schemas.js';

const adminChoices = [
  ['advisory', 'Advisory'],
  ['subject', 'Subject course'],
  ['undecided', 'Not decided'],
] as const;

/** Deciding what a course is (instructor on first launch, admin page) and the subject course's student list. */
export function coursesRoutes(ctx: AppContext): Router {
  const r = Router();
  const questionPath = (id: string) => `/courses/${id}/kind`;

  r.get('/courses/:contextId/kind', ctx.requireUser, async (req, res) => {
    const course = await ctx.courses.question(req.user!, req.params.contextId);
    res.render('courses/question', { title: `Is ${course.title} an advisory?`, course: { ...course, action: questionPath(course.id) }, errors: {} });
  });

  r.post('/courses/:contextId/kind', ctx.requireUser, async (req, res) => {
    const form = confirmKindForm.safeParse(req.body);
    if (!form.success) {
      const course = await ctx.courses.question(req.user!, req.params.contextId);
      const errors = fieldErrors(form.error);
      res.status(400).render('courses/question', {
        title: `Is ${course.title} an advisory?`,
        course: { ...course, action: questionPath(course.id) },
        errors,
        errorSummary: summaryOf(errors, () => 'kind-advisory'),
      });
      return;
    }
    const course = await ctx.courses.confirm(req.user!, req.params.contextId, form.data.kind);
    redirectInTool(res, course.kind === 'advisory' ? '/caseload' : `/courses/${course.id}/students`);
  });

  r.get('/courses/:contextId/students', ctx.requireUser, async (req, res) => {
    const view = await ctx.courses.studentsOf(req.user!, req.params.contextId);
    res.render('courses/students', { title: `${view.course.title}: students' plans`, ...view });
  });

  const renderAdmin = async (req: Request, res: Response, invalid?: { id: string; message: string }) => {
    const courses = await ctx.courses.forAdmin(req.user!);
    if (invalid && !courses.some((c) => c.id === invalid.id)) throw notFound();
    res.render('courses/admin', {
      title: 'Courses',
      nav: [{ href: '/admin', label: 'Administration', current: false }],
      saved: req.query.saved === '1',
      courses: courses.map((c) => ({
        ...c,
        action: `/admin/courses/${c.id}`,
        error: invalid?.id === c.id ? invalid.message : null,
        choices: adminChoices.map(([value, label]) => ({ value, label, checked: value === c.kind })),
      })),
      errorSummary: invalid ? [{ href: `#kind-${invalid.id}`, text: invalid.message }] : undefined,
    });
  };

  r.get('/admin/courses', ctx.requireUser, async (req, res) => {
    await renderAdmin(req, res);
  });

  r.post('/admin/courses/:contextId', ctx.requireUser, async (req, res) => {
    const form = adminKindForm.safeParse(req.body);
    if (!form.success) {
      res.status(400);
      await renderAdmin(req, res, { id: String(req.params.contextId), message: fieldErrors(form.error).kind ?? 'Choose what this course is' });
      return;
    }
    await ctx.courses.setByAdmin(req.user!, req.params.contextId, form.data.kind);
    redirectInTool(res, '/admin/courses', { query: { saved: 1 } });
  });
  return r;
}
