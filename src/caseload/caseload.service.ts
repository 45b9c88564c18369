import type { z } from 'zod';
import type { Db } from '../db/client.js';
import type { Clock } from '../web/clock.js';
import { localDate } from '../web/time-zone.js';
import type { AppUser } from '../auth/user.js';
import type { AuditService } from '../audit/audit.service.js';
import type { RosterService, Person } from '../roster/roster.service.js';
import type { NavigatorAssignment, NavigatorsService } from '../navigators/navigators.service.js';
import type { StudentRecord, StudentRecordGate } from '../navigators/student-record.js';
import type { GoalsService } from '../goals/goals.service.js';
import type { CheckinsService, OpenNeed } from '../checkins/checkins.service.js';
import { quickForm, quickRow } from '../checkins/checkins.schemas.js';
import { authorize, canMap } from '../policies/policy.js';
import { caseloadPolicy, navigatorActions, navigatorPolicy } from '../policies/caseload.js';
import { badRequest, message } from '../web/errors.js';
import { fieldErrors, InvalidInput, issueText } from '../web/forms.js';
import { defaultLocale, t, type Locale } from '../web/i18n.js';
import { layoutPreference, preferredAdultForm, reassignForm, rememberedLayout, type CaseloadQuery, type RememberedLayout } from './caseload.schemas.js';
import { byAttention, rankStudent, type AttentionRules, type IndicatorFacts, type IndicatorKind } from './needs-attention.js';

export interface PlanStatus {
  status: 'none' | 'draft' | 'active';
  updatedAt: Date | null;
  updatedByName: string | null;
}
/** ctx.plans.statusFor (the plans feature), injected so the caseload works before and without it. */
export type PlanStatusFor = (tenantId: string, studentIds: string[]) => Promise<Map<string, PlanStatus>>;

/** One indicator's badge as the indicators feature words it (src/indicators/describe.ts Badge). */
export interface IndicatorBadge {
  indicator: IndicatorKind;
  band: string | null;
  /** 0 = the best band; null without a band. */
  level: number | null;
  name: string;
  value: string;
  bandLabel: string | null;
  text: string;
}

/** A student's indicators on the caseload: badges, tier, and the facts the needs-attention rules read. */
export interface CaseloadIndicators {
  badges: IndicatorBadge[];
  /** The tier shown and sorted by (an adult's decision, else the suggestion); null before any data. */
  tier: { tier: 1 | 2 | 3; confirmed: boolean; overridden: boolean } | null;
  facts: IndicatorFacts;
}
/** The indicators of these students in `locale` (the indicators feature, injected so the caseload works before and without it). */
export type IndicatorsFor = (tenantId: string, studentIds: string[], locale: Locale) => Promise<Map<string, CaseloadIndicators>>;

export interface CaseloadDeps {
  db: Db;
  clock: Clock;
  /** The school's IANA zone: a check-in is overdue counting the school's days. */
  timeZoneOf: (tenantId: string) => Promise<string>;
  audit: AuditService;
  roster: RosterService;
  navigators: NavigatorsService;
  /** Every entry point that touches one student opens the student's record here first. */
  studentRecords: StudentRecordGate;
  goals: Pick<GoalsService, 'summaryFor'>;
  checkins: Pick<CheckinsService, 'recentCheckins' | 'openNeeds' | 'recordAll'>;
  planStatusFor: PlanStatusFor;
  cadenceDays: number;
  /** Students a page shows. */
  pageSize: number;
  /** "Needs attention first", as data (config/needs-attention.json). */
  attentionRules: Record<Locale, AttentionRules>;
  /** Indicators (issue 10); without them the caseload shows no badges and no indicator reasons. */
  indicatorsFor?: IndicatorsFor;
}

export interface CaseloadRow {
  id: string;
  name: string;
  plan: PlanStatus;
  goals: { active: number; achieved: number; proposed: number };
  lastCheckin: string | null;
  daysSinceCheckin: number | null;
  overdue: boolean;
  wellbeing: number | null;
  needs: OpenNeed[];
  urgent: boolean;
  navigatorName: string;
  preferredAdult: string | null;
  /** Why the student is where they are in "needs attention first", most pressing first. */
  reasons: string[];
  score: number;
  /** The student's indicators, null when the tool has none to show. */
  indicators: CaseloadIndicators | null;
}

