import { scaleBand, scaleLinear } from 'd3-scale';
import { cellText, frameOf, hiddenNote, round, seeTable, shadeScale, textOn, type ChartFrame, type ChartOptions, type ChartTable } from './chart-common.js';
import { isShown, type Cell } from './suppression.js';

export interface HeatMapInput extends ChartOptions {
  /** The categories across the top (needs, in the screener's order). */
  columns: string[];
  /** The groups down the side (grades), one cell per column. */
  rows: { label: string; cells: Cell[] }[];
  /** The table's first header: the groups' name ("Grade"). */
  rowHeader: string;
  /** The shades' range of values ([0, 100] for percentages); 0 to the largest value when left out. */
  domain?: [number, number];
}

export interface HeatMap extends ChartFrame {
  cellWidth: number;
  labelX: number;
  cellHeight: number;
  columns: { x: number; y: number; label: string }[];
  rows: { y: number; middle: number; label: string; cells: { x: number; textX: number; fill: string; textFill: string; text: string; hidden: boolean; title: string }[] }[];
  /** Swatches from low to high, and the hidden cells' mark when a cell is hidden. */
  legend: { swatches: { fill: string; label: string }[]; hiddenNote?: string };
}

const CELL_W = 56;
const CELL_H = 32;
const LEFT = 110;
const TOP = 96; // the column labels, slanted
const RIGHT = 40;

/** Groups by categories, each cell shaded by its value; a hidden cell is hatched, shows "*" and the legend says why. */
export function heatMap(input: HeatMapInput): { chart: HeatMap; table: ChartTable } {
  const width = LEFT + input.columns.length * CELL_W + RIGHT;
  const x = scaleBand<number>()
    .domain(input.columns.map((_, i) => i))
    .range([LEFT, LEFT + input.columns.length * CELL_W]);
  const y = scaleBand<number>()
    .domain(input.rows.map((_, i) => i))
    .range([TOP, TOP + input.rows.length * CELL_H]);
  const cells = input.rows.flatMap((r) => r.cells);
  const largest = Math.max(0, ...cells.map((c) => (isShown(c) ? c.shown : 0)));
  const shade = shadeScale(input.domain ?? [0, largest || 1]);
  const rows = input.rows.map((row, r) => ({
    y: round(y(r)!),
    middle: round(y(r)! + CELL_H / 2),
    label: row.label,
    cells: row.cells.map((cell, c) => {
      const fill = isShown(cell) ? shade(cell.shown) : '#ffffff';
      const text = cellText(cell, input);
      return { x: round(x(c)!), textX: round(x(c)! + CELL_W / 2), fill, textFill: textOn(fill), text: isShown(cell) ? text : '*', hidden: !isShown(cell), title: `${row.label}, ${input.columns[c]}: ${text}` };
    }),
  }));
  const note = hiddenNote(cells, input);
  return {
    chart: {
      ...frameOf(input, width, TOP + input.rows.length * CELL_H + 8, seeTable(input.locale)),
      cellWidth: CELL_W,
      labelX: LEFT - 6,
      cellHeight: CELL_H,
      columns: input.columns.map((label, c) => ({ x: round(x(c)! + CELL_W / 2), y: TOP - 6, label })),
      rows,
      legend: { swatches: scaleLinear().domain(shade.domain()).ticks(4).map((v) => ({ fill: shade(v), label: cellText({ shown: v }, input) })), hiddenNote: note },
    },
    table: { caption: input.title, headers: [input.rowHeader, ...input.columns], rows: input.rows.map((r) => ({ label: r.label, cells: r.cells.map((c) => cellText(c, input)) })), note },
  };
}
