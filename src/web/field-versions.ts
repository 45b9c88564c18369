/**
 * The no-lost-edits rule of co-edited documents (plans, Success Maps, reflections), pure: each posted
 * field carries the version of the words its editor loaded. Words equal to the saved ones are
 * unchanged (nothing to write); words over a version someone saved since are stale (kept, and shown
 * beside the editor's as a conflict); the rest are saved. Different fields never conflict.
 */
export interface PostedField {
  key: string;
  text: string;
  version: number;
}

export interface SavedField {
  text: string;
  version: number;
}

export function sortFieldSaves<F extends PostedField, S extends SavedField>(
  posted: readonly F[],
  current: ReadonlyMap<string, S>,
): { changed: F[]; unchanged: string[]; stale: { key: string; yours: string; theirs: S }[] } {
  const changed: F[] = [];
  const unchanged: string[] = [];
  const stale: { key: string; yours: string; theirs: S }[] = [];
  for (const p of posted) {
    const now = current.get(p.key);
    if ((now?.text ?? '') === p.text) unchanged.push(p.key);
    else if (now && now.version !== p.version) stale.push({ key: p.key, yours: p.text, theirs: now });
    else changed.push(p);
  }
  return { changed, unchanged, stale };
}
