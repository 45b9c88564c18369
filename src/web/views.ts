import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Express } from 'express';
import { engine } from 'express-handlebars';
import { projectRoot, type Config } from './config.js';
import { inToolUrl } from './urls.js';
import { localDate, schoolTimeZone } from './time-zone.js';
import { defaultLocale, isLocale, t, type Locale } from './i18n.js';

const formats = new Map<string, { date: Intl.DateTimeFormat; dateTime: Intl.DateTimeFormat; number: Intl.NumberFormat }>();
/** Formats per language and zone, made once: a page formats many dates. */
function formatsIn(locale: Locale, timeZone: string) {
  const id = `${locale} ${timeZone}`;
  let f = formats.get(id);
  if (!f) {
    // The language's own Intl tag (en-US, es): the month names, the order of day and month, the clock.
    const tag = t('language.intl', {}, locale);
    f = {
      date: new Intl.DateTimeFormat(tag, { year: 'numeric', month: 'short', day: 'numeric', timeZone }),
      dateTime: new Intl.DateTimeFormat(tag, { year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZone, timeZoneName: 'short' }),
      number: new Intl.NumberFormat(tag),
    };
    formats.set(id, f);
  }
  return f;
}

/** A calendar day (a check-in's date, a goal's target): the same day everywhere, never shifted by a zone. */
const calendarDay = /^\d{4}-\d{2}-\d{2}$/;

function asDate(v: unknown): Date | undefined {
  if (v instanceof Date) return v;
  if (typeof v === 'string' || typeof v === 'number') {
    const d = new Date(v);
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  return undefined;
}

const htmlEntities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#x27;', '`': '&#x60;', '=': '&#x3D;' };
const escapeHtml = (text: string) => text.replace(/[&<>"'`=]/g, (c) => htmlEntities[c]!);

type HelperOptions = { data?: { root?: Record<string, unknown> } };
/** The page's language, which every request puts in res.locals (src/web/locale.ts). */
const localeOfPage = (options: HelperOptions): Locale => {
  const l = options.data?.root?.locale;
  return isLocale(l) ? l : defaultLocale;
};
/** The school's zone, which requireUser puts in res.locals (UTC on pages without a signed-in user). */
const zoneOf = (options: HelperOptions): string => {
  const z = options.data?.root?.timeZone;
  return typeof z === 'string' ? z : schoolTimeZone;
};
/** The zone a value is shown in: calendar days as they are (UTC), instants in the school's zone. */
const shownIn = (v: unknown, options: HelperOptions) => (typeof v === 'string' && calendarDay.test(v) ? 'UTC' : zoneOf(options));

export const helpers = {
  /** {{url "/plans/1"}}: a link that keeps the launch session. */
  /** {{url "/admin/audit" student=id fragment="top"}}: named arguments become query parameters, `fragment` the #part. */
  url(this: unknown, target: string, options: { hash?: Record<string, unknown>; data: { root: Record<string, unknown> } }) {
    const { fragment, ...rest } = options.hash ?? {};
    const query = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined && v !== null && v !== '').map(([k, v]) => [k, String(v)]));
    return inToolUrl(target, options.data.root.ltik, { query, hash: typeof fragment === 'string' ? fragment : undefined });
  },
  eq: (a: unknown, b: unknown) => a === b,
  ne: (a: unknown, b: unknown) => a !== b,
  or: (...args: unknown[]) => args.slice(0, -1).some(Boolean),
  and: (...args: unknown[]) => args.slice(0, -1).every(Boolean),
  not: (a: unknown) => !a,
  includes: (list: unknown, v: unknown) => Array.isArray(list) && list.includes(v),
  date: (v: unknown, options: HelperOptions) => {
    const d = asDate(v);
    return d ? formatsIn(localeOfPage(options), shownIn(v, options)).date.format(d) : '';
  },
  dateTime: (v: unknown, options: HelperOptions) => {
    const d = asDate(v);
    return d ? formatsIn(localeOfPage(options), shownIn(v, options)).dateTime.format(d) : '';
  },
  /** yyyy-mm-dd for <input type="date">: an instant's day at the school. */
  isoDate: (v: unknown, options: HelperOptions) => {
    if (typeof v === 'string' && calendarDay.test(v)) return v;
    const d = asDate(v);
    return d ? localDate(d, zoneOf(options)) : typeof v === 'string' ? v : '';
  },
  /** {{number count}}: digits grouped as the page's language groups them. */
  number: (v: unknown, options: HelperOptions) => (typeof v === 'number' && Number.isFinite(v) ? formatsIn(localeOfPage(options), zoneOf(options)).number.format(v) : ''),
  json: (v: unknown) => JSON.stringify(v),
  /** {{t "audit.title"}} or {{t "recordViews.titleOf" name=student.name}}: text from config/locales (src/web/i18n.ts), in the page's language. */
  t: (key: string, options: HelperOptions & { hash?: Record<string, unknown> }) => t(key, options.hash ?? {}, localeOfPage(options)),
  /**
   * {{tHtml "sandbox.off"}}: a text that holds markup of its own (<code>, <strong>), from our
   * locale files; the values put into it are escaped, as {{t}} escapes everything.
   */
  tHtml: (key: string, options: HelperOptions & { hash?: Record<string, unknown> }) => {
    const params = Object.fromEntries(Object.entries(options.hash ?? {}).map(([k, v]) => [k, escapeHtml(String(v))]));
    // Handlebars outputs as it is what has toHTML (its SafeString's contract).
    const html = t(key, params, localeOfPage(options));
    return { toHTML: () => html };
  },
  /**
   * {{codes meaning}}: a text that quotes stored codes between backticks (the data dictionary's `draft`,
   * `active`), each shown as code the browser and translators leave as it is; the rest escaped.
   */
  codes: (text: unknown) => {
    // Split on the backticks first (escaping would turn them into entities): odd pieces are the codes.
    const html = String(text ?? '')
      .split('`')
      .map((piece, i) => (i % 2 === 1 ? `<code translate="no">${escapeHtml(piece)}</code>` : escapeHtml(piece)))
      .join('');
    return { toHTML: () => html };
  },
  /** A fresh one-time token for a creating form (partial `once`, checked by src/web/once.ts). */
  onceToken: () => randomUUID(),
  concat: (...args: unknown[]) => args.slice(0, -1).map(String).join(''),
};

export function setupViews(app: Express, env: Config['env']): void {
  const viewsDir = path.join(projectRoot, 'views');
  app.engine(
    'hbs',
    // express-handlebars' engine hands render errors to Express's callback too; its promise is a convenience.
    // eslint-disable-next-line @typescript-eslint/no-misused-promises
    engine({
      extname: '.hbs',
      defaultLayout: 'main',
      layoutsDir: path.join(viewsDir, 'layouts'),
      partialsDir: path.join(viewsDir, 'partials'),
      helpers,
    }),
  );
  app.set('view engine', 'hbs');
  // Express caches compiled views only when process.env.NODE_ENV is production; tests and the bench
  // (NODE_ENV=test in config) would otherwise re-read and re-compile every template and partial on
  // each page, measuring what production never does. Development keeps editing views live.
  app.set('view cache', env !== 'development');
  app.set('views', path.join(viewsDir, 'pages'));
}
