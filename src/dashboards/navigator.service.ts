import type { Clock } from '../web/clock.js';
import type { AppUser } from '../auth/user.js';
import type { AuditService } from '../audit/audit.service.js';
import type { RosterService } from '../roster/roster.service.js';
import type { NavigatorsService } from '../navigators/navigators.service.js';
import type { CaseloadService } from '../caseload/caseload.service.js';
import type { CheckinsService, OpenNeed, WeekStatus } from '../checkins/checkins.service.js';
import type { ReferralItem, ReferralsService } from '../referrals/referrals.service.js';
import { notSeen } from '../caseload/needs-attention.js';
import { authorize } from '../policies/policy.js';
import { navigatorViewPolicy } from '../policies/navigator-view.js';
import { checkinPolicy, type CheckinAction } from '../policies/checkin.js';
import { referralPolicy } from '../policies/referral.js';
import { t } from '../web/i18n.js';

export interface NavigatorDeps {
  clock: Clock;
  audit: Pick<AuditService, 'record'>;
  roster: Pick<RosterService, 'namesOf'>;
  navigators: Pick<NavigatorsService, 'advisingScopesOf'>;
  caseload: Pick<CaseloadService, 'navigatedBy'>;
  checkins: Pick<CheckinsService, 'thisWeek' | 'openNeeds'>;
  referrals: Pick<ReferralsService, 'waitingOf'>;
  /** config checkinCadenceDays: "not seen" as the caseload counts it. */
  cadenceDays: number;
}

export interface NavigatorStudent {
  id: string;
  name: string;
}

/** One adult's navigator view: what waits for them across every student they navigate. */
export interface NavigatorScreen {
  /** How many students they navigate (shown or not). */
  navigated: number;
  /** The school's today (yyyy-mm-dd). */
  today: string;
  cadenceDays: number;
  /** No attended check-in yet in the student's week, by name. */
  due: (NavigatorStudent & { week: WeekStatus })[];
  /** Not seen within the cadence, the longest unseen (never met first) then by name. */
  notSeen: (NavigatorStudent & { lastAttended: string | null; daysSinceCheckin: number | null; daysSinceJoined: number | null })[];
  /** Open needs (one per category), urgent first then the oldest; sensitive ones only where the reader may see them. */
  needs: (NavigatorStudent & { need: OpenNeed; raisedByName: string | null; byStudent: boolean })[];
  /** Referrals requested or accepted, not yet in service: overdue first, then soonest due. */
  referrals: (NavigatorStudent & { item: ReferralItem })[];
}

/**
 * The navigator view (issue 12): check-ins due this week, students not seen within the cadence, open
 * needs and referrals waiting, across every student the adult navigates, in a constant number of
 * queries however many students (each feature's bulk read once). One audited read naming the students shown.
 */
export function createNavigatorViewService(deps: NavigatorDeps) {
  const { caseload, checkins, referrals, navigators, roster, audit, clock } = deps;

  async function screen(user: AppUser): Promise<NavigatorScreen> {
    // Whoever could never open it (a student, a family, another tenant) is refused before anything is read.
    authorize(navigatorViewPolicy, user, 'view', { tenantId: user.tenantId, navigates: true });
    const { members, assignments } = await caseload.navigatedBy(user);
    authorize(navigatorViewPolicy, user, 'view', { tenantId: user.tenantId, navigates: members.length > 0 });
    const ids = members.map((m) => m.person.id);
    const scopes = await navigators.advisingScopesOf(user.tenantId, ids, assignments);
    const scopeOf = new Map(scopes.map((s) => [s.studentId, s]));
    // Each section shows only what the student-record policies let this reader see of each student.
    const may = (id: string, action: CheckinAction) => checkinPolicy(user, action, { scope: scopeOf.get(id)! });
    const checkinIds = ids.filter((id) => may(id, 'list'));
    const referralScopes = scopes.filter((scope) => referralPolicy(user, 'list', { scope }));
    const [week, openNeeds, waiting] = await Promise.all([
      checkins.thisWeek(user.tenantId, checkinIds),
      checkins.openNeeds(user.tenantId, checkinIds, user.locale),
      referrals.waitingOf(user, referralScopes),
    ]);
    const visibleNeeds = [...openNeeds].flatMap(([id, needs]) => needs.filter((n) => !n.sensitive || may(id, 'viewSensitiveNeeds')).map((need) => ({ id, need })));
    const raisers = await roster.namesOf(user.tenantId, [...new Set(visibleNeeds.filter((n) => may(n.id, 'view')).map((n) => n.need.raisedBy))]);

    const student = new Map(members.map(({ person }) => [person.id, { id: person.id, name: person.name || t('common.nameNotShared', {}, user.locale) }]));
    const byName = (a: NavigatorStudent, b: NavigatorStudent) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id);
    const now = clock.now();
    const joined = new Map(members.map((m) => [m.person.id, m.joinedAt]));
    const weeks = [...week.students];

    const due = weeks.filter(([, w]) => !w.attended).map(([id, w]) => ({ ...student.get(id)!, week: w })).sort(byName);
    const unseen = weeks
      .map(([id, w]) => ({ ...student.get(id)!, lastAttended: w.lastAttended?.date ?? null, ...notSeen({ lastAttended: w.lastAttended, joinedAt: joined.get(id) ?? null }, { now, today: week.today, cadenceDays: deps.cadenceDays }) }))
      .filter((s) => s.overdue)
      .map(({ id, name, lastAttended, daysSinceCheckin, daysSinceJoined }) => ({ id, name, lastAttended, daysSinceCheckin, daysSinceJoined }))
      .sort((a, b) => (b.daysSinceCheckin ?? Infinity) - (a.daysSinceCheckin ?? Infinity) || byName(a, b));
    const needs = visibleNeeds
      .map(({ id, need }) => ({ ...student.get(id)!, need, byStudent: need.raisedByRole === 'student', raisedByName: raisers.get(need.raisedBy) ?? null }))
      .sort((a, b) => Number(b.need.urgency === 'urgent') - Number(a.need.urgency === 'urgent') || a.need.raisedAt.getTime() - b.need.raisedAt.getTime() || byName(a, b));
    const waitingShown = waiting
      .map((item) => ({ ...student.get(item.referral.studentId)!, item }))
      .sort((a, b) => Number(b.item.overdue) - Number(a.item.overdue) || a.item.referral.dueAt.getTime() - b.item.referral.dueAt.getTime());

    const shown = [...new Set([...due, ...unseen, ...needs, ...waitingShown].map((s) => s.id))];
    // One event per view, naming every student it showed (what, never record text).
    await audit.record(user, { action: 'read', entity: 'navigator_view', studentIds: shown });
    return { navigated: members.length, today: week.today, cadenceDays: deps.cadenceDays, due, notSeen: unseen, needs, referrals: waitingShown };
  }

  return {
    screen,
    /** Whether to offer the link: the policy with what the page that links already knows (does the user navigate anyone). */
    canOpen: (user: AppUser, navigates: boolean) => navigatorViewPolicy(user, 'view', { tenantId: user.tenantId, navigates }),
  };
}
export type NavigatorViewService = ReturnType<typeof createNavigatorViewService>;
