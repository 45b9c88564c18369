import { diffWordsWithSpace } from 'diff';

export interface DiffPart {
  text: string;
  op: 'same' | 'added' | 'removed';
}

/** Past this many words, or this many edits, or this long, the history shows "all removed, all added" rather than spend the page's time. */
const MAX_WORDS = 3000;
const MAX_EDITS = 1000;
const MAX_MS = 50;
const words = (s: string) => s.split(/\s+/).length;

/**
 * A word-level diff (the `diff` package, whitespace kept) so the history shows what changed, not two
 * walls of text.
 */
export function wordDiff(before: string, after: string): DiffPart[] {
  const changes = words(before) > MAX_WORDS || words(after) > MAX_WORDS ? undefined : diffWordsWithSpace(before, after, { maxEditLength: MAX_EDITS, timeout: MAX_MS });
  if (!changes) return [...(before ? [{ text: before, op: 'removed' as const }] : []), ...(after ? [{ text: after, op: 'added' as const }] : [])];
  return changes.map((c) => ({ text: c.value, op: c.added ? 'added' : c.removed ? 'removed' : 'same' }));
}
