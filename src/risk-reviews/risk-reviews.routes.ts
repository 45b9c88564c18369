import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../web/context.js';
import { prefixed, redirectInTool, summaryOf, unlessRefused, type SummaryItem } from '../web/forms.js';
import { t } from '../web/i18n.js';
import { toolPath } from '../web/urls.js';
import { attendanceForm, decisionForm, newMeetingForm, noteForm, noteLimit, settleForm, summaryLimit } from './risk-reviews.schemas.js';
import { decisionKinds } from './risk-reviews.tables.js';

/** A meeting's pages as paths inside the tool. */
export const meetingPaths = (meetingId: string) => ({
  meeting: toolPath('risk-reviews', meetingId),
  attendance: toolPath('risk-reviews', meetingId, 'attendance'),
  refresh: toolPath('risk-reviews', meetingId, 'refresh'),
  notes: toolPath('risk-reviews', meetingId, 'notes'),
  decisions: toolPath('risk-reviews', meetingId, 'decisions'),
  settle: (decisionId: string) => toolPath('risk-reviews', meetingId, 'decisions', decisionId, 'settle'),
});
/** A school's risk-review meetings. */
export const schoolMeetingsPath = (schoolId: string) => toolPath('schools', schoolId, 'risk-reviews');

/** What a refused post brings back: the typed words (a note's, a decision's) and the errors. */
interface MeetingRender {
  errorSummary?: SummaryItem[];
  note?: { student: string; text: string; version: number; theirs?: { text: string; authorName: string; at: Date } };
  decision?: { student: string; values: Record<string, string>; errors: Record<string, string> };
}

