import { fieldsPost, renderFieldsHistory } from '../custom-fields/custom-fields.routes.js';
import { toolPath } from '../web/urls.js';
import { postedFieldsOf, recordFieldInputId, type FieldsOutcome } from '../custom-fields/custom-fields.service.js';
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../web/context.js';
import { studentNav } from '../web/student-nav.js';
import { orInvalid, redirectInTool, summaryOf } from '../web/forms.js';
import { t, labelOf } from '../web/i18n.js';
import { notFound } from '../web/errors.js';
import { consentForm, queueQuery, referralForm } from './referrals.schemas.js';
import { isTransition } from './referrals.service.js';
import { consentChoices, consentViews, draftView, eventViews, outcomeChoices, queueFilters, queuePager, referralUrl, referralView, urgencyChoices, type Audience } from './referrals.presenter.js';
import type { StudentRecord } from '../navigators/student-record.js';

type Body = Record<string, unknown>;
const newFieldIds: Record<string, string> = { support: 'r-support', reason: 'r-reason', urgency: 'r-urgency-urgent', owner: 'r-owner', need: 'r-support' };
const stepFieldIds: Record<string, string> = { answer: 'respond-accept', declineReason: 'decline-reason', date: 'session-date', minutes: 'session-minutes', outcome: 'close-outcome', note: 'close-note', version: 'main' };
const consentFieldIds: Record<string, string> = { giver: 'consent-giver-parent', method: 'consent-method', givenOn: 'consent-given-on' };

const audienceOf = (record: StudentRecord): Audience => (record.relationship === 'self' ? 'student' : record.relationship === 'mentor' ? 'family' : 'adult');

/**
 * A student's supports tab, new referral form, referral page (timeline and steps), consent, and the
 * school's queue (/referrals). Every page inside the LMS iframe, with the ltik.
 */
