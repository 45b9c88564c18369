import { t, type Locale } from '../web/i18n.js';
import { formatNumber } from '../web/intl.js';
import { InvalidInput } from '../web/forms.js';
import { measureDirection, measureIndicators, measureRange, type MeasureIndicator } from './goals.schemas.js';

/**
 * A goal measured by an indicator (issue 10): the student's current value of it (attendance %, the %
 * of days with an incident, the lowest course score, the average well-being), compared with the goal's
 * target, so its progress moves by itself as the data arrives. Nothing here reads a database.
 */

/** The current value of each indicator for one student (null: no recent data). */
export type IndicatorValues = Partial<Record<MeasureIndicator, number | null>>;

export const isMeasureIndicator = (v: unknown): v is MeasureIndicator => typeof v === 'string' && (measureIndicators as readonly string[]).includes(v);

/** A value in its unit: "84%" or "3.5/5". */
export const valueText = (indicator: MeasureIndicator, value: number, locale?: Locale) =>
  t(`caseloadData.goal.value.${indicator === 'wellbeing' ? 'rating' : 'percent'}`, { value: formatNumber(value, locale) }, locale);

/**
 * The posted measure, judged: an indicator needs a target in its range; without one the target value
 * is dropped. The goal's measure and target in words, when left empty, are said for the indicator (so
 * the goal is SMART, and reads the same everywhere goals are shown).
 */
export function withIndicatorMeasure<T extends { measure: string; target: string; measureIndicator?: MeasureIndicator | null; measureTarget?: number | null }>(
  input: T,
  locale?: Locale,
): T & { measureIndicator: MeasureIndicator | null; measureTarget: number | null } {
  const indicator = input.measureIndicator ?? null;
  if (!indicator) return { ...input, measureIndicator: null, measureTarget: null };
  const target = input.measureTarget ?? null;
  const range = measureRange[indicator];
  if (target === null) throw new InvalidInput({ measureTarget: t('caseloadData.goal.errors.targetNeeded', {}, locale) }, input);
  if (target < range.min || target > range.max) throw new InvalidInput({ measureTarget: t('caseloadData.goal.errors.targetRange', { min: range.min, max: range.max }, locale) }, input);
  return {
    ...input,
    measureIndicator: indicator,
    measureTarget: target,
    measure: input.measure || t(`caseloadData.goal.measure.${indicator}`, {}, locale),
    target: input.target || t(`caseloadData.goal.target.${measureDirection[indicator]}`, { value: valueText(indicator, target, locale) }, locale),
  };
}

export interface IndicatorProgress {
  indicator: MeasureIndicator;
  /** "Attendance" */
  name: string;
  /** The current value in its unit, null without recent data. */
  current: string | null;
  target: string;
  reached: boolean;
  /** How far toward the target, 0-100 (for a progress bar; the sentence says it in words). */
  percent: number;
  /** The whole progress as one sentence: "Now 84%, target at least 95%: 88% of the way". */
  text: string;
}

/** A goal's progress from the indicator's current value (`values`: the student's; null when this reader may not see indicators). */
export function indicatorProgress(goal: { measureIndicator: string | null; measureTarget: number | null }, values: IndicatorValues | null, locale?: Locale): IndicatorProgress | null {
  const indicator = goal.measureIndicator;
  if (!values || !isMeasureIndicator(indicator) || goal.measureTarget === null) return null;
  const target = goal.measureTarget;
  const direction = measureDirection[indicator];
  const name = t(`caseloadData.goal.indicators.${indicator}`, {}, locale);
  const targetText = valueText(indicator, target, locale);
  const value = values[indicator] ?? null;
  if (value === null) return { indicator, name, current: null, target: targetText, reached: false, percent: 0, text: t(`caseloadData.goal.progress.noData`, { target: t(`caseloadData.goal.target.${direction}`, { value: targetText }, locale) }, locale) };
  const reached = direction === 'atLeast' ? value >= target : value <= target;
  // Toward "at most" a target: all the way at or under it, else the share the target is of the value.
  const share = reached ? 1 : direction === 'atLeast' ? (target === 0 ? 1 : value / target) : value === 0 ? 1 : target / value;
  const percent = Math.max(0, Math.min(100, Math.round(share * 100)));
  const current = valueText(indicator, value, locale);
  const params = { current, target: t(`caseloadData.goal.target.${direction}`, { value: targetText }, locale), percent };
  return { indicator, name, current, target: targetText, reached, percent, text: t(`caseloadData.goal.progress.${reached ? 'reached' : 'toward'}`, params, locale) };
}

/** The part of a student's computed indicators (src/indicators/compute.ts Indicators) a goal's progress reads. */
export interface IndicatorNumbers {
  attendance: { recent: { percent: number | null } };
  behaviour: { recent: { percent: number | null } };
  grades: { lowest: { score: number } | null };
  wellbeing: { average: number | null };
}

/** Each indicator's current value, as a goal measures it: the recent attendance %, the recent % of days with an incident, the lowest current score, the recent average well-being. */
export const valuesOf = (ind: IndicatorNumbers): IndicatorValues => ({
  attendance: ind.attendance.recent.percent,
  behaviour: ind.behaviour.recent.percent,
  grades: ind.grades.lowest?.score ?? null,
  wellbeing: ind.wellbeing.average,
});
