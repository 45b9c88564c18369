import { withTenant } from '../db/tenant-scope.js';
import { allOrInvalid } from '../web/forms.js';
import { fieldsReaderOf, postedFieldsOf, type CustomFieldsService, type FieldsOutcome } from '../custom-fields/custom-fields.service.js';
import { randomUUID } from 'node:crypto';
import type { Db, DbOrTx } from '../db/client.js';
import type { Clock } from '../web/clock.js';
import type { AppUser } from '../auth/user.js';
import type { AuditService } from '../audit/audit.service.js';
import type { RosterService } from '../roster/roster.service.js';
import type { StudentRecord, StudentRecordGate } from '../navigators/student-record.js';
import { authorize, canMap } from '../policies/policy.js';
import { checkinActions, checkinPolicy } from '../policies/checkin.js';
import { caseloadPolicy } from '../policies/caseload.js';
import { message, notFound } from '../web/errors.js';
import { isUuid } from '../web/ids.js';
import { fieldErrors, InvalidInput, issueText, prefixed, validForm, type ParsedForm } from '../web/forms.js';
import { defaultLocale, t, type Locale } from '../web/i18n.js';
import type { CheckinAnswer } from './checkins.tables.js';
import { answerText, checkinForm, formatLabel, needValue, type ResolveNeedForm, type CheckinFormat, type CheckinScript, type ScriptWeek, type Urgency } from './checkins.schemas.js';
import * as repo from './checkins.repository.js';
import { scriptWeekOf, weekSince, weekStartOf } from './weeks.js';
import { scriptDocumentOf, textIn, weekIn, type CheckinScriptDocument } from './script-document.js';
import { needOf, needsIn, offeredNeeds, type NeedCategory, type NeedsScreener } from './needs-screener.js';
import { schoolYearAt } from '../web/school-year.js';
import { localDate } from '../web/time-zone.js';

export type { Checkin, Need } from './checkins.repository.js';

export interface CheckinsDeps {
  /** The school's own fields on check-ins (src/custom-fields, issue 14 item 2); absent: none. */
  fields?: CustomFieldsService;
  db: Db;
  clock: Clock;
  audit: AuditService;
  roster: Pick<RosterService, 'namesOf'>;
  /** Every entry point that touches a student opens the student's record here first. */
  studentRecords: StudentRecordGate;
  /** The shipped script in every language (loadCheckinScripts): what a tenant without a script of its own asks. */
  scripts: Record<Locale, CheckinScript>;
  /** The tenant's script in force: how weeks count and the weeks, in English and Spanish (the `checkin-script` configuration document, cached there). */
  scriptOf: (tenantId: string) => Promise<CheckinScriptDocument>;
  /** The tenant's needs screener in force: which needs the forms offer, their words, which are sensitive (the `needs-screener` configuration document, cached there). */
  needsOf: (tenantId: string) => Promise<NeedsScreener>;
  /** The school's IANA zone: its "today" is the day check-ins and weeks count in. */
  timeZoneOf: (tenantId: string) => Promise<string>;
  /** The school year's first day (MM-DD): weeks counted from the school year start there, as plans and indicators count the year (platforms service). */
  schoolYearStartOf: (tenantId: string) => Promise<string>;
  /** Told, after the commit, whose check-ins (and well-being ratings) were recorded: the indicators recompute them. Never throws. */
  onRecorded?: (tenantId: string, studentIds: string[]) => Promise<void>;
  /** Alerts (src/alerts) hear of what was written, in the same transaction, so an alert commits with its cause. */
  alerts?: CheckinAlertHooks;
  /** Automations (src/automations) hear of each check-in and need, in the same transaction, so an event exists exactly when its write does. */
  events?: CheckinEventHooks;
}

/** A check-in as events tell of it: no words, only what a rule's condition may read. */
export interface RecordedCheckin {
  checkinId: string;
  studentId: string;
  attended: boolean;
  wellbeing: number | null;
  week: number;
  format: string;
  needs: readonly { category: string; urgency: string }[];
  at: Date;
}

