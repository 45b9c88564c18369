import { scaleLinear, scalePoint } from 'd3-scale';
import { area, line } from 'd3-shape';
import { t } from '../web/i18n.js';
import { cellText, dashes, frameOf, hiddenNote, palette, round, seeTable, type ChartFrame, type ChartOptions, type ChartTable } from './chart-common.js';
import { isShown, type Cell } from './suppression.js';

export interface LineChartInput extends ChartOptions {
  /** The weeks (yyyy-mm-dd, each week's first day), oldest first. */
  weeks: string[];
  /** One value a week per series (null: no snapshot that week); a hidden or missing week breaks the line. */
  series: { name: string; values: (Cell | null)[] }[];
  domain?: [number, number];
}

export interface LineChart extends ChartFrame {
  plot: { left: number; right: number; top: number; bottom: number };
  xTicks: { x: number; label: string }[];
  yTicks: { y: number; label: string }[];
  /** With one series, the area under its line. */
  area?: string;
  series: { name: string; colour: string; dash: string; path: string; dots: { x: number; y: number; title: string }[] }[];
}

const WIDTH = 480;
const HEIGHT = 200;
const plot = { left: 44, right: WIDTH - 12, top: 12, bottom: HEIGHT - 28 };

const weekLabel = (week: string, locale: string) => new Intl.DateTimeFormat(t('language.intl', {}, locale), { month: 'short', day: 'numeric', timeZone: 'UTC' }).format(new Date(`${week}T00:00:00Z`));

type Point = { week: string; cell: Cell | null };
const shownValue = (p: Point): number => (p.cell && isShown(p.cell) ? p.cell.shown : NaN);

/** Weekly snapshots, one line per series (colour and dash), with gaps where a week is missing or hidden. */
export function lineChart(input: LineChartInput): { chart: LineChart; table: ChartTable } {
  const x = scalePoint<string>().domain(input.weeks).range([plot.left, plot.right]).padding(0.5);
  const all = input.series.flatMap((s) => s.values.filter((v): v is Cell => v !== null));
  const largest = Math.max(0, ...all.map((c) => (isShown(c) ? c.shown : 0)));
  const y = scaleLinear()
    .domain(input.domain ?? [0, largest || 1])
    .range([plot.bottom, plot.top])
    .nice();
  const points = (values: (Cell | null)[]): Point[] => input.weeks.map((week, i) => ({ week, cell: values[i] ?? null }));
  const defined = (p: Point) => !Number.isNaN(shownValue(p));
  const xOf = (p: Point) => round(x(p.week)!);
  const yOf = (p: Point) => round(y(shownValue(p)));
  const path = line<Point>().defined(defined).x(xOf).y(yOf);
  const under = area<Point>().defined(defined).x(xOf).y0(round(y(y.domain()[0]))).y1(yOf);
  const every = Math.max(1, Math.ceil(input.weeks.length / 6));
  const series = input.series.map((s, i) => {
    const ps = points(s.values);
    return {
      name: s.name,
      colour: palette[i % palette.length],
      dash: dashes[i % dashes.length],
      path: path(ps) ?? '',
      dots: ps.filter(defined).map((p) => ({ x: xOf(p), y: yOf(p), title: `${s.name}, ${weekLabel(p.week, input.locale)}: ${cellText(p.cell!, input)}` })),
    };
  });
  const only = input.series.length === 1 ? input.series[0] : undefined;
  const dash = '–';
  return {
    chart: {
      ...frameOf(input, WIDTH, HEIGHT, seeTable(input.locale)),
      plot,
      xTicks: input.weeks.filter((_, i) => i % every === 0).map((w) => ({ x: round(x(w)!), label: weekLabel(w, input.locale) })),
      yTicks: y.ticks(4).map((v) => ({ y: round(y(v)), label: cellText({ shown: v }, input) })),
      area: only ? (under(points(only.values)) ?? undefined) : undefined,
      series,
    },
    table: {
      caption: input.title,
      headers: [t('reports.chart.week', {}, input.locale), ...input.series.map((s) => s.name)],
      rows: input.weeks.map((w, i) => ({ label: weekLabel(w, input.locale), cells: input.series.map((s) => (s.values[i] ? cellText(s.values[i], input) : dash)) })),
      note: hiddenNote(all, input),
    },
  };
}
