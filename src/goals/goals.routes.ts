import { fieldsPost, renderFieldsHistory } from '../custom-fields/custom-fields.routes.js';
import { toolPath } from '../web/urls.js';
import { postedFieldsOf, recordFieldInputId, type FieldsOutcome } from '../custom-fields/custom-fields.service.js';
import { Router, type Request, type Response } from 'express';
import type { z } from 'zod';
import type { AppContext } from '../web/context.js';
import type { StudentRecord } from '../navigators/student-record.js';
import type { ParsedForm } from '../web/forms.js';
import { studentNav } from '../web/student-nav.js';
import { InvalidInput, redirectInTool, summaryOf } from '../web/forms.js';
import { t, type Locale } from '../web/i18n.js';
import { GoalConflict, GoalIncomplete, type Goal } from './goals.service.js';
import { localDate } from '../web/time-zone.js';
import { goalEditForm, goalLimits, indicatorOptions, ownerLabel, progressForm, statusForm, stepForm, stepOwners, suggestForm, versionField } from './goals.schemas.js';

const SMART = ['category', 'statement', 'measure', 'measureIndicator', 'measureTarget', 'target', 'targetDate', 'why'] as const;
const valuesOf = (g: Partial<Goal> | Record<string, unknown>) => Object.fromEntries(SMART.map((k) => [k, (g as Record<string, unknown>)[k] ?? '']));
/** "Measured by": in words (''), or one of the indicators. */
const ownerOptions = (locale: Locale | undefined) => stepOwners.map((value) => ({ value, label: ownerLabel(value, locale) }));

/** Input ids of each form's fields on the goal pages, so the error summary links to them. */
type FieldIds = Record<string, string>;
const goalFieldIds: FieldIds = { category: 'goal-category', statement: 'goal-statement', measure: 'goal-measure', measureIndicator: 'goal-measure-indicator', measureTarget: 'goal-measure-target', target: 'goal-target', targetDate: 'goal-date', why: 'goal-why' };
const summary = (errors: Record<string, string>, ids: FieldIds) => summaryOf(errors, (field) => ids[field] ?? recordFieldInputId(field));

