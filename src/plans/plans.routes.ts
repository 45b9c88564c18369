import { fieldsPost, renderFieldsHistory } from '../custom-fields/custom-fields.routes.js';
import type { FieldsOutcome } from '../custom-fields/custom-fields.service.js';
import { toolPath } from '../web/urls.js';
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../web/context.js';
import { studentNav } from '../web/student-nav.js';
import { prefixed, redirectInTool, typedAnswers, summaryOf, unlessRefused, type SummaryItem } from '../web/forms.js';
import { t } from '../web/i18n.js';
import { commentForm, printQuery, statusForm, unknownSectionForm } from './plans.schemas.js';
import { choicesOf } from './plan-template.js';



/** What a refused save brings back to one field in one voice: the typed text, an error, or the other person's text. */
interface FieldOverride {
  text: string;
  /** The version the form carries on: what was loaded (bad input) or what is saved now (conflict). */
  version?: number;
  error?: string;
  conflict?: { text: string; authorName: string; at: Date };
}

/** After a section save that was partly refused: which of its fields were saved and which need a look. */
interface SectionNotice {
  section: string;
  saved: string[];
  needsLook: string[];
}

interface RenderOptions {
  page?: string;
  /** What a refused save of the student's own fields brings back. */
  studentFields?: FieldsOutcome;
  /** Keyed by `<field>-<voice>`, the id of the field's voice block. */
  fields?: Map<string, FieldOverride>;
  notice?: SectionNotice;
  errorSummary?: SummaryItem[];
  commentError?: string;
  commentText?: string;
  statusStale?: boolean;
}

const voiceId = (field: string, voice: string) => `${field}-${voice}`;
const inputId = (field: string, voice: string) => `text-${voiceId(field, voice)}`;

