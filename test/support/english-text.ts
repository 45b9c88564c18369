import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../src/web/config.js';
import { defaultLocale } from '../../src/web/i18n.js';
import * as sampleSchool from '../../src/sandbox/sample-school.data.js';
import { loadStarterCatalogues } from '../../src/supports/supports.schemas.js';

/**
 * Finds English left on a page meant to be in another language: the tool's own English texts (each
 * one whose translation differs, so "Plan" or "Error:" stay allowed), and runs of common English
 * words that no locale file holds (a string still written in a template or the code). Data is not
 * text to translate: people's names, what they wrote, course titles (the sample school's), and
 * anything a page marks translate="no", are left out before matching.
 */

/** Words that are English and never Spanish (so not "a", "no", "me", "son", "once"). */
const FUNCTION_WORDS = [
  'the', 'and', 'your', 'you', 'with', 'this', 'that', 'these', 'those', 'not', 'of', 'is', 'are', 'was', 'were', 'has', 'have',
  'will', 'would', 'should', 'could', 'from', 'what', 'who', 'when', 'which', 'there', 'here', 'been', 'be', 'it', 'its', 'they',
  'their', 'them', 'about', 'into', 'only', 'also', 'than', 'then', 'each', 'every', 'any', 'all', 'more', 'yet', 'by', 'at', 'or',
  'for', 'to', 'in', 'on', 'my', 'our', 'how', 'why', 'does', 'did', 'can', 'cannot', 'out', 'up', 'new', 'add', 'save', 'show',
];
const functionWord = new RegExp(`\\b(?:${FUNCTION_WORDS.join('|')})\\b`, 'gi');

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `key -> text` of one language's locale files. */
function textsOf(locale: string): Map<string, string> {
  const dir = path.join(projectRoot, 'config', 'locales', locale);
  const out = new Map<string, string>();
  const walk = (prefix: string, v: unknown) => {
    if (typeof v === 'string') out.set(prefix, v);
    else if (v && typeof v === 'object') for (const [k, child] of Object.entries(v)) walk(`${prefix}.${k}`, child);
  };
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.json'))) walk(f.slice(0, -'.json'.length), JSON.parse(readFileSync(path.join(dir, f), 'utf8')));
  return out;
}

/** A text's fixed parts: what is left between its {{values}}, {n}s and markup, at least two words or one long one. */
function fixedParts(text: string): string[] {
  return text
    .split(/\{\{[^}]*\}\}|\{\w+\}|<[^>]+>|\$t\([^)]*\)/)
    .map((p) => p.replace(/[\s“”"():;,.!?…·–—-]+$/u, '').replace(/^[\s“”"():;,.!?…·–—-]+/u, '').trim())
    .filter((p) => p.split(/\s+/).length >= 2 || (p.length >= 5 && /^\p{L}+$/u.test(p)));
}

/** The English phrases a page in `locale` must not show: every English text whose `locale` text differs. */
export function englishPhrases(locale: string): string[] {
  const en = textsOf(defaultLocale);
  const other = textsOf(locale);
  const phrases = new Set<string>();
  for (const [key, text] of en) {
    const translated = other.get(key);
    if (translated === undefined || translated !== text) for (const p of fixedParts(text)) if (!fixedParts(translated ?? '').includes(p)) phrases.add(p);
  }
  // A phrase the language's own texts use is no sign of English there: Spanish "active la clave"
  // (activate the key) is not English "active", and the product's name stays as it is in every language.
  // Codes a text quotes between backticks (the data dictionary's `draft`, `active`) are stored values,
  // shown translate="no": no sign of what the language itself says.
  const own = [...other.values()].join('\n').replace(/`[^`]*`/g, ' ');
  const ownUses = (p: string) => new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(p)}(?![\\p{L}\\p{N}])`, 'u').test(own);
  // Longest first, so a sentence is reported whole rather than as its shorter parts.
  return [...phrases].filter((p) => !ownUses(p)).sort((a, b) => b.length - a.length);
}

interface PhraseMatcher {
  p: string;
  re: RegExp;
  /** The phrase's first run of letters or digits (null if it has none): a text without that word cannot hold it. */
  firstWord: string | null;
}

