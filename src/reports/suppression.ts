import { z } from 'zod';

/**
 * Small-group suppression for disaggregated counts (FERPA; NCES practice): a group of fewer students
 * than the school's minimum is never shown, and no hidden number can be worked out from the shown
 * ones. Pure: no database, no language. The rule, with a worked example, is in ./README.md.
 *
 * 1. A group whose size (its base, n) is under the minimum is hidden: its total and every cell.
 * 2. Complementary suppression: every list of groups is shown beside its total (the school's, or a
 *    column's), so hiding one group alone would reveal it by subtraction. While exactly one group is
 *    hidden, or the hidden groups together number fewer students than the minimum (their difference
 *    from the total would be a small group again), the smallest shown group is hidden too (ties: the
 *    first listed), until stable.
 * 3. A total whose own base is under the minimum is hidden (a whole school smaller than the minimum).
 *
 * Totals are assumed shown (the school's total is on some other page if not this one): the safe case.
 * Cells are hidden by whole groups only, so a shown group's cells are all shown and a hidden group's
 * all hidden; within a shown group of at least the minimum a count is not an individual's record.
 */

export const minimumGroupSize = { floor: 5, default: 10, ceiling: 100 } as const;

/** The school's minimum group size: a whole number, never below 5 (the floor), 10 unless the school sets it. */
export const minGroupSizeSchema = z.coerce
  .number({ message: 'reports.settings.errors.whole' })
  .int('reports.settings.errors.whole')
  .min(minimumGroupSize.floor, 'reports.settings.errors.tooSmall')
  .max(minimumGroupSize.ceiling, 'reports.settings.errors.tooLarge')
  .default(minimumGroupSize.default);

export type SuppressionReason = 'small' | 'complementary';
export type Cell = { shown: number } | { suppressed: true; reason: SuppressionReason };

export const isShown = (cell: Cell): cell is { shown: number } => 'shown' in cell;

/** One group of a list (a grade, a subgroup) and its size. */
export interface Group {
  n: number;
}

/** A list of groups shown with their overall total: each group's cell, and the total's. */
export interface SuppressedList {
  groups: Cell[];
  total: Cell;
}

/** A table of counts: one row per group (its size, `base`) and one count per category (students of the group in it). */
export interface CountTable {
  rows: readonly { base: number; counts: readonly number[] }[];
}

export interface SuppressedTable {
  /** Per group: its size as shown (the row total) and its cells. */
  rows: { base: Cell; cells: Cell[] }[];
  /** Per category: the count over every group, hidden ones included (a school-wide figure). */
  columnTotals: Cell[];
  /** Every group's students together. */
  grandTotal: Cell;
}

function checkCount(n: number, what: string): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${what} must be a whole number of students, not ${n}`);
}

function checkMinimum(min: number): void {
  if (!Number.isInteger(min) || min < minimumGroupSize.floor) throw new RangeError(`the minimum group size is at least ${minimumGroupSize.floor}, not ${min}`);
}

/** Which groups are hidden and why (rules 1 and 2), by position. */
function hiddenGroups(sizes: readonly number[], min: number): (SuppressionReason | undefined)[] {
  const hidden: (SuppressionReason | undefined)[] = sizes.map((n) => (n < min ? 'small' : undefined));
  const leaks = () => {
    const sizesHidden = sizes.filter((_, i) => hidden[i]);
    const together = sizesHidden.reduce((a, b) => a + b, 0);
    return sizesHidden.length === 1 || (sizesHidden.length > 0 && together < min);
  };
  while (leaks()) {
    let next = -1;
    sizes.forEach((n, i) => {
      if (!hidden[i] && (next < 0 || n < sizes[next])) next = i;
    });
    if (next < 0) break; // every group hidden: nothing left to subtract from the total
    hidden[next] = 'complementary';
  }
  return hidden;
}

const cellOf = (value: number, reason: SuppressionReason | undefined): Cell => (reason ? { suppressed: true, reason } : { shown: value });

/** A list of groups and their total (grade 9: 12, grade 10: 4, grade 11: 30, all: 46). */
export function suppressList(groups: readonly Group[], min: number): SuppressedList {
  checkMinimum(min);
  groups.forEach((g) => checkCount(g.n, 'a group size'));
  const sizes = groups.map((g) => g.n);
  const hidden = hiddenGroups(sizes, min);
  const total = sizes.reduce((a, b) => a + b, 0);
  return { groups: sizes.map((n, i) => cellOf(n, hidden[i])), total: cellOf(total, total < min ? 'small' : undefined) };
}

/**
 * A table of groups by categories with its row, column and grand totals. Every column is a list of
 * the groups' counts beside the column's total, and the row totals a list beside the grand total, so
 * the groups hidden are the same in every column: those suppressList would hide by size.
 */
export function suppressTable(table: CountTable, min: number): SuppressedTable {
  checkMinimum(min);
  const columns = table.rows[0]?.counts.length ?? 0;
  for (const row of table.rows) {
    checkCount(row.base, 'a group size');
    if (row.counts.length !== columns) throw new RangeError('every row needs a count for every column');
    row.counts.forEach((c) => {
      checkCount(c, 'a count');
      if (c > row.base) throw new RangeError(`a count (${c}) cannot exceed its group's size (${row.base})`);
    });
  }
  const hidden = hiddenGroups(table.rows.map((r) => r.base), min);
  const grand = table.rows.reduce((a, r) => a + r.base, 0);
  const totalReason = grand < min ? 'small' : undefined;
  return {
    rows: table.rows.map((r, i) => ({ base: cellOf(r.base, hidden[i]), cells: r.counts.map((c) => cellOf(c, hidden[i])) })),
    columnTotals: Array.from({ length: columns }, (_, c) => cellOf(table.rows.reduce((a, r) => a + r.counts[c], 0), totalReason)),
    grandTotal: cellOf(grand, totalReason),
  };
}
