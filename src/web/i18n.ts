import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import i18next from 'i18next';
import { projectRoot } from './config.js';

/**
 * Every string a person reads, by key, from config/locales/<lang>/<area>.json (i18next: nesting,
 * {{interpolation}}, plurals with _one/_other). Each file holds one area's keys (`goals.json` holds
 * `goals.*`), so features add their texts without touching each other's files. Handlebars escapes
 * what `t` returns, so i18next must not escape it as well.
 */
function load(lang: string): Record<string, unknown> {
  const dir = path.join(projectRoot, 'config', 'locales', lang);
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  return Object.fromEntries(files.map((f) => [f.slice(0, -'.json'.length), JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as unknown]));
}

const i18n = i18next.createInstance();
void i18n.init({
  lng: 'en',
  fallbackLng: 'en',
  resources: { en: { translation: load('en') } },
  interpolation: { escapeValue: false },
  initAsync: false,
});

/** A key with no text is a bug: throw rather than show the key (a unit test checks every key used exists). */
export function t(key: string, params: Record<string, unknown> = {}): string {
  if (!i18n.exists(key, params)) throw new Error(`no message for ${key}`);
  return i18n.t(key, params);
}

/** Whether the key has a text (labels built from stored codes fall back when one has none). */
export const hasText = (key: string): boolean => i18n.exists(key);

/** A label for a code from data (a job type, a state, an error class): its text when one exists, else the code itself. */
export const labelOf = (prefix: string, code: string): string => (hasText(`${prefix}.${code}`) ? t(`${prefix}.${code}`) : code);
