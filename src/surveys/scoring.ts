/**
 * Pulse scores, pure: no database, no clock. Answers are points of the 1-5 agreement scale by item id;
 * an item flagged `reverse` counts 6 - answer (agreeing with "I often worry about my safety" is a low
 * score). A score is the mean of the answered items, one decimal; an item left out counts for nothing.
 */
export const constructs = ['belonging', 'connectedness', 'wellbeing', 'safety'] as const;
export type Construct = (typeof constructs)[number];

export interface ScoredItem {
  id: string;
  construct: Construct;
  reverse: boolean;
}
/** A student's answers: item id -> 1..5 (items skipped are absent). */
export type Answers = Readonly<Record<string, number>>;

export const points = [1, 2, 3, 4, 5] as const;
const oneDecimal = (n: number) => Math.round(n * 10) / 10;
const mean = (xs: readonly number[]) => (xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length);
const isPoint = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 5;

/** The item's answer as a score (reverse-scored where flagged), or null when not answered. */
export function scoredValue(item: ScoredItem, answers: Answers): number | null {
  const raw = answers[item.id];
  if (!isPoint(raw)) return null;
  return item.reverse ? 6 - raw : raw;
}

export interface ResponseScore {
  /** Per construct: the mean of its answered items, one decimal; null when none was answered. */
  constructs: Record<Construct, number | null>;
  /** The mean of every answered item, one decimal; null when nothing was answered. */
  overall: number | null;
  answered: number;
}

/** One student's response scored. */
export function scoreResponse(items: readonly ScoredItem[], answers: Answers): ResponseScore {
  const values = items.map((i) => ({ construct: i.construct, value: scoredValue(i, answers) }));
  const answered = values.filter((v): v is { construct: Construct; value: number } => v.value !== null);
  const round = (m: number | null) => (m === null ? null : oneDecimal(m));
  return {
    constructs: Object.fromEntries(constructs.map((c) => [c, round(mean(answered.filter((v) => v.construct === c).map((v) => v.value)))])) as Record<Construct, number | null>,
    overall: round(mean(answered.map((v) => v.value))),
    answered: answered.length,
  };
}

/** Counts of 1..5, index 0 for 1. */
export type Distribution = [number, number, number, number, number];

export interface Tally {
  /** Students who answered (an item: it; a construct: at least one of its items). */
  respondents: number;
  /** One decimal; null without a respondent. Items: of the answers as given. Constructs: of the students' construct scores. */
  mean: number | null;
  /** Items: the answers as given. Constructs: every scored answer of its items (reverse-scored where flagged). */
  distribution: Distribution;
}

export interface Results {
  respondents: number;
  items: Record<string, Tally>;
  constructs: Record<Construct, Tally>;
}

const tally = (values: readonly number[], meanOf: readonly number[]): Tally => {
  const distribution: Distribution = [0, 0, 0, 0, 0];
  for (const v of values) distribution[v - 1]! += 1;
  const m = mean(meanOf);
  return { respondents: meanOf.length, mean: m === null ? null : oneDecimal(m), distribution };
};

/**
 * A group's answers counted, without suppression (the caller applies the minimum group size): per item
 * and per construct, how many answered, the mean, and how many chose each point.
 */
export function resultsOf(items: readonly ScoredItem[], responses: readonly Answers[]): Results {
  const itemResults = Object.fromEntries(
    items.map((item) => {
      const raw = responses.map((a) => a[item.id]).filter(isPoint);
      return [item.id, tally(raw, raw)];
    }),
  );
  const constructResults = Object.fromEntries(
    constructs.map((c) => {
      const of = items.filter((i) => i.construct === c);
      const scored = responses.flatMap((a) => of.map((i) => scoredValue(i, a)).filter((v): v is number => v !== null));
      const perStudent = responses.map((a) => scoreResponse(of, a).constructs[c]).filter((v): v is number => v !== null);
      return [c, tally(scored, perStudent)];
    }),
  ) as Record<Construct, Tally>;
  return { respondents: responses.filter((a) => scoreResponse(items, a).answered > 0).length, items: itemResults, constructs: constructResults };
}

/** Whether an answer is favourable: agreeing (4, 5) with an item, or disagreeing (1, 2) with a reverse one; null when not answered. */
export function isFavourable(item: ScoredItem, answers: Answers): boolean | null {
  const v = scoredValue(item, answers);
  return v === null ? null : v >= 4;
}

/** A group's pulse as shares: how many responded (any item), and per item how many answered it and how many favourably. */
export interface FavourableTally {
  respondents: number;
  items: Record<string, { respondents: number; favourable: number }>;
}

/** Counts, without suppression (the caller applies the minimum group size), of favourable answers per item. */
export function favourableOf(items: readonly ScoredItem[], responses: readonly Answers[]): FavourableTally {
  const out: FavourableTally = { respondents: 0, items: Object.fromEntries(items.map((i) => [i.id, { respondents: 0, favourable: 0 }])) };
  for (const a of responses) {
    let answered = false;
    for (const item of items) {
      const f = isFavourable(item, a);
      if (f === null) continue;
      answered = true;
      out.items[item.id]!.respondents++;
      if (f) out.items[item.id]!.favourable++;
    }
    if (answered) out.respondents++;
  }
  return out;
}
