import path from 'node:path';
import type { Express } from 'express';
import { engine } from 'express-handlebars';
import { projectRoot } from './config.js';

/** Appends the ltik to an in-tool URL so the next request still knows who is asking. */
function withLtik(url: string, ltik: unknown): string {
  if (typeof ltik !== 'string' || !ltik) return url;
  const sep = url.includes('?') ? '&' : '?';
  return `${url}${sep}ltik=${encodeURIComponent(ltik)}`;
}

const dateFormat = new Intl.DateTimeFormat('en-US', { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });
const dateTimeFormat = new Intl.DateTimeFormat('en-US', { year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZone: 'UTC', timeZoneName: 'short' });

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
  url(this: unknown, target: string, options: { data: { root: Record<string, unknown> } }) {
    return withLtik(target, options.data.root.ltik);
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
  concat: (...args: unknown[]) => args.slice(0, -1).map(String).join(''),
};

export function setupViews(app: Express): void {
  const viewsDir = path.join(projectRoot, 'views');
  app.engine(
    'hbs',
    engine({
      extname: '.hbs',
      defaultLayout: 'main',
      layoutsDir: path.join(viewsDir, 'layouts'),
      partialsDir: path.join(viewsDir, 'partials'),
      helpers,
    }),
  );
  app.set('view engine', 'hbs');
  app.set('views', path.join(viewsDir, 'pages'));
}
