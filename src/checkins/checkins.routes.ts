import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../web/context.js';
import { studentInScope, isUuid, type StudentInScope } from '../web/student-scope.js';
import { studentNav } from '../web/student-nav.js';
import { fieldErrors, prefixed, redirectInTool, summaryOf } from '../web/forms.js';
import { notFound } from '../web/errors.js';
import { authorize } from '../policies/policy.js';
import { checkinPolicy } from '../policies/checkin.js';
import { caseloadPolicy } from '../policies/caseload.js';
import { answerText, checkinForm, checkinFormats, checkinLimits, formatLabels, needValue, quickForm, quickRow, type Urgency } from './checkins.schemas.js';
import type { CheckinsService } from './checkins.service.js';

type Body = Record<string, unknown>;
const formatOptions = (selected: unknown) => checkinFormats.map((value) => ({ value, label: formatLabels[value], selected: value === (selected ?? 'in_person') }));
const ratings = ['1', '2', '3', '4', '5'];

/** The check-in form's fields in page order, with their input ids, for the error summary. */
const checkinFields: [string, (field: string) => string][] = [
  ['date', () => 'checkin-date'],
  ['format', () => 'checkin-format'],
  ['attended', () => 'checkin-attended-yes'],
  ['answer', (f) => `q-${f.slice('answer.'.length)}`],
  ['wellbeing', () => 'checkin-wellbeing-1'],
  ['sharedNote', () => 'checkin-shared'],
  ['adultNote', () => 'checkin-adult'],
  ['need', (f) => `need-${f.slice('need.'.length)}`],
];
const fieldRank = (field: string) => checkinFields.findIndex(([name]) => name === field.split('.')[0]);
function checkinSummary(errors: Record<string, string>) {
  const inPageOrder = Object.fromEntries(Object.entries(errors).sort(([a], [b]) => fieldRank(a) - fieldRank(b)));
  return summaryOf(inPageOrder, (field) => checkinFields[fieldRank(field)]?.[1](field));
}
const quickFieldIds: Record<string, string> = { date: 'quick-date', format: 'quick-format', sharedNote: 'quick-note' };
const attendanceId = (studentId: string) => `attended-${studentId}-yes`;

/** Answers and needs arrive as `answer.<questionId>` and `need.<needId>` fields; each is checked on its own. */
function parseAnswersAndNeeds(checkins: CheckinsService, body: unknown, questions: { id: string; required: boolean }[], requireAnswers: boolean) {
  const errors: Record<string, string> = {};
  const rawAnswers = prefixed(body, 'answer');
  const answers: Record<string, string> = {};
  for (const q of questions) {
    const a = answerText.safeParse(rawAnswers[q.id] ?? '');
    if (!a.success) errors[`answer.${q.id}`] = a.error.issues[0]!.message;
    else if (requireAnswers && q.required && !a.data) errors[`answer.${q.id}`] = 'This question needs an answer';
    else answers[q.id] = a.data;
  }
  const rawNeeds = prefixed(body, 'need');
  const needs: Record<string, Urgency> = {};
  for (const n of checkins.needCategories()) {
    const v = needValue.safeParse(rawNeeds[n.id] ?? '');
    if (!v.success) errors[`need.${n.id}`] = v.error.issues[0]!.message;
    else if (v.data) needs[n.id] = v.data;
  }
  return { answers, needs, errors, rawAnswers, rawNeeds };
}

