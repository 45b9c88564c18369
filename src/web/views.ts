import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Express } from 'express';
import { engine } from 'express-handlebars';
import { projectRoot, type Config } from './config.js';
import { inToolUrl } from './urls.js';
import { schoolTimeZone } from './time-zone.js';
import { t } from './i18n.js';

const dateFormat = new Intl.DateTimeFormat('en-US', { year: 'numeric', month: 'short', day: 'numeric', timeZone: schoolTimeZone });
const dateTimeFormat = new Intl.DateTimeFormat('en-US', { year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZone: schoolTimeZone, timeZoneName: 'short' });

function asDate(v: unknown): Date | undefined {
  if (v instanceof Date) return v;
  if (typeof v === 'string' || typeof v === 'number') {
    const d = new Date(v);
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  return undefined;
}

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
  date: (v: unknown) => {
    const d = asDate(v);
    return d ? dateFormat.format(d) : '';
  },
  dateTime: (v: unknown) => {
    const d = asDate(v);
    return d ? dateTimeFormat.format(d) : '';
  },
  /** yyyy-mm-dd for <input type="date">. */
  isoDate: (v: unknown) => {
    const d = asDate(v);
    return d ? d.toISOString().slice(0, 10) : typeof v === 'string' ? v : '';
  },
  json: (v: unknown) => JSON.stringify(v),
  /** {{t "audit.title"}} or {{t "recordViews.titleOf" name=student.name}}: text from config/locales (src/web/i18n.ts). */
  t: (key: string, options: { hash?: Record<string, unknown> }) => t(key, options.hash ?? {}),
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