/** /schools/:schoolId/risk-reviews (list, new), /risk-reviews/:meetingId (+ attendance, refresh, notes, decisions, settle). */
export function riskReviewsRoutes(ctx: AppContext): Router {
  const r = Router();
  const meetingIdOf = (req: Request) => String(req.params.meetingId);

  const renderIndex = async (req: Request, res: Response, form?: { values: Record<string, string>; errors: Record<string, string> }) => {
    const user = req.user!;
    const schoolId = String(req.params.schoolId);
    const view = await ctx.riskReviews.index(user, schoolId);
    res.render('risk-reviews/index', {
      title: t('riskReviews.index.title', { school: view.school.name }, user.locale),
      nav: [{ href: toolPath('schools', schoolId), label: view.school.name, current: false }],
      ...view,
      meetings: view.meetings.map((m) => ({ ...m, url: meetingPaths(m.id).meeting })),
      createUrl: schoolMeetingsPath(schoolId),
      values: form?.values ?? { heldOn: view.today },
      errors: form?.errors ?? {},
      errorSummary: form ? summaryOf(form.errors, () => 'meeting-day') : undefined,
    });
  };

  r.get('/schools/:schoolId/risk-reviews', ctx.requireUser, async (req, res) => renderIndex(req, res));
  r.post('/schools/:schoolId/risk-reviews', ctx.requireUser, async (req, res) => {
    const created = await unlessRefused(() => ctx.riskReviews.create(req.user!, String(req.params.schoolId), newMeetingForm.safeParse(req.body)));
    if (!created.ok) {
      res.status(400);
      await renderIndex(req, res, { values: { heldOn: String((req.body as Record<string, unknown>).heldOn ?? '') }, errors: created.errors });
      return;
    }
    redirectInTool(res, meetingPaths(created.value).meeting);
  });

  const renderMeeting = async (req: Request, res: Response, opts: MeetingRender = {}) => {
    const user = req.user!;
    const view = await ctx.riskReviews.view(user, meetingIdOf(req));
    const paths = meetingPaths(view.meeting.id);
    const withForms = (s: (typeof view.students)[number]) => {
      const note = opts.note?.student === s.studentId ? opts.note : undefined;
      const decision = opts.decision?.student === s.studentId ? opts.decision : undefined;
      return {
        ...s,
        recordUrl: view.can.openRecords ? toolPath('students', s.studentId, 'plan') : null,
        noteText: note ? note.text : (s.note?.text ?? ''),
        noteVersion: note ? note.version : (s.note?.version ?? 0),
        noteConflict: note?.theirs,
        decisionValues: decision?.values ?? { kind: 'follow_up', urgency: 'routine' },
        decisionErrors: decision?.errors ?? {},
        earlier: s.earlier.map((d) => ({ ...d, settleUrl: paths.settle(d.id) })),
      };
    };
    res.render('risk-reviews/show', {
      title: t('riskReviews.show.title', { school: view.school.name, day: view.meeting.heldOn }, user.locale),
      nav: [{ href: schoolMeetingsPath(view.school.id), label: t('riskReviews.index.title', { school: view.school.name }, user.locale), current: false }],
      ...view,
      students: view.students.map(withForms),
      kinds: decisionKinds.map((k) => ({ value: k, label: t(`riskReviews.kinds.${k}`, {}, user.locale) })),
      urls: paths,
      noteLimit,
      summaryLimit,
      errorSummary: opts.errorSummary,
    });
  };

  r.get('/risk-reviews/:meetingId', ctx.requireUser, async (req, res) => renderMeeting(req, res));

  /** A refused form: 400 and the page as it is, the errors at the top. */
  const refused = async (req: Request, res: Response, errors: Record<string, string>, opts: MeetingRender = {}) => {
    res.status(400);
    await renderMeeting(req, res, { ...opts, errorSummary: summaryOf(errors, () => 'main') });
  };

  r.post('/risk-reviews/:meetingId/attendance', ctx.requireUser, async (req, res) => {
    const done = await unlessRefused(() => ctx.riskReviews.setAttendance(req.user!, meetingIdOf(req), attendanceForm.safeParse({ attendees: Object.keys(prefixed(req.body, 'attendee')) })));
    if (!done.ok) return refused(req, res, done.errors);
    redirectInTool(res, meetingPaths(meetingIdOf(req)).meeting, { hash: 'attendance' });
  });

  r.post('/risk-reviews/:meetingId/refresh', ctx.requireUser, async (req, res) => {
    await ctx.riskReviews.refreshAgenda(req.user!, meetingIdOf(req));
    redirectInTool(res, meetingPaths(meetingIdOf(req)).meeting, { hash: 'agenda' });
  });

  r.post('/risk-reviews/:meetingId/notes', ctx.requireUser, async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const student = String(body.student ?? '');
    const saved = await unlessRefused(() => ctx.riskReviews.saveNote(req.user!, meetingIdOf(req), noteForm.safeParse(body)));
    if (!saved.ok) return refused(req, res, saved.errors, { note: { student, text: String(body.text ?? ''), version: Number(body.version) || 0 } });
    if (!saved.value.saved) {
      // Someone saved newer words: theirs are kept and shown beside the editor's; saving again is a deliberate overwrite.
      const theirs = saved.value.theirs;
      res.status(409);
      await renderMeeting(req, res, {
        note: { student, text: String(body.text ?? ''), version: theirs.version, theirs },
        errorSummary: [{ href: `#note-${student}`, text: t('riskReviews.errors.conflict', { name: theirs.authorName }, req.user!.locale) }],
      });
      return;
    }
    redirectInTool(res, meetingPaths(meetingIdOf(req)).meeting, { hash: `student-${student}` });
  });

  r.post('/risk-reviews/:meetingId/decisions', ctx.requireUser, async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const student = String(body.student ?? '');
    const made = await unlessRefused(() => ctx.riskReviews.decide(req.user!, meetingIdOf(req), decisionForm.safeParse(body)));
    if (!made.ok) {
      const values = Object.fromEntries(['kind', 'summary', 'owner', 'due', 'support', 'urgency', 'navigator'].map((k) => [k, String(body[k] ?? '')]));
      return refused(req, res, made.errors, { decision: { student, values, errors: made.errors } });
    }
    redirectInTool(res, meetingPaths(meetingIdOf(req)).meeting, { hash: `student-${student}` });
  });

  r.post('/risk-reviews/:meetingId/decisions/:decisionId/settle', ctx.requireUser, async (req, res) => {
    const settled = await unlessRefused(() => ctx.riskReviews.settle(req.user!, meetingIdOf(req), String(req.params.decisionId), settleForm.safeParse(req.body)));
    if (!settled.ok) return refused(req, res, settled.errors);
    if (!settled.value) {
      res.status(409);
      await renderMeeting(req, res, { errorSummary: [{ href: '#agenda', text: t('riskReviews.errors.staleDecision', {}, req.user!.locale) }] });
      return;
    }
    redirectInTool(res, meetingPaths(meetingIdOf(req)).meeting, { hash: 'agenda' });
  });
  return r;
}
