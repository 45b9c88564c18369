import { scaleBand, scaleLinear } from 'd3-scale';
import { cellText, frameOf, hiddenNote, round, type ChartFrame, type ChartOptions, type ChartTable } from './chart-common.js';
import { isShown, type Cell } from './suppression.js';

export interface BarChartInput extends ChartOptions {
  items: { label: string; value: Cell }[];
  /** The table's headers: the groups' name ("Grade") and the value's ("Students"). */
  labelHeader: string;
  valueHeader: string;
  /** The axis's end (100 for percentages); the largest value, rounded up by d3, when left out. */
  max?: number;
}

export interface BarChart extends ChartFrame {
  plot: { left: number; right: number; top: number; bottom: number };
  ticks: { x: number; label: string }[];
  /** Per item: its label's and value's place; `bar` only when the value is shown. */
  rows: { label: string; y: number; middle: number; height: number; bar?: { x: number; width: number }; valueText: string; valueX: number; hidden: boolean }[];
}

const WIDTH = 480;
const ROW = 28;
const LEFT = 130;
const TOP = 8;
const AXIS = 22;

/** Horizontal bars, one per group; a hidden group has no bar, only "fewer than N" (or "hidden") in words. */
export function barChart(input: BarChartInput): { chart: BarChart; table: ChartTable } {
  const { items } = input;
  const plot = { left: LEFT, right: WIDTH - 60, top: TOP, bottom: TOP + items.length * ROW };
  const y = scaleBand<number>()
    .domain(items.map((_, i) => i))
    .range([plot.top, plot.bottom])
    .padding(0.2);
  const largest = Math.max(0, ...items.map((i) => (isShown(i.value) ? i.value.shown : 0)));
  const x = scaleLinear()
    .domain([0, input.max ?? (largest || 1)])
    .range([plot.left, plot.right])
    .nice();
  const rows = items.map((item, i) => {
    const top = y(i)!;
    const shown = isShown(item.value);
    const end = isShown(item.value) ? x(item.value.shown) : plot.left;
    return {
      label: item.label,
      y: round(top),
      middle: round(top + y.bandwidth() / 2),
      height: round(y.bandwidth()),
      bar: shown ? { x: plot.left, width: round(end - plot.left) } : undefined,
      valueText: cellText(item.value, input),
      valueX: round(end + 4),
      hidden: !shown,
    };
  });
  const summary = rows.map((r) => `${r.label}: ${r.valueText}`).join('; ');
  return {
    chart: { ...frameOf(input, WIDTH, plot.bottom + AXIS, summary), plot, ticks: x.ticks(4).map((v) => ({ x: round(x(v)), label: cellText({ shown: v }, input) })), rows },
    table: { caption: input.title, headers: [input.labelHeader, input.valueHeader], rows: rows.map((r) => ({ label: r.label, cells: [r.valueText] })), note: hiddenNote(items.map((i) => i.value), input) },
  };
}
