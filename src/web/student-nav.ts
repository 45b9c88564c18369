import type { AppUser } from '../auth/user.js';
import type { StudentRecord } from '../navigators/student-record.js';
import { checkinPolicy } from '../policies/checkin.js';
import { recordViewsPolicy } from '../policies/record-views.js';
import { t } from './i18n.js';
import { roleHome } from '../lti/roles.js';

export type StudentPage = 'plan' | 'goals' | 'checkins' | 'record-views';

const homeLabel: Record<string, string> = { '/caseload': 'Caseload', '/my-plan': 'My plan', '/family': 'My students', '/admin': 'Administration' };

/** The tabs of a student's record (plan, goals, check-ins), showing only what this user may open. */
export function studentNav(user: AppUser, s: StudentRecord, current: StudentPage) {
  const base = `/students/${s.student.id}`;
  const home = roleHome[user.role];
  const items = [
    { href: home, label: homeLabel[home] ?? 'Home', current: false },
    { href: `${base}/plan`, label: 'Plan', current: current === 'plan' },
    { href: `${base}/goals`, label: 'Goals', current: current === 'goals' },
  ];
  if (checkinPolicy(user, 'list', { scope: s.scope })) items.push({ href: `${base}/checkins`, label: 'Check-ins', current: current === 'checkins' });
  if (recordViewsPolicy(user, 'view', { scope: s.scope })) {
    items.push({ href: `${base}/record-views`, label: s.relationship === 'self' ? t('recordViews.link') : t('recordViews.linkOf'), current: current === 'record-views' });
  }
  return items;
}