/** A need as events tell of it. */
export interface RaisedNeed {
  needId: string;
  studentId: string;
  category: string;
  urgency: string;
  at: Date;
}

/** What automations hear from check-ins, each call inside the transaction of the write. */
export interface CheckinEventHooks {
  checkinRecorded(tx: DbOrTx, tenantId: string, checkin: RecordedCheckin): Promise<void>;
  needsRaised(tx: DbOrTx, tenantId: string, needs: readonly RaisedNeed[]): Promise<void>;
}

/** What alerts hear from check-ins, each call inside the transaction of the write that caused it. */
export interface CheckinAlertHooks {
  /** Needs raised at a check-in or by the student while preparing. */
  needsRaised(tx: DbOrTx, user: AppUser, studentId: string, needs: readonly { id: string; category: string; urgency: string }[]): Promise<void>;
  /** A check-in's well-being rating (null when none was given). */
  wellbeingRated(tx: DbOrTx, user: AppUser, studentId: string, checkinId: string, rating: number | null): Promise<void>;
  /** Text the user wrote about themselves (the student's prep answers). */
  onStudentText(tx: DbOrTx, user: AppUser, studentId: string, source: { kind: 'checkin_prep'; id: string }, texts: readonly string[]): Promise<void>;
  /** Open needs of these categories were resolved, with the note given. */
  needsResolved(tx: DbOrTx, user: AppUser, studentId: string, categories: readonly string[], note: string | null): Promise<void>;
}

const recordedOf = (row: repo.Checkin, needs: readonly repo.Need[]): RecordedCheckin => ({
  checkinId: row.id, studentId: row.studentId, attended: row.attended, wellbeing: row.wellbeing, week: row.week, format: row.format,
  needs: needs.map((n) => ({ category: n.category, urgency: n.urgency })), at: row.createdAt,
});
const raisedOf = (n: repo.Need): RaisedNeed => ({ needId: n.id, studentId: n.studentId, category: n.category, urgency: n.urgency, at: n.raisedAt });

export interface OpenNeed {
  id: string;
  category: string;
  label: string;
  urgency: Urgency;
  sensitive: boolean;
  raisedAt: Date;
  /** Who first raised it (a person id) and as what role ('student' when the student did). */
  raisedBy: string;
  raisedByRole: string;
}

/** A student's weekly check-in this week (src/checkins/weeks.ts): due until an attended check-in falls in it. */
export interface WeekStatus {
  week: number;
  /** The week's first day (yyyy-mm-dd) at the school. */
  startsOn: string;
  lastAttended: { date: string; wellbeing: number | null } | null;
  /** An attended check-in on or after the week's first day. */
  attended: boolean;
}

export interface QuickRecordInput {
  date: string;
  format: CheckinFormat;
  sharedNote: string;
  rows: { studentId: string; attended: boolean; wellbeing: number | null }[];
}


/**
 * A category raised at several check-ins (or by the student and an adult) is one open concern: shown
 * once, from when it was first raised, at its most urgent, with how often it was raised.
 */
function openByCategory(needs: repo.Need[]): (repo.Need & { timesRaised: number })[] {
  const byCategory = new Map<string, repo.Need & { timesRaised: number }>();
  for (const n of needs.filter((x) => !x.resolvedAt).sort((a, b) => a.raisedAt.getTime() - b.raisedAt.getTime())) {
    const first = byCategory.get(n.category);
    if (!first) byCategory.set(n.category, { ...n, timesRaised: 1 });
    else byCategory.set(n.category, { ...first, urgency: first.urgency === 'urgent' || n.urgency === 'urgent' ? 'urgent' : first.urgency, timesRaised: first.timesRaised + 1 });
  }
  return [...byCategory.values()];
}