/** Check-ins: history, recording one (with the student's prep answers shown), student prep, quick record for the advisory. */
export function checkinsRoutes(ctx: AppContext): Router {
  const r = Router();
  const student = (req: Request) => studentInScope(ctx, req.user!, req.params.studentId);
  const base = (s: StudentInScope) => `/students/${s.student.id}/checkins`;
  const needRows = (raw: Record<string, string>, errors: Record<string, string>) =>
    ctx.checkins.needCategories().map((n) => ({ ...n, name: `need.${n.id}`, value: raw[n.id] ?? '', error: errors[`need.${n.id}`] }));

  r.get('/students/:studentId/checkins', ctx.requireUser, async (req, res) => {
    const s = await student(req);
    const h = await ctx.checkins.history(req.user!, s);
    res.render('checkins/index', {
      title: `Check-ins: ${s.student.name}`,
      nav: studentNav(req.user!, s, 'checkins'),
      student: s.student,
      isSelf: s.relationship === 'self',
      canRecord: checkinPolicy(req.user!, 'record', { scope: s.scope }),
      newUrl: `${base(s)}/new`,
      prepUrl: `${base(s)}/prep`,
      ...h,
      openNeeds: h.openNeeds.map((n) => ({ ...n, resolveUrl: `${base(s)}/needs/${n.id}/resolve` })),
    });
  });

  const renderNew = async (req: Request, res: Response, s: StudentInScope, values: Body, errors: Record<string, string>, raw = { answers: {} as Record<string, string>, needs: {} as Record<string, string> }) => {
    const p = await ctx.checkins.recordForm(req.user!, s);
    res.render('checkins/new', {
      title: `Check-in: ${s.student.name}`,
      nav: studentNav(req.user!, s, 'checkins'),
      student: s.student,
      formAction: base(s),
      prompts: { ...p, questions: p.questions.map((q) => ({ ...q, name: `answer.${q.id}`, value: raw.answers[q.id] ?? '', error: errors[`answer.${q.id}`] })) },
      needs: needRows(raw.needs, errors),
      formats: formatOptions(values.format),
      ratings: ratings.map((v) => ({ value: v, checked: v === values.wellbeing })),
      // Attendance is never assumed: the navigator says whether the student came.
      values: { date: await ctx.checkins.today(req.user!.tenantId), ...values },
      limits: checkinLimits,
      errors,
      errorSummary: checkinSummary(errors),
    });
  };

  r.get('/students/:studentId/checkins/new', ctx.requireUser, async (req, res) => {
    const s = await student(req);
    await renderNew(req, res, s, {}, {});
  });

  r.post('/students/:studentId/checkins', ctx.requireUser, async (req, res) => {
    const s = await student(req);
    authorize(checkinPolicy, req.user!, 'record', { scope: s.scope });
    const form = checkinForm.safeParse(req.body);
    const week = await ctx.checkins.weekFor(req.user!.tenantId, s.student.id);
    const attended = (form.success ? form.data.attended : (req.body as Body).attended) === 'yes';
    // The script's required questions are the ones every navigator asks when the student came.
    const extra = parseAnswersAndNeeds(ctx.checkins, req.body, ctx.checkins.promptsFor(week).questions, attended);
    const errors = { ...(form.success ? {} : fieldErrors(form.error)), ...extra.errors };
    if (!form.success || Object.keys(errors).length > 0) {
      res.status(400);
      await renderNew(req, res, s, req.body as Body, errors, { answers: extra.rawAnswers, needs: extra.rawNeeds });
      return;
    }
    const f = form.data;
    await ctx.checkins.record(req.user!, s, {
      date: f.date, format: f.format, attended, week, wellbeing: attended ? f.wellbeing : null,
      sharedNote: f.sharedNote, adultNote: f.adultNote, answers: attended ? extra.answers : {}, needs: extra.needs,
    });
    redirectInTool(res, base(s));
  });

  r.post('/students/:studentId/checkins/needs/:needId/resolve', ctx.requireUser, async (req, res) => {
    const s = await student(req);
    if (!isUuid(req.params.needId)) throw notFound('That need is not open.');
    await ctx.checkins.resolveNeed(req.user!, s, req.params.needId);
    redirectInTool(res, base(s));
  });

  const renderPrep = async (req: Request, res: Response, s: StudentInScope, errors: Record<string, string>, raw?: { answers: Record<string, string>; needs: Record<string, string> }) => {
    const p = await ctx.checkins.prepForm(req.user!, s);
    res.render('checkins/prep', {
      title: 'Before our check-in',
      nav: studentNav(req.user!, s, 'checkins'),
      student: s.student,
      formAction: `${base(s)}/prep`,
      saved: req.query.saved === '1',
      prompts: { ...p, questions: p.questions.map((q) => ({ ...q, name: `answer.${q.id}`, value: raw ? raw.answers[q.id] ?? '' : q.prepared, error: errors[`answer.${q.id}`] })) },
      needs: needRows(raw?.needs ?? {}, errors),
      limits: checkinLimits,
      errors,
      errorSummary: checkinSummary(errors),
    });
  };

  r.get('/students/:studentId/checkins/prep', ctx.requireUser, async (req, res) => {
    const s = await student(req);
    await renderPrep(req, res, s, {});
  });

  r.post('/students/:studentId/checkins/prep', ctx.requireUser, async (req, res) => {
    const s = await student(req);
    authorize(checkinPolicy, req.user!, 'prep', { scope: s.scope });
    const week = await ctx.checkins.weekFor(req.user!.tenantId, s.student.id);
    const parsed = parseAnswersAndNeeds(ctx.checkins, req.body, ctx.checkins.promptsFor(week).questions, false);
    if (Object.keys(parsed.errors).length > 0) {
      res.status(400);
      await renderPrep(req, res, s, parsed.errors, { answers: parsed.rawAnswers, needs: parsed.rawNeeds });
      return;
    }
    await ctx.checkins.savePrep(req.user!, s, { week, answers: parsed.answers, needs: parsed.needs });
    redirectInTool(res, `${base(s)}/prep`, { query: { saved: 1 } });
  });

  // Quick record for the whole advisory: one row per student (attended, absent or not recorded), one
  // shared note. Nothing is pre-set; rows left "not recorded" are not saved; the rest are saved together.
  const renderQuick = async (req: Request, res: Response, values: Body, errors: Record<string, string>) => {
    const students = await ctx.caseload.checkinRoster(req.user!);
    const nameOf = (p: { name: string }) => p.name || 'Name not shared by the LMS';
    const names = new Map(students.map((p) => [p.id, nameOf(p)]));
    const rowOf = (field: string) => (field.startsWith('row.') ? field.slice('row.'.length) : undefined);
    // A row's message names its student in the summary; "nothing recorded" points at the first row.
    const summaryTexts = Object.fromEntries(Object.entries(errors).map(([field, text]) => [field, rowOf(field) ? `${names.get(rowOf(field)!)}: ${text}` : text]));
    const idFor = (field: string) => (rowOf(field) ? attendanceId(rowOf(field)!) : field === '_form' && students[0] ? attendanceId(students[0].id) : quickFieldIds[field]);
    res.render('checkins/quick', {
      title: 'Record check-ins for the advisory',
      nav: [{ href: '/caseload', label: 'Caseload', current: false }],
      formAction: '/caseload/checkins',
      formats: formatOptions(values.format),
      values: { date: await ctx.checkins.today(req.user!.tenantId), ...values },
      limits: checkinLimits,
      errors,
      errorSummary: summaryOf(summaryTexts, idFor),
      rows: students.map((p) => {
        const attended = (values[`attended.${p.id}`] as string | undefined) ?? '';
        const rating = (values[`wellbeing.${p.id}`] as string | undefined) ?? '';
        return {
          id: p.id,
          name: nameOf(p),
          attended,
          ratings: ratings.map((v) => ({ value: v, selected: v === rating })),
          error: errors[`row.${p.id}`],
        };
      }),
    });
  };

  r.get('/caseload/checkins/new', ctx.requireUser, async (req, res) => {
    await renderQuick(req, res, {}, {});
  });

  r.post('/caseload/checkins', ctx.requireUser, async (req, res) => {
    const user = req.user!;
    authorize(caseloadPolicy, user, 'recordAll', { tenantId: user.tenantId });
    const body = req.body as Body;
    const form = quickForm.safeParse(body);
    const errors: Record<string, string> = form.success ? {} : fieldErrors(form.error);
    const students = await ctx.caseload.studentsOf(user);
    const rows: { studentId: string; attended: boolean; wellbeing: number | null }[] = [];
    for (const p of students) {
      const row = quickRow.safeParse({ attended: body[`attended.${p.id}`], wellbeing: body[`wellbeing.${p.id}`] });
      if (!row.success) errors[`row.${p.id}`] = row.error.issues[0]!.message;
      else if (row.data.attended !== '') rows.push({ studentId: p.id, attended: row.data.attended === 'yes', wellbeing: row.data.wellbeing });
    }
    const rowErrors = Object.keys(errors).some((k) => k.startsWith('row.'));
    if (students.length === 0) errors._form = 'There are no students in your advisory yet.';
    else if (rows.length === 0 && !rowErrors) errors._form = 'Nothing was saved: mark at least one student as attended or absent.';
    if (!form.success || Object.keys(errors).length > 0) {
      res.status(400);
      await renderQuick(req, res, body, errors);
      return;
    }
    const scopes = new Map(await Promise.all(students.map(async (p) => [p.id, await studentInScope(ctx, user, p.id)] as const)));
    await ctx.checkins.recordAll(user, scopes, { date: form.data.date, format: form.data.format, sharedNote: form.data.sharedNote, rows });
    redirectInTool(res, '/caseload', { query: { recorded: rows.length } });
  });
  return r;
}