const wordRun = /[\p{L}\p{N}]+/gu;
const matchers = new Map<string, PhraseMatcher[]>();

/** englishPhrases compiled, once per locale: a crawl makes a detector per role, and reading the locale files is most of one. */
function phraseMatchers(locale: string): PhraseMatcher[] {
  let found = matchers.get(locale);
  if (!found) {
    found = englishPhrases(locale).map((p) => ({ p, re: new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(p)}(?![\\p{L}\\p{N}])`, 'u'), firstWord: p.match(wordRun)?.[0] ?? null }));
    matchers.set(locale, found);
  }
  return found;
}

/** Every string of the sample school (names, courses, what its people wrote): data, whatever its language. */
export function sampleSchoolData(): string[] {
  const out = new Set<string>();
  const walk = (v: unknown) => {
    if (typeof v === 'string' && v.trim()) out.add(v.trim());
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(Object.values(sampleSchool));
  // Full names too, as pages show them.
  const named = (p: unknown) => p && typeof p === 'object' && 'givenName' in p && 'familyName' in p;
  const people = (v: unknown): void => {
    if (named(v)) out.add(`${(v as { givenName: string }).givenName} ${(v as { familyName: string }).familyName}`);
    if (Array.isArray(v)) v.forEach(people);
    else if (v && typeof v === 'object') Object.values(v).forEach(people);
  };
  people(Object.values(sampleSchool));
  // The sandbox school's supports catalogue, copied from the starter catalogue in its admin's language
  // (English): the school's own data from then on, like what its people wrote.
  walk(loadStarterCatalogues([defaultLocale])[defaultLocale]!.supports.map(({ name, provider, description, eligibility, contact, hours }) => ({ name, provider, description, eligibility, contact, hours })));
  return [...out].sort((a, b) => b.length - a.length);
}

export interface EnglishDetector {
  /** The English in one visible text (a text node, a label): each finding once, or none. */
  find(text: string): string[];
}

/**
 * A detector for pages in `locale`. `data` are texts that are data wherever they show (names, what
 * people wrote); each is blanked out of a text before it is searched.
 */
export function englishDetector(locale: string, data: string[] = []): EnglishDetector {
  const phrases = phraseMatchers(locale);
  // A name or a sentence, not a code the data also holds (a goal's category "academic", a voice "adult").
  // Longest first: a mark holding a shorter datum ("Crawler teacher of an undecided course") goes whole.
  const texts = [...data].sort((a, b) => b.length - a.length).filter((d) => d.length >= 3 && (/\s/.test(d) || /^\p{Lu}/u.test(d)));
  const dataRes = texts.map((d) => new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(d)}(?![\\p{L}\\p{N}])`, 'gu'));
  const lowered = texts.map((d) => d.replace(/\s+/g, ' ').toLowerCase());
  return {
    find(text) {
      const whole = text.replace(/\s+/g, ' ').trim();
      // A piece of what someone wrote, shown on its own: the plan history's word diff cuts their text into the words that changed.
      if (whole.length >= 3 && lowered.some((d) => d.includes(whole.toLowerCase()))) return [];
      let rest = whole;
      for (const re of dataRes) rest = rest.replace(re, ' ');
      const found: string[] = [];
      // Thousands of phrases against every text of every page was most of the Spanish crawl: a phrase is
      // tried only when its first word is one of the text's words (the phrase starts and ends on word edges).
      const words = new Set(rest.match(wordRun) ?? []);
      for (const { p, re, firstWord } of phrases) {
        if ((firstWord === null || words.has(firstWord)) && re.test(rest)) {
          found.push(p);
          rest = rest.replace(re, ' ');
        }
      }
      // Two distinct English function words in what is left: a sentence no locale file holds. Reported
      // as the page shows it: what is left has holes where data was cut out, which nobody can look for.
      const english = new Set((rest.match(functionWord) ?? []).map((w) => w.toLowerCase()));
      if (english.size >= 2) found.push(whole.slice(0, 80));
      return found;
    },
  };
}
