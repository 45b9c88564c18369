import { scaleBand, scaleLinear } from 'd3-scale';
import { stack, stackOffsetExpand, stackOffsetNone } from 'd3-shape';
import { t } from '../web/i18n.js';
import { formatNumber } from '../web/intl.js';
import { cellText, frameOf, hiddenNote, palette, round, seeTable, textOn, type ChartFrame, type ChartOptions, type ChartTable } from './chart-common.js';
import { isShown, type Cell } from './suppression.js';

export interface StackedBarInput extends ChartOptions {
  /** The parts of each bar, in order (Tier 1, Tier 2, Tier 3). */
  categories: string[];
  /** One bar per group (grade), one count per category; a group with a hidden count is hidden whole (suppressTable hides whole rows). */
  rows: { label: string; values: Cell[] }[];
  rowHeader: string;
  /** Each bar as shares of its group (every bar 100% long), for groups of different sizes. */
  asShare?: boolean;
}

export interface StackedBar extends ChartFrame {
  plot: { left: number; right: number; top: number; bottom: number };
  ticks: { x: number; label: string }[];
  legend: { fill: string; label: string }[];
  rows: { label: string; y: number; middle: number; height: number; hidden: boolean; hiddenText?: string; segments: { x: number; width: number; textX: number; fits: boolean; fill: string; textFill: string; text: string; title: string }[] }[];
}

const WIDTH = 480;
const ROW = 30;
const LEFT = 110;
const TOP = 8;
const AXIS = 22;

type Datum = { row: number; values: number[] };

/** Horizontal stacked bars, one per group; a hidden group has no bar, its reason in words instead. */
export function stackedBar(input: StackedBarInput): { chart: StackedBar; table: ChartTable } {
  const plot = { left: LEFT, right: WIDTH - 16, top: TOP, bottom: TOP + input.rows.length * ROW };
  const y = scaleBand<number>()
    .domain(input.rows.map((_, i) => i))
    .range([plot.top, plot.bottom])
    .padding(0.2);
  const shown = input.rows.map((r, i) => ({ row: i, values: r.values.map((v) => (isShown(v) ? v.shown : NaN)) })).filter((d) => d.values.every((v) => !Number.isNaN(v)));
  const layers = stack<Datum, number>()
    .keys(input.categories.map((_, c) => c))
    .value((d, c) => d.values[c])
    .offset(input.asShare ? stackOffsetExpand : stackOffsetNone)(shown);
  const largest = Math.max(0, ...shown.map((d) => d.values.reduce((a, b) => a + b, 0)));
  const x = scaleLinear()
    .domain([0, input.asShare ? 1 : largest || 1])
    .range([plot.left, plot.right])
    .nice();
  const percent = (share: number) => t('reports.value.percent', { value: formatNumber(share * 100, input.locale, 0) }, input.locale);
  const rows = input.rows.map((r, i) => {
    const hiddenCell = r.values.find((v) => !isShown(v));
    const segments = layers.flatMap((layer, c) => {
      const seg = layer.find((s) => s.data.row === i);
      if (!seg || seg[1] === seg[0]) return [];
      const fill = palette[c % palette.length];
      const text = input.asShare ? percent(seg[1] - seg[0]) : cellText(r.values[c], input);
      const width = round(x(seg[1]) - x(seg[0]));
      return [{ x: round(x(seg[0])), width, textX: round(x(seg[0]) + width / 2), fits: width >= 32, fill, textFill: textOn(fill), text, title: `${r.label}, ${input.categories[c]}: ${text}` }];
    });
    return { label: r.label, y: round(y(i)!), middle: round(y(i)! + y.bandwidth() / 2), height: round(y.bandwidth()), hidden: !!hiddenCell, hiddenText: hiddenCell ? cellText(hiddenCell, input) : undefined, segments };
  });
  const cells = input.rows.flatMap((r) => r.values);
  return {
    chart: {
      ...frameOf(input, WIDTH, plot.bottom + AXIS, seeTable(input.locale)),
      plot,
      ticks: x.ticks(4).map((v) => ({ x: round(x(v)), label: input.asShare ? percent(v) : cellText({ shown: v }, input) })),
      legend: input.categories.map((label, c) => ({ fill: palette[c % palette.length], label })),
      rows,
    },
    table: { caption: input.title, headers: [input.rowHeader, ...input.categories], rows: input.rows.map((r) => ({ label: r.label, cells: r.values.map((v) => cellText(v, input)) })), note: hiddenNote(cells, input) },
  };
}
