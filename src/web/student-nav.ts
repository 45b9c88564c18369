import type { AppUser } from '../auth/user.js';
import type { StudentRecord } from '../navigators/student-record.js';
import { checkinPolicy } from '../policies/checkin.js';
import { referralPolicy } from '../policies/referral.js';
import { recordViewsPolicy } from '../policies/record-views.js';
import { indicatorActions, indicatorPolicy } from '../policies/indicator.js';
import { studentDataEntryPolicy } from '../policies/student-data-entry.js';
import { t } from './i18n.js';
import { roleHome } from '../lti/roles.js';
import { alertPolicy } from '../policies/alert.js';

export type StudentPage = 'plan' | 'goals' | 'checkins' | 'supports' | 'data' | 'data-entry' | 'record-views';

const homeLabel: Record<string, string> = { '/caseload': 'nav.caseload', '/my-plan': 'nav.myPlan', '/family': 'nav.family', '/admin': 'nav.admin' };

/** The tabs of a student's record (plan, goals, check-ins, data, data entry...), showing only what this user may open. */
export function studentNav(user: AppUser, s: StudentRecord, current: StudentPage) {
  const base = `/students/${s.student.id}`;
  const home = roleHome[user.role];
  const tr = (key: string) => t(key, {}, user.locale);
  const items = [
    { href: home, label: tr(homeLabel[home] ?? 'nav.home'), current: false },
    { href: `${base}/plan`, label: tr('nav.plan'), current: current === 'plan' },
    { href: `${base}/goals`, label: tr('nav.goals'), current: current === 'goals' },
  ];
  if (checkinPolicy(user, 'list', { scope: s.scope })) items.push({ href: `${base}/checkins`, label: tr('nav.checkins'), current: current === 'checkins' });
  if (referralPolicy(user, 'list', { scope: s.scope })) items.push({ href: `${base}/supports`, label: tr('nav.supports'), current: current === 'supports' });
  if (indicatorActions.some((a) => indicatorPolicy(user, a, { scope: s.scope }))) items.push({ href: `${base}/data`, label: tr('indicators.nav.data'), current: current === 'data' });
  if (studentDataEntryPolicy(user, 'enterAttendance', { scope: s.scope })) items.push({ href: `${base}/data-entry`, label: tr('nav.dataEntry'), current: current === 'data-entry' });
  if (recordViewsPolicy(user, 'view', { scope: s.scope })) {
    items.push({ href: `${base}/record-views`, label: tr(s.relationship === 'self' ? 'recordViews.link' : 'recordViews.linkOf'), current: current === 'record-views' });
  }
  // The adults' alerts page (the student's alerts among them), one link away from the record.
  if (alertPolicy(user, 'list', { tenantId: s.scope.tenantId, recipientIds: [] })) items.push({ href: '/alerts', label: tr('alerts.link'), current: false });
  return items;
}
