import { suppressList, type SuppressionReason } from '../reports/suppression.js';

/**
 * The belonging pulse on the school view as shares, with small groups suppressed: pure, no database.
 * Only aggregates reach here (src/surveys favourableBy): the pulse's answers are never listed by student.
 *
 * A group's size is its fewest respondents to any question (a skipped question has fewer answers than
 * the survey has respondents). A group under the minimum is hidden whole ("fewer than N"), and, by the
 * reports library's complementary rule, another group with it whenever the hidden ones could be worked
 * out from the overall figures. The same groups are hidden in every column: hiding different groups per
 * question would let one question's shown groups give away another's hidden one by subtraction.
 */
export interface ItemCount {
  respondents: number;
  favourable: number;
}
export interface GroupTally {
  respondents: number;
  items: Readonly<Record<string, ItemCount>>;
}

export type Suppressed = { suppressed: true; reason: SuppressionReason };
export type ShareCell = (ItemCount & { percent: number }) | Suppressed;
export type CountCell = { shown: number } | Suppressed;

export interface PulseTable {
  questions: string[];
  overall: { respondents: CountCell; items: ShareCell[] };
  rows: { key: string; respondents: CountCell; items: ShareCell[] }[];
}

const percentOf = (c: ItemCount) => (c.respondents === 0 ? 0 : Math.round((c.favourable / c.respondents) * 100));
const shareOf = (c: ItemCount): ShareCell => ({ ...c, percent: percentOf(c) });
const noAnswers: ItemCount = { respondents: 0, favourable: 0 };

/** Favourable shares per question, overall and per group (groups as listed), every figure under the minimum hidden. */
export function pulseTable(questionIds: readonly string[], overall: GroupTally, groups: readonly { key: string; tally: GroupTally }[], min: number): PulseTable {
  const itemOf = (t: GroupTally, q: string) => t.items[q] ?? noAnswers;
  const sizes = groups.map((g) => Math.min(g.tally.respondents, ...questionIds.map((q) => itemOf(g.tally, q).respondents)));
  const hidden = suppressList(sizes.map((n) => ({ n })), min).groups;
  const small: Suppressed = { suppressed: true, reason: 'small' };
  return {
    questions: [...questionIds],
    overall: {
      respondents: overall.respondents < min ? small : { shown: overall.respondents },
      items: questionIds.map((q) => (itemOf(overall, q).respondents < min ? small : shareOf(itemOf(overall, q)))),
    },
    rows: groups.map((g, i) => {
      const cell = hidden[i]!;
      if (!('shown' in cell)) return { key: g.key, respondents: cell, items: questionIds.map(() => cell) };
      return { key: g.key, respondents: { shown: g.tally.respondents }, items: questionIds.map((q) => shareOf(itemOf(g.tally, q))) };
    }),
  };
}
