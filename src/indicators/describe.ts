import { t, type Locale } from '../web/i18n.js';
import { formatDayMonth, formatNumber, formatOrList } from '../web/intl.js';
import type { Indicators, TierReason } from './compute.js';
import { indicatorNames, type IndicatorConfig, type IndicatorName } from './indicators.schemas.js';

/**
 * Indicators and reasons in words, in one language: numbers in the language's format, band ids as
 * that language's band labels (config/indicators.<locale>.json), texts from
 * config/locales/<lang>/indicators.json. Nothing here reads a database.
 */
const number = formatNumber;

export const bandLabel = (config: IndicatorConfig, band: string): string => config.bands.find((b) => b.id === band)?.label ?? band;
/** 0 for the best band, up to bands.length - 1 for the worst (the badge's colour step). */
export const bandLevel = (config: IndicatorConfig, band: string): number => config.bands.findIndex((b) => b.id === band);

/** A reason as a sentence. `config` is the document in `locale` (loadIndicatorConfigIn). */
export function describeReason(reason: Pick<TierReason, 'key' | 'params'>, config: IndicatorConfig, locale: Locale): string {
  const params: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(reason.params)) {
    if (k === 'band' && typeof v === 'string') params[k] = bandLabel(config, v);
    else if (k === 'bands' && Array.isArray(v)) params[k] = formatOrList(v.map((b) => bandLabel(config, b)), locale);
    else if (typeof v === 'number') params[k] = k === 'count' ? v : number(v, locale);
    else params[k] = v;
  }
  // A suspension may last part of a day: the plural needs a whole count, the text shows the amount.
  if (reason.key === 'suspension' && typeof reason.params.count === 'number') params.amount = number(reason.params.count, locale);
  return t(`indicators.reason.${reason.key}`, params, locale);
}

export interface Badge {
  indicator: IndicatorName;
  /** Band id, null when the recent window has too little data. */
  band: string | null;
  /** 0 = best band; null without a band. */
  level: number | null;
  /** "Attendance" */
  name: string;
  /** "84% attended" */
  value: string;
  /** "at risk" */
  bandLabel: string | null;
  /** The whole badge as one sentence, for a title or a screen reader: "Attendance: 84% attended (at risk)". */
  text: string;
}

/** The short value each indicator shows on a badge. */
function badgeValue(ind: Indicators, name: IndicatorName, locale: Locale): string | null {
  switch (name) {
    case 'attendance':
      return ind.attendance.recent.percent === null ? null : t('indicators.badge.attendance', { percent: number(ind.attendance.recent.percent, locale) }, locale);
    case 'behaviour':
      return ind.behaviour.recent.percent === null ? null : t('indicators.badge.behaviour', { percent: number(ind.behaviour.recent.percent, locale) }, locale);
    case 'grades':
      return ind.grades.lowest === null ? null : t('indicators.badge.grades', { score: number(ind.grades.lowest.score, locale) }, locale);
    case 'wellbeing':
      return ind.wellbeing.average === null ? null : t('indicators.badge.wellbeing', { average: number(ind.wellbeing.average, locale) }, locale);
  }
}

/**
 * A badge's tone, one step per band (0 = best): good, plain, warn, bad. The band is always said in
 * words on the badge too (views/partials/indicator-badge.hbs), so the colour is never the only signal.
 */
const tones = ['good', '', 'warn', 'bad'] as const;
export const toneOf = (level: number | null): string => (level === null ? '' : (tones[Math.min(level, tones.length - 1)] ?? ''));

export function badgesOf(ind: Indicators, config: IndicatorConfig, locale: Locale): Badge[] {
  return indicatorNames.map((indicator) => {
    const band = ind.bands[indicator];
    const name = t(`indicators.name.${indicator}`, {}, locale);
    const value = band === null ? null : badgeValue(ind, indicator, locale);
    if (band === null || value === null) return { indicator, band: null, level: null, name, value: t('indicators.badge.none', {}, locale), bandLabel: null, text: t('indicators.badge.noBand', { name }, locale) };
    const label = bandLabel(config, band);
    return { indicator, band, level: bandLevel(config, band), name, value, bandLabel: label, text: t('indicators.badge.text', { name, value, band: label }, locale) };
  });
}

