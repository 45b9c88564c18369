import type { Db } from '../db/client.js';
import type { Clock } from '../web/clock.js';
import { localDate } from '../web/time-zone.js';
import type { AppUser } from '../auth/user.js';
import type { AuditService } from '../audit/audit.service.js';
import type { RosterService, Person } from '../roster/roster.service.js';
import type { NavigatorsService } from '../navigators/navigators.service.js';
import type { GoalsService } from '../goals/goals.service.js';
import type { CheckinsService, OpenNeed } from '../checkins/checkins.service.js';
import { authorize } from '../policies/policy.js';
import { caseloadPolicy, navigatorPolicy } from '../policies/caseload.js';
import type { StudentInScope } from '../web/student-scope.js';
import { badRequest } from '../web/errors.js';
import type { CaseloadQuery } from './caseload.schemas.js';
import { byAttention, rankStudent, type AttentionRules } from './needs-attention.js';

export interface PlanStatus {
  status: 'none' | 'draft' | 'active';
  updatedAt: Date | null;
  updatedByName: string | null;
}
/** ctx.plans.statusFor (the plans feature), injected so the caseload works before and without it. */
export type PlanStatusFor = (tenantId: string, studentIds: string[]) => Promise<Map<string, PlanStatus>>;

export interface CaseloadDeps {
  db: Db;
  clock: Clock;
  /** The school's IANA zone: a check-in is overdue counting the school's days. */
  timeZoneOf: (tenantId: string) => Promise<string>;
  audit: AuditService;
  roster: RosterService;
  navigators: NavigatorsService;
  goals: GoalsService;
  checkins: CheckinsService;
  planStatusFor: PlanStatusFor;
  cadenceDays: number;
  /** "Needs attention first", as data (config/needs-attention.json). */
  attentionRules: AttentionRules;
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
}

const planOrder = { none: 0, draft: 1, active: 2 } as const;

