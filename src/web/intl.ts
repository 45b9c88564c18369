import { defaultLocale, t, type Locale } from './i18n.js';

/**
 * Numbers, lists and language names in a language's own words, each through one Intl formatter per
 * language and options: building a formatter costs far more than using it, and a caseload formats a
 * dozen numbers a student. Formatters use the language's Intl tag (`language.intl`: en-US, es-US).
 */
const formatters = new Map<string, Intl.NumberFormat | Intl.ListFormat | Intl.DisplayNames | Intl.DateTimeFormat>();

function formatterOf<F extends Intl.NumberFormat | Intl.ListFormat | Intl.DisplayNames | Intl.DateTimeFormat>(id: string, locale: Locale, make: (tag: string) => F): F {
  const key = `${locale} ${id}`;
  let format = formatters.get(key) as F | undefined;
  if (!format) formatters.set(key, (format = make(t('language.intl', {}, locale))));
  return format;
}

/** "84.5" in the language's format, at most `maximumFractionDigits` decimals. */
export function formatNumber(n: number, locale: Locale = defaultLocale, maximumFractionDigits = 1): string {
  return formatterOf(`number ${maximumFractionDigits}`, locale, (tag) => new Intl.NumberFormat(tag, { maximumFractionDigits })).format(n);
}

/** A school day (yyyy-mm-dd) as its day and short month in the language: "Nov 12", "12 nov". */
export function formatDayMonth(day: string, locale: Locale = defaultLocale): string {
  return formatterOf('day-month', locale, (tag) => new Intl.DateTimeFormat(tag, { day: 'numeric', month: 'short', timeZone: 'UTC' })).format(new Date(`${day}T12:00:00Z`));
}

/** A calendar day (yyyy-mm-dd, no time of day, so no zone moves it) in the language: "Mar 20, 2027", "20 mar 2027". */
export function formatCalendarDay(day: string, locale: Locale = defaultLocale): string {
  return formatterOf('calendar-day', locale, (tag) => new Intl.DateTimeFormat(tag, { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' })).format(new Date(`${day}T12:00:00Z`));
}

/** "at risk or off track": a list joined with the language's "or". */
export function formatOrList(items: string[], locale: Locale = defaultLocale): string {
  return formatterOf('or-list', locale, (tag) => new Intl.ListFormat(tag, { type: 'disjunction' })).format(items);
}

/** A language code in the reader's language ("es" -> "Spanish" / "español"); a code Intl cannot name, as written. */
export function languageName(code: string, locale: Locale = defaultLocale): string {
  try {
    return formatterOf('language-name', locale, (tag) => new Intl.DisplayNames([tag], { type: 'language', fallback: 'code' })).of(code) ?? code;
  } catch {
    return code;
  }
}
