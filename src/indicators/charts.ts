import { scaleLinear, scalePoint } from 'd3-scale';
import { t, type Locale } from '../web/i18n.js';
import { formatNumber as num } from '../web/intl.js';
import type { WeekPoint } from './compute.js';

/**
 * Week-by-week trends as server-drawn SVG: a view model of coordinates and labels that the page's
 * template turns into markup (so every text is escaped by Handlebars), with a table of the same
 * numbers for screen readers. Scales are d3-scale's; nothing here draws HTML.
 */
export interface TrendChart {
  id: string;
  title: string;
  /** One sentence for the image's accessible description: first and last week. */
  summary: string;
  width: number;
  height: number;
  plot: { left: number; right: number; top: number; bottom: number };
  /** Where the y labels end and the x labels sit. */
  labelX: number;
  labelY: number;
  yTicks: { y: number; label: string }[];
  xTicks: { x: number; label: string }[];
  /** The line through the weeks that have a value (a gap where a week has none). */
  path: string;
  dots: { x: number; y: number; label: string }[];
  bars: { x: number; y: number; width: number; height: number; label: string }[];
  empty: boolean;
}

export interface TrendTable {
  caption: string;
  headers: string[];
  rows: { week: string; cells: string[] }[];
}

const WIDTH = 320;
const HEIGHT = 140;
const plot = { left: 36, right: WIDTH - 8, top: 10, bottom: HEIGHT - 24 };
const round = (n: number) => Math.round(n * 10) / 10;

const weekLabel = (week: string, locale: Locale) => new Intl.DateTimeFormat(locale, { month: 'short', day: 'numeric', timeZone: 'UTC' }).format(new Date(`${week}T00:00:00Z`));

type Series = 'attendancePercent' | 'averageScore' | 'wellbeing' | 'incidentDays';
const domains: Record<Series, (values: number[]) => [number, number]> = {
  attendancePercent: () => [0, 100],
  averageScore: (v) => [0, Math.max(100, ...v)],
  wellbeing: () => [1, 5],
  incidentDays: (v) => [0, Math.max(5, ...v)],
};
const valueText: Record<Series, (n: number, locale: Locale) => string> = {
  attendancePercent: (n, l) => t('indicators.panel.percent', { value: num(n, l) }, l),
  averageScore: (n, l) => t('indicators.panel.percent', { value: num(n, l) }, l),
  wellbeing: (n, l) => t('indicators.panel.outOfFive', { value: num(n, l) }, l),
  incidentDays: (n, l) => t('indicators.panel.days', { count: n }, l),
};

function chartOf(series: Series, weeks: WeekPoint[], locale: Locale): TrendChart {
  const x = scalePoint<string>().domain(weeks.map((w) => w.week)).range([plot.left, plot.right]).padding(0.5);
  const values = weeks.map((w) => w[series]);
  const present = values.filter((v): v is number => v !== null);
  const y = scaleLinear().domain(domains[series](present)).range([plot.bottom, plot.top]).nice();
  const every = Math.max(1, Math.ceil(weeks.length / 6));
  const xTicks = weeks.filter((_, i) => i % every === 0).map((w) => ({ x: round(x(w.week)!), label: weekLabel(w.week, locale) }));
  const yTicks = y.ticks(4).map((v) => ({ y: round(y(v)), label: num(v, locale) }));
  const title = t(`indicators.panel.chart.${series}`, {}, locale);
  const point = (w: WeekPoint) => ({ x: round(x(w.week)!), y: round(y(w[series]!)), label: `${weekLabel(w.week, locale)}: ${valueText[series](w[series]!, locale)}` });
  const withValue = weeks.filter((w) => w[series] !== null);
  let path = '';
  let drawing = false;
  const bars: TrendChart['bars'] = [];
  if (series === 'incidentDays') {
    const width = Math.max(2, round(Math.min(24, x.step() * 0.6)));
    for (const w of weeks) {
      if (!w.incidentDays) continue;
      const top = round(y(w.incidentDays));
      bars.push({ x: round(x(w.week)! - width / 2), y: top, width, height: round(y(0) - top), label: point(w).label });
    }
  } else {
    for (const w of weeks) {
      if (w[series] === null) {
        drawing = false;
        continue;
      }
      const p = point(w);
      path += `${drawing ? 'L' : 'M'}${p.x} ${p.y}`;
      drawing = true;
    }
  }
  const first = withValue[0];
  const last = withValue.at(-1);
  const summary =
    first && last ? t('indicators.panel.summary', { title, first: valueText[series](first[series]!, locale), firstWeek: weekLabel(first.week, locale), last: valueText[series](last[series]!, locale), lastWeek: weekLabel(last.week, locale) }, locale) : t('indicators.panel.noData', {}, locale);
  return {
    id: `trend-${series}`,
    title,
    summary,
    width: WIDTH,
    height: HEIGHT,
    plot,
    labelX: plot.left - 4,
    labelY: HEIGHT - 6,
    yTicks,
    xTicks,
    path,
    dots: series === 'incidentDays' ? [] : withValue.map(point),
    bars,
    empty: series === 'incidentDays' ? weeks.length === 0 : withValue.length === 0,
  };
}

const series: Series[] = ['attendancePercent', 'averageScore', 'incidentDays', 'wellbeing'];

export function trendCharts(weeks: WeekPoint[], locale: Locale, include: readonly Series[] = series): TrendChart[] {
  return include.map((s) => chartOf(s, weeks, locale));
}

/** The same numbers as a table: one row per week, a dash where the week has none. */
export function trendTable(weeks: WeekPoint[], locale: Locale, include: readonly Series[] = series): TrendTable {
  return {
    caption: t('indicators.panel.tableCaption', {}, locale),
    headers: [t('indicators.panel.week', {}, locale), ...include.map((s) => t(`indicators.panel.chart.${s}`, {}, locale))],
    rows: weeks.map((w) => ({ week: weekLabel(w.week, locale), cells: include.map((s) => (w[s] === null ? '–' : valueText[s](w[s], locale))) })),
  };
}
export type { Series as TrendSeries };
