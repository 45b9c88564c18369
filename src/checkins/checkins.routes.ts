import { postedFieldsOf, recordFieldInputId } from '../custom-fields/custom-fields.service.js';
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../web/context.js';
import { studentNav } from '../web/student-nav.js';
import { orInvalid, redirectInTool, summaryOf } from '../web/forms.js';
import { t } from '../web/i18n.js';
import { checkinLimits, needResolutions, resolutionNoteMax, resolveNeedForm } from './checkins.schemas.js';
import { checkinFormModel, formatOptions, prepFormModel, ratings } from './checkins.presenter.js';

type Body = Record<string, unknown>;

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
  // The school's own fields (src/custom-fields), after the form's own.
  ['text', (f) => recordFieldInputId(f)!],
];
const fieldRank = (field: string) => checkinFields.findIndex(([name]) => name === field.split('.')[0]);
function checkinSummary(errors: Record<string, string>) {
  const inPageOrder = Object.fromEntries(Object.entries(errors).sort(([a], [b]) => fieldRank(a) - fieldRank(b)));
  return summaryOf(inPageOrder, (field) => checkinFields[fieldRank(field)]?.[1](field));
}
const quickFieldIds: Record<string, string> = { date: 'quick-date', format: 'quick-format', sharedNote: 'quick-note' };
const attendanceId = (studentId: string) => `attended-${studentId}-yes`;