/** A page of the caseload: its rows, how many students in all and after the filters, and where the page sits. */
export interface CaseloadPage {
  rows: CaseloadRow[];
  total: number;
  matched: number;
  /** 1-based, within 1..pages. */
  page: number;
  pages: number;
  /** The 0-based place of the page's first row among the matched. */
  firstIndex: number;
}

const planOrder = { none: 0, draft: 1, active: 2 } as const;

/** The advisor's home: their advisory students and assigned students, ranked by who needs attention. */
export function createCaseloadService(deps: CaseloadDeps) {
  const { roster, navigators, studentRecords, goals, checkins, clock } = deps;

  /**
   * Students of the advisories the user teaches, plus students explicitly assigned to them, each
   * with when they joined this caseload (the earliest advisory membership or assignment); and every
   * active navigator assignment of those students.
   */
  async function caseloadOf(user: Pick<AppUser, 'tenantId' | 'personId'>): Promise<{ members: { person: Person; joinedAt: Date }[]; assignments: NavigatorAssignment[] }> {
    const advisory = await roster.listAdvisoryStudentsOf(user.tenantId, user.personId);
    const assignments = await navigators.assignmentsAround(user.tenantId, user.personId, advisory.map((m) => m.person.id));
    const assigned = assignments.filter((a) => a.navigatorId === user.personId);
    const byId = new Map<string, { person: Person; joinedAt: Date }>();
    const join = (person: Person, at: Date) => {
      const known = byId.get(person.id);
      if (!known || at < known.joinedAt) byId.set(person.id, { person, joinedAt: at });
    };
    for (const m of advisory) join(m.person, m.membership.createdAt);
    const unseen = assigned.filter((a) => !byId.has(a.studentId)).map((a) => a.studentId);
    const people = new Map(unseen.length === 0 ? [] : (await roster.findPeople(user.tenantId, unseen)).map((p) => [p.id, p]));
    for (const a of assigned) {
      const person = byId.get(a.studentId)?.person ?? people.get(a.studentId);
      if (person) join(person, a.assignedAt);
    }
    return { members: [...byId.values()], assignments };
  }

  /** Students of the advisory courses the user teaches, plus students explicitly assigned to them, by name. */
  const studentsOf = async (user: AppUser): Promise<Person[]> => (await caseloadOf(user)).members.map((m) => m.person).sort((a, b) => a.name.localeCompare(b.name));

  /** Advisors of the tenant, for the reassignment form. */
  async function advisorsOf(tenantId: string): Promise<Person[]> {
    const contexts = await roster.listContexts(tenantId);
    const members = (await Promise.all(contexts.map((c) => roster.listMembers(tenantId, c.id, { role: 'advisor', status: 'active' })))).flat();
    const byId = new Map(members.map((m) => [m.person.id, m.person]));
    return [...byId.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Who navigates the student: an explicit assignment, else the advisory teachers. */
  async function navigatorOf({ student, scope }: StudentRecord, locale?: Locale) {
    const [a] = await navigators.activeAssignments(scope.tenantId, student.id);
    const ids = a ? [a.navigatorId] : scope.navigatorIds;
    const names = await roster.namesOf(scope.tenantId, ids);
    return { navigatorIds: ids, names: ids.map((id) => names.get(id) || t('caseload.anAdvisor', {}, locale)), preferredAdult: a?.preferredAdult ?? null, explicit: Boolean(a) };
  }

  /** A new navigator assignment of the student, audited; the navigator page's two forms both end here. */
  async function assign(user: AppUser, studentId: string, navigatorId: string, preferredAdult: string | null) {
    await deps.db.transaction(async (tx) => {
      const row = await navigators.assign({ tenantId: user.tenantId, studentId, navigatorId, assignedBy: user.personId, preferredAdult }, tx);
      await deps.audit.record(user, { action: 'update', entity: 'navigator_assignment', entityId: row.id, studentId }, tx);
    });
  }

  /** The posted form, or InvalidInput with its field errors. */
  function parsed<T>(schema: z.ZodType<T>, posted: unknown, locale?: Locale): T {
    const form = schema.safeParse(posted);
    if (!form.success) throw new InvalidInput(fieldErrors(form.error, locale), posted);
    return form.data;
  }

  const byName = (a: CaseloadRow, b: CaseloadRow) => a.name.localeCompare(b.name);
  const sorters: Record<CaseloadQuery['sort'], (a: CaseloadRow, b: CaseloadRow) => number> = {
    attention: byAttention,
    name: byName,
    status: (a, b) => planOrder[a.plan.status] - planOrder[b.plan.status] || byName(a, b),
    // Never met first, then the longest since the last check-in.
    checkin: (a, b) => (b.daysSinceCheckin ?? Infinity) - (a.daysSinceCheckin ?? Infinity) || byName(a, b),
    // Highest tier first (no tier yet last), then who needs attention.
    tier: (a, b) => (b.indicators?.tier?.tier ?? 0) - (a.indicators?.tier?.tier ?? 0) || byAttention(a, b),
  };

  /**
   * One page of the caseload, ranked and filtered over every student; one audited read naming every
   * student shown. `matched`: the students the filters kept, on all pages.
   */
  async function list(user: AppUser, query: CaseloadQuery): Promise<CaseloadPage> {
    authorize(caseloadPolicy, user, 'view', { tenantId: user.tenantId });
    const { members, assignments: known } = await caseloadOf(user);
    const ids = members.map((m) => m.person.id);
    const [plans, goalCounts, recent, needs, { navigators: navigatorsOf, assignments }, indicators] = await Promise.all([
      deps.planStatusFor(user.tenantId, ids),
      goals.summaryFor(user.tenantId, ids),
      checkins.recentCheckins(user.tenantId, ids),
      checkins.openNeeds(user.tenantId, ids, user.locale),
      navigators.navigatorsOf(user.tenantId, ids, known),
      deps.indicatorsFor && ids.length > 0 ? deps.indicatorsFor(user.tenantId, ids, user.locale ?? defaultLocale) : new Map<string, CaseloadIndicators>(),
    ]);
    const navIds = [...new Set([...navigatorsOf.values()].flat().filter((id) => id !== user.personId))];
    const navNames = await roster.namesOf(user.tenantId, navIds);
    // The real navigator: "You" only when it is you (an assignment, or your advisory by default).
    const navigatorName = (studentId: string) => {
      const navs = navigatorsOf.get(studentId) ?? [];
      if (navs.length === 0) return t('caseload.notAssigned', {}, user.locale);
      // You first, then the others by name: the same order on every load.
      const others = navs.filter((id) => id !== user.personId).map((id) => navNames.get(id) || t('caseload.anotherAdvisor', {}, user.locale)).sort((a, b) => a.localeCompare(b));
      return [...(navs.includes(user.personId) ? [t('caseload.you', {}, user.locale)] : []), ...others].join(', ');
    };
    const now = clock.now();
    const today = localDate(now, await deps.timeZoneOf(user.tenantId));
    const rules = deps.attentionRules[user.locale ?? defaultLocale] ?? deps.attentionRules[defaultLocale]!;
    const rows: CaseloadRow[] = members.map(({ person: p, joinedAt }) => {
      const l = recent.get(p.id)?.lastAttended ?? null;
      const a = assignments.find((x) => x.studentId === p.id);
      const open = needs.get(p.id) ?? [];
      const plan = plans.get(p.id) ?? { status: 'none' as const, updatedAt: null, updatedByName: null };
      const goalCount = goalCounts.get(p.id) ?? { active: 0, achieved: 0, proposed: 0 };
      const attention = rankStudent(
        rules,
        { needs: open, lastAttended: l, latest: recent.get(p.id)?.latest ?? null, joinedAt, plan: plan.status, goals: goalCount, indicators: indicators.get(p.id)?.facts ?? null },
        { now, today, cadenceDays: deps.cadenceDays, locale: user.locale },
      );
      return {
        id: p.id,
        name: p.name || t('common.nameNotShared', {}, user.locale),
        plan,
        goals: goalCount,
        lastCheckin: l?.date ?? null,
        daysSinceCheckin: attention.daysSinceCheckin,
        overdue: attention.overdue,
        wellbeing: l?.wellbeing ?? null,
        needs: open,
        urgent: open.some((n) => n.urgency === 'urgent'),
        navigatorName: navigatorName(p.id),
        preferredAdult: a?.preferredAdult ?? null,
        reasons: attention.reasons.map((r) => r.text),
        score: attention.score,
        indicators: indicators.get(p.id) ?? null,
      };
    });
    const q = query.q.toLowerCase();
    const shown = rows.filter(
      (r) =>
        (!q || r.name.toLowerCase().includes(q)) &&
        (!query.status || r.plan.status === query.status) &&
        (query.show === 'all' ||
          (query.show === 'overdue' && r.overdue) ||
          (query.show === 'urgent' && r.urgent) ||
          (query.show === 'needs' && r.needs.length > 0) ||
          (query.show === 'noplan' && r.plan.status === 'none')),
    );
    const pages = Math.max(1, Math.ceil(shown.length / deps.pageSize));
    const page = Math.min(query.page, pages);
    const onPage = shown.sort(sorters[query.sort]).slice((page - 1) * deps.pageSize, page * deps.pageSize);
    // One event per view, naming every student it showed (summaries: needs by category, no notes).
    await deps.audit.record(user, { action: 'read', entity: 'caseload', studentIds: onPage.map((r) => r.id) });
    return { rows: onPage, total: rows.length, matched: shown.length, page, pages, firstIndex: (page - 1) * deps.pageSize };
  }

  return {
    list,

    /**
     * For the navigator view: the students this adult navigates (their advisories' students and those
     * assigned to them), each with when they joined the caseload, and every active assignment of them.
     * No audit and no policy here: the caller authorizes its own screen and audits what it shows.
     */
    navigatedBy: (user: Pick<AppUser, 'tenantId' | 'personId'>) => caseloadOf(user),

    /**
     * For the navigators' daily digest: how many students of the navigator's caseload have a check-in
     * due by `byDay` (yyyy-mm-dd at the school, the end of its week): overdue on that day as the caseload
     * counts it (more than the cadence since the last attended check-in, or since joining when never met).
     */
    async checkinsDueBy(tenantId: string, navigatorId: string, byDay: string): Promise<number> {
      const { members } = await caseloadOf({ tenantId, personId: navigatorId });
      const recent = await checkins.recentCheckins(tenantId, members.map((m) => m.person.id));
      const daysTo = (from: number) => Math.floor((Date.parse(byDay) - from) / 86_400_000);
      return members.filter((m) => {
        const last = recent.get(m.person.id)?.lastAttended;
        return daysTo(last ? Date.parse(last.date) : Date.parse(localDate(m.joinedAt, 'UTC'))) > deps.cadenceDays;
      }).length;
    },

    /** Adults who may navigate students (advisors of the school's courses): whom the daily digest considers. */
    navigatorIdsOf: async (tenantId: string): Promise<string[]> => (await advisorsOf(tenantId)).map((p) => p.id),

    /**
     * /caseload. Launched from a course nobody has decided on: ask first (`decide`). From a subject
     * course: its own page (`subject`), which links back here (view=caseload) for the students this
     * teacher navigates elsewhere. Otherwise the caseload, and whether it was opened from the advisory.
     */
    async home(
      user: AppUser,
      query: CaseloadQuery & { layout?: RememberedLayout | '' },
    ): Promise<{ divert: 'decide' | 'subject'; courseId: string } | ({ divert: null; inAdvisory: boolean; layout: RememberedLayout | '' } & CaseloadPage)> {
      authorize(caseloadPolicy, user, 'view', { tenantId: user.tenantId });
      // The layout the reader chose (the switch's link) is kept for them; none asked: the one they chose last.
      // A preference on their person row, not a cookie: the page runs in an LMS iframe with third-party cookies blocked.
      const stored = rememberedLayout.safeParse(user.preferences?.[layoutPreference]);
      const remembered = stored.success ? stored.data : '';
      if (query.layout && query.layout !== remembered) await roster.choosePreference(user, layoutPreference, query.layout);
      const layout = query.layout || remembered;
      // The launch put the course's kind on the user: no read of the course here.
      if (user.contextId && user.contextKind === 'undecided') return { divert: 'decide', courseId: user.contextId };
      if (user.contextId && user.contextKind === 'subject' && query.view !== 'caseload') return { divert: 'subject', courseId: user.contextId };
      return { divert: null, inAdvisory: user.contextKind === 'advisory', layout, ...(await list(user, query)) };
    },

    /** The quick check-in form's roster: the caseload's students by name. An audited read of each. */
    async checkinRoster(user: AppUser): Promise<Person[]> {
      authorize(caseloadPolicy, user, 'recordAll', { tenantId: user.tenantId });
      const students = await studentsOf(user);
      await deps.audit.record(user, { action: 'read', entity: 'checkin_roster', studentIds: students.map((p) => p.id) });
      return students;
    },

    /**
     * The quick record as posted: one row per student of the caseload (attended, absent or not
     * recorded), one shared note; rows left "not recorded" are not saved, the rest together. Returns
     * how many were recorded; InvalidInput with a message per row (`row.<studentId>`) when not right.
     */
    async recordCheckins(user: AppUser, posted: unknown): Promise<number> {
      authorize(caseloadPolicy, user, 'recordAll', { tenantId: user.tenantId });
      const body = (posted ?? {}) as Record<string, unknown>;
      const form = quickForm.safeParse(body);
      const errors: Record<string, string> = form.success ? {} : fieldErrors(form.error, user.locale);
      const students = await studentsOf(user);
      const rows: { studentId: string; attended: boolean; wellbeing: number | null }[] = [];
      for (const p of students) {
        const row = quickRow.safeParse({ attended: body[`attended.${p.id}`], wellbeing: body[`wellbeing.${p.id}`] });
        if (!row.success) errors[`row.${p.id}`] = issueText(row.error.issues[0]!, user.locale);
        else if (row.data.attended !== '') rows.push({ studentId: p.id, attended: row.data.attended === 'yes', wellbeing: row.data.wellbeing });
      }
      const rowErrors = Object.keys(errors).some((k) => k.startsWith('row.'));
      if (students.length === 0) errors._form = t('caseload.errors.noStudents', {}, user.locale);
      else if (rows.length === 0 && !rowErrors) errors._form = t('caseload.errors.nothingSaved', {}, user.locale);
      if (!form.success || Object.keys(errors).length > 0) throw new InvalidInput(errors, posted);
      await checkins.recordAll(user, { date: form.data.date, format: form.data.format, sharedNote: form.data.sharedNote, rows });
      return rows.length;
    },

    /** The navigator page: who navigates the student, the advisors to hand them to, what this user may do. An audited read. */
    async navigatorPage(user: AppUser, studentId: string) {
      const record = await studentRecords.open(user, studentId, navigatorPolicy, 'reassign');
      const [current, advisors] = await Promise.all([navigatorOf(record, user.locale), advisorsOf(user.tenantId)]);
      await deps.audit.record(user, { action: 'read', entity: 'navigator_assignment', studentId: record.student.id });
      return { record, current, advisors, can: canMap(navigatorPolicy, user, navigatorActions, { scope: record.scope }) };
    },

    /** Hand the student to another advisor of the tenant (the posted `navigatorId`); the preferred adult carries over. Audited. */
    async reassign(user: AppUser, studentId: string, posted: unknown) {
      const record = await studentRecords.open(user, studentId, navigatorPolicy, 'reassign');
      const { navigatorId } = parsed(reassignForm, posted, user.locale);
      const advisors = await advisorsOf(user.tenantId);
      if (!advisors.some((p) => p.id === navigatorId)) throw badRequest(message('caseload.errors.notAnAdvisor'), 'not_an_advisor');
      const current = await navigatorOf(record);
      await assign(user, record.student.id, navigatorId, current.preferredAdult);
    },

    /** Note the adult the student trusts most (the posted `preferredAdult`); the navigator stays who it is. Audited. */
    async setPreferredAdult(user: AppUser, studentId: string, posted: unknown) {
      const record = await studentRecords.open(user, studentId, navigatorPolicy, 'setPreferredAdult');
      const { preferredAdult } = parsed(preferredAdultForm, posted, user.locale);
      const current = await navigatorOf(record);
      await assign(user, record.student.id, current.navigatorIds[0] ?? user.personId, preferredAdult || null);
    },
  };
}
export type CaseloadService = ReturnType<typeof createCaseloadService>;
