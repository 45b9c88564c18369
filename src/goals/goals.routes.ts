import { Router, type Request, type Response } from 'express';
import type { z } from 'zod';
import type { AppContext } from '../web/context.js';
import { studentInScope, isUuid, type StudentInScope } from '../web/student-scope.js';
import { studentNav } from '../web/student-nav.js';
import { fieldErrors, redirectInTool, summaryOf } from '../web/forms.js';
import { notFound } from '../web/errors.js';
import { GoalConflict, GoalIncomplete, type Goal } from './goals.service.js';
import { localDate } from '../web/time-zone.js';
import { approveField, categoryLabels, goalCategories, goalForm, goalLimits, ownerLabels, progressForm, statusForm, stepForm, stepOwners, suggestForm, versionField } from './goals.schemas.js';

const SMART = ['category', 'statement', 'measure', 'target', 'targetDate', 'why'] as const;
const valuesOf = (g: Partial<Goal> | Record<string, unknown>) => Object.fromEntries(SMART.map((k) => [k, (g as Record<string, unknown>)[k] ?? '']));
const categoryOptions = (selected: unknown) => goalCategories.map((value) => ({ value, label: categoryLabels[value], selected: value === selected }));
const ownerOptions = stepOwners.map((value) => ({ value, label: ownerLabels[value] }));

/** Input ids of each form's fields on the goal pages, so the error summary links to them. */
type FieldIds = Record<string, string>;
const goalFieldIds: FieldIds = { category: 'goal-category', statement: 'goal-statement', measure: 'goal-measure', target: 'goal-target', targetDate: 'goal-date', why: 'goal-why' };
const summary = (errors: Record<string, string>, ids: FieldIds) => summaryOf(errors, (field) => ids[field]);