/** /students/:studentId/plan (+ history, print, comments), the student's /my-plan and the family's /family. */
export function plansRoutes(ctx: AppContext): Router {
  const r = Router();
  const planUrl = (id: string) => `/students/${id}/plan`;
  /** An earlier school year's plan, read-only. */
  const yearUrl = (id: string, schoolYear: string) => `${planUrl(id)}/years/${encodeURIComponent(schoolYear)}`;
  const earlierYearsOf = (id: string, years: string[]) => years.map((y) => ({ label: y, url: yearUrl(id, y) }));
  /** The student id as the URL has it: the service's gate judges it. */
  const studentIdOf = (req: Request) => String(req.params.studentId);

  const renderPlan = async (req: Request, res: Response, studentId: string, opts: RenderOptions = {}) => {
    const user = req.user!;
    const view = await ctx.plans.view(user, studentId, opts.studentFields);
    const s = view.record;
    const saved = typeof req.query.saved === 'string' ? req.query.saved : undefined;
    const sections = view.sections.map((sec) => ({
      ...sec,
      justSaved: saved === sec.key && !opts.errorSummary,
      notice: opts.notice?.section === sec.key ? opts.notice : undefined,
      fields: sec.fields.map((f) => ({
        ...f,
        voices: f.voices.map((v) => {
          const mine = opts.fields?.get(voiceId(f.key, v.voice));
          const text = mine ? mine.text : (v.entry?.text ?? '');
          return {
            ...v,
            id: voiceId(f.key, v.voice),
            inputId: inputId(f.key, v.voice),
            text,
            choices: choicesOf(f, text, user.locale),
            version: mine?.version ?? v.entry?.version ?? 0,
            error: mine?.error,
            conflict: mine?.conflict,
          };
        }),
      })),
    }));
    // The record the plan opened: the goals and prompts do not read the student again.
    const goals = await ctx.goals.list(user, s);
    const prompts = s.relationship === 'self' ? await ctx.checkins.currentPrompts(user, s) : null;
    // The student's own home offers the pulse surveys open for them today.
    const pulses = s.relationship === 'self' ? (await ctx.surveys.openFor(user)).map((p) => ({ ...p, url: toolPath('surveys', p.windowId) })) : [];
    res.render(opts.page ?? 'plans/show', {
      title: s.relationship === 'self' ? t('plans.title', {}, user.locale) : t('plans.titleOf', { name: s.student.name }, user.locale),
      nav: studentNav(user, s, 'plan'),
      student: s.student,
      isSelf: s.relationship === 'self',
      ...view,
      sections,
      earlierYears: earlierYearsOf(s.student.id, view.earlierYears),
      goals,
      prompts,
      pulses,
      // Adults who may refer start a referral from the plan (the referral form records it came from here).
      referUrl: ctx.referrals.can(user, s).create ? ctx.referrals.newUrl(s.student.id, { from: 'plan' }) : undefined,
      urls: { studentFields: `${planUrl(s.student.id)}/details`, studentFieldsHistory: toolPath('students', s.student.id, 'plan', 'details', 'history'), fields: `${planUrl(s.student.id)}/fields`, status: `${planUrl(s.student.id)}/status`, comments: `${planUrl(s.student.id)}/comments`, history: `${planUrl(s.student.id)}/history`, print: `${planUrl(s.student.id)}/print` },
      errorSummary: opts.errorSummary ?? (view.studentFields?.errorSummary.length ? view.studentFields.errorSummary : undefined),
      commentError: opts.commentError,
      commentText: opts.commentText,
      statusStale: opts.statusStale,
    });
  };

  r.get('/students/:studentId/plan', ctx.requireUser, async (req, res) => {
    await renderPlan(req, res, studentIdOf(req));
  });

  r.get('/students/:studentId/plan/details/history', ctx.requireUser, async (req, res) => {
    const { record: s, changes } = await ctx.plans.studentFieldsHistory(req.user!, studentIdOf(req));
    const locale = req.user!.locale;
    renderFieldsHistory(res, { title: t('customFields.history.titles.student', { name: s.student.name }, locale), nav: studentNav(req.user!, s, 'plan'), student: s.student, backUrl: planUrl(s.student.id), backLabel: t('customFields.history.back.student', {}, locale), changes });
  });

  r.post('/students/:studentId/plan/details', ctx.requireUser, (req, res) =>
    fieldsPost(
      req,
      res,
      (typed) => ctx.plans.saveStudentFields(req.user!, studentIdOf(req), typed),
      (outcome) => renderPlan(req, res, studentIdOf(req), { studentFields: outcome }),
      () => redirectInTool(res, planUrl(studentIdOf(req)), { hash: 'record-fields' }),
    ),
  );

  // One section's fields in one voice, saved together (see SectionSave in plans.schemas.ts).
  r.post('/students/:studentId/plan/fields', ctx.requireUser, async (req, res) => {
    const studentId = studentIdOf(req);
    const body = req.body as Record<string, unknown>;
    const section = String(body.section ?? '');
    const voice = String(body.voice ?? '');
    const typed = typedAnswers(body);
    const loaded = prefixed(body, 'version');
    const shape = await ctx.plans.shapeFor(req.user!.tenantId);
    const schema = shape.sectionForm(section, voice);
    const saved = await unlessRefused(() => ctx.plans.saveSection(req.user!, studentId, (schema ?? unknownSectionForm).safeParse({ text: typed, version: loaded })));
    const locale = req.user!.locale;
    if (!saved.ok) {
      const errors = saved.errors;
      // Nothing is written; every typed word goes back into its field, next to its error.
      const fields = new Map<string, FieldOverride>();
      for (const [key, text] of Object.entries(typed)) {
        const version = Number(loaded[key]);
        fields.set(voiceId(key, voice), { text, version: Number.isInteger(version) && version >= 0 ? version : undefined, error: errors[`text.${key}`] ?? errors[`version.${key}`] });
      }
      const fieldOf = (name: string) => {
        const key = /^(?:text|version)\.(.+)$/.exec(name)?.[1];
        return key === undefined ? undefined : shape.fieldIn(locale, key);
      };
      const labelled = Object.fromEntries(Object.entries(errors).map(([name, text]) => [name, fieldOf(name) ? `${fieldOf(name)!.label}: ${text}` : text]));
      const errorSummary = summaryOf(labelled, (name) => {
        const field = fieldOf(name);
        if (field) return inputId(field.key, voice);
        return schema ? `form-${section}` : undefined;
      });
      res.status(400);
      await renderPlan(req, res, studentId, { fields, errorSummary });
      return;
    }
    const outcome = saved.value;
    const labelOf = (key: string) => shape.fieldIn(locale, key)!.label;
    if (outcome.conflicts.length === 0) {
      redirectInTool(res, planUrl(studentId), { query: { saved: section }, hash: `sec-${section}` });
      return;
    }
    res.status(409);
    await renderPlan(req, res, studentId, {
      fields: new Map(outcome.conflicts.map((c) => [voiceId(c.field.key, c.voice), { text: c.yours, version: c.version, conflict: c.theirs }])),
      notice: { section, saved: outcome.saved.map((f) => labelOf(f.key)), needsLook: outcome.conflicts.map((c) => labelOf(c.field.key)) },
      errorSummary: outcome.conflicts.map((c) => ({ href: `#${inputId(c.field.key, c.voice)}`, text: t('plans.errors.conflict', { label: labelOf(c.field.key), name: c.theirs.authorName }, locale) })),
    });
  });

  r.post('/students/:studentId/plan/status', ctx.requireUser, async (req, res) => {
    const studentId = studentIdOf(req);
    const changed = await unlessRefused(() => ctx.plans.setStatus(req.user!, studentId, statusForm.safeParse(req.body)));
    // A refused form and a stale version both mean the page was out of date: it is shown again, current.
    if (!changed.ok || !changed.value) {
      res.status(changed.ok ? 409 : 400);
      await renderPlan(req, res, studentId, { statusStale: true });
      return;
    }
    redirectInTool(res, planUrl(studentId));
  });

  r.post('/students/:studentId/plan/comments', ctx.requireUser, async (req, res) => {
    const studentId = studentIdOf(req);
    const posted = await unlessRefused(() => ctx.plans.comment(req.user!, studentId, commentForm.safeParse(req.body)));
    if (!posted.ok) {
      res.status(400);
      const commentError = posted.errors.text ?? t('plans.errors.comment', {}, req.user!.locale);
      await renderPlan(req, res, studentId, { commentError, commentText: String((req.body as Record<string, unknown>).text ?? ''), errorSummary: [{ href: '#comment-text', text: commentError }] });
      return;
    }
    redirectInTool(res, planUrl(studentId), { hash: 'comments' });
  });

  r.get('/students/:studentId/plan/history', ctx.requireUser, async (req, res) => {
    const { record: s, revisions } = await ctx.plans.history(req.user!, studentIdOf(req));
    res.render('plans/history', { title: t('plans.history.title', { name: s.student.name }, req.user!.locale), nav: studentNav(req.user!, s, 'plan'), student: s.student, revisions, planUrl: planUrl(s.student.id) });
  });

  // An earlier year's plan, kept as it was: read-only, the same fields the reader sees this year.
  r.get('/students/:studentId/plan/years/:schoolYear', ctx.requireUser, async (req, res) => {
    const user = req.user!;
    const view = await ctx.plans.viewYear(user, studentIdOf(req), String(req.params.schoolYear));
    const s = view.record;
    const sections = view.sections.map((sec) => ({ ...sec, fields: sec.fields.map((f) => ({ ...f, voices: f.voices.map((v) => ({ ...v, id: voiceId(f.key, v.voice) })) })) }));
    res.render('plans/year', {
      title: t('plans.year.title', { name: s.student.name, year: view.schoolYear }, user.locale),
      nav: studentNav(user, s, 'plan'),
      student: s.student,
      isSelf: s.relationship === 'self',
      ...view,
      sections,
      earlierYears: earlierYearsOf(s.student.id, view.earlierYears),
      planUrl: planUrl(s.student.id),
    });
  });

  // A document of its own, opened in a new top-level window: printing inside the LMS frame prints the LMS.
  r.get('/students/:studentId/plan/print', ctx.requireUser, async (req, res) => {
    const view = await ctx.plans.print(req.user!, studentIdOf(req), printQuery.safeParse(req.query));
    const s = view.record;
    const goals = await ctx.goals.printableForStudent(req.user!, s.student.id);
    // Staff print the whole plan, staff-only parts marked; for a family meeting they can print the family's copy.
    res.render('plans/print', {
      layout: 'print',
      title: t('plans.titleOf', { name: s.student.name }, req.user!.locale),
      student: s.student,
      ...view,
      goals,
      staffCopy: view.audience === 'adult',
      urls: { plan: planUrl(s.student.id), print: `${planUrl(s.student.id)}/print` },
      printedAt: ctx.clock.now(),
    });
  });

  r.get('/my-plan', ctx.requireUser, async (req, res) => {
    await renderPlan(req, res, ctx.plans.mine(req.user!));
  });

  r.get('/family', ctx.requireUser, async (req, res) => {
    const home = await ctx.plans.familyHome(req.user!);
    const locale = req.user!.locale;
    const students = home.map((m) => ({ ...m, name: m.name ?? t('plans.family.nameNotShared', {}, locale), planUrl: planUrl(m.id), goalsUrl: `/students/${m.id}/goals`, viewsUrl: `/students/${m.id}/record-views` }));
    res.render('plans/family', { title: t('plans.family.title', {}, locale), students });
  });
  return r;
}
