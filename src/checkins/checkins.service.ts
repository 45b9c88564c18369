import { randomUUID } from 'node:crypto';
import type { Db } from '../db/client.js';
import type { Clock } from '../web/clock.js';
import type { AppUser } from '../auth/user.js';
import type { AuditService } from '../audit/audit.service.js';
import type { RosterService } from '../roster/roster.service.js';
import type { NavigatorsService } from '../navigators/navigators.service.js';
import { authorize } from '../policies/policy.js';
import { checkinPolicy } from '../policies/checkin.js';
import type { StudentInScope } from '../web/student-scope.js';
import { badRequest, notFound } from '../web/errors.js';
import type { CheckinAnswer } from './checkins.tables.js';
import { formatLabels, type CheckinScript, type ScriptWeek, type Urgency } from './checkins.schemas.js';
import * as repo from './checkins.repository.js';
import { schoolYearStart, weekSince } from './weeks.js';
import { localDate } from '../web/time-zone.js';

export type { Checkin, Need } from './checkins.repository.js';

export interface CheckinsDeps {
  db: Db;
  clock: Clock;
  audit: AuditService;
  roster: RosterService;
  navigators: NavigatorsService;
  script: CheckinScript;
  /** The school's IANA zone: its "today" is the day check-ins and weeks count in. */
  timeZoneOf: (tenantId: string) => Promise<string>;
}

export interface OpenNeed {
  id: string;
  category: string;
  label: string;
  urgency: Urgency;
  sensitive: boolean;
  raisedAt: Date;
}

export interface RecordInput {
  date: string;
  format: keyof typeof formatLabels;
  attended: boolean;
  week: number;
  wellbeing: number | null;
  sharedNote: string;
  adultNote: string;
  answers: Record<string, string>;
  needs: Record<string, Urgency>;
}

export interface QuickRecordInput {
  date: string;
  format: keyof typeof formatLabels;
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
  const { db, clock, audit, roster, script } = deps;
  const needById = new Map(script.needs.map((n) => [n.id, n]));

  const namesOf = async (tenantId: string, ids: string[]) => {
    const unique = [...new Set(ids)];
    const names = await roster.namesOf(tenantId, unique);
    return new Map(unique.map((id) => [id, names.get(id) || 'Someone']));
  };

  const promptsFor = (week: number): ScriptWeek => script.weeks[Math.min(week, script.weeks.length) - 1]!;

  /** Today (yyyy-mm-dd) at the school: 22:00 in Los Angeles is still that day there, whatever UTC says. */
  const todayAt = async (tenantId: string) => localDate(clock.now(), await deps.timeZoneOf(tenantId));

  /** Weeks are counted from 1: early weeks carry the most structured script. */
  async function weekFor(tenantId: string, studentId: string, on?: string): Promise<number> {
    const today = on ?? (await todayAt(tenantId));
    const from = script.weekFrom === 'firstCheckin' ? await repo.firstCheckinDate(db, tenantId, studentId) : schoolYearStart(today, script.schoolYearStart);
    return weekSince(from, today);
  }

  const need = (category: string) => {
    const n = needById.get(category);
    return { label: n?.label ?? category, sensitive: n?.sensitive ?? true };
  };

  /** Questions of the week with what the student prepared, if anything. */
  async function promptsWithPrep(tenantId: string, studentId: string) {
    const week = await weekFor(tenantId, studentId);
    const w = promptsFor(week);
    const prep = await repo.findPrep(db, tenantId, studentId, week);
    const prepared = new Map((prep?.answers ?? []).map((a) => [a.questionId, a.answer]));
    return {
      week,
      theme: w.theme,
      icebreaker: w.icebreaker,
      questions: w.questions.map((q) => ({ ...q, prepared: prepared.get(q.id) ?? '' })),
      preparedAt: prep?.updatedAt ?? null,
    };
  }

  const answersFor = (week: number, answers: Record<string, string>): CheckinAnswer[] =>
    promptsFor(week)
      .questions.filter((q) => (answers[q.id] ?? '').trim() !== '')
      .map((q) => ({ questionId: q.id, prompt: q.prompt, answer: answers[q.id]!.trim() }));

