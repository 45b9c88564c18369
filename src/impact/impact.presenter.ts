import { labelOf, t, type Locale } from '../web/i18n.js';
import { formatNumber } from '../web/intl.js';
import { supportCategories } from '../supports/supports.schemas.js';
import { measures, oneDecimal, type GroupResult, type MeasureResult } from './compute.js';
import { impactPeriods, type ImpactQuery } from './impact.schemas.js';
import type { Shown } from './min-size.js';

interface Options {
  query: ImpactQuery;
  min: number;
  windowDays: number;
  suppress: (counts: number[], min: number) => Shown[];
  locale?: Locale | undefined;
  /** The schools the reader may read the report over (all of the tenant's when `everySchool`). */
  schools: readonly { id: string; name: string }[];
  everySchool: boolean;
}

const option = (value: string, label: string, selected: string) => ({ value, label, selected: value === selected });

/** A figure to one decimal in the reader's language; a change with its sign; "no data" for none. */
function figure(n: number | null | undefined, locale: Locale | undefined, signed = false): string {
  if (n === null || n === undefined) return t('impact.noData', {}, locale);
  const r = oneDecimal(n);
  const text = formatNumber(Math.abs(r), locale, 1);
  if (!signed || r === 0) return r < 0 ? `−${text}` : text;
  return r > 0 ? `+${text}` : `−${text}`;
}

/**
 * One group's counts and figures. The one place the minimum group size applies: the served and
 * comparison groups, the too-recent and too-early counts go through `suppress` together; a count under
 * the minimum reads "fewer than {min}", and the group's figures are shown only when both the served and
 * the comparison groups are shown.
 */
function groupView(r: GroupResult, o: Options) {
  const [served, comparison, tooRecent, tooEarly] = o.suppress([r.served, r.comparison, r.tooRecent, r.tooEarly], o.min);
  const count = (n: number, shown: Shown | undefined) => (shown === 'shown' ? formatNumber(n, o.locale, 0) : t('impact.fewerThan', { min: o.min }, o.locale));
  const suppressed = served !== 'shown' || comparison !== 'shown';
  const row = (m: (typeof measures)[number], f: MeasureResult) => ({
    label: t(`impact.measures.${m}`, {}, o.locale),
    servedBefore: figure(f.served?.before, o.locale),
    servedAfter: figure(f.served?.after, o.locale),
    servedChange: figure(f.served?.change, o.locale, true),
    comparisonBefore: figure(f.comparison?.before, o.locale),
    comparisonAfter: figure(f.comparison?.after, o.locale),
    comparisonChange: figure(f.comparison?.change, o.locale, true),
    difference: figure(f.difference, o.locale, true),
  });
  return {
    counts: [
      { label: t('impact.counts.served', {}, o.locale), value: count(r.served, served) },
      { label: t('impact.counts.comparison', {}, o.locale), value: count(r.comparison, comparison) },
      { label: t('impact.counts.tooRecent', {}, o.locale), value: count(r.tooRecent, tooRecent) },
      { label: t('impact.counts.tooEarly', {}, o.locale), value: count(r.tooEarly, tooEarly) },
    ],
    suppressed,
    rows: suppressed ? [] : measures.map((m) => row(m, r.measures[m])),
  };
}

/**
 * The school filter: a choice when there is one (a reader of every school: the whole district or one
 * school; a reader of several: all of theirs or one), else the one school the report is about, named.
 */
function schoolFilter(o: Options) {
  const choice = o.everySchool ? o.schools.length > 0 : o.schools.length > 1;
  if (!choice) return { schools: [], scope: o.schools.length === 1 ? t('impact.scope', { schools: o.schools[0]!.name }, o.locale) : undefined };
  const all = t(o.everySchool ? 'impact.allSchools' : 'impact.allMySchools', {}, o.locale);
  return { schools: [option('', all, o.query.school), ...o.schools.map((s) => option(s.id, s.name, o.query.school))], scope: undefined };
}

/** The report as the page shows it: filters, one table per support, one per strategy, every figure in words. */
export function impactView(result: { supports: { name: string; category: string; result: GroupResult }[]; strategies: { category: string; result: GroupResult }[] }, o: Options) {
  const byText = (a: { title: string }, b: { title: string }) => a.title.localeCompare(b.title, o.locale);
  const categoryLabel = (c: string) => labelOf('supports.category', c, o.locale);
  const { schools, scope } = schoolFilter(o);
  return {
    query: o.query,
    min: o.min,
    windowDays: o.windowDays,
    filters: {
      periods: impactPeriods.map((p) => option(p, t(`impact.periods.${p}`, {}, o.locale), o.query.period)),
      categories: [option('', t('impact.anyCategory', {}, o.locale), o.query.category), ...supportCategories.map((c) => option(c, categoryLabel(c), o.query.category))],
      schools,
    },
    scope,
    supports: result.supports.map((s, i) => ({ id: `support-${i}`, title: s.name, categoryLabel: categoryLabel(s.category), ...groupView(s.result, o) })).sort(byText),
    strategies: result.strategies.map((s, i) => ({ id: `strategy-${i}`, title: categoryLabel(s.category), ...groupView(s.result, o) })).sort(byText),
  };
}
