import { lineChart } from '../reports/charts.js';
import { isShown, suppressList, type Cell } from '../reports/suppression.js';
import { defaultLocale, t, type Locale } from '../web/i18n.js';
import { formatNumber } from '../web/intl.js';
import { toolPath } from '../web/urls.js';
import type { DashboardsService } from './dashboards.service.js';
import type { SnapshotFigures } from './snapshots.js';

type District = Awaited<ReturnType<DashboardsService['district']>>;

const pct = (part: number, whole: number) => (whole === 0 ? 0 : Math.round((part / whole) * 1000) / 10);
const share = (f: SnapshotFigures, key: 'withNavigator' | 'activePlan' | 'seenWithinCadence' | 'notSeen2Weeks') => pct(f.coverage[key], f.coverage.students);

/**
 * The district view's page: each school's latest week side by side, and the share of students seen
 * within the cadence over the weeks. A school smaller than the minimum group size is hidden whole
 * (and another with it, so the district's total does not give it away).
 */
export function districtPage(v: District, locale?: Locale) {
  const lang = locale ?? defaultLocale;
  const latest = new Map<string, District['snapshots'][number]>();
  for (const s of v.snapshots) latest.set(s.schoolId, s); // oldest first: the last one kept is the latest
  const withData = v.schools.filter((s) => latest.has(s.id));
  const hidden = suppressList(withData.map((s) => ({ n: latest.get(s.id)!.students })), v.minGroupSize).groups;
  const shown = new Map(withData.map((s, i) => [s.id, isShown(hidden[i]!)]));
  const rows = withData.map((s) => {
    const snap = latest.get(s.id)!;
    const f = snap.figures;
    const visible = shown.get(s.id)!;
    const num = (n: number) => (visible ? formatNumber(n, lang) : null);
    const percent = (n: number) => (visible ? `${formatNumber(n, lang)}%` : null);
    return {
      id: s.id,
      path: toolPath('schools', s.id),
      name: s.name,
      hidden: !visible,
      week: snap.weekStart,
      students: num(snap.students),
      withNavigator: percent(share(f, 'withNavigator')),
      activePlan: percent(share(f, 'activePlan')),
      seen: percent(share(f, 'seenWithinCadence')),
      notSeen: num(f.coverage.notSeen2Weeks),
      tier23: num(f.tiers['2'] + f.tiers['3']),
      needs: num(Object.values(f.needs).reduce((a, b) => a + b, 0)),
      referralsOnTime: f.referrals.responded > 0 ? percent(pct(f.referrals.respondedOnTime, f.referrals.responded)) : visible ? '–' : null,
      overdue: num(f.referrals.overdue),
    };
  });
  const byWeek = new Map(v.snapshots.map((s) => [`${s.schoolId}/${s.weekStart}`, s]));
  const seenOverTime = lineChart({
    id: 'district-seen',
    title: t('dashboards.district.seenOverTime', { days: v.cadenceDays }, lang),
    locale: lang,
    minGroupSize: v.minGroupSize,
    format: (n) => `${formatNumber(n, lang)}%`,
    domain: [0, 100],
    weeks: v.weeks,
    series: withData.map((s) => ({
      name: s.name,
      values: v.weeks.map((w): Cell | null => {
        const snap = byWeek.get(`${s.id}/${w}`);
        if (!snap) return null;
        return shown.get(s.id) && snap.students >= v.minGroupSize ? { shown: share(snap.figures, 'seenWithinCadence') } : { suppressed: true, reason: 'small' };
      }),
    })),
  });
  return {
    rows,
    seenOverTime,
    empty: withData.length === 0,
    noSnapshot: v.schools.filter((s) => !latest.has(s.id)).map((s) => s.name),
    hiddenNote: rows.some((r) => r.hidden) ? t('dashboards.school.hiddenNote', { min: v.minGroupSize }, lang) : null,
  };
}
