import { t, type Locale } from '../web/i18n.js';
import { toolPath } from '../web/urls.js';
import { referralView } from '../referrals/referrals.presenter.js';
import type { NavigatorScreen } from './navigator.service.js';

/** A page of the student's, as a path inside the tool (the page's {{url}} adds the ltik). */
const studentPage = (studentId: string, ...page: string[]): string => toolPath('students', studentId, ...page);

/** Each student's pages an item links to. */
const linksOf = (studentId: string) => ({
  checkinsHref: studentPage(studentId, 'checkins'),
  recordHref: studentPage(studentId, 'checkins', 'new'),
  planHref: studentPage(studentId, 'plan'),
  supportsHref: studentPage(studentId, 'supports'),
});

/** The navigator view's page: four sections, each with its count, its items in the reader's words and links to each student's pages. */
export function navigatorPage(screen: NavigatorScreen, locale?: Locale) {
  return {
    navigated: screen.navigated,
    cadenceDays: screen.cadenceDays,
    today: screen.today,
    due: screen.due.map((s) => ({ ...s, ...linksOf(s.id), weekText: t('dashboards.navigator.due.week', { week: s.week.week }, locale), startsOn: s.week.startsOn, lastAttended: s.week.lastAttended?.date ?? null })),
    notSeen: screen.notSeen.map((s) => ({
      ...s,
      ...linksOf(s.id),
      howLong:
        s.daysSinceCheckin !== null
          ? t('dashboards.navigator.notSeen.daysSince', { count: s.daysSinceCheckin }, locale)
          : t('dashboards.navigator.notSeen.never', { count: s.daysSinceJoined ?? 0 }, locale),
    })),
    needs: screen.needs.map((s) => ({
      ...s,
      ...linksOf(s.id),
      label: s.need.label,
      urgent: s.need.urgency === 'urgent',
      urgencyLabel: t(`checkins.urgency.${s.need.urgency}`, {}, locale),
      raisedAt: s.need.raisedAt,
      raisedBy: s.byStudent ? t('dashboards.navigator.needs.byStudent', {}, locale) : s.raisedByName ? t('dashboards.navigator.needs.by', { name: s.raisedByName }, locale) : '',
    })),
    referrals: screen.referrals.map((s) => ({ ...s, ...linksOf(s.id), referral: referralView(s.item, 'adult', locale) })),
  };
}
