import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../web/context.js';
import type { AppUser } from '../auth/user.js';
import { studentInScope, type StudentInScope } from '../web/student-scope.js';
import { studentNav } from '../web/student-nav.js';
import { fieldErrors, redirectInTool } from '../web/forms.js';
import { authorize } from '../policies/policy.js';
import { roleHomePolicy } from '../policies/role-home.js';
import { PlanConflict } from './plans.service.js';
import { commentForm, fieldForm, statusForm } from './plans.schemas.js';

/** What a failed save brings back to one field: the typed text, an error, or the other person's text. */
interface FieldOverride {
  field: string;
  voice: string;
  text: string;
  error?: string;
  conflict?: { text: string; authorName: string; at: Date };
  version?: number;
}

/** /students/:studentId/plan (+ history, print, comments), the student's /my-plan and the family's /family. */
export function plansRoutes(ctx: AppContext): Router {
  const r = Router();
  const student = (req: Request) => studentInScope(ctx, req.user!, req.params.studentId);
  const planUrl = (id: string) => `/students/${id}/plan`;

  const renderPlan = async (req: Request, res: Response, s: StudentInScope, opts: { page?: string; override?: FieldOverride; commentError?: string; commentText?: string; statusStale?: boolean } = {}) => {
    const user = req.user!;
    const view = await ctx.plans.view(user, s);
    const o = opts.override;
    const sections = view.sections.map((sec) => ({
      ...sec,
      fields: sec.fields.map((f) => ({
        ...f,
        voices: f.voices.map((v) => {
          const mine = o && o.field === f.key && o.voice === v.voice ? o : undefined;
          return { ...v, id: `${f.key}-${v.voice}`, text: mine ? mine.text : (v.entry?.text ?? ''), error: mine?.error, conflict: mine?.conflict };
        }),
      })),
    }));
    const goals = await ctx.goals.listForStudent(user, s.student.id);
    const prompts = s.relationship === 'self' ? await ctx.checkins.currentPrompts(user, s.student.id) : null;
    res.render(opts.page ?? 'plans/show', {
      title: s.relationship === 'self' ? 'My success plan' : `Success plan: ${s.student.name}`,
      nav: studentNav(user, s, 'plan'),
      student: s.student,
      isSelf: s.relationship === 'self',
      ...view,
      version: o?.version ?? view.version,
      sections,
      goals,
      prompts,
      urls: { fields: `${planUrl(s.student.id)}/fields`, status: `${planUrl(s.student.id)}/status`, comments: `${planUrl(s.student.id)}/comments`, history: `${planUrl(s.student.id)}/history`, print: `${planUrl(s.student.id)}/print` },
      commentError: opts.commentError,
      commentText: opts.commentText,
      statusStale: opts.statusStale,
    });
  };

  r.get('/students/:studentId/plan', ctx.requireUser, async (req, res) => {
    await renderPlan(req, res, await student(req));
  });

  r.post('/students/:studentId/plan/fields', ctx.requireUser, async (req, res) => {
    const s = await student(req);
    const parsed = fieldForm.safeParse(req.body);
    const body = req.body as Record<string, unknown>;
    if (!parsed.success) {
      res.status(400);
      const errors = fieldErrors(parsed.error);
      await renderPlan(req, res, s, { override: { field: String(body.field ?? ''), voice: String(body.voice ?? ''), text: String(body.text ?? ''), error: errors.text ?? errors.version ?? 'Check this field and save again.' } });
      return;
    }
    try {
      await ctx.plans.saveField(req.user!, s, parsed.data);
    } catch (err) {
      if (!(err instanceof PlanConflict)) throw err;
      res.status(409);
      await renderPlan(req, res, s, { override: { field: err.field.key, voice: err.voice, text: err.yours, conflict: err.theirs, version: err.version } });
      return;
    }
    redirectInTool(res, planUrl(s.student.id), { hash: `${parsed.data.field}-${parsed.data.voice}` });
  });

  r.post('/students/:studentId/plan/status', ctx.requireUser, async (req, res) => {
    const s = await student(req);
    const parsed = statusForm.safeParse(req.body);
    if (!parsed.success) {
      res.status(400);
      await renderPlan(req, res, s, { statusStale: true });
      return;
    }
    if (!(await ctx.plans.setStatus(req.user!, s, parsed.data.status, parsed.data.version))) {
      res.status(409);
      await renderPlan(req, res, s, { statusStale: true });
      return;
    }
    redirectInTool(res, planUrl(s.student.id));
  });

  r.post('/students/:studentId/plan/comments', ctx.requireUser, async (req, res) => {
    const s = await student(req);
    const parsed = commentForm.safeParse(req.body);
    if (!parsed.success) {
      res.status(400);
      await renderPlan(req, res, s, { commentError: fieldErrors(parsed.error).text, commentText: String((req.body as Record<string, unknown>).text ?? '') });
      return;
    }
    await ctx.plans.comment(req.user!, s, parsed.data.text);
    redirectInTool(res, planUrl(s.student.id), { hash: 'comments' });
  });

  r.get('/students/:studentId/plan/history', ctx.requireUser, async (req, res) => {
    const s = await student(req);
    const revisions = await ctx.plans.history(req.user!, s);
    res.render('plans/history', { title: `Plan history: ${s.student.name}`, nav: studentNav(req.user!, s, 'plan'), student: s.student, revisions, planUrl: planUrl(s.student.id) });
  });

  r.get('/students/:studentId/plan/print', ctx.requireUser, async (req, res) => {
    const s = await student(req);
    const view = await ctx.plans.view(req.user!, s, 'print');
    const goals = await ctx.goals.listForStudent(req.user!, s.student.id);
    res.render('plans/print', { title: `Success plan: ${s.student.name}`, student: s.student, ...view, goals, printedAt: ctx.clock.now() });
  });

  r.get('/my-plan', ctx.requireUser, async (req, res) => {
    const user: AppUser = req.user!;
    authorize(roleHomePolicy, user, 'view', { tenantId: user.tenantId, page: 'my-plan' });
    await renderPlan(req, res, await studentInScope(ctx, user, user.personId));
  });

  r.get('/family', ctx.requireUser, async (req, res) => {
    const user: AppUser = req.user!;
    authorize(roleHomePolicy, user, 'view', { tenantId: user.tenantId, page: 'family' });
    const names = await ctx.roster.namesOf(user.tenantId, user.menteeIds);
    const statuses = await ctx.plans.statusFor(user.tenantId, user.menteeIds);
    const students = user.menteeIds.map((id) => ({ id, name: names.get(id) || 'Name not shared by the LMS yet', status: statuses.get(id)?.status ?? 'none', planUrl: planUrl(id), goalsUrl: `/students/${id}/goals` }));
    res.render('plans/family', { title: 'My students', students });
  });
  return r;
}