  const checkNeeds = (needs: Record<string, Urgency>) => {
    for (const id of Object.keys(needs)) if (!needById.has(id)) throw badRequest(`Unknown need category ${id}.`, 'unknown_need');
  };

  return {
    script,
    needCategories: () => script.needs,
    promptsFor,
    weekFor,
    today: todayAt,

    /** This week's prompts for the student home (contract with PLANS). Throws 404 when the user may not see the student. */
    async currentPrompts(user: AppUser, s: StudentInScope) {
      authorize(checkinPolicy, user, 'list', { scope: s.scope });
      const p = await promptsWithPrep(user.tenantId, s.student.id);
      await audit.record(user, { action: 'read', entity: 'checkin_prep', studentId: s.student.id });
      return { ...p, prepUrl: `/students/${s.student.id}/checkins/prep`, prepared: p.preparedAt !== null };
    },

    /** The recording form's prompts, with the student's prepared answers: an audited read. */
    async recordForm(user: AppUser, s: StudentInScope) {
      authorize(checkinPolicy, user, 'record', { scope: s.scope });
      await audit.record(user, { action: 'read', entity: 'checkin_prep', studentId: s.student.id });
      return promptsWithPrep(user.tenantId, s.student.id);
    },

    /** The student's own prep page. */
    async prepForm(user: AppUser, s: StudentInScope) {
      authorize(checkinPolicy, user, 'prep', { scope: s.scope });
      await audit.record(user, { action: 'read', entity: 'checkin_prep', studentId: s.student.id });
      return promptsWithPrep(user.tenantId, s.student.id);
    },

    /** The student's check-ins and needs, with what this user may not see already removed. */
    async history(user: AppUser, s: StudentInScope) {
      authorize(checkinPolicy, user, 'list', { scope: s.scope });
      const seeAdult = checkinPolicy(user, 'viewAdultNotes', { scope: s.scope });
      const seeSensitive = checkinPolicy(user, 'viewSensitiveNeeds', { scope: s.scope });
      const tenantId = user.tenantId;
      const [rows, needs] = await Promise.all([repo.listCheckins(db, tenantId, s.student.id), repo.listNeeds(db, tenantId, s.student.id)]);
      // Sensitive needs are hidden from the student unless they raised the need themselves.
      const visibleNeeds = needs.filter((n) => seeSensitive || !need(n.category).sensitive || n.raisedBy === user.personId);
      const names = await namesOf(tenantId, [...rows.map((r) => r.recordedBy), ...visibleNeeds.map((n) => n.raisedBy)]);
      await audit.record(user, { action: 'read', entity: 'checkin', studentId: s.student.id });
      const needView = (n: repo.Need) => ({
        ...n,
        ...need(n.category),
        raisedByName: names.get(n.raisedBy),
        byStudent: n.raisedByRole === 'student',
        canResolve: !n.resolvedAt && checkinPolicy(user, 'resolveNeed', { scope: s.scope }),
      });
      return {
        checkins: rows.map((r) => ({
          id: r.id,
          date: r.date,
          format: formatLabels[r.format as keyof typeof formatLabels] ?? r.format,
          attended: r.attended,
          week: r.week,
          answers: r.answers,
          wellbeing: r.wellbeing,
          sharedNote: r.sharedNote,
          adultNote: seeAdult ? r.adultNote : undefined,
          recordedByName: names.get(r.recordedBy),
          needs: visibleNeeds.filter((n) => n.checkinId === r.id).map(needView),
        })),
        openNeeds: openByCategory(visibleNeeds).map((n) => ({ ...needView(n), timesRaised: n.timesRaised })),
        seeAdult,
      };
    },

    async record(user: AppUser, s: StudentInScope, input: RecordInput): Promise<string> {
      authorize(checkinPolicy, user, 'record', { scope: s.scope });
      checkNeeds(input.needs);
      const tenantId = user.tenantId;
      return db.transaction(async (tx) => {
        const row = await repo.insertCheckin(tx, {
          tenantId,
          studentId: s.student.id,
          recordedBy: user.personId,
          date: input.date,
          format: input.format,
          attended: input.attended,
          week: input.week,
          answers: answersFor(input.week, input.answers),
          wellbeing: input.wellbeing,
          sharedNote: input.sharedNote,
          adultNote: input.adultNote,
          createdAt: clock.now(),
        });
        await repo.insertNeeds(
          tx,
          Object.entries(input.needs).map(([category, urgency]) => ({
            tenantId, studentId: s.student.id, checkinId: row.id, category, urgency, raisedBy: user.personId, raisedByRole: user.role, raisedAt: clock.now(),
          })),
        );
        await audit.record(user, { action: 'create', entity: 'checkin', entityId: row.id, studentId: s.student.id }, tx);
        return row.id;
      });
    },

    /** The whole advisory at once: one check-in per row, all or none. */
    async recordAll(user: AppUser, scopes: Map<string, StudentInScope>, input: QuickRecordInput): Promise<string> {
      for (const r of input.rows) {
        const s = scopes.get(r.studentId);
        if (!s) throw notFound();
        authorize(checkinPolicy, user, 'record', { scope: s.scope });
      }
      const batchId = randomUUID();
      // Outside the transaction: PGlite has one connection, and the transaction holds it.
      const weeks = await Promise.all(input.rows.map((r) => weekFor(user.tenantId, r.studentId, input.date)));
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
        }
      });
      return batchId;
    },

    /** The student's own answers to this week's prompts, and any need they want to raise. */
    async savePrep(user: AppUser, s: StudentInScope, input: { week: number; answers: Record<string, string>; needs: Record<string, Urgency> }) {
      authorize(checkinPolicy, user, 'prep', { scope: s.scope });
      checkNeeds(input.needs);
      const tenantId = user.tenantId;
      await db.transaction(async (tx) => {
        const prep = await repo.savePrep(tx, { tenantId, studentId: s.student.id, week: input.week, answers: answersFor(input.week, input.answers), at: clock.now() });
        await repo.insertNeeds(
          tx,
          Object.entries(input.needs).map(([category, urgency]) => ({
            tenantId, studentId: s.student.id, checkinId: null, category, urgency, raisedBy: user.personId, raisedByRole: user.role, raisedAt: clock.now(),
          })),
        );
        await audit.record(user, { action: 'update', entity: 'checkin_prep', entityId: prep.id, studentId: s.student.id }, tx);
      });
    },

    /** Resolves the need and every other open need of its category for the student: they are one concern. */
    async resolveNeed(user: AppUser, s: StudentInScope, needId: string) {
      authorize(checkinPolicy, user, 'resolveNeed', { scope: s.scope });
      await db.transaction(async (tx) => {
        const rows = await repo.resolveNeed(tx, user.tenantId, s.student.id, needId, user.personId, clock.now());
        if (rows.length === 0) throw notFound('That need is not open.');
        for (const row of rows) await audit.record(user, { action: 'update', entity: 'need', entityId: row.id, studentId: s.student.id }, tx);
      });
    },

    /** For the caseload: latest attended check-in per student. */
    async lastCheckins(tenantId: string, studentIds: string[]): Promise<Map<string, { date: string; wellbeing: number | null }>> {
      const rows = await repo.lastCheckins(db, tenantId, studentIds);
      return new Map(rows.map((r) => [r.studentId, { date: r.date, wellbeing: r.wellbeing }]));
    },

    /** For the caseload (advisors only): open needs per student, one per category, oldest first. */
    async openNeeds(tenantId: string, studentIds: string[]): Promise<Map<string, OpenNeed[]>> {
      const byStudent = new Map<string, repo.Need[]>();
      for (const n of await repo.openNeedsOf(db, tenantId, studentIds)) byStudent.set(n.studentId, [...(byStudent.get(n.studentId) ?? []), n]);
      return new Map(
        [...byStudent].map(([studentId, needs]) => [studentId, openByCategory(needs).map((n) => ({ id: n.id, category: n.category, ...need(n.category), urgency: n.urgency as Urgency, raisedAt: n.raisedAt }))]),
      );
    },

    /** For the caseload: the latest check-in per student, attended or missed. */
    async latestCheckins(tenantId: string, studentIds: string[]): Promise<Map<string, { date: string; attended: boolean }>> {
      const rows = await repo.latestCheckins(db, tenantId, studentIds);
      return new Map(rows.map((r) => [r.studentId, { date: r.date, attended: r.attended }]));
    },
  };
}
export type CheckinsService = ReturnType<typeof createCheckinsService>;
