import { AsyncLocalStorage } from 'node:async_hooks';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import i18next from 'i18next';
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import { projectRoot } from './config.js';

/**
 * Every string a person reads, by key, from config/locales/<lang>/<area>.json (i18next: nesting,
 * {{interpolation}}, plurals with _one/_other). Each file holds one area's keys (`goals.json` holds
 * `goals.*`), so features add their texts without touching each other's files. Handlebars escapes
 * what `t` returns, so i18next must not escape it as well.
 */
const localesDir = path.join(projectRoot, 'config', 'locales');

function load(lang: string): Record<string, unknown> {
  const dir = path.join(localesDir, lang);
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  return Object.fromEntries(files.map((f) => [f.slice(0, -'.json'.length), JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as unknown]));
}

/** A language code the tool has texts for (a folder of config/locales). */
export type Locale = string;
/** The language of a page with nobody to ask (and of every text missing in another language). */
export const defaultLocale: Locale = 'en';
/** The tool speaks the languages it has a folder of texts for: adding one is adding a folder. */
export const locales: readonly Locale[] = readdirSync(localesDir, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort((a, b) => (a === defaultLocale ? -1 : b === defaultLocale ? 1 : a.localeCompare(b)));
export const isLocale = (v: unknown): v is Locale => typeof v === 'string' && locales.includes(v);
export const localeName = z.string().refine(isLocale, 'Choose a language the tool offers');

const i18n = i18next.createInstance();
void i18n.init({
  lng: defaultLocale,
  fallbackLng: defaultLocale,
  supportedLngs: [...locales],
  resources: Object.fromEntries(locales.map((l) => [l, { translation: load(l) }])),
  interpolation: { escapeValue: false },
  initAsync: false,
});

/**
 * A language tag from outside (an LMS's `launch_presentation.locale` such as es-MX or es_419, a
 * browser's Accept-Language) as one of ours: its language part when we speak it, else undefined.
 */
export function localeOf(tag: unknown): Locale | undefined {
  if (typeof tag !== 'string') return undefined;
  const lang = tag.trim().toLowerCase().split(/[-_]/)[0];
  return isLocale(lang) ? lang : undefined;
}

/**
 * The words a school calls its roles by (issue 14 item 3, terminology: navigator, advisor, mentor...),
 * per language: texts say `{{term.navigator}}`, `{{term.Navigators}}` and `t` fills them in. The words of
 * the request's school ride in an async scope (`withTerms`, set where the signed-in user is known); with
 * none, the shipped words of config/locales/<lang>/terms.json. `id` tells one school's words from another's
 * in the caches below.
 */
export interface TermWords {
  /** With its indefinite article ("a navigator", "an advisor"; "un orientador", "una mentora"). */
  aNavigator: string;
  ANavigator: string;
  navigator: string;
  navigators: string;
  Navigator: string;
  Navigators: string;
  /**
   * With the article, or the preposition and article, the language joins to it: Spanish agrees them with
   * the word's gender ("el referente", "la mentora"; "del", "de la"; "al", "a la"; "nuevo", "nueva").
   */
  theNavigator: string;
  theNavigators: string;
  TheNavigators: string;
  ofTheNavigator: string;
  toTheNavigator: string;
  newNavigator: string;
  NewNavigator: string;
}
export interface Terms {
  id: string;
  words: Readonly<Record<Locale, TermWords>>;
  /** The school's own labels of stored codes (a goal's status, a referral's state), by language and text key: they stand for the shipped text. */
  labels?: Readonly<Record<Locale, Readonly<Record<string, string>>>>;
}
const termsScope = new AsyncLocalStorage<Terms>();
/** Runs `fn` (and all it starts) with a school's words; undefined: the shipped ones. */
export const withTerms = <T>(terms: Terms | undefined, fn: () => T): T => (terms ? termsScope.run(terms, fn) : fn());
const capitalized = (word: string, locale: Locale) => word.charAt(0).toLocaleUpperCase(locale) + word.slice(1);
/** A role's singular and plural as the texts use them (with capitals for the start of a sentence). */
export function termWordsOf(one: string, other: string, locale: Locale, feminine = false): TermWords {
  // Read straight from i18next: `t` fills texts with these words. A feminine word takes the texts' `_feminine` context.
  const context = feminine ? 'feminine' : undefined;
  const phrase = (key: string, word: string) => i18n.t(`terms.${key}`, { lng: locale, context, word });
  const article = i18n.t(/^[aeiou]/i.test(one) ? 'terms.articleBeforeVowel' : 'terms.article', { lng: locale, context });
  const aNavigator = `${article} ${one}`;
  const theNavigators = phrase('theMany', other);
  const newNavigator = phrase('new', one);
  return {
    aNavigator,
    ANavigator: capitalized(aNavigator, locale),
    navigator: one,
    navigators: other,
    Navigator: capitalized(one, locale),
    Navigators: capitalized(other, locale),
    theNavigator: phrase('the', one),
    theNavigators,
    TheNavigators: capitalized(theNavigators, locale),
    ofTheNavigator: phrase('ofThe', one),
    toTheNavigator: phrase('toThe', one),
    newNavigator,
    NewNavigator: capitalized(newNavigator, locale),
  };
}
/** The shipped words, per language (`terms.navigator.one` / `.other`). */
export const shippedTerms: Readonly<Record<Locale, TermWords>> = Object.fromEntries(
  locales.map((l) => [l, termWordsOf(i18n.t('terms.navigator.one', { lng: l }), i18n.t('terms.navigator.other', { lng: l }), l)]),
);

/** Texts without parameters, by language and key (bounded: one entry per key and language). */
const plainTexts = new Map<string, string>();
/** Keys (by language) known to have a text, for texts with parameters. */
const knownKeys = new Set<string>();

/** A key with no text is a bug: throw rather than show the key (a unit test checks every key used exists). */
export function t(key: string, params: Record<string, unknown> = {}, locale: Locale = defaultLocale): string {
  // The texts are loaded once and never change while the process runs, so a text without parameters
  // (most labels: a caseload of 24 rows asks for the same ones hundreds of times) is worked out once.
  const terms = termsScope.getStore();
  const own = terms?.labels?.[locale]?.[key];
  if (own !== undefined) return own;
  // A school's own words make its own texts: the caches key them by language and words.
  const voice = terms ? `${locale}~${terms.id}` : locale;
  const plain = Object.keys(params).length === 0 ? `${voice}\u0000${key}` : undefined;
  const known = plain === undefined ? undefined : plainTexts.get(plain);
  if (known !== undefined) return known;
  // A text with parameters is worked out once per set of values too: a caseload page says "2 active,
  // 1 achieved" and "Tier 2" a hundred times, and i18next takes ~10 µs a text.
  const worded = plain === undefined ? wordedKey(voice, key, params) : undefined;
  const done = worded === undefined ? undefined : wordedTexts.get(worded);
  if (done !== undefined) return done;
  const options = { ...params, lng: locale, term: terms?.words[locale] ?? shippedTerms[locale] ?? shippedTerms[defaultLocale] };
  // Whether a key has a text depends on the count or context only (plural and context forms).
  const checked = 'count' in params || 'context' in params ? undefined : `${locale}\u0000${key}`;
  if (checked === undefined || !knownKeys.has(checked)) {
    if (!i18n.exists(key, options)) throw new Error(`no message for ${key}`);
    if (checked !== undefined) knownKeys.add(checked);
  }
  const text = i18n.t(key, options);
  if (plain !== undefined) plainTexts.set(plain, text);
  if (worded !== undefined) wordedTexts.set(worded, text);
  return text;
}

/** Texts with parameters, by language, key and values (bounded: values are open-ended). */
const wordedTexts = new LRUCache<string, string>({ max: 10_000 });

/** The cache key of a text with these values; undefined when a value is not a plain string, number or boolean. */
function wordedKey(locale: Locale, key: string, params: Record<string, unknown>): string | undefined {
  let id = `${locale}\u0000${key}`;
  for (const name in params) {
    const v = params[name];
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') return undefined;
    // JSON keeps it unambiguous: "1" and 1 differ, and no value can forge a separator.
    id += `\u0000${name}=${JSON.stringify(v)}`;
  }
  return id;
}

/** Whether the key has a text (labels built from stored codes fall back when one has none). */
export const hasText = (key: string): boolean => i18n.exists(key);

/** The shipped labels of a family of codes (`goals.statuses`: code -> text), in one language. */
export function shippedLabels(prefix: string, locale: Locale = defaultLocale): Record<string, string> {
  const texts = i18n.t(prefix, { lng: locale, returnObjects: true }) as unknown;
  return texts && typeof texts === 'object' ? (texts as Record<string, string>) : {};
}

/** A label for a code from data (a job type, a state, an error class): its text when one exists, else the code itself. */
export const labelOf = (prefix: string, code: string, locale: Locale = defaultLocale): string =>
  hasText(`${prefix}.${code}`) ? t(`${prefix}.${code}`, {}, locale) : code;
