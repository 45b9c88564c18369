import type { EvidenceFigures } from '../dashboards/evidence-cards.js';
import { t, type Locale } from '../web/i18n.js';
import { toolPath } from '../web/urls.js';

/** A card's figures as label/value lines, the same lines for the frozen day and for now so they sit side by side. */
export interface FigureLine {
  label: string;
  value: string;
}

const cellText = (c: { shown: number } | { suppressed: true } | { percent: number }, locale?: Locale): string =>
  'shown' in c ? String(c.shown) : 'percent' in c ? `${c.percent}%` : t('reflections.cards.suppressed', {}, locale);

export function figureLines(f: EvidenceFigures, locale?: Locale): FigureLine[] {
  const label = (key: string, params: Record<string, unknown> = {}) => t(`reflections.cards.figures.${key}`, params, locale);
  switch (f.kind) {
    case 'coverage':
      return (['students', 'withNavigator', 'activePlan', 'seenWithinCadence', 'notSeen2Weeks'] as const).map((k) => ({ label: label(k), value: String(f.coverage[k]) }));
    case 'checkin-cadence':
      return (['students', 'seenWithinCadence', 'lapsed', 'notSeen2Weeks'] as const).map((k) => ({ label: label(k), value: String(f[k]) }));
    case 'pulse-by-group':
      if (f.pulse === null) return [{ label: label('pulse'), value: t('reflections.cards.noPulse', {}, locale) }];
      return f.pulse.table.rows.map((r) => ({ label: label('grade', { grade: r.key }), value: r.items.map((c) => cellText(c, locale)).join(' · ') }));
    case 'referral-response':
      return f.referrals.map((r) => ({
        label: r.category,
        value: label('referrals', { made: r.made, onTime: r.respondedOnTime, overdue: r.overdue, hours: r.medianHoursToRespond ?? '–' }),
      }));
    case 'tiers-by-grade':
      return f.rows.map((r) => ({ label: label('grade', { grade: r.key }), value: r.cells.map((c, i) => `${f.columns[i] ?? ''} ${cellText(c, locale)}`).join(' · ') }));
  }
}

/** A cycle's pages as paths inside the tool. */
export const cyclePaths = (cycleId: string) => ({
  cycle: toolPath('reflections', cycleId),
  rate: toolPath('reflections', cycleId, 'ratings'),
  reflections: toolPath('reflections', cycleId, 'reflections'),
  cards: toolPath('reflections', cycleId, 'cards'),
  actions: toolPath('reflections', cycleId, 'actions'),
  action: (actionId: string) => toolPath('reflections', cycleId, 'actions', actionId),
  complete: (actionId: string) => toolPath('reflections', cycleId, 'actions', actionId, 'complete'),
});
/** A team's cycles: a school's, or the district's (null); and its compare page. */
export const teamPath = (schoolId: string | null, ...rest: string[]) => (schoolId === null ? toolPath('district', 'reflections', ...rest) : toolPath('schools', schoolId, 'reflections', ...rest));