/** Check-ins: the week's script, recording (one student or the whole advisory), student prep, needs raised. */
export function createCheckinsService(deps: CheckinsDeps) {
  const { db, clock, audit, roster, studentRecords, scripts } = deps;
  // The weeks and how they count (deps.scriptOf), and the needs (deps.needsOf), are each tenant's, read
  // once a request; the shipped script stays for what asks the shipped words (the sandbox, the bench).
  const script = scripts[defaultLocale]!;
  const shipped = scriptDocumentOf(scripts);
  /**
   * A saved answer's question for the reader: in their language when the tenant's script still asks it
   * in the words it was asked in (in any language), else as it was asked (the district has reworded it since).
   */
  const askedIn = (doc: CheckinScriptDocument, locale?: Locale) => {
    const questions = new Map(doc.weeks.flatMap((w) => w.questions.map((q) => [q.id, q])));
    return (a: CheckinAnswer): string => {
      const q = questions.get(a.questionId);
      return q && (q.prompt === a.prompt || q.es?.prompt === a.prompt) ? textIn(q.prompt, q.es?.prompt, locale) : a.prompt;
    };
  };

  const namesOf = async (tenantId: string, ids: string[], locale?: Locale) => {
    const unique = [...new Set(ids)];
    const names = await roster.namesOf(tenantId, unique);
    return new Map(unique.map((id) => [id, names.get(id) || t('checkins.someone', {}, locale)]));
  };

  /** A student's week of a script, in the reader's language; past the script's last week, that last week again (scriptWeekOf). */
  const promptsFor = (doc: CheckinScriptDocument, week: number, locale?: Locale): ScriptWeek => weekIn(doc.weeks[scriptWeekOf(week, doc.weeks.length) - 1]!, locale);

  /** Today (yyyy-mm-dd) at the school: 22:00 in Los Angeles is still that day there, whatever UTC says. */
  const todayAt = async (tenantId: string) => localDate(clock.now(), await deps.timeZoneOf(tenantId));

  /**
   * Weeks are counted from 1, afresh each school year: from the school year's first day, or from the
   * student's first check-in since then (so a new year starts the script again); early weeks carry the
   * most structured script.
   */
  async function weekFor(doc: CheckinScriptDocument, tenantId: string, studentId: string, on?: string): Promise<number> {
    const today = on ?? (await todayAt(tenantId));
    const yearStart = schoolYearAt(today, await deps.schoolYearStartOf(tenantId)).firstDay;
    const from = doc.weekFrom === 'firstCheckin' ? await repo.firstCheckinDate(db, tenantId, studentId, yearStart) : yearStart;
    return weekSince(from, today);
  }

  /** A stored need's label and sensitivity, as the school's screener says in the reader's language. */
  const need = (doc: NeedsScreener, category: string, locale?: Locale) => {
    const n = needOf(doc, category, locale);
    return { label: n.label, sensitive: n.sensitive };
  };
  /** The needs the school's forms offer, in screener order and the reader's language. */
  const offeredNeedsOf = async (tenantId: string, locale?: Locale): Promise<NeedCategory[]> => offeredNeeds(await deps.needsOf(tenantId), locale);

  /** Questions of the week, in the reader's language, with what the student prepared, if anything. */
  async function promptsWithPrep(tenantId: string, studentId: string, locale?: Locale) {
    const doc = await deps.scriptOf(tenantId);
    const week = await weekFor(doc, tenantId, studentId);
    const w = promptsFor(doc, week, locale);
    const prep = await repo.findPrep(db, tenantId, studentId, week);
    const prepared = new Map((prep?.answers ?? []).map((a) => [a.questionId, a.answer]));
    return {
      week,
      // Past the script's end the page says so: the questions are its last week's, asked again.
      afterScript: week > w.week ? { lastWeek: w.week } : null,
      theme: w.theme,
      icebreaker: w.icebreaker,
      questions: w.questions.map((q) => ({ ...q, prepared: prepared.get(q.id) ?? '' })),
      preparedAt: prep?.updatedAt ?? null,
    };
  }

  /** Each answer keeps its question as the person answering read it. */
  const answersFor = (doc: CheckinScriptDocument, week: number, answers: Record<string, string>, locale?: Locale): CheckinAnswer[] =>
    promptsFor(doc, week, locale)
      .questions.filter((q) => (answers[q.id] ?? '').trim() !== '')
      .map((q) => ({ questionId: q.id, prompt: q.prompt, answer: answers[q.id]!.trim() }));

  /**
   * Answers and needs arrive as `answer.<questionId>` and `need.<needId>` fields; each is checked on
   * its own. The week's required questions need an answer when `requireAnswers` (the student came).
   */
  function answersAndNeeds(body: unknown, doc: CheckinScriptDocument, offered: readonly NeedCategory[], week: number, requireAnswers: boolean, locale?: Locale) {
    const errors: Record<string, string> = {};
    const rawAnswers = prefixed(body, 'answer');
    const answers: Record<string, string> = {};
    for (const q of promptsFor(doc, week).questions) {
      const a = answerText.safeParse(rawAnswers[q.id] ?? '');
      if (!a.success) errors[`answer.${q.id}`] = issueText(a.error.issues[0]!, locale);
      else if (requireAnswers && q.required && !a.data) errors[`answer.${q.id}`] = t('checkins.errors.needsAnswer', {}, locale);
      else answers[q.id] = a.data;
    }
    const rawNeeds = prefixed(body, 'need');
    const needs: Record<string, Urgency> = {};
    // Only what the school offers: a need it no longer offers is not raised again, whatever is posted.
    for (const n of offered) {
      const v = needValue.safeParse(rawNeeds[n.id] ?? '');
      if (!v.success) errors[`need.${n.id}`] = issueText(v.error.issues[0]!, locale);
      else if (v.data) needs[n.id] = v.data;
    }
    return { answers: answersFor(doc, week, answers, locale), needs, errors };
  }

  /** The posted check-in form, or InvalidInput with every field's error at once. */
  function parseCheckin(body: unknown, doc: CheckinScriptDocument, offered: readonly NeedCategory[], week: number, locale?: Locale) {
    const form = checkinForm.safeParse(body);
    const attended = (form.success ? form.data.attended : (body as Record<string, unknown> | null)?.attended) === 'yes';
    // The script's required questions are the ones every navigator asks when the student came.
    const extra = answersAndNeeds(body, doc, offered, week, attended, locale);
    const errors = { ...(form.success ? {} : fieldErrors(form.error, locale)), ...extra.errors };
    if (!form.success || Object.keys(errors).length > 0) throw new InvalidInput(errors, body);
    const f = form.data;
    return { ...f, attended, wellbeing: attended ? f.wellbeing : null, answers: attended ? extra.answers : [], needs: extra.needs };
  }

  const needRows = (studentId: string, checkinId: string | null, needs: Record<string, Urgency>, user: AppUser) =>
    Object.entries(needs).map(([category, urgency]) => ({
      tenantId: user.tenantId, studentId, checkinId, category, urgency, raisedBy: user.personId, raisedByRole: user.role, raisedAt: clock.now(),
    }));

  return {
    /** The shipped script, in English and in every language: the sandbox and the bench answer its questions and raise its needs. */
    script,
    scripts,
    /** Every need of the school's screener, offered or not (needs raised keep theirs), in order, labelled in the reader's language: the school view's columns. */
    needCategories: async (tenantId: string, locale?: Locale): Promise<readonly NeedCategory[]> => needsIn(await deps.needsOf(tenantId), locale),
    /** Whether a need category is sensitive in the school's screener (an unknown one is): the school view's per-view read. */
    async needIsSensitive(tenantId: string): Promise<(category: string) => boolean> {
      const doc = await deps.needsOf(tenantId);
      return (category: string) => needOf(doc, category).sensitive;
    },
    /** The shipped script's week in a language (what a tenant that has published no script of its own asks). */
    shippedWeek: (week: number, locale?: Locale): ScriptWeek => promptsFor(shipped, week, locale),
    today: todayAt,

    /** This week's prompts for the student home (contract with PLANS). */
    /** `target`: the student's id, or their record already opened by the page these prompts are part of. */
    async currentPrompts(user: AppUser, target: string | StudentRecord) {
      const { student } = await studentRecords.open(user, target, checkinPolicy, 'list');
      const p = await promptsWithPrep(user.tenantId, student.id, user.locale);
      await audit.record(user, { action: 'read', entity: 'checkin_prep', studentId: student.id });
      return { ...p, prepUrl: `/students/${student.id}/checkins/prep`, prepared: p.preparedAt !== null };
    },

    /** The recording form: the week's prompts with the student's prepared answers (an audited read), the needs the school offers, the school's own fields, and the school's today. */
    async recordForm(user: AppUser, studentId: string, fieldsOutcome?: FieldsOutcome) {
      const record = await studentRecords.open(user, studentId, checkinPolicy, 'record');
      await audit.record(user, { action: 'read', entity: 'checkin_prep', studentId: record.student.id });
      const [prompts, needs, today] = await Promise.all([promptsWithPrep(user.tenantId, record.student.id, user.locale), offeredNeedsOf(user.tenantId, user.locale), todayAt(user.tenantId)]);
      const reader = fieldsReaderOf(record.relationship, true);
      const fields = deps.fields && reader ? await deps.fields.newForm(user, 'checkin', reader, fieldsOutcome) : null;
      return { record, prompts, needs, today, fields };
    },

    /** The student's own prep page: the week's prompts and the needs the school offers. */
    async prepForm(user: AppUser, studentId: string) {
      const record = await studentRecords.open(user, studentId, checkinPolicy, 'prep');
      await audit.record(user, { action: 'read', entity: 'checkin_prep', studentId: record.student.id });
      const [prompts, needs] = await Promise.all([promptsWithPrep(user.tenantId, record.student.id, user.locale), offeredNeedsOf(user.tenantId, user.locale)]);
      return { record, prompts, needs };
    },

    /** The student's check-ins and needs, with what this user may not see already removed. */
    async history(user: AppUser, studentId: string) {
      const record = await studentRecords.open(user, studentId, checkinPolicy, 'list');
      const id = record.student.id;
      const can = canMap(checkinPolicy, user, checkinActions, { scope: record.scope });
      const tenantId = user.tenantId;
      const [rows, needs, screener] = await Promise.all([repo.listCheckins(db, tenantId, id), repo.listNeeds(db, tenantId, id), deps.needsOf(tenantId)]);
      const reader = fieldsReaderOf(record.relationship, false);
      const fieldsShown = deps.fields && reader ? await deps.fields.shownOn(user, { object: 'checkin', studentId: id }, rows.map((r) => r.id), reader) : new Map<string, { label: string; shown: string }[]>();
      // Sensitive needs are hidden from the student unless they raised the need themselves.
      const visibleNeeds = needs.filter((n) => can.viewSensitiveNeeds || !need(screener, n.category).sensitive || n.raisedBy === user.personId);
      const names = await namesOf(tenantId, [...rows.map((r) => r.recordedBy), ...visibleNeeds.map((n) => n.raisedBy)], user.locale);
      const askedAs = askedIn(await deps.scriptOf(tenantId), user.locale);
      await audit.record(user, { action: 'read', entity: 'checkin', studentId: id });
      const needView = (n: repo.Need) => ({
        ...n,
        ...need(screener, n.category, user.locale),
        raisedByName: names.get(n.raisedBy),
        byStudent: n.raisedByRole === 'student',
        canResolve: !n.resolvedAt && can.resolveNeed,
        // How it was resolved is the adults' note: never the student's or family's to read.
        resolutionNote: can.viewAdultNotes ? n.resolutionNote : null,
      });
      return {
        record,
        can,
        checkins: rows.map((r) => ({
          id: r.id,
          date: r.date,
          format: formatLabel(r.format, user.locale),
          attended: r.attended,
          week: r.week,
          answers: r.answers.map((a) => ({ ...a, prompt: askedAs(a) })),
          wellbeing: r.wellbeing,
          sharedNote: r.sharedNote,
          adultNote: can.viewAdultNotes ? r.adultNote : undefined,
          recordedByName: names.get(r.recordedBy),
          needs: visibleNeeds.filter((n) => n.checkinId === r.id).map(needView),
          fields: fieldsShown.get(r.id) ?? [],
        })),
        openNeeds: openByCategory(visibleNeeds).map((n) => ({ ...needView(n), timesRaised: n.timesRaised })),
        seeAdult: can.viewAdultNotes,
      };
    },

    /** One check-in as posted (the form's fields); InvalidInput, with every field's error, when the form is not right. */
    async record(user: AppUser, studentId: string, posted: unknown): Promise<string> {
      const { student, relationship } = await studentRecords.open(user, studentId, checkinPolicy, 'record');
      const tenantId = user.tenantId;
      const [doc, offered] = await Promise.all([deps.scriptOf(tenantId), offeredNeedsOf(tenantId)]);
      const week = await weekFor(doc, tenantId, student.id);
      // The school's own fields of the check-in are written with it (a form without them, the quick record's, writes none),
      // and checked with it: a refusal names every problem of both at once.
      const typedFields = postedFieldsOf(posted);
      const reader = fieldsReaderOf(relationship, true);
      const [input, writeFields] = await allOrInvalid(
        async () => parseCheckin(posted, doc, offered, week, user.locale),
        async () => (deps.fields && reader && Object.keys(typedFields.text).length > 0 ? deps.fields.prepare(user, 'checkin', reader, typedFields) : null),
      );
      const id = await db.transaction(async (tx) => {
        const row = await repo.insertCheckin(tx, {
          tenantId,
          studentId: student.id,
          recordedBy: user.personId,
          date: input.date,
          format: input.format,
          attended: input.attended,
          week,
          answers: input.answers,
          wellbeing: input.wellbeing,
          sharedNote: input.sharedNote,
          adultNote: input.adultNote,
          createdAt: clock.now(),
        });
        const needs = await repo.insertNeeds(tx, needRows(student.id, row.id, input.needs, user));
        await writeFields?.(tx, { studentId: student.id, recordId: row.id });
        await audit.record(user, { action: 'create', entity: 'checkin', entityId: row.id, studentId: student.id }, tx);
        await deps.alerts?.needsRaised(tx, user, student.id, needs);
        await deps.alerts?.wellbeingRated(tx, user, student.id, row.id, row.wellbeing);
        await deps.events?.checkinRecorded(tx, tenantId, recordedOf(row, needs));
        await deps.events?.needsRaised(tx, tenantId, needs.map(raisedOf));
        return row.id;
      });
      await deps.onRecorded?.(tenantId, [student.id]);
      return id;
    },

    /** The whole advisory at once: one check-in per row, all or none. Every row's student is opened first. */
    async recordAll(user: AppUser, input: QuickRecordInput): Promise<string> {
      for (const r of input.rows) await studentRecords.open(user, r.studentId, checkinPolicy, 'record');
      authorize(caseloadPolicy, user, 'recordAll', { tenantId: user.tenantId });
      const batchId = randomUUID();
      // Outside the transaction: PGlite has one connection, and the transaction holds it.
      const doc = await deps.scriptOf(user.tenantId);
      const weeks = await Promise.all(input.rows.map((r) => weekFor(doc, user.tenantId, r.studentId, input.date)));
      await db.transaction(async (tx) => {
        for (const [i, r] of input.rows.entries()) {
          const week = weeks[i]!;
          const row = await repo.insertCheckin(tx, {
            tenantId: user.tenantId,
            studentId: r.studentId,
            recordedBy: user.personId,
            date: input.date,
            format: input.format,
            attended: r.attended,
            week,
            wellbeing: r.attended ? r.wellbeing : null,
            sharedNote: input.sharedNote,
            batchId,
            createdAt: clock.now(),
          });
          await audit.record(user, { action: 'create', entity: 'checkin', entityId: row.id, studentId: r.studentId }, tx);
          await deps.alerts?.wellbeingRated(tx, user, r.studentId, row.id, row.wellbeing);
          await deps.events?.checkinRecorded(tx, user.tenantId, recordedOf(row, []));
        }
      });
      await deps.onRecorded?.(user.tenantId, input.rows.map((r) => r.studentId));
      return batchId;
    },

    /** The student's own answers to this week's prompts, and any need they want to raise, as posted; InvalidInput when not right. */
    async savePrep(user: AppUser, studentId: string, posted: unknown) {
      const { student } = await studentRecords.open(user, studentId, checkinPolicy, 'prep');
      const tenantId = user.tenantId;
      const [doc, offered] = await Promise.all([deps.scriptOf(tenantId), offeredNeedsOf(tenantId)]);
      const week = await weekFor(doc, tenantId, student.id);
      const input = answersAndNeeds(posted, doc, offered, week, false, user.locale);
      if (Object.keys(input.errors).length > 0) throw new InvalidInput(input.errors, posted);
      await db.transaction(async (tx) => {
        const prep = await repo.savePrep(tx, { tenantId, studentId: student.id, week, answers: input.answers, at: clock.now() });
        const needs = await repo.insertNeeds(tx, needRows(student.id, null, input.needs, user));
        await audit.record(user, { action: 'update', entity: 'checkin_prep', entityId: prep.id, studentId: student.id }, tx);
        await deps.alerts?.needsRaised(tx, user, student.id, needs);
        await deps.events?.needsRaised(tx, tenantId, needs.map(raisedOf));
        await deps.alerts?.onStudentText(tx, user, student.id, { kind: 'checkin_prep', id: prep.id }, input.answers.map((a) => a.answer));
      });
    },

    /**
     * Resolves the need and every other open need of its category for the student (they are one
     * concern), saying how and with a note (InvalidInput when the form is not right, nothing written);
     * the category's open urgent-need alert resolves with it, in the same transaction.
     */
    async resolveNeed(user: AppUser, studentId: string, needId: unknown, posted: ParsedForm<ResolveNeedForm>) {
      const { student } = await studentRecords.open(user, studentId, checkinPolicy, 'resolveNeed');
      if (!isUuid(needId)) throw notFound(message('checkins.errors.needNotOpen'));
      const form = validForm(posted, user.locale);
      await db.transaction(async (tx) => {
        const rows = await repo.resolveNeed(tx, user.tenantId, student.id, needId, user.personId, clock.now(), { resolution: form.how, note: form.note });
        if (rows.length === 0) throw notFound(message('checkins.errors.needNotOpen'));
        for (const row of rows) await audit.record(user, { action: 'update', entity: 'need', entityId: row.id, studentId: student.id }, tx);
        await deps.alerts?.needsResolved(tx, user, student.id, rows.map((r) => r.category), form.note || null);
      });
    },
    /** An automation's dry run (src/automations, admins only, its own policy): the tenant's check-ins since a time, with their needs' categories, no words. */
    recordedSince: (tenantId: string, since: Date): Promise<RecordedCheckin[]> => repo.recordedSince(db, tenantId, since),
    /** An automation's dry run: the tenant's needs raised since a time (categories and urgency). */
    needsRaisedSince: (tenantId: string, since: Date): Promise<RaisedNeed[]> => repo.needsRaisedSince(db, tenantId, since),

    /** For the caseload: per student, the latest attended check-in and the latest check-in of any kind. */
    async recentCheckins(tenantId: string, studentIds: string[]): Promise<Map<string, Omit<repo.RecentCheckins, 'studentId'>>> {
      const rows = await repo.recentCheckins(db, tenantId, studentIds);
      return new Map(rows.map(({ studentId, ...recent }) => [studentId, recent]));
    },

    /** For the school view: per student, the day last met (latest attended check-in); absent when never. */
    lastAttendedOn: (tenantId: string, studentIds: string[]) => repo.lastAttendedOn(db, tenantId, studentIds),
    /** Retention (the district's setting, applied nightly by src/records-requests): empties the words of check-ins before `day`, keeping the rows. */
    async clearTextsBefore(tenantId: string, day: string): Promise<number> {
      // The school's own fields of those check-ins lose their words too (read before the transaction: the embedded database has one connection).
      const facts = await deps.fields?.factKeysOf(tenantId, 'checkin');
      return withTenant(tenantId, () =>
        db.transaction(async (tx) => {
          const cleared = await repo.clearTextsBefore(tx, tenantId, day);
          const fieldWords = deps.fields && facts ? await deps.fields.forgetWords(tx, tenantId, 'checkin', repo.idsBefore(tx, tenantId, day), facts) : 0;
          return cleared + fieldWords;
        }),
      );
    },

    /**
     * For the navigator view: the school's today and each student's week as the script counts weeks
     * (from the first check-in this school year, or from the school year's start), with whether an attended check-in
     * already falls in it. Set-based: the recent check-ins and the weeks' starts in one query each.
     */
    async thisWeek(tenantId: string, studentIds: string[]): Promise<{ today: string; students: Map<string, WeekStatus> }> {
      const today = await todayAt(tenantId);
      const yearStart = schoolYearAt(today, await deps.schoolYearStartOf(tenantId)).firstDay;
      const { weekFrom } = await deps.scriptOf(tenantId);
      const [recent, firsts] = await Promise.all([
        repo.recentCheckins(db, tenantId, studentIds),
        weekFrom === 'firstCheckin' ? repo.firstCheckinDates(db, tenantId, studentIds, yearStart) : new Map(studentIds.map((id) => [id, yearStart])),
      ]);
      const last = new Map(recent.map((r) => [r.studentId, r.lastAttended]));
      return {
        today,
        students: new Map(
          studentIds.map((id) => {
            const from = firsts.get(id) ?? null;
            const startsOn = weekStartOf(from, today);
            const lastAttended = last.get(id) ?? null;
            return [id, { week: weekSince(from, today), startsOn, lastAttended, attended: lastAttended !== null && lastAttended.date >= startsOn }];
          }),
        ),
      };
    },

    /** For the caseload (advisors only): open needs per student, one per category, oldest first. */
    async openNeeds(tenantId: string, studentIds: string[], locale?: Locale): Promise<Map<string, OpenNeed[]>> {
      const screener = await deps.needsOf(tenantId);
      const byStudent = new Map<string, repo.Need[]>();
      for (const n of await repo.openNeedsOf(db, tenantId, studentIds)) byStudent.set(n.studentId, [...(byStudent.get(n.studentId) ?? []), n]);
      return new Map(
        [...byStudent].map(([studentId, needs]) => [studentId, openByCategory(needs).map((n) => ({ id: n.id, category: n.category, ...need(screener, n.category, locale), urgency: n.urgency as Urgency, raisedAt: n.raisedAt, raisedBy: n.raisedBy, raisedByRole: n.raisedByRole }))]),
      );
    },

    /** For referrals: one need of the student (category, urgency, who raised it, open or not); undefined for any other id. The caller opened the record. */
    findNeed: (tenantId: string, studentId: string, needId: string) => (isUuid(needId) ? repo.findNeed(db, tenantId, studentId, needId) : Promise.resolve(undefined)),

    /** For the indicators: every well-being rating given at an attended check-in since a day. */
    wellbeingSince: (tenantId: string, studentIds: readonly string[], sinceDay: string) => repo.wellbeingSince(db, tenantId, studentIds, sinceDay),

  };
}
export type CheckinsService = ReturnType<typeof createCheckinsService>;