/** The advisor's home: their advisory students and assigned students, ranked by who needs attention. */
export function createCaseloadService(deps: CaseloadDeps) {
  const { roster, navigators, goals, checkins, clock } = deps;

  /**
   * Students of the advisories the user teaches, plus students explicitly assigned to them, each
   * with when they joined this caseload (the earliest advisory membership or assignment).
   */
  async function caseloadOf(user: AppUser): Promise<{ person: Person; joinedAt: Date }[]> {
    const [members, assigned] = await Promise.all([roster.listAdvisoryStudentsOf(user.tenantId, user.personId), navigators.assignedTo(user.tenantId, user.personId)]);
    const byId = new Map<string, { person: Person; joinedAt: Date }>();
    const join = (person: Person, at: Date) => {
      const known = byId.get(person.id);
      if (!known || at < known.joinedAt) byId.set(person.id, { person, joinedAt: at });
    };
    for (const m of members) join(m.person, m.membership.createdAt);
    const people = new Map((await roster.findPeople(user.tenantId, assigned.map((a) => a.studentId))).map((p) => [p.id, p]));
    for (const a of assigned) {
      const person = people.get(a.studentId);
      if (person) join(person, a.assignedAt);
    }
    return [...byId.values()];
  }

  /** Students of the advisory courses the user teaches, plus students explicitly assigned to them. */
  const studentsOf = async (user: AppUser): Promise<Person[]> => (await caseloadOf(user)).map((m) => m.person);

  const byName = (a: CaseloadRow, b: CaseloadRow) => a.name.localeCompare(b.name);
  const sorters: Record<CaseloadQuery['sort'], (a: CaseloadRow, b: CaseloadRow) => number> = {
    attention: byAttention,
    name: byName,
    status: (a, b) => planOrder[a.plan.status] - planOrder[b.plan.status] || byName(a, b),
    // Never met first, then the longest since the last check-in.
    checkin: (a, b) => (b.daysSinceCheckin ?? Infinity) - (a.daysSinceCheckin ?? Infinity) || byName(a, b),
  };

  return {
    studentsOf,

    async list(user: AppUser, query: CaseloadQuery): Promise<{ rows: CaseloadRow[]; total: number }> {
      authorize(caseloadPolicy, user, 'view', { tenantId: user.tenantId });
      const members = await caseloadOf(user);
      const ids = members.map((m) => m.person.id);
      const [plans, goalCounts, last, latest, needs, { navigators: navigatorsOf, assignments }] = await Promise.all([
        deps.planStatusFor(user.tenantId, ids),
        goals.summaryFor(user.tenantId, ids),
        checkins.lastCheckins(user.tenantId, ids),
        checkins.latestCheckins(user.tenantId, ids),
        checkins.openNeeds(user.tenantId, ids),
        navigators.navigatorsOf(user.tenantId, ids),
      ]);
      const navIds = [...new Set([...navigatorsOf.values()].flat().filter((id) => id !== user.personId))];
      const navNames = await roster.namesOf(user.tenantId, navIds);
      // The real navigator: "You" only when it is you (an assignment, or your advisory by default).
      const navigatorName = (studentId: string) => {
        const navs = navigatorsOf.get(studentId) ?? [];
        if (navs.length === 0) return 'Not assigned yet';
        // You first, then the others by name: the same order on every load.
        const others = navs.filter((id) => id !== user.personId).map((id) => navNames.get(id) || 'Another advisor').sort((a, b) => a.localeCompare(b));
        return [...(navs.includes(user.personId) ? ['You'] : []), ...others].join(', ');
      };
      const now = clock.now();
      const today = localDate(now, await deps.timeZoneOf(user.tenantId));
      const rows: CaseloadRow[] = members.map(({ person: p, joinedAt }) => {
        const l = last.get(p.id) ?? null;
        const a = assignments.find((x) => x.studentId === p.id);
        const open = needs.get(p.id) ?? [];
        const plan = plans.get(p.id) ?? { status: 'none' as const, updatedAt: null, updatedByName: null };
        const goalCount = goalCounts.get(p.id) ?? { active: 0, achieved: 0, proposed: 0 };
        const attention = rankStudent(
          deps.attentionRules,
          { needs: open, lastAttended: l, latest: latest.get(p.id) ?? null, joinedAt, plan: plan.status, goals: goalCount },
          { now, today, cadenceDays: deps.cadenceDays },
        );
        return {
          id: p.id,
          name: p.name || 'Name not shared by the LMS',
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
      // One event per view, naming every student it showed (summaries: needs by category, no notes).
      await deps.audit.record(user, { action: 'read', entity: 'caseload', studentIds: shown.map((r) => r.id) });
      return { rows: shown.sort(sorters[query.sort]), total: rows.length };
    },

    /** Advisors of the tenant, for the reassignment form. */
    async advisorsOf(tenantId: string): Promise<Person[]> {
      const contexts = await roster.listContexts(tenantId);
      const members = (await Promise.all(contexts.map((c) => roster.listMembers(tenantId, c.id, { role: 'advisor', status: 'active' })))).flat();
      const byId = new Map(members.map((m) => [m.person.id, m.person]));
      return [...byId.values()].sort((a, b) => a.name.localeCompare(b.name));
    },

    /** The quick check-in form's roster: the caseload's students by name. An audited read of each. */
    async checkinRoster(user: AppUser): Promise<Person[]> {
      authorize(caseloadPolicy, user, 'recordAll', { tenantId: user.tenantId });
      const students = (await studentsOf(user)).sort((a, b) => a.name.localeCompare(b.name));
      await deps.audit.record(user, { action: 'read', entity: 'checkin_roster', studentIds: students.map((p) => p.id) });
      return students;
    },

    /** The navigator page: who navigates the student, the advisors to hand them to. An audited read. */
    async navigatorPage(user: AppUser, s: StudentInScope) {
      authorize(navigatorPolicy, user, 'reassign', { scope: s.scope });
      const [current, advisors] = await Promise.all([this.navigatorOf(s), this.advisorsOf(user.tenantId)]);
      await deps.audit.record(user, { action: 'read', entity: 'navigator_assignment', studentId: s.student.id });
      return { current, advisors };
    },

    async navigatorOf(s: StudentInScope) {
      const [a] = await navigators.activeAssignments(s.scope.tenantId, s.student.id);
      const ids = a ? [a.navigatorId] : s.scope.navigatorIds;
      const names = await roster.namesOf(s.scope.tenantId, ids);
      return { navigatorIds: ids, names: ids.map((id) => names.get(id) || 'An advisor'), preferredAdult: a?.preferredAdult ?? null, explicit: Boolean(a) };
    },

    /** Hand the student to another advisor of the tenant; the preferred adult carries over. Audited. */
    async reassign(user: AppUser, s: StudentInScope, navigatorId: string) {
      authorize(navigatorPolicy, user, 'reassign', { scope: s.scope });
      const advisors = await this.advisorsOf(user.tenantId);
      if (!advisors.some((p) => p.id === navigatorId)) throw badRequest('Choose an advisor of this school.', 'not_an_advisor');
      const current = await this.navigatorOf(s);
      await deps.db.transaction(async (tx) => {
        const row = await navigators.assign({ tenantId: user.tenantId, studentId: s.student.id, navigatorId, assignedBy: user.personId, preferredAdult: current.preferredAdult }, tx);
        await deps.audit.record(user, { action: 'update', entity: 'navigator_assignment', entityId: row.id, studentId: s.student.id }, tx);
      });
    },

    /** Note the adult the student trusts most; the navigator stays who it is. Audited. */
    async setPreferredAdult(user: AppUser, s: StudentInScope, preferredAdult: string) {
      authorize(navigatorPolicy, user, 'setPreferredAdult', { scope: s.scope });
      const current = await this.navigatorOf(s);
      const navigatorId = current.navigatorIds[0] ?? user.personId;
      await deps.db.transaction(async (tx) => {
        const row = await navigators.assign({ tenantId: user.tenantId, studentId: s.student.id, navigatorId, assignedBy: user.personId, preferredAdult: preferredAdult || null }, tx);
        await deps.audit.record(user, { action: 'update', entity: 'navigator_assignment', entityId: row.id, studentId: s.student.id }, tx);
      });
    },
  };
}
export type CaseloadService = ReturnType<typeof createCaseloadService>;