/**
 * The latest belonging pulse score as one fact ("Belonging pulse", "3.8 of 5 (Nov 12)"), null before any
 * response. A fact beside well-being, never a band: the pulse changes no tier.
 */
export function pulseFact(ind: Indicators, locale: Locale): { label: string; value: string } | null {
  const latest = ind.pulse.latest;
  if (latest === null) return null;
  return { label: t('indicators.panel.pulse', {}, locale), value: t('indicators.panel.pulseValue', { score: number(latest.score, locale), date: formatDayMonth(latest.date, locale) }, locale) };
}

export interface StudentViewItem {
  indicator: IndicatorName;
  tone: 'strength' | 'focus';
  text: string;
}

/**
 * The student's own data in plain words, strengths first: what goes well (the best band, passing
 * courses, the strongest course), then what to work on, each said as something they can act on. No
 * band names, no tier: those are adults' working words.
 */
export function studentView(ind: Indicators, config: IndicatorConfig, locale: Locale): { strengths: StudentViewItem[]; focus: StudentViewItem[]; empty: boolean } {
  const items: StudentViewItem[] = [];
  const good = (band: string | null) => band !== null && bandLevel(config, band) === 0;
  const days = ind.recentDays;
  if (ind.bands.attendance !== null) {
    const tone = good(ind.bands.attendance) ? 'strength' : 'focus';
    items.push({ indicator: 'attendance', tone, text: t(`indicators.student.attendance.${tone}`, { percent: number(ind.attendance.recent.percent!, locale), days }, locale) });
  }
  if (ind.bands.behaviour !== null) {
    const count = ind.behaviour.recent.incidentDays;
    items.push(count === 0 ? { indicator: 'behaviour', tone: 'strength', text: t('indicators.student.behaviour.strength', { days }, locale) } : { indicator: 'behaviour', tone: good(ind.bands.behaviour) ? 'strength' : 'focus', text: t('indicators.student.behaviour.focus', { count, days }, locale) });
  }
  const recent = ind.grades.courses.filter((c) => c.recent);
  if (recent.length > 0) {
    const passing = recent.filter((c) => !c.failing).length;
    if (ind.grades.failing === 0) items.push({ indicator: 'grades', tone: 'strength', text: t('indicators.student.grades.passing', { count: passing }, locale) });
    const best = ind.grades.highest!;
    const course = (c: { title: string | null; courseKey: string }) => c.title ?? c.courseKey;
    items.push({ indicator: 'grades', tone: 'strength', text: t('indicators.student.grades.best', { course: course(best), score: number(best.score, locale) }, locale) });
    if (ind.grades.failing > 0) items.push({ indicator: 'grades', tone: 'focus', text: t('indicators.student.grades.failing', { count: ind.grades.failing }, locale) });
    const lowest = ind.grades.lowest!;
    if (recent.length > 1 && !good(ind.bands.grades)) items.push({ indicator: 'grades', tone: 'focus', text: t('indicators.student.grades.focus', { course: course(lowest), score: number(lowest.score, locale) }, locale) });
  }
  if (ind.bands.wellbeing !== null) {
    const tone = bandLevel(config, ind.bands.wellbeing) <= 1 ? 'strength' : 'focus';
    items.push({ indicator: 'wellbeing', tone, text: t(`indicators.student.wellbeing.${tone}`, { average: number(ind.wellbeing.average!, locale) }, locale) });
  }
  const strengths = items.filter((i) => i.tone === 'strength');
  const focus = items.filter((i) => i.tone === 'focus');
  return { strengths, focus, empty: items.length === 0 };
}
