import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { ConfigError } from './config.js';

/**
 * Shipped content documents (the plan template, the check-in script) keep their structure and their
 * English in config/<name>.json, and every other language's words in config/<name>.<locale>.json: an
 * overlay holding only texts, keyed by the document's stable keys (`fields.strengths.label`), so a
 * translator never touches who edits or sees what.
 *
 * A document says where its texts are with one function that rebuilds it taking each text from
 * `text(key, english)`. That one function both lists the keys an overlay must have and applies the
 * overlay, so the list cannot drift from the document.
 */
export type WithTexts<T> = (doc: T, text: (key: string, english: string) => string) => T;

/** The language the base documents are written in. */
const baseLocale = 'en';

/** The overlay of a base file for a locale: config/plan-template.json -> config/plan-template.es.json. */
const overlayFileOf = (baseFile: string, locale: string): string => baseFile.replace(/\.json$/, `.${locale}.json`);

/** Every text of a document by key, with its words in the base language. */
function textsOf<T>(doc: T, withTexts: WithTexts<T>): Map<string, string> {
  const texts = new Map<string, string>();
  withTexts(doc, (key, english) => {
    texts.set(key, english);
    return english;
  });
  return texts;
}

/** An overlay's texts by dotted key: {"fields": {"strengths": {"label": "…"}}} gives fields.strengths.label. */
function flatten(value: unknown, prefix: string, out: Map<string, string>, problems: string[]): void {
  if (typeof value === 'string') out.set(prefix, value);
  else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out, problems);
  } else problems.push(prefix ? `${prefix}: must be text` : "the file must hold texts keyed by the document's keys");
}

/**
 * The document in one language: every text of the base replaced by the overlay's. Problems name each
 * key the overlay lacks or has that the base does not, so a translator fixes them all in one go.
 */
function applyOverlay<T>(base: T, withTexts: WithTexts<T>, overlay: unknown): { doc: T; problems: string[] } {
  const problems: string[] = [];
  const texts = new Map<string, string>();
  flatten(overlay, '', texts, problems);
  const wanted = textsOf(base, withTexts);
  for (const [key, text] of texts) {
    if (!wanted.has(key)) problems.push(`${key}: unknown key (the English document has no such text)`);
    else if (text.trim() === '') problems.push(`${key}: is empty`);
  }
  for (const [key, english] of wanted) if (!texts.has(key)) problems.push(`${key}: missing (English: "${english}")`);
  return { doc: withTexts(base, (key, english) => texts.get(key) ?? english), problems };
}

/** A shipped document (config/<name>.json) read and checked at start: every problem named at once, each with its file. */
export function loadDocument<T>(file: string, schema: z.ZodType<T>): T {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError([`${path.basename(file)}: ${(err as Error).message}`]);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => `${path.basename(file)} ${i.path.join('.')}: ${i.message}`));
  return parsed.data;
}

/**
 * The base document and its overlay for every other locale, each checked again as a whole (a
 * translation may outgrow a length limit). Problems start with the file they are in.
 */
export function loadOverlays<T>(opts: {
  base: T;
  baseFile: string;
  locales: readonly string[];
  withTexts: WithTexts<T>;
  /** The document's own checks, run again on each translation. */
  schema: z.ZodType<T>;
}): { docs: Record<string, T>; problems: string[] } {
  const docs: Record<string, T> = {};
  const problems: string[] = [];
  for (const locale of opts.locales) {
    if (locale === baseLocale) {
      docs[locale] = opts.base;
      continue;
    }
    const file = overlayFileOf(opts.baseFile, locale);
    const name = path.basename(file);
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
      problems.push(`${name}: ${missing ? `missing: the tool speaks ${locale}, so ${path.basename(opts.baseFile)} needs its ${locale} texts` : (err as Error).message}`);
      continue;
    }
    const { doc, problems: found } = applyOverlay(opts.base, opts.withTexts, raw);
    const checked = found.length === 0 ? opts.schema.safeParse(doc) : undefined;
    const broken = checked?.success === false ? checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) : [];
    problems.push(...[...found, ...broken].map((p) => `${name} ${p}`));
    docs[locale] = checked?.success ? checked.data : doc;
  }
  return { docs, problems };
}
