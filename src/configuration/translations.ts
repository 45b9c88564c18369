import { z } from 'zod';
import { defaultLocale, locales, type Locale } from '../web/i18n.js';

/**
 * Each document's other languages sit beside its English (issue 14 item 3): a text-bearing part carries
 * `translations.<locale>.<key>` for every language the tool speaks besides English, so one document (and
 * one editor) holds them all, and a translation left blank reads as the English.
 */
export const otherLocales = locales.filter((l) => l !== defaultLocale);

/** The schema of a part's translations: for each other language, some of the part's texts. */
export const translations = <S extends z.ZodRawShape>(shape: S) => z.object(Object.fromEntries(otherLocales.map((l) => [l, z.object(shape).partial().optional()]))).optional();

export type Translations = Record<string, Record<string, string | undefined> | undefined> | undefined;

/** A text in a language: its translation where the document gives one, else its English. */
export function wordIn(translated: Translations, locale: Locale | undefined, key: string, english: string): string {
  if (!locale || locale === defaultLocale) return english;
  const text = translated?.[locale]?.[key];
  return text && text.trim() !== '' ? text : english;
}