/** /students/:studentId/goals...: list, new, one goal with steps, progress, approval and suggestions. */
export function goalsRoutes(ctx: AppContext): Router {
  const r = Router();
  const base = (studentId: string) => `/students/${studentId}/goals`;
  /** The ids as the URL has them: the service's gate judges them. */
  const studentIdOf = (req: Request) => String(req.params.studentId);
  const goalIdOf = (req: Request) => String(req.params.goalId);
  // The school's today: requireUser put its zone in res.locals.
  const today = (res: Response) => localDate(ctx.clock.now(), String(res.locals.timeZone));

  /** A category's label in the reader's language, from the school's list. */
  const categoryLabelOf = async (req: Request, code: string) => (await ctx.goals.categoryChoices(req.user!, code, code)).find((c) => c.value === code)?.label ?? code;

  const renderGoal = async (req: Request, res: Response, extra: Record<string, unknown> = {}, fieldsOutcome?: FieldsOutcome) => {
    const d = await ctx.goals.detail(req.user!, studentIdOf(req), goalIdOf(req), fieldsOutcome);
    const s = d.record;
    const values = (extra.values as Record<string, unknown>) ?? valuesOf(d.goal);
    const url = d.goal.url;
    const locale = req.user!.locale;
    res.render('goals/show', {
      title: t('goals.show.title', { statement: d.goal.statement }, locale),
      nav: studentNav(req.user!, s, 'goals'),
      student: s.student,
      isSelf: s.relationship === 'self',
      ...d,
      steps: d.steps.map((st) => ({ ...st, toggleUrl: `${url}/steps/${st.id}` })),
      actions: { fields: `${url}/fields`, fieldsHistory: toolPath('students', s.student.id, 'goals', d.goal.id, 'fields', 'history'), save: url, approve: `${url}/approve`, suggest: `${url}/suggest`, status: `${url}/status`, steps: `${url}/steps`, progress: `${url}/progress` },
      ratings: ['1', '2', '3', '4', '5'],
      values,
      categories: await ctx.goals.categoryChoices(req.user!, values.category, d.goal.category),
      measureIndicators: indicatorOptions(values.measureIndicator, locale),
      owners: ownerOptions(locale),
      today: today(res),
      limits: goalLimits,
      errors: {},
      // The layout puts a refused save's summary at the top of the page: the goal's own fields' too.
      errorSummary: d.fields?.errorSummary.length ? d.fields.errorSummary : undefined,
      ...extra,
    });
  };
  const goalUrl = (req: Request) => `${base(studentIdOf(req))}/${goalIdOf(req)}`;

  r.get('/students/:studentId/goals', ctx.requireUser, async (req, res) => {
    const list = await ctx.goals.list(req.user!, studentIdOf(req));
    const s = list.record;
    res.render('goals/index', { title: t('goals.titleOf', { name: s.student.name }, req.user!.locale), nav: studentNav(req.user!, s, 'goals'), student: s.student, isSelf: s.relationship === 'self', ...list });
  });

  const renderNew = async (req: Request, res: Response, s: StudentRecord, values: Record<string, unknown>, errors: Record<string, string>, fields: unknown) =>
    res.render('goals/new', {
      fields,
      title: t(s.relationship === 'self' ? 'goals.propose' : 'goals.new.title', {}, req.user!.locale),
      nav: studentNav(req.user!, s, 'goals'),
      student: s.student,
      isSelf: s.relationship === 'self',
      formAction: base(s.student.id),
      values,
      categories: await ctx.goals.categoryChoices(req.user!, values.category),
      measureIndicators: indicatorOptions(values.measureIndicator, req.user!.locale),
      limits: goalLimits,
      errors,
      errorSummary: summary(errors, goalFieldIds),
    });

  r.get('/students/:studentId/goals/new', ctx.requireUser, async (req, res) => {
    // The form checks the permission the save checks, so nobody fills in a form they cannot send.
    const { record, fields } = await ctx.goals.newForm(req.user!, studentIdOf(req));
    await renderNew(req, res, record, {}, {}, fields);
  });

  r.post('/students/:studentId/goals', ctx.requireUser, async (req, res) => {
    try {
      const g = await ctx.goals.create(req.user!, studentIdOf(req), (await ctx.goals.createForm(req.user!)).safeParse(req.body), postedFieldsOf(req.body));
      redirectInTool(res, `${base(studentIdOf(req))}/${g.id}`);
    } catch (err) {
      if (!(err instanceof InvalidInput)) throw err;
      // Shown again as the form is shown: the same permission, and an audited read of it.
      const { record, fields } = await ctx.goals.newForm(req.user!, studentIdOf(req), { typed: postedFieldsOf(req.body).text, errors: err.errors, conflicts: new Map() });
      res.status(400);
      await renderNew(req, res, record, req.body as Record<string, unknown>, err.errors, fields);
    }
  });

  r.get('/students/:studentId/goals/:goalId', ctx.requireUser, async (req, res) => {
    await renderGoal(req, res);
  });

  r.get('/students/:studentId/goals/:goalId/fields/history', ctx.requireUser, async (req, res) => {
    const { record: s, changes } = await ctx.goals.fieldsHistory(req.user!, studentIdOf(req), goalIdOf(req));
    const locale = req.user!.locale;
    renderFieldsHistory(res, { title: t('customFields.history.titles.goal', {}, locale), nav: studentNav(req.user!, s, 'goals'), student: s.student, backUrl: goalUrl(req), backLabel: t('customFields.history.back.goal', {}, locale), changes });
  });

  r.post('/students/:studentId/goals/:goalId/fields', ctx.requireUser, (req, res) =>
    fieldsPost(
      req,
      res,
      (typed) => ctx.goals.saveFields(req.user!, studentIdOf(req), goalIdOf(req), typed),
      (outcome) => renderGoal(req, res, {}, outcome),
      () => redirectInTool(res, goalUrl(req), { hash: 'record-fields' }),
    ),
  );

  r.post('/students/:studentId/goals/:goalId', ctx.requireUser, async (req, res) => {
    const parsed = goalEditForm.safeParse(req.body);
    try {
      await ctx.goals.update(req.user!, studentIdOf(req), goalIdOf(req), parsed);
    } catch (err) {
      if (err instanceof InvalidInput) {
        res.status(400);
        const errors = err.errors;
        await renderGoal(req, res, { values: req.body, errors, errorSummary: summary(errors, goalFieldIds) });
        return;
      }
      // The service refuses what is incomplete or stale only once the form is valid.
      if (!parsed.success) throw err;
      if (err instanceof GoalIncomplete) {
        res.status(400);
        const errors = err.missing;
        await renderGoal(req, res, { values: parsed.data, errors, errorSummary: summary(errors, goalFieldIds) });
        return;
      }
      if (!(err instanceof GoalConflict)) throw err;
      res.status(409);
      await renderGoal(req, res, {
        values: parsed.data,
        conflict: { theirs: { ...valuesOf(err.current), categoryLabel: await categoryLabelOf(req, err.current.category) }, yours: { ...parsed.data, categoryLabel: await categoryLabelOf(req, parsed.data.category) } },
      });
      return;
    }
    redirectInTool(res, goalUrl(req));
  });

  /**
   * The small goal actions: each parses its own form and re-renders the goal page with errors (its
   * own, or the SMART parts a goal going live still lacks, marked on the edit form) or a conflict.
   */
  const action = <T>(
    path: string,
    schema: z.ZodType<T>,
    run: (req: Request, studentId: string, goalId: string, form: ParsedForm<T>) => Promise<unknown>,
    errorKey: string,
    ids: FieldIds,
  ) => {
    r.post(`/students/:studentId/goals/:goalId/${path}`, ctx.requireUser, async (req, res) => {
      try {
        await run(req, studentIdOf(req), goalIdOf(req), schema.safeParse(req.body));
      } catch (err) {
        if (err instanceof InvalidInput) {
          res.status(400);
          const errors = err.errors;
          await renderGoal(req, res, { [errorKey]: { errors, values: req.body }, errorSummary: summary(errors, ids) });
          return;
        }
        if (err instanceof GoalIncomplete) {
          res.status(400);
          const errors = err.missing;
          await renderGoal(req, res, { errors, errorSummary: summary(errors, goalFieldIds) });
          return;
        }
        if (!(err instanceof GoalConflict)) throw err;
        res.status(409);
        await renderGoal(req, res, { staleAction: true });
        return;
      }
      redirectInTool(res, goalUrl(req));
    });
  };

  action('approve', versionField, (req, student, id, form) => ctx.goals.approve(req.user!, student, id, form), 'approveForm', {});
  action('suggest', suggestForm, (req, student, id, form) => ctx.goals.suggest(req.user!, student, id, form), 'suggestForm', { suggestion: 'suggestion' });
  action('status', statusForm, (req, student, id, form) => ctx.goals.setStatus(req.user!, student, id, form), 'statusForm', { status: 'goal-status' });
  action('steps', stepForm, (req, student, id, form) => ctx.goals.addStep(req.user!, student, id, form), 'stepForm', { text: 'step-text', owner: 'step-owner', dueDate: 'step-due' });
  action('progress', progressForm, (req, student, id, form) => ctx.goals.addProgress(req.user!, student, id, form), 'progressForm', {
    date: 'progress-date',
    value: 'progress-value',
    note: 'progress-note',
    rating: 'progress-rating-1',
  });

  r.post('/students/:studentId/goals/:goalId/steps/:stepId', ctx.requireUser, async (req, res) => {
    await ctx.goals.setStepDone(req.user!, studentIdOf(req), goalIdOf(req), String(req.params.stepId), (req.body as Record<string, unknown>)?.done === 'yes');
    redirectInTool(res, goalUrl(req));
  });
  return r;
}
