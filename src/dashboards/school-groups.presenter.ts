import { stackedBar } from '../reports/charts.js';
import { cellText } from '../reports/chart-common.js';
import { suppressTable, isShown, type Cell } from '../reports/suppression.js';
import { defaultLocale, t, type Locale } from '../web/i18n.js';
import type { CountTable } from './school-figures.js';
import type { PulseTable, ShareCell } from './pulse-figures.js';
import type { ViewGrouping } from './school.schemas.js';

/**
 * The school view's figures by a grouping (needs, tiers, indicator bands, the pulse) as tables whose
 * every shown number links to the students behind it: cells of a group under the minimum (and its
 * complements) are words, never numbers, and never links.
 */

/** What cellText needs to word a cell (a table has no chart id or title). */
const wording = (minGroupSize: number, locale?: Locale) => ({ id: '', title: '', locale: locale ?? defaultLocale, minGroupSize });

/** A list's query (school-filters.ts): what counted the number, and which group. */
export type ListQuery = Record<string, string>;
export interface LinkedCell {
  text: string;
  list: ListQuery | null;
}
export interface LinkedTable {
  caption: string;
  headers: string[];
  rows: { label: string; cells: LinkedCell[] }[];
  hidden: boolean;
}

export interface GroupedTableInput {
  table: CountTable;
  caption: string;
  rowHeader: string;
  columns: { label: string; list: ListQuery | null }[];
  /** A group's row name and its filter (null: no filter names the group, as for students of no advisory). */
  groupLabel: (key: string) => string;
  groupFilter: (key: string) => ListQuery | null;
  /** Whether the reader may list students at all. */
  canList: boolean;
  minGroupSize: number;
  locale?: Locale;
}

/** A count table suppressed (src/reports), with its groups' rows and the school-wide total row, each shown count linked. */
export function groupedTable(i: GroupedTableInput): LinkedTable {
  const s = suppressTable({ rows: i.table.rows.map((r) => ({ base: r.base, counts: r.cells })) }, i.minGroupSize);
  const opts = wording(i.minGroupSize, i.locale);
  const cell = (value: Cell, list: ListQuery | null): LinkedCell => ({ text: cellText(value, opts), list: i.canList && isShown(value) && list ? list : null });
  const within = (group: ListQuery | null, list: ListQuery | null) => (group && list ? { ...list, ...group } : null);
  const rows = i.table.rows.map((r, n) => {
    const group = i.groupFilter(r.key);
    return {
      label: i.groupLabel(r.key),
      cells: [cell(s.rows[n]!.base, within(group, { show: 'all' })), ...s.rows[n]!.cells.map((c, col) => cell(c, within(group, i.columns[col]!.list)))],
    };
  });
  const total = { label: t('dashboards.school.allStudents', {}, i.locale), cells: [cell(s.grandTotal, { show: 'all' }), ...s.columnTotals.map((c, col) => cell(c, i.columns[col]!.list))] };
  return {
    caption: i.caption,
    headers: [i.rowHeader, t('dashboards.school.students', {}, i.locale), ...i.columns.map((c) => c.label)],
    rows: [...rows, total],
    hidden: s.rows.some((r) => !isShown(r.base)),
  };
}

/** Each indicator's bands by the grouping: a linked table and a stacked bar of shares (report partials). */
export function bandSections(
  bands: readonly { indicator: string; label: string; table: CountTable }[],
  bandNames: readonly { id: string; label: string }[],
  g: { grouping: ViewGrouping; by: string; groupLabel: (key: string) => string; groupFilter: (key: string) => ListQuery | null; canList: boolean; minGroupSize: number; locale?: Locale },
) {
  const names = [...bandNames.map((b) => b.label), t('dashboards.school.bands.none', {}, g.locale)];
  return bands.map((b) => {
    const ids = [...bandNames.map((n) => n.id), 'none'];
    const table = groupedTable({
      table: b.table,
      caption: t('dashboards.school.bands.caption', { indicator: b.label, by: g.by }, g.locale),
      rowHeader: g.by,
      columns: ids.map((band, i) => ({ label: names[i]!, list: { show: 'band', indicator: b.indicator, band } })),
      ...g,
    });
    const s = suppressTable({ rows: b.table.rows.map((r) => ({ base: r.base, counts: r.cells })) }, g.minGroupSize);
    const chart = stackedBar({
      id: `bands-${b.indicator}`,
      title: t('dashboards.school.bands.title', { indicator: b.label, by: g.by }, g.locale),
      locale: g.locale ?? defaultLocale,
      minGroupSize: g.minGroupSize,
      categories: names,
      rows: b.table.rows.map((r, i) => ({ label: g.groupLabel(r.key), values: s.rows[i]!.cells })),
      rowHeader: g.by,
      asShare: true,
    });
    return { indicator: b.indicator, label: b.label, table, chart };
  });
}

const shareText = (c: ShareCell, minGroupSize: number, locale?: Locale) =>
  'suppressed' in c ? cellText(c, wording(minGroupSize, locale)) : t('dashboards.school.pulse.share', { percent: c.percent, favourable: c.favourable, respondents: c.respondents }, locale);

/**
 * The pulse's favourable shares by the grouping: plain text cells, no links, since a pulse's answers
 * are never listed by student (only groups of at least the minimum, as shares).
 */
export function pulseSection(
  pulse: { window: { title: string; opensOn: string; closesOn: string; state: string }; questions: { id: string; text: string; reverse: boolean }[]; table: PulseTable } | null,
  g: { by: string; groupLabel: (key: string) => string; minGroupSize: number; locale?: Locale },
) {
  if (!pulse) return null;
  const opts = wording(g.minGroupSize, g.locale);
  const row = (label: string, r: PulseTable['overall']) => ({ label, cells: [cellText(r.respondents, opts), ...r.items.map((c) => shareText(c, g.minGroupSize, g.locale))] });
  return {
    window: pulse.window,
    state: t(`dashboards.school.pulse.state.${pulse.window.state}`, {}, g.locale),
    caption: t('dashboards.school.pulse.caption', { title: pulse.window.title, by: g.by }, g.locale),
    headers: [g.by, t('dashboards.school.pulse.respondents', {}, g.locale), ...pulse.questions.map((q) => (q.reverse ? t('dashboards.school.pulse.reverse', { text: q.text }, g.locale) : q.text))],
    rows: [...pulse.table.rows.map((r) => row(g.groupLabel(r.key), r)), row(t('dashboards.school.allStudents', {}, g.locale), pulse.table.overall)],
    hidden: [...pulse.table.rows, pulse.table.overall].some((r) => !isShown(r.respondents) || r.items.some((c) => 'suppressed' in c)),
  };
}
