import { scaleLinear, scaleSequential } from 'd3-scale';
import { t, type Locale } from '../web/i18n.js';
import { formatNumber } from '../web/intl.js';
import { isShown, type Cell } from './suppression.js';

/**
 * What every report chart shares: the words for a hidden value, the table alternative, the colours
 * (the stylesheet's own: src/web/public/app.css), and rounding. A chart is a view model of
 * coordinates and texts; its partial (views/partials/report-*.hbs) writes the markup, so Handlebars
 * escapes every text.
 */

/** What a chart needs besides its numbers: its id on the page, its title, the reader's language and the school's minimum group size. */
export interface ChartOptions {
  /** Unique on the page; a-z, 0-9 and dashes (it names the SVG's title, description and patterns). */
  id: string;
  title: string;
  locale: Locale;
  minGroupSize: number;
  /** How a shown value reads ("12", "40%"); the language's number by default. */
  format?: (n: number, locale: Locale) => string;
}

/** The same numbers as the chart, as a table: one row per group (or week), one cell per value. */
export interface ChartTable {
  caption: string;
  headers: string[];
  rows: { label: string; cells: string[] }[];
  /** Explains hidden values; present when the table has one. */
  note?: string;
}

export interface ChartFrame {
  id: string;
  title: string;
  /** The image's accessible description. */
  summary: string;
  width: number;
  height: number;
}

const safeId = /^[a-z][a-z0-9-]{0,40}$/;
export function frameOf(opts: ChartOptions, width: number, height: number, summary: string): ChartFrame {
  if (!safeId.test(opts.id)) throw new RangeError(`a chart id is a-z, 0-9 and dashes: ${opts.id}`);
  return { id: opts.id, title: opts.title, summary, width: round(width), height: round(height) };
}

export const round = (n: number) => Math.round(n * 10) / 10;

/** A shown value in the chart's format; a hidden one in words ("fewer than 10", "hidden"). */
export function cellText(cell: Cell, opts: ChartOptions): string {
  if (isShown(cell)) return (opts.format ?? formatNumber)(cell.shown, opts.locale);
  return cell.reason === 'small' ? t('reports.hidden.fewerThan', { count: opts.minGroupSize }, opts.locale) : t('reports.hidden.complementary', {}, opts.locale);
}

/** The note under a table or legend when some value is hidden. */
export const hiddenNote = (cells: Cell[], opts: ChartOptions): string | undefined =>
  cells.some((c) => !isShown(c)) ? t('reports.hidden.note', { count: opts.minGroupSize }, opts.locale) : undefined;

export const seeTable = (locale: Locale) => t('reports.chart.seeTable', {}, locale);

/** Series and category colours: the stylesheet's accent, bad, good, student-voice and warn, each at least 4.5:1 on white. */
export const palette = ['#0b5cad', '#a4161a', '#1a6b35', '#6f42c1', '#8a4b00'] as const;
/** Dash patterns beside the colours, so series differ without colour too. */
export const dashes = ['', '6 3', '2 3', '8 3 2 3', '1 2'] as const;

/** The heat map's ramp: the page's soft grey to a dark accent blue, through d3's sequential scale. */
const ramp = scaleLinear<string>().domain([0, 0.5, 1]).range(['#f4f6f8', '#6f9fd4', '#0b3d7a']);
export const shadeScale = (domain: [number, number]) => scaleSequential((u: number) => ramp(u)).domain(domain);

/** Relative luminance (WCAG 2.1) of an "rgb(r, g, b)" or "#rrggbb" colour. */
function luminance(colour: string): number {
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(colour);
  const parts = hex ? hex.slice(1).map((h) => parseInt(h, 16)) : (colour.match(/\d+/g) ?? []).map(Number);
  const [r, g, b] = parts.map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
export const contrast = (a: string, b: string) => {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
};
/** Black or white text on a fill, whichever reads better: one of them is always at least 4.58:1 (WCAG AA). */
export const textOn = (fill: string) => (contrast(fill, '#000000') >= contrast(fill, '#ffffff') ? '#000000' : '#ffffff');
