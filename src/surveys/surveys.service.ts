import type { Db, DbOrTx } from '../db/client.js';
import type { Clock } from '../web/clock.js';
import type { AppUser } from '../auth/user.js';
import type { AuditService } from '../audit/audit.service.js';
import type { StudentRecordGate } from '../navigators/student-record.js';
import { authorize } from '../policies/policy.js';
import { surveyAnswerPolicy, surveyPolicy } from '../policies/survey.js';
import { forbidden, HttpError, message, notFound } from '../web/errors.js';
import { isUuid } from '../web/ids.js';
import { InvalidInput, issueText, prefixed, validForm, type ParsedForm } from '../web/forms.js';
import { defaultLocale, t, type Locale } from '../web/i18n.js';
import { localDate, zonedTime } from '../web/time-zone.js';
import { favourableOf, resultsOf, scoreResponse, type Construct, type ResponseScore, type Results } from './scoring.js';
import { answerValue, type Survey, type SurveysDocument, type WindowFormInput } from './surveys.schemas.js';
import * as repo from './surveys.repository.js';
import { surveysIn, type PulseSurveys } from './pulse-document.js';
import { derivedFrom } from '../configuration/configuration.kinds.js';

export type { SurveyWindow } from './surveys.repository.js';

export interface SurveysDeps {
  db: Db;
  clock: Clock;
  audit: Pick<AuditService, 'record'>;
  /** Every entry point that touches a student's answers opens the student's record here first. */
  studentRecords: StudentRecordGate;
  /** config/surveys.json in every language (loadSurveys): the agreement scale's words, and the surveys a school without its own has. */
  documents: Record<Locale, SurveysDocument>;
  /** The school's surveys in force (the `pulse-surveys` document); none: the installation's. Read outside any transaction. */
  surveysOf?: (tenantId: string) => Promise<PulseSurveys>;
  /** The school's IANA zone: windows open and close on its days. */
  timeZoneOf: (tenantId: string) => Promise<string>;
  /** The school a student is at now (the schools feature); a student at none sees only windows for every school. */
  schoolOf: (tenantId: string, studentId: string) => Promise<string | null>;
  /** The district's schools (the schools feature): a window is for one of them, or for every school. */
  schoolsOf: (tenantId: string) => Promise<{ id: string; name: string }[]>;
  /** Told, after the commit, whose answers were saved: the indicators recompute them. Never throws. */
  onAnswered?: (tenantId: string, studentIds: string[]) => Promise<void>;
  /** In the answer's transaction: a pulse was answered (src/automations hears it). */
  events?: { pulseAnswered(tx: DbOrTx, tenantId: string, answered: AnsweredPulse): Promise<void> };
}

/** A pulse answer as events tell of it: its scores (reverse-scored where flagged), never the items' words. */
export interface AnsweredPulse {
  responseId: string;
  studentId: string;
  surveyId: string;
  score: ResponseScore;
  at: Date;
}

export type WindowState = 'upcoming' | 'open' | 'closed';

/** A window as the admin page and the school view list it. */
export interface WindowView {
  id: string;
  surveyId: string;
  /** The survey's title in the reader's language (the stored id when the survey left the config). */
  title: string;
  opensOn: string;
  closesOn: string;
  schoolId: string | null;
  closedAt: Date | null;
  state: WindowState;
}

/** A survey's results over a group of students, not suppressed: the caller applies the minimum group size. */
export interface SurveyResults extends Results {
  window: WindowView;
  /** The survey's items in order, in the reader's language, with their construct. */
  questions: { id: string; text: string; construct: Construct; reverse: boolean }[];
}

const DAY_MS = 86_400_000;

