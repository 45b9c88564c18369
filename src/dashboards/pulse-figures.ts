import { suppressList, type SuppressionReason } from '../reports/suppression.js';

/**
 * The belonging pulse on the school view as shares, with small groups suppressed: pure, no database.
 * Only aggregates reach here (src/surveys favourableBy): the pulse's answers are never listed by student.
 *
 * Each question is its own list of groups beside its overall figure: a group is hidden when fewer than
 * the minimum answered that question ("fewer than N"), and, by the reports library's complementary
 * rule, another group with it whenever the hidden ones could be worked out from the overall figure.
 * The respondents column is suppressed the same way over the students who answered anything.
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
  const respondents = suppressList(groups.map((g) => ({ n: g.tally.respondents })), min);
  const perQuestion = questionIds.map((q) => {
    const counts = groups.map((g) => g.tally.items[q] ?? noAnswers);
    const list = suppressList(counts.map((c) => ({ n: c.respondents })), min);
    const all = overall.items[q] ?? noAnswers;
    return {
      total: 'shown' in list.total ? shareOf(all) : list.total,
      groups: list.groups.map((cell, i) => ('shown' in cell ? shareOf(counts[i]!) : cell)),
    };
  });
  return {
    questions: [...questionIds],
    overall: { respondents: overall.respondents < min ? { suppressed: true, reason: 'small' } : { shown: overall.respondents }, items: perQuestion.map((q) => q.total) },
    rows: groups.map((g, i) => ({ key: g.key, respondents: respondents.groups[i]!, items: perQuestion.map((q) => q.groups[i]!) })),
  };
}
