import type { Response } from 'express';
import { z } from 'zod';
import { inToolUrl, type InToolUrlOptions } from './urls.js';
import { defaultLocale, hasText, t, type Locale } from './i18n.js';

/**
 * What a zod issue tells the person, in their language: schemas give a key of config/locales as the
 * message (filled with the issue's limits, `{{maximum}}` and `{{minimum}}`); a message that is no key
 * (from a schema not yet given keys) is shown as written.
 */
export function issueText(issue: z.core.$ZodIssue, locale: Locale = defaultLocale): string {
  if (!hasText(issue.message)) return issue.message;
  const { maximum, minimum } = issue as { maximum?: unknown; minimum?: unknown };
  return t(issue.message, { maximum, minimum }, locale);
}

/** One message per field (the first zod gave), keyed by the field's name, for errors shown next to it. */
export function fieldErrors(error: z.ZodError, locale: Locale = defaultLocale): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.join('.') || '_form';
    out[key] ??= issueText(issue, locale);
  }
  return out;
}

/** A form as its route parsed it with zod, for the service to judge once its gate has passed. */
export type ParsedForm<T> = z.ZodSafeParseResult<T>;

/** Input a program (the sandbox seed, a test) hands a service in place of a posted form: typed, and valid as given. */
export const validData = <T>(data: T): ParsedForm<T> => ({ success: true, data });

/** The parsed form's data, or InvalidInput with its field errors in the person's language. */
export function validForm<T>(parsed: ParsedForm<T>, locale: Locale = defaultLocale): T {
  if (!parsed.success) throw new InvalidInput(fieldErrors(parsed.error, locale));
  return parsed.data;
}

/** A service call that may refuse its form: what it returned, or the refused form's field errors (for the route's 400 page). */
export async function unlessRefused<T>(run: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; errors: Record<string, string> }> {
  try {
    return { ok: true, value: await run() };
  } catch (err) {
    if (err instanceof InvalidInput) return { ok: false, errors: err.errors };
    throw err;
  }
}

/** One entry of the error summary at the top of a page: a link to the field and its message. */
export interface SummaryItem {
  href: string;
  text: string;
}

/**
 * The error summary (GOV.UK pattern) for a page's field errors, in the order the fields appear:
 * `idFor` maps a field name to its input's id (fields without one link to the form's top).
 */
export function summaryOf(errors: Record<string, string>, idFor: (field: string) => string | undefined = (f) => f): SummaryItem[] {
  return Object.entries(errors).map(([field, text]) => ({ href: `#${idFor(field) ?? 'main'}`, text }));
}

/**
 * Redirect after a successful post (303, so a reload does not post again), keeping the launch session:
 * the ltik goes in the query, the fragment after it. Remembers the target for the one-time token of
 * the form that was posted (src/web/once.ts), so a replay lands on the same page.
 */
export function redirectInTool(res: Response, path: string, opts: InToolUrlOptions = {}): void {
  const target = inToolUrl(path, res.locals.ltik, opts);
  res.locals.redirectedTo = inToolUrl(path, undefined, opts);
  res.redirect(303, target);
}

/** Form fields named `prefix.key` (flat urlencoded bodies), as a key -> value map. */
export function prefixed(body: unknown, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!body || typeof body !== 'object') return out;
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    if (k.startsWith(`${prefix}.`) && typeof v === 'string') out[k.slice(prefix.length + 1)] = v;
  }
  return out;
}

/** A yyyy-mm-dd calendar date that exists (Date.parse would accept 2026-02-31 and roll it over). */
export function isRealDate(d: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) return false;
  const t = new Date(`${d}T00:00:00Z`);
  return !Number.isNaN(t.getTime()) && t.toISOString().slice(0, 10) === d;
}

/**
 * Typed text as posted (already storable: src/web/body.ts cleans every field). Browsers send line breaks as CRLF but count them as one character for
 * `maxlength`, so the limit is checked after they are made LF (and the text trimmed): text the page
 * let through is never refused for its length.
 */
export const formText = (max: number, tooLong: string, atLeast?: { min: number; message: string }) =>
  z
    .string()
    .transform((s) => s.replace(/\r\n/g, '\n').trim())
    .pipe(atLeast ? z.string().max(max, tooLong).min(atLeast.min, atLeast.message) : z.string().max(max, tooLong));

export const isoDate = z.string().trim().refine(isRealDate, 'common.realDate');

/**
 * Input a service refused once its gate had let the user through: the field errors (field name ->
 * message) and what was sent, for the route to show the form again with a 400 and its error summary.
 * Thrown only after the gate and the policy, so a stranger's or a refused user's post is a 404/403, never a 400.
 */
export class InvalidInput extends Error {
  override readonly name = 'InvalidInput';
  constructor(
    readonly errors: Record<string, string>,
    readonly values?: unknown,
  ) {
    super(`invalid input: ${Object.keys(errors).join(', ')}`);
  }
}

/**
 * Checks two parts of one post (a record's own form and the school's fields on it) and gives both
 * results, or refuses with every problem of both in one InvalidInput, so the page names them all at once.
 */
export async function allOrInvalid<A, B>(a: () => Promise<A>, b: () => Promise<B>): Promise<[A, B]> {
  const [ra, rb] = await Promise.allSettled([a(), b()]);
  const refused = [ra, rb].flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  const other = refused.find((e) => !(e instanceof InvalidInput));
  if (other) throw other;
  if (refused.length > 0) throw new InvalidInput(Object.assign({}, ...refused.map((e) => (e as InvalidInput).errors)) as Record<string, string>);
  return [(ra as PromiseFulfilledResult<A>).value, (rb as PromiseFulfilledResult<B>).value];
}

/** Runs a post's save; when the service refused the input (after its gate), answers 400 with the form again (`again`). */
export async function orInvalid(res: Response, save: () => Promise<void>, again: (refused: InvalidInput) => Promise<void>): Promise<void> {
  try {
    await save();
  } catch (err) {
    if (!(err instanceof InvalidInput)) throw err;
    res.status(400);
    await again(err);
  }
}

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

/**
 * What a form of answer fields typed (a plan section, a record's own fields), by field key: `text.<key>`, and for a multi-select each ticked box
 * `choice.<key>.<value>` (forms are flat, one value a name) joined by commas after the `text.<key>`
 * the form always sends for it (blank: nothing ticked is an answer too).
 */
export function typedAnswers(body: Record<string, unknown>): Record<string, string> {
  const typed = prefixed(body, 'text');
  for (const name of Object.keys(prefixed(body, 'choice'))) {
    const dot = name.lastIndexOf('.');
    const key = name.slice(0, dot);
    if (dot > 0 && typed[key] !== undefined) typed[key] = [typed[key], name.slice(dot + 1)].filter(Boolean).join(',');
  }
  return typed;
}