/** /students/:studentId/goals...: list, new, one goal with steps, progress, approval and suggestions. */
export function goalsRoutes(ctx: AppContext): Router {
  const r = Router();
  const base = (studentId: string) => `/students/${studentId}/goals`;
  const student = (req: Request) => studentInScope(ctx, req.user!, req.params.studentId);
  const goalId = (req: Request) => {
    if (!isUuid(req.params.goalId)) throw notFound('There is no such goal.');
    return req.params.goalId;
  };
  // The school's today: requireUser put its zone in res.locals.
  const today = (res: Response) => localDate(ctx.clock.now(), String(res.locals.timeZone));

  const renderGoal = async (req: Request, res: Response, s: StudentInScope, id: string, extra: Record<string, unknown> = {}) => {
    const d = await ctx.goals.detail(req.user!, s, id);
    const values = (extra.values as Record<string, unknown>) ?? valuesOf(d.goal);
    const url = d.goal.url;
    res.render('goals/show', {
      title: `Goal: ${d.goal.statement}`,
      nav: studentNav(req.user!, s, 'goals'),
      student: s.student,
      isSelf: s.relationship === 'self',
      ...d,
      steps: d.steps.map((st) => ({ ...st, toggleUrl: `${url}/steps/${st.id}` })),
      actions: { save: url, approve: `${url}/approve`, suggest: `${url}/suggest`, status: `${url}/status`, steps: `${url}/steps`, progress: `${url}/progress` },
      ratings: ['1', '2', '3', '4', '5'],
      values,
      categories: categoryOptions(values.category),
      owners: ownerOptions,
      today: today(res),
      limits: goalLimits,
      errors: {},
      ...extra,
    });
  };

  r.get('/students/:studentId/goals', ctx.requireUser, async (req, res) => {
    const s = await student(req);
    const list = await ctx.goals.list(req.user!, s);
    res.render('goals/index', { title: `Goals: ${s.student.name}`, nav: studentNav(req.user!, s, 'goals'), student: s.student, isSelf: s.relationship === 'self', ...list });
  });

  const renderNew = (req: Request, res: Response, s: StudentInScope, values: Record<string, unknown>, errors: Record<string, string>) =>
    res.render('goals/new', {
      title: s.relationship === 'self' ? 'Propose a goal' : 'New goal',
      nav: studentNav(req.user!, s, 'goals'),
      student: s.student,
      isSelf: s.relationship === 'self',
      formAction: base(s.student.id),
      values,
      categories: categoryOptions(values.category),
      limits: goalLimits,
      errors,
      errorSummary: summary(errors, goalFieldIds),
    });

  r.get('/students/:studentId/goals/new', ctx.requireUser, async (req, res) => {
    const s = await student(req);
    // The form checks the permission the save checks, so nobody fills in a form they cannot send.
    await ctx.goals.newForm(req.user!, s);
    renderNew(req, res, s, {}, {});
  });

  r.post('/students/:studentId/goals', ctx.requireUser, async (req, res) => {
    const s = await student(req);
    const parsed = goalForm.safeParse(req.body);
    if (!parsed.success) {
      res.status(400);
      renderNew(req, res, s, req.body as Record<string, unknown>, fieldErrors(parsed.error));
      return;
    }
    const g = await ctx.goals.create(req.user!, s, parsed.data);
    redirectInTool(res, `${base(s.student.id)}/${g.id}`);
  });

  r.get('/students/:studentId/goals/:goalId', ctx.requireUser, async (req, res) => {
    const s = await student(req);
    await renderGoal(req, res, s, goalId(req));
  });

  r.post('/students/:studentId/goals/:goalId', ctx.requireUser, async (req, res) => {
    const s = await student(req);
    const id = goalId(req);
    const version = versionField.safeParse(req.body);
    const parsed = goalForm.safeParse(req.body);
    const intent = approveField.safeParse(req.body);
    if (!parsed.success || !version.success) {
      const errors = { ...(parsed.success ? {} : fieldErrors(parsed.error)), ...(version.success ? {} : fieldErrors(version.error)) };
      res.status(400);
      await renderGoal(req, res, s, id, { values: req.body, errors, errorSummary: summary(errors, goalFieldIds) });
      return;
    }
    try {
      await ctx.goals.update(req.user!, s, id, version.data.version, parsed.data, { approve: intent.success && intent.data.approve === 'yes' });
    } catch (err) {
      if (err instanceof GoalIncomplete) {
        res.status(400);
        await renderGoal(req, res, s, id, { values: parsed.data, categories: categoryOptions(parsed.data.category), errors: err.missing, errorSummary: summary(err.missing, goalFieldIds) });
        return;
      }
      if (!(err instanceof GoalConflict)) throw err;
      res.status(409);
      await renderGoal(req, res, s, id, {
        values: parsed.data,
        categories: categoryOptions(parsed.data.category),
        conflict: { theirs: { ...valuesOf(err.current), categoryLabel: categoryLabels[err.current.category as keyof typeof categoryLabels] }, yours: { ...parsed.data, categoryLabel: categoryLabels[parsed.data.category] } },
      });
      return;
    }
    redirectInTool(res, `${base(s.student.id)}/${id}`);
  });

  /**
   * The small goal actions: each parses its own form and re-renders the goal page with errors (its
   * own, or the SMART parts a goal going live still lacks, marked on the edit form) or a conflict.
   */
  const action = <T>(
    path: string,
    schema: z.ZodType<T>,
    run: (req: Request, s: StudentInScope, id: string, data: T) => Promise<unknown>,
    errorKey: string,
    ids: FieldIds,
  ) => {
    r.post(`/students/:studentId/goals/:goalId/${path}`, ctx.requireUser, async (req, res) => {
      const s = await student(req);
      const id = goalId(req);
      const parsed = schema.safeParse(req.body);
      if (!parsed.success) {
        const errors = fieldErrors(parsed.error);
        res.status(400);
        await renderGoal(req, res, s, id, { [errorKey]: { errors, values: req.body }, errorSummary: summary(errors, ids) });
        return;
      }
      try {
        await run(req, s, id, parsed.data);
      } catch (err) {
        if (err instanceof GoalIncomplete) {
          res.status(400);
          await renderGoal(req, res, s, id, { errors: err.missing, errorSummary: summary(err.missing, goalFieldIds) });
          return;
        }
        if (!(err instanceof GoalConflict)) throw err;
        res.status(409);
        await renderGoal(req, res, s, id, { staleAction: true });
        return;
      }
      redirectInTool(res, `${base(s.student.id)}/${id}`);
    });
  };

  action('approve', versionField, (req, s, id, d) => ctx.goals.approve(req.user!, s, id, d.version), 'approveForm', {});
  action('suggest', suggestForm, (req, s, id, d) => ctx.goals.suggest(req.user!, s, id, d.version, d.suggestion), 'suggestForm', { suggestion: 'suggestion' });
  action('status', statusForm, (req, s, id, d) => ctx.goals.setStatus(req.user!, s, id, d.version, d.status), 'statusForm', { status: 'goal-status' });
  action('steps', stepForm, (req, s, id, d) => ctx.goals.addStep(req.user!, s, id, d), 'stepForm', { text: 'step-text', owner: 'step-owner', dueDate: 'step-due' });
  action('progress', progressForm, (req, s, id, d) => ctx.goals.addProgress(req.user!, s, id, d), 'progressForm', {
    date: 'progress-date',
    value: 'progress-value',
    note: 'progress-note',
    rating: 'progress-rating-1',
  });

  r.post('/students/:studentId/goals/:goalId/steps/:stepId', ctx.requireUser, async (req, res) => {
    const s = await student(req);
    const id = goalId(req);
    if (!isUuid(req.params.stepId)) throw notFound('There is no such step.');
    await ctx.goals.setStepDone(req.user!, s, id, req.params.stepId, (req.body as Record<string, unknown>)?.done === 'yes');
    redirectInTool(res, `${base(s.student.id)}/${id}`);
  });
  return r;
}