export function referralsRoutes(ctx: AppContext): Router {
  const r = Router();
  const base = (studentId: string) => `/students/${studentId}`;

  const renderList = async (req: Request, res: Response, consentErrors?: Record<string, string>, values: Body = {}) => {
    const user = req.user!;
    const view = await ctx.referrals.studentList(user, String(req.params.studentId));
    const id = view.record.student.id;
    const audience = audienceOf(view.record);
    res.render('referrals/student', {
      title: t(audience === 'student' ? 'referrals.student.title' : 'referrals.student.titleOf', { name: view.record.student.name }, user.locale),
      nav: studentNav(user, view.record, 'supports'),
      student: view.record.student,
      isStudent: audience === 'student',
      isAdult: audience === 'adult',
      connections: view.connections,
      can: view.can,
      newUrl: `${base(id)}/referrals/new`,
      consentAction: `${base(id)}/consents`,
      referrals: view.referrals.map((i) => referralView(i, audience, user.locale)),
      drafts: view.drafts.map((d) => ({ ...draftView(d, user.locale), dismissUrl: `${base(id)}/referral-drafts/${d.id}/dismiss` })),
      consents: consentViews(view.consents, id, user.locale),
      ...consentChoices(values, user.locale),
      values,
      errors: consentErrors ?? {},
      errorSummary: consentErrors ? summaryOf(consentErrors, (f) => consentFieldIds[f]) : undefined,
    });
  };

  r.get('/students/:studentId/supports', ctx.requireUser, (req, res) => renderList(req, res));

  const renderNew = async (req: Request, res: Response, values: Body = {}, errors: Record<string, string> = {}) => {
    const user = req.user!;
    const view = await ctx.referrals.newForm(user, String(req.params.studentId), { need: req.query.need ?? values.need, from: req.query.from ?? values.source, draft: req.query.draft ?? values.draft }, { typed: postedFieldsOf(values).text, errors, conflicts: new Map() });
    const v = { ...view.defaults, ...values };
    res.render('referrals/new', {
      title: t('referrals.new.title', { name: view.record.student.name }, user.locale),
      nav: studentNav(user, view.record, 'supports'),
      student: view.record.student,
      formAction: `${base(view.record.student.id)}/referrals`,
      supports: view.supports.map((s) => ({ value: s.id, label: `${s.name} (${labelOf('supports.category', s.category, user.locale)}${s.referral === 'external' ? `, ${t('referrals.new.external', {}, user.locale)}` : ''})`, selected: s.id === v.support })),
      owners: view.owners.map((o) => ({ value: o.id, label: t(o.coordinator ? 'referrals.new.ownerCoordinator' : 'referrals.new.ownerCounsellor', { name: o.name, count: o.open }, user.locale), selected: o.id === v.owner })),
      urgencies: urgencyChoices(v.urgency, user.locale),
      fromNeed: Boolean(view.defaults.need),
      draft: view.draft ? draftView(view.draft, user.locale) : undefined,
      fields: view.fields,
      needCategory: view.defaults.category ? labelOf('supports.category', view.defaults.category, user.locale) : '',
      values: v,
      errors,
      errorSummary: Object.keys(errors).length ? summaryOf(errors, (f) => newFieldIds[f] ?? recordFieldInputId(f)) : undefined,
    });
  };

  r.get('/students/:studentId/referrals/new', ctx.requireUser, (req, res) => renderNew(req, res));

  r.post('/students/:studentId/referrals', ctx.requireUser, async (req, res) => {
    await orInvalid(
      res,
      async () => {
        const id = await ctx.referrals.create(req.user!, String(req.params.studentId), referralForm.safeParse(req.body), postedFieldsOf(req.body));
        redirectInTool(res, referralUrl(String(req.params.studentId), id), { query: { done: 'created' } });
      },
      (e) => renderNew(req, res, req.body as Body, e.errors),
    );
  });

  const renderDetail = async (req: Request, res: Response, errors: Record<string, string> = {}, values: Body = {}, fieldsOutcome?: FieldsOutcome) => {
    const user = req.user!;
    const view = await ctx.referrals.detail(user, String(req.params.studentId), req.params.referralId, fieldsOutcome);
    const audience = audienceOf(view.record);
    const referral = referralView(view.item, audience, user.locale);
    const url = referralUrl(view.record.student.id, referral.id);
    const state = view.item.referral.state;
    const show = (ok: boolean) => ok && view.item.detail && audience === 'adult';
    res.render('referrals/detail', {
      title: t('referrals.detail.title', { name: view.record.student.name }, user.locale),
      nav: studentNav(user, view.record, 'supports'),
      student: view.record.student,
      listUrl: `${base(view.record.student.id)}/supports`,
      referral,
      isAdult: audience === 'adult',
      referredBy: view.item.detail && audience === 'adult' ? view.names.get(view.item.referral.referredBy) : undefined,
      owner: audience === 'adult' ? view.names.get(view.item.referral.ownerId) : undefined,
      events: eventViews(view.events, view.names, user.locale),
      notice: req.query.done === 'created' ? t('referrals.detail.created', {}, user.locale) : undefined,
      actions: {
        respond: show(view.can.respond && state === 'requested'),
        start: show(view.can.serve && state === 'accepted'),
        session: show(view.can.serve && state === 'in_service'),
        close: show(view.can.close && (state === 'accepted' || state === 'in_service')),
        consent: show(view.can.recordConsent && view.needsConsent),
      },
      respondUrl: `${url}/respond`,
      startUrl: `${url}/start`,
      sessionUrl: `${url}/session`,
      closeUrl: `${url}/close`,
      consentUrl: `${url}/consent`,
      fields: view.fields,
      fieldsUrl: `${url}/fields`,
      fieldsHistoryUrl: toolPath('students', view.record.student.id, 'referrals', referral.id, 'fields', 'history'),
      consents: consentViews(view.consents, view.record.student.id, user.locale),
      ...consentChoices(values, user.locale),
      outcomes: outcomeChoices(values.outcome, user.locale),
      values,
      errors,
      errorSummary: Object.keys(errors).length ? summaryOf(errors, (f) => stepFieldIds[f] ?? consentFieldIds[f]) : view.fields?.errorSummary.length ? view.fields.errorSummary : undefined,
    });
  };

  r.get('/students/:studentId/referrals/:referralId', ctx.requireUser, (req, res) => renderDetail(req, res));

  r.get('/students/:studentId/referrals/:referralId/fields/history', ctx.requireUser, async (req, res) => {
    const { record, referralId, changes } = await ctx.referrals.fieldsHistory(req.user!, String(req.params.studentId), req.params.referralId);
    const locale = req.user!.locale;
    renderFieldsHistory(res, { title: t('customFields.history.titles.referral', {}, locale), nav: studentNav(req.user!, record, 'supports'), student: record.student, backUrl: referralUrl(record.student.id, referralId), backLabel: t('customFields.history.back.referral', {}, locale), changes });
  });

  r.post('/students/:studentId/referrals/:referralId/fields', ctx.requireUser, (req, res) =>
    fieldsPost(
      req,
      res,
      (typed) => ctx.referrals.saveFields(req.user!, String(req.params.studentId), req.params.referralId, typed),
      (outcome) => renderDetail(req, res, {}, {}, outcome),
      () => redirectInTool(res, referralUrl(String(req.params.studentId), String(req.params.referralId)), { hash: 'record-fields' }),
    ),
  );

  r.post('/students/:studentId/referrals/:referralId/consent', ctx.requireUser, async (req, res) => {
    await orInvalid(
      res,
      async () => {
        await ctx.referrals.recordConsent(req.user!, String(req.params.studentId), req.params.referralId, consentForm.safeParse(req.body));
        redirectInTool(res, referralUrl(String(req.params.studentId), String(req.params.referralId)));
      },
      (e) => renderDetail(req, res, e.errors, req.body as Body),
    );
  });

  r.post('/students/:studentId/referrals/:referralId/:action', ctx.requireUser, async (req, res) => {
    const action = String(req.params.action);
    if (!isTransition(action)) throw notFound();
    await orInvalid(
      res,
      async () => {
        await ctx.referrals.transition(req.user!, String(req.params.studentId), req.params.referralId, action, req.body);
        redirectInTool(res, referralUrl(String(req.params.studentId), String(req.params.referralId)));
      },
      (e) => renderDetail(req, res, e.errors, req.body as Body),
    );
  });

  r.post('/students/:studentId/consents', ctx.requireUser, async (req, res) => {
    await orInvalid(
      res,
      async () => {
        await ctx.referrals.recordConsent(req.user!, String(req.params.studentId), null, consentForm.safeParse(req.body));
        redirectInTool(res, `${base(String(req.params.studentId))}/supports`);
      },
      (e) => renderList(req, res, e.errors, req.body as Body),
    );
  });

  r.post('/students/:studentId/referral-drafts/:draftId/dismiss', ctx.requireUser, async (req, res) => {
    await ctx.referrals.dismissDraft(req.user!, String(req.params.studentId), req.params.draftId);
    redirectInTool(res, `${base(String(req.params.studentId))}/supports`);
  });

  r.post('/students/:studentId/consents/:consentId/revoke', ctx.requireUser, async (req, res) => {
    await ctx.referrals.revokeConsent(req.user!, String(req.params.studentId), req.params.consentId);
    redirectInTool(res, `${base(String(req.params.studentId))}/supports`);
  });

  r.get('/referrals', ctx.requireUser, async (req, res) => {
    const user = req.user!;
    const query = queueQuery.parse(req.query);
    const q = await ctx.referrals.queue(user, query);
    const locale = user.locale;
    res.render('referrals/queue', {
      titleKey: 'referrals.queue.title',
      nav: [{ href: user.role === 'admin' ? '/admin' : '/caseload', label: t(user.role === 'admin' ? 'nav.admin' : 'nav.caseload', {}, locale), current: false }],
      query,
      drafts: q.drafts.map((d) => ({ ...draftView(d.draft, locale), studentName: d.studentName || t('common.nameNotShared', {}, locale) })),
      filters: queueFilters(query, q.counts, locale),
      matched: q.matched,
      rows: q.rows.map((row) => ({
        url: referralUrl(row.referral.studentId, row.referral.id),
        studentName: row.studentName || t('common.nameNotShared', {}, locale),
        arranged: !row.detail,
        supportName: row.detail ? row.supportName : '',
        categoryLabel: row.detail ? labelOf('supports.category', row.referral.category, locale) : '',
        stateLabel: t(`referrals.state.${row.referral.state}`, {}, locale),
        urgencyLabel: t(`referrals.urgency.${row.referral.urgency}`, {}, locale),
        urgent: row.referral.urgency === 'urgent',
        dueAt: row.referral.dueAt,
        overdue: row.overdue,
        held: row.referral.heldForConsent,
      })),
      pager: queuePager(query, { page: q.page, pages: q.pages, firstIndex: q.firstIndex, shown: q.rows.length, matched: q.matched }, locale),
    });
  });
  return r;
}