/** Belonging and well-being pulse: windows per school (admins), answering (students), scores for the indicators and the school view. */
export function createSurveysService(deps: SurveysDeps) {
  const { db, clock, audit, studentRecords } = deps;
  const base = deps.documents[defaultLocale]!;
  const docIn = (locale: Locale = defaultLocale) => deps.documents[locale] ?? base;
  type School = SurveysDocument & { offered: ReadonlySet<string> };
  const everyOffered = derivedFrom((doc: SurveysDocument): School => ({ ...doc, offered: new Set(doc.surveys.map((s) => s.id)) }));
  // Each school's surveys in each language the tool speaks, worked out once per version read.
  const worded = derivedFrom((own: PulseSurveys) => new Map(Object.keys(deps.documents).map((l): [Locale, School] => [l, surveysIn(own, docIn(l).scale, l)])));
  /** The school's surveys in the reader's language: its own document, else the installation's. */
  async function docOf(tenantId: string, locale: Locale = defaultLocale): Promise<School> {
    const own = await deps.surveysOf?.(tenantId);
    if (!own) return everyOffered(docIn(locale));
    return worded(own).get(locale) ?? worded(own).get(defaultLocale)!;
  }
  const surveyIn = (doc: SurveysDocument, surveyId: string): Survey | undefined => doc.surveys.find((s) => s.id === surveyId);
  const todayAt = async (tenantId: string) => localDate(clock.now(), await deps.timeZoneOf(tenantId));

  const stateOf = (w: repo.SurveyWindow, today: string): WindowState => (w.closedAt !== null || w.closesOn < today ? 'closed' : w.opensOn > today ? 'upcoming' : 'open');
  const viewOf = (w: repo.SurveyWindow, today: string, doc: SurveysDocument): WindowView => ({
    id: w.id,
    surveyId: w.surveyId,
    title: surveyIn(doc, w.surveyId)?.title ?? w.surveyId,
    opensOn: w.opensOn,
    closesOn: w.closesOn,
    schoolId: w.schoolId,
    closedAt: w.closedAt,
    state: stateOf(w, today),
  });

  /** Whether a window is for this student's school (every school's is). */
  async function forStudent(w: repo.SurveyWindow, tenantId: string, studentId: string): Promise<boolean> {
    if (w.schoolId === null) return true;
    return (await deps.schoolOf(tenantId, studentId)) === w.schoolId;
  }

  /**
   * Only students answer (403 with a page that says so, audited as a refusal), only for themselves (the
   * gate), only a window of their school that is open today in the school (409 otherwise).
   */
  async function openWindowFor(user: AppUser, windowId: unknown) {
    if (!surveyPolicy(user, 'answer', { tenantId: user.tenantId })) throw forbidden(message('surveys.errors.studentsOnly')).denying({ subject: 'survey', attempt: 'answer' });
    const { student } = await studentRecords.open(user, user.personId, surveyAnswerPolicy, 'answer');
    const window = isUuid(windowId) ? await repo.findWindow(db, user.tenantId, windowId) : undefined;
    const doc = await docOf(user.tenantId, user.locale);
    const survey = window && surveyIn(doc, window.surveyId);
    if (!window || !survey || !(await forStudent(window, user.tenantId, student.id))) throw notFound(message('surveys.errors.noSuchSurvey'));
    if (stateOf(window, await todayAt(user.tenantId)) !== 'open') throw new HttpError(409, message('surveys.closed.title'), message('surveys.closed.detail'), 'survey_closed');
    return { student, window, survey, doc };
  }

  /** The posted `answer.<itemId>` fields: each empty (skipped) or 1..5; at least one answered. InvalidInput otherwise. */
  function answersOf(survey: Survey, posted: unknown, locale?: Locale): Record<string, number> {
    const raw = prefixed(posted, 'answer');
    const errors: Record<string, string> = {};
    const answers: Record<string, number> = {};
    for (const item of survey.items) {
      const v = answerValue.safeParse(raw[item.id] ?? '');
      if (!v.success) errors[`answer.${item.id}`] = issueText(v.error.issues[0]!, locale);
      else if (v.data !== '') answers[item.id] = Number(v.data);
    }
    if (Object.keys(errors).length === 0 && Object.keys(answers).length === 0) errors[`answer.${survey.items[0]!.id}`] = t('surveys.errors.atLeastOne', {}, locale);
    if (Object.keys(errors).length > 0) throw new InvalidInput(errors, posted);
    return answers;
  }

  return {
    /** The surveys the school offers (new windows may open for them), in the reader's language: ids and titles, for the admin's window form (windowForm takes the ids). */
    async surveyChoices(tenantId: string, locale?: Locale) {
      const doc = await docOf(tenantId, locale);
      return doc.surveys.filter((s) => doc.offered.has(s.id)).map((s) => ({ id: s.id, title: s.title }));
    },

    /** For the school view (another feature, which authorizes its reader with surveyPolicy 'readResults'): every window, latest first. */
    async windowsFor(tenantId: string, locale?: Locale): Promise<WindowView[]> {
      const [today, doc] = await Promise.all([todayAt(tenantId), docOf(tenantId, locale)]);
      return (await repo.listWindows(db, tenantId)).map((w) => viewOf(w, today, doc));
    },

    /**
     * For the school view: a window's answers over these students, per item and per construct
     * (respondents, mean, counts of 1..5), NOT suppressed: the caller applies the minimum group size
     * (reports library), authorizes its reader (surveyPolicy 'readResults') and audits its page.
     * Undefined for a window the tenant does not have.
     */
    async resultsFor(tenantId: string, windowId: string, studentIds: readonly string[], locale?: Locale): Promise<SurveyResults | undefined> {
      const window = isUuid(windowId) ? await repo.findWindow(db, tenantId, windowId) : undefined;
      const doc = await docOf(tenantId, locale);
      const survey = window && surveyIn(doc, window.surveyId);
      if (!window || !survey) return undefined;
      const rows = await repo.responsesIn(db, tenantId, window.id, studentIds);
      const results = resultsOf(survey.items, rows.map((r) => r.answers));
      return { ...results, window: viewOf(window, await todayAt(tenantId), doc), questions: survey.items.map((i) => ({ id: i.id, text: i.text, construct: i.construct, reverse: i.reverse })) };
    },

    /**
     * For the school view: a window's favourable answers per item, over all these students and per group
     * of them, read in one query. Counts only, NOT suppressed (the caller applies the minimum group size,
     * authorizes its reader with surveyPolicy 'readResults' and audits its page): no student's answers
     * leave this feature. Undefined for a window the tenant does not have.
     */
    async favourableBy(tenantId: string, windowId: string, groups: readonly { key: string; studentIds: readonly string[] }[], locale?: Locale) {
      const window = isUuid(windowId) ? await repo.findWindow(db, tenantId, windowId) : undefined;
      const doc = await docOf(tenantId, locale);
      const survey = window && surveyIn(doc, window.surveyId);
      if (!window || !survey) return undefined;
      const rows = await repo.responsesIn(db, tenantId, window.id, groups.flatMap((g) => g.studentIds));
      const answersOf = new Map(rows.map((r) => [r.studentId, r.answers]));
      const of = (ids: readonly string[]) => favourableOf(survey.items, ids.map((id) => answersOf.get(id)).filter((a) => a !== undefined));
      return {
        window: viewOf(window, await todayAt(tenantId), doc),
        questions: survey.items.map((i) => ({ id: i.id, text: i.text, reverse: i.reverse })),
        overall: favourableOf(survey.items, rows.map((r) => r.answers)),
        groups: groups.map((g) => ({ key: g.key, tally: of(g.studentIds) })),
      };
    },

    /**
     * For the indicators: each response of these students answered on or after `sinceDay` (the school's
     * day), with its overall score (reverse-scored where flagged, one decimal) and the day it was answered.
     */
    async pulseSince(tenantId: string, studentIds: readonly string[], sinceDay: string): Promise<{ studentId: string; date: string; score: number }[]> {
      const [zone, doc] = await Promise.all([deps.timeZoneOf(tenantId), docOf(tenantId)]);
      const rows = await repo.responsesSince(db, tenantId, studentIds, new Date(zonedTime(sinceDay, '00:00', zone).getTime() - DAY_MS));
      return rows.flatMap((r) => {
        const survey = surveyIn(doc, r.surveyId);
        const score = survey ? scoreResponse(survey.items, r.answers).overall : null;
        const date = localDate(r.answeredAt, zone);
        return score === null || date < sinceDay ? [] : [{ studentId: r.studentId, date, score }];
      });
    },

    /** Every response answered (or last changed) since a time, scored: an automation's dry run replays them. */
    async answeredSince(tenantId: string, since: Date): Promise<AnsweredPulse[]> {
      const [rows, doc] = await Promise.all([repo.answeredSince(db, tenantId, since), docOf(tenantId)]);
      return rows.flatMap((r) => {
        const survey = surveyIn(doc, r.surveyId);
        return survey ? [{ responseId: r.id, studentId: r.studentId, surveyId: r.surveyId, score: scoreResponse(survey.items, r.answers), at: r.answeredAt }] : [];
      });
    },

    /** For the student's home: the windows open today for them, each with whether they answered. Others get none. */
    async openFor(user: AppUser): Promise<{ windowId: string; title: string; closesOn: string; answered: boolean }[]> {
      if (!surveyPolicy(user, 'answer', { tenantId: user.tenantId })) return [];
      const doc = await docOf(user.tenantId, user.locale);
      const windows = (await repo.openOn(db, user.tenantId, await todayAt(user.tenantId))).filter((w) => surveyIn(doc, w.surveyId));
      // The student's school, read once and only when a window is for one school.
      const schoolId = windows.some((w) => w.schoolId !== null) ? await deps.schoolOf(user.tenantId, user.personId) : null;
      const mine = windows.filter((w) => w.schoolId === null || w.schoolId === schoolId);
      if (mine.length === 0) return [];
      const { student } = await studentRecords.open(user, user.personId, surveyAnswerPolicy, 'answer');
      const answered = await Promise.all(mine.map((w) => repo.findResponse(db, user.tenantId, w.id, student.id)));
      await audit.record(user, { action: 'read', entity: 'survey_response', studentId: student.id });
      return mine.map((w, i) => ({ windowId: w.id, title: surveyIn(doc, w.surveyId)!.title, closesOn: w.closesOn, answered: answered[i] !== undefined }));
    },

    /** The answering page: the survey in the student's language, the scale, and their answers so far (an audited read). */
    async form(user: AppUser, windowId: unknown) {
      const { student, window, survey, doc } = await openWindowFor(user, windowId);
      const response = await repo.findResponse(db, user.tenantId, window.id, student.id);
      await audit.record(user, { action: 'read', entity: 'survey_response', entityId: response?.id ?? null, studentId: student.id });
      return { window: viewOf(window, await todayAt(user.tenantId), doc), survey, scale: doc.scale, answers: response?.answers ?? {}, answeredAt: response?.answeredAt ?? null };
    },

    /**
     * The student's answers to an open window, as posted: the first time a new response, after that the
     * same response with the new answers (one per student and window). Audited; the indicators hear of it.
     */
    async answer(user: AppUser, windowId: unknown, posted: unknown): Promise<void> {
      const { student, window, survey } = await openWindowFor(user, windowId);
      const answers = answersOf(survey, posted, user.locale);
      await db.transaction(async (tx) => {
        const before = await repo.findResponse(tx, user.tenantId, window.id, student.id);
        const row = await repo.saveResponse(tx, { tenantId: user.tenantId, windowId: window.id, studentId: student.id, answers, at: clock.now() });
        await audit.record(user, { action: before ? 'update' : 'create', entity: 'survey_response', entityId: row.id, studentId: student.id }, tx);
        await deps.events?.pulseAnswered(tx, user.tenantId, { responseId: row.id, studentId: student.id, surveyId: survey.id, score: scoreResponse(survey.items, answers), at: row.answeredAt });
      });
      await deps.onAnswered?.(user.tenantId, [student.id]);
    },

    /** /admin/surveys: every window with its state and how many answered, and today at the school. */
    async adminPage(user: AppUser) {
      authorize(surveyPolicy, user, 'manageWindows', { tenantId: user.tenantId });
      const today = await todayAt(user.tenantId);
      const [windows, counts, schools, doc] = await Promise.all([repo.listWindows(db, user.tenantId), repo.respondentCounts(db, user.tenantId), deps.schoolsOf(user.tenantId), docOf(user.tenantId, user.locale)]);
      const schoolName = new Map(schools.map((x) => [x.id, x.name]));
      return { today, schools, windows: windows.map((w) => ({ ...viewOf(w, today, doc), schoolName: w.schoolId === null ? null : (schoolName.get(w.schoolId) ?? null), respondents: counts.get(w.id) ?? 0 })) };
    },

    /** Opens a window (the school's days, both ends included); refused when it meets an open window of the same survey and school. Audited. */
    async addWindow(user: AppUser, posted: ParsedForm<WindowFormInput>): Promise<string> {
      authorize(surveyPolicy, user, 'manageWindows', { tenantId: user.tenantId });
      const form = validForm(posted, user.locale);
      const w = { surveyId: form.surveyId, opensOn: form.opensOn, closesOn: form.closesOn, schoolId: form.schoolId === '' ? null : form.schoolId };
      if (w.schoolId !== null && !(await deps.schoolsOf(user.tenantId)).some((x) => x.id === w.schoolId)) throw new InvalidInput({ schoolId: t('surveys.errors.schoolId', {}, user.locale) }, posted);
      return db.transaction(async (tx) => {
        const [clash] = await repo.overlapping(tx, user.tenantId, w);
        if (clash) throw new InvalidInput({ opensOn: t('surveys.errors.overlap', { opensOn: clash.opensOn, closesOn: clash.closesOn }, user.locale) }, posted);
        const row = await repo.insertWindow(tx, { tenantId: user.tenantId, ...w, createdBy: user.personId, createdAt: clock.now() });
        await audit.record(user, { action: 'create', entity: 'survey_window', entityId: row.id }, tx);
        return row.id;
      });
    },

    /** Closes a window before its last day: it takes no more answers (those given stay). Audited. */
    async closeWindow(user: AppUser, windowId: unknown): Promise<void> {
      authorize(surveyPolicy, user, 'manageWindows', { tenantId: user.tenantId });
      if (!isUuid(windowId)) throw notFound();
      await db.transaction(async (tx) => {
        if (!(await repo.closeWindow(tx, user.tenantId, windowId, user.personId, clock.now()))) throw notFound(message('surveys.errors.notOpen'));
        await audit.record(user, { action: 'update', entity: 'survey_window', entityId: windowId }, tx);
      });
    },
  };
}
export type SurveysService = ReturnType<typeof createSurveysService>;