/** Check-ins: history, recording one (with the student's prep answers shown), student prep, quick record for the advisory. */
export function checkinsRoutes(ctx: AppContext): Router {
  const r = Router();
  const base = (studentId: string) => `/students/${studentId}/checkins`;

  /** The check-ins page; `failed`: a need's resolve form refused (400), shown again with its errors. */
  const renderIndex = async (req: Request, res: Response, failed?: { needId: string; errors: Record<string, string>; values: Body }) => {
    const { record, ...h } = await ctx.checkins.history(req.user!, String(req.params.studentId));
    const url = base(record.student.id);
    const locale = req.user!.locale;
    res.render('checkins/index', {
      title: t('checkins.titleOf', { name: record.student.name }, locale),
      nav: studentNav(req.user!, record, 'checkins'),
      student: record.student,
      isSelf: record.relationship === 'self',
      newUrl: `${url}/new`,
      prepUrl: `${url}/prep`,
      ...h,
      canRefer: ctx.referrals.can(req.user!, record).create,
      noteMax: resolutionNoteMax,
      errorSummary: failed ? summaryOf(failed.errors, (field) => (field === 'how' ? `need-how-${failed.needId}-${needResolutions[0]}` : `need-note-${failed.needId}`)) : undefined,
      openNeeds: h.openNeeds.map((n) => {
        const mine = failed?.needId === n.id;
        return {
          ...n,
          resolveUrl: `${url}/needs/${n.id}/resolve`,
          referUrl: ctx.referrals.newUrl(record.student.id, { need: n.id }),
          resolutions: needResolutions.map((value) => ({ value, label: t(`checkins.needs.resolution.${value}`, {}, locale), checked: mine && failed.values.how === value })),
          note: mine && typeof failed.values.note === 'string' ? failed.values.note : '',
          errors: mine ? failed.errors : {},
        };
      }),
    });
  };

  r.get('/students/:studentId/checkins', ctx.requireUser, async (req, res) => {
    await renderIndex(req, res);
  });

  const renderNew = async (req: Request, res: Response, values: Body = {}, errors: Record<string, string> = {}) => {
    // The school's own fields keep what was typed and show their errors in place.
    const fieldsOutcome = { typed: postedFieldsOf(values).text, errors, conflicts: new Map() };
    const { record, prompts: p, needs, today, fields } = await ctx.checkins.recordForm(req.user!, String(req.params.studentId), fieldsOutcome);
    res.render('checkins/new', {
      title: t('checkins.new.title', { name: record.student.name }, req.user!.locale),
      nav: studentNav(req.user!, record, 'checkins'),
      student: record.student,
      formAction: base(record.student.id),
      // Attendance is never assumed: the navigator says whether the student came.
      ...checkinFormModel(p, needs, { date: today, ...values }, errors, req.user!.locale),
      fields,
      errorSummary: checkinSummary(errors),
    });
  };

  r.get('/students/:studentId/checkins/new', ctx.requireUser, async (req, res) => {
    await renderNew(req, res);
  });

  r.post('/students/:studentId/checkins', ctx.requireUser, async (req, res) => {
    await orInvalid(
      res,
      async () => {
        await ctx.checkins.record(req.user!, String(req.params.studentId), req.body);
        redirectInTool(res, base(String(req.params.studentId)));
      },
      (e) => renderNew(req, res, req.body as Body, e.errors),
    );
  });

  r.post('/students/:studentId/checkins/needs/:needId/resolve', ctx.requireUser, async (req, res) => {
    const posted = req.body as Body;
    await orInvalid(
      res,
      async () => {
        await ctx.checkins.resolveNeed(req.user!, String(req.params.studentId), req.params.needId, resolveNeedForm.safeParse(posted));
        redirectInTool(res, base(String(req.params.studentId)));
      },
      (e) => renderIndex(req, res, { needId: String(req.params.needId), errors: e.errors, values: posted }),
    );
  });

  const renderPrep = async (req: Request, res: Response, errors: Record<string, string> = {}, posted?: Body) => {
    const { record, prompts: p, needs } = await ctx.checkins.prepForm(req.user!, String(req.params.studentId));
    res.render('checkins/prep', {
      titleKey: 'checkins.prep.title',
      nav: studentNav(req.user!, record, 'checkins'),
      student: record.student,
      formAction: `${base(record.student.id)}/prep`,
      saved: req.query.saved === '1',
      ...prepFormModel(p, needs, errors, posted),
      errorSummary: checkinSummary(errors),
    });
  };

  r.get('/students/:studentId/checkins/prep', ctx.requireUser, async (req, res) => {
    await renderPrep(req, res);
  });

  r.post('/students/:studentId/checkins/prep', ctx.requireUser, async (req, res) => {
    await orInvalid(
      res,
      async () => {
        await ctx.checkins.savePrep(req.user!, String(req.params.studentId), req.body);
        redirectInTool(res, `${base(String(req.params.studentId))}/prep`, { query: { saved: 1 } });
      },
      (e) => renderPrep(req, res, e.errors, req.body as Body),
    );
  });

  // Quick record for the whole advisory: one row per student (attended, absent or not recorded), one
  // shared note. Nothing is pre-set; rows left "not recorded" are not saved; the rest are saved together.
  const renderQuick = async (req: Request, res: Response, values: Body, errors: Record<string, string>) => {
    const students = await ctx.caseload.checkinRoster(req.user!);
    const nameOf = (p: { name: string }) => p.name || t('common.nameNotShared', {}, req.user!.locale);
    const names = new Map(students.map((p) => [p.id, nameOf(p)]));
    const rowOf = (field: string) => (field.startsWith('row.') ? field.slice('row.'.length) : undefined);
    // A row's message names its student in the summary; "nothing recorded" points at the first row.
    const summaryTexts = Object.fromEntries(Object.entries(errors).map(([field, text]) => [field, rowOf(field) ? `${names.get(rowOf(field)!)}: ${text}` : text]));
    const idFor = (field: string) => (rowOf(field) ? attendanceId(rowOf(field)!) : field === '_form' && students[0] ? attendanceId(students[0].id) : quickFieldIds[field]);
    res.render('checkins/quick', {
      titleKey: 'checkins.quick.title',
      nav: [{ href: '/caseload', label: t('nav.caseload', {}, req.user!.locale), current: false }],
      formAction: '/caseload/checkins',
      formats: formatOptions(values.format, req.user!.locale),
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
    await orInvalid(
      res,
      async () => {
        const recorded = await ctx.caseload.recordCheckins(req.user!, req.body);
        redirectInTool(res, '/caseload', { query: { recorded } });
      },
      (e) => renderQuick(req, res, req.body as Body, e.errors),
    );
  });
  return r;
}
