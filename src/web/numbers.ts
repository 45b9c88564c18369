import { defaultLocale, t, type Locale } from './i18n.js';

/**
 * Numbers in a language's own format ("84.5", "84,5"), one formatter per language and precision:
 * building an Intl formatter costs far more than formatting with it, and a caseload formats a dozen
 * numbers a student.
 */
const formats = new Map<string, Intl.NumberFormat>();

export function formatNumber(n: number, locale: Locale = defaultLocale, maximumFractionDigits = 1): string {
  const id = `${locale} ${maximumFractionDigits}`;
  let format = formats.get(id);
  if (!format) formats.set(id, (format = new Intl.NumberFormat(t('language.intl', {}, locale), { maximumFractionDigits })));
  return format.format(n);
}
