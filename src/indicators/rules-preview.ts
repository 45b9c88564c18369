import type { KindPreview } from '../configuration/configuration.kinds.js';
import { defaultLocale, t, type Locale } from '../web/i18n.js';
import { defaultSchoolYearStart } from '../web/school-year.js';
import { attendanceRate, behaviourRate, indicatorsFromCounts, suggestTier, type IndicatorCounts } from './compute.js';
import { badgesOf, describeReason, toneOf } from './describe.js';
import type { IndicatorConfig } from './indicators.schemas.js';

/** The sample day: the recent window ends here (a school day, mid-year). */
const SAMPLE_DAY = '2026-03-18';
/** School days in the recent window (about a month's), or the draft's minimum if it asks for more. */
const RECENT_SCHOOL_DAYS = 20;

/**
 * Four sample students, strong to struggling, as shares of the recent window's school days (so a draft
 * with another window keeps their meaning): attended, with an incident, suspended days, each course's
 * current score, well-being ratings. Sample data only: no one's record is read.
 */
const samples = [
  { key: 'a', attended: 1, incidents: 0, suspended: 0, scores: [91, 88, 95], wellbeing: [5, 4, 5] },
  { key: 'b', attended: 0.9, incidents: 0, suspended: 0, scores: [78, 72, 84], wellbeing: [4, 3, 4] },
  { key: 'c', attended: 0.85, incidents: 0.05, suspended: 0, scores: [68, 58, 74], wellbeing: [3, 2, 3] },
  { key: 'd', attended: 0.75, incidents: 0.1, suspended: 2, scores: [52, 47, 61], wellbeing: [2, 1, 2] },
] as const;
type Sample = (typeof samples)[number];

/** A sample's counts over the draft's recent window (and a year of three such windows, as chronic absence reads both). */
function countsOf(s: Sample, days: number, locale: Locale | undefined): IndicatorCounts {
  const rate = (n: number) => ({ attendance: attendanceRate(n, Math.round(n * s.attended)), behaviour: behaviourRate({ schoolDays: n, incidents: Math.round(n * s.incidents), incidentDays: Math.round(n * s.incidents), suspensions: s.suspended > 0 ? 1 : 0, suspensionDays: s.suspended }) });
  const recent = rate(days);
  const year = rate(days * 3);
  return {
    attendance: { year: year.attendance, recent: recent.attendance },
    behaviour: { year: year.behaviour, recent: recent.behaviour },
    scores: s.scores.map((score, i) => ({ source: 'sample', courseKey: `course-${i + 1}`, courseTitle: t('configuration.preview.indicators.course', { number: i + 1 }, locale), periodKey: 'sample', currentScore: score, observedOn: SAMPLE_DAY })),
    wellbeing: s.wellbeing.map((rating) => ({ date: SAMPLE_DAY, rating })),
    pulse: [],
  };
}

/**
 * The indicator rules' preview (issue 14 item 4): sample students banded and tiered by the draft's
 * thresholds and tier rules, drawn with the caseload's badge and tier partials and each tier's reasons in
 * words, so an admin sees what a change of a threshold does before any student is recomputed under it.
 */
export function rulesPreview<T>(withDraft: (body: T) => IndicatorConfig, configs: Readonly<Partial<Record<Locale, IndicatorConfig>>>): KindPreview<T> {
  return {
    audiences: ['adult'],
    render(body, { locale }) {
      const draft = withDraft(body);
      // Bands and reasons in the reader's language: the installation's labels, the draft's numbers.
      const lang = locale ?? defaultLocale;
      const words = { ...draft, bands: (configs[lang] ?? draft).bands };
      const students = samples.map((s) => {
        const ind = indicatorsFromCounts(countsOf(s, Math.max(draft.recent.minSchoolDays, RECENT_SCHOOL_DAYS), locale), draft, SAMPLE_DAY, defaultSchoolYearStart);
        const tier = suggestTier(ind, draft);
        return {
          name: t('configuration.preview.sampleStudentNamed', { letter: s.key.toUpperCase() }, locale),
          badges: badgesOf(ind, words, lang).map((b) => ({ ...b, tone: toneOf(b.level) })),
          tier: { tier: tier.tier, confirmed: false, overridden: false },
          reasons: tier.reasons.map((r) => describeReason(r, words, lang)),
        };
      });
      return { view: 'indicators/rules-preview', model: { students, names: students[0]!.badges.map((b) => b.name) } };
    },
  };
}
