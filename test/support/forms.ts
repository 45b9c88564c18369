import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import request from 'supertest';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../src/db/client.js';
import type { AppContext } from '../../src/web/context.js';
import { parseForms } from './lti-agent.js';
import { ltikFor, type SeededSchool } from './school.js';

/** Every route the app mounts for `method` (Express 5 router stack), as its path pattern. */
export function routesOf(app: Express, method: 'get' | 'post'): string[] {
  type Layer = { route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: Layer[] } };
  const out: string[] = [];
  const walk = (stack: Layer[]) => {
    for (const l of stack) {
      if (l.route?.methods[method]) out.push(l.route.path);
      else if (l.handle?.stack) walk(l.handle.stack);
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return out;
}

export type Seat = 'advisor' | 'student' | 'mentor' | 'admin';

/** The ltik of each seat of a seeded school, in its advisory. */
export async function seatLtiks(ctx: AppContext, school: SeededSchool): Promise<Record<Seat, string>> {
  return {
    advisor: await ltikFor(ctx, school.advisor, 'advisor', school.advisoryId),
    student: await ltikFor(ctx, school.students[0], 'student', school.advisoryId),
    mentor: await ltikFor(ctx, school.mentor, 'family', school.advisoryId),
    admin: await ltikFor(ctx, school.admin, 'admin', school.advisoryId),
  };
}

/**
 * A form that takes typed text, filled in as a browser would: its page is loaded, the form found by
 * its action (and hidden fields, where a page has several), its hidden fields (ltik, one-time token,
 * versions) kept, the choices set to valid values and every text field given the text under test.
 */
export interface TextForm {
  name: string;
  seat: Seat;
  page: string;
  action: string;
  /** Hidden fields that pick the form when the page has several with one action. */
  match?: Record<string, string>;
  /** Valid values for the fields that are not free text, given the form's own fields. */
  choose?: (fields: Record<string, string>) => Record<string, string>;
  /** Free-text fields; a name ending in `*` is every field of the form with that prefix. */
  text: string[];
  /** Text fields stored only after being split up (one row per line), never as typed. */
  split?: string[];
}

const today = () => new Date().toISOString().slice(0, 10);
/** A need left unraised and a radio group of students left "not recorded", whatever the page last offered. */
const clearPrefixed = (fields: Record<string, string>, prefix: string) => Object.fromEntries(Object.keys(fields).filter((k) => k.startsWith(prefix)).map((k) => [k, '']));

/** The school's text forms, with a goal to work on (created here by the advisor). */
export async function textForms(app: Express, school: SeededSchool, ltiks: Record<Seat, string>): Promise<TextForm[]> {
  const s = school.students[0].id;
  const created = await request(app)
    .post(`/students/${s}/goals`)
    .type('form')
    .send({ ltik: ltiks.advisor, category: 'academic', statement: 'Hand in every maths assignment', measure: 'assignments handed in', target: 'all of them', targetDate: '', why: 'to pass' });
  const goal = /\/goals\/([0-9a-f-]{36})/.exec(created.headers.location ?? '')?.[1];
  if (!goal) throw new Error(`goal not created: ${created.status}`);
  const g = `/students/${s}/goals/${goal}`;
  return [
    { name: 'plan fields, adult voice', seat: 'advisor', page: `/students/${s}/plan`, action: `/students/${s}/plan/fields`, match: { section: 'needs-supports', voice: 'adult' }, text: ['text.*'] },
    { name: 'plan fields, student voice', seat: 'student', page: `/students/${s}/plan`, action: `/students/${s}/plan/fields`, match: { section: 'about-me', voice: 'student' }, text: ['text.*'] },
    { name: 'plan comment', seat: 'mentor', page: `/students/${s}/plan`, action: `/students/${s}/plan/comments`, text: ['text'] },
    { name: 'new goal', seat: 'advisor', page: `/students/${s}/goals/new`, action: `/students/${s}/goals`, choose: () => ({ category: 'academic', targetDate: '' }), text: ['statement', 'measure', 'target', 'why'] },
    { name: 'goal edit', seat: 'advisor', page: g, action: g, choose: () => ({ category: 'academic', targetDate: '' }), text: ['statement', 'measure', 'target', 'why'] },
    { name: 'goal suggestion', seat: 'advisor', page: g, action: `${g}/suggest`, text: ['suggestion'] },
    { name: 'action step', seat: 'advisor', page: g, action: `${g}/steps`, choose: () => ({ owner: 'student', dueDate: '' }), text: ['text'] },
    { name: 'progress', seat: 'advisor', page: g, action: `${g}/progress`, choose: () => ({ date: today(), rating: '' }), text: ['value', 'note'] },
    {
      name: 'check-in',
      seat: 'advisor',
      page: `/students/${s}/checkins/new`,
      action: `/students/${s}/checkins`,
      choose: (f) => ({ ...clearPrefixed(f, 'need.'), date: today(), format: 'in_person', attended: 'yes', wellbeing: '3' }),
      text: ['sharedNote', 'adultNote', 'answer.*'],
    },
    { name: 'check-in prep', seat: 'student', page: `/students/${s}/checkins/prep`, action: `/students/${s}/checkins/prep`, choose: (f) => clearPrefixed(f, 'need.'), text: ['answer.*'] },
    {
      name: 'quick check-ins',
      seat: 'advisor',
      page: '/caseload/checkins/new',
      action: '/caseload/checkins',
      choose: (f) => ({ ...clearPrefixed(f, 'attended.'), ...clearPrefixed(f, 'wellbeing.'), [`attended.${s}`]: 'yes', date: today(), format: 'in_person' }),
      text: ['sharedNote'],
    },
    { name: 'preferred adult', seat: 'advisor', page: `/caseload/students/${s}/navigator`, action: `/caseload/students/${s}/preferred-adult`, text: ['preferredAdult'] },
    {
      name: 'support in the catalogue',
      seat: 'admin',
      page: '/admin/supports/new',
      action: '/admin/supports',
      choose: () => ({ category: 'academic', tier: '1', cost: 'free', referral: 'internal', capacity: '', 'lang.en': 'on' }),
      text: ['name', 'provider', 'description', 'eligibility', 'contact', 'hours'],
    },
    {
      name: 'platform by hand',
      seat: 'admin',
      page: '/admin/platforms',
      action: '/admin/platforms',
      choose: () => {
        const id = randomUUID();
        return { issuer: `https://lms.test/${id}`, authLoginUrl: `https://lms.test/${id}/auth`, accessTokenUrl: `https://lms.test/${id}/token`, jwksUrl: `https://lms.test/${id}/jwks`, family: 'canvas', acceptNewDeployments: '' };
      },
      text: ['name', 'clientId', 'deploymentIds'],
      split: ['deploymentIds'],
    },
  ];
}

/** The body a browser would post for `form` with `text` in every free-text field (a function: per field; a fuzz may give non-text). */
export async function fillForm<T = string>(app: Express, form: TextForm, ltik: string, text: (field: string) => T): Promise<Record<string, string | T>> {
  const page = await request(app).get(form.page).query({ ltik }).set('Accept', 'text/html');
  if (page.status !== 200) throw new Error(`${form.name}: page ${form.page} answered ${page.status}`);
  const found = parseForms(page.text, 'http://tool.test').find(
    (f) => new URL(f.action).pathname === form.action && Object.entries(form.match ?? {}).every(([k, v]) => f.fields[k] === v),
  );
  if (!found) throw new Error(`${form.name}: no form posting to ${form.action} on ${form.page}`);
  const fields: Record<string, string | T> = { ...found.fields, ...form.choose?.(found.fields) };
  for (const name of form.text) {
    const matching = name.endsWith('*') ? Object.keys(fields).filter((k) => k.startsWith(name.slice(0, -1))) : [name];
    if (matching.length === 0) throw new Error(`${form.name}: no field ${name}`);
    for (const k of matching) fields[k] = text(k);
  }
  return fields;
}

/** Rows of every table: the school's own (tables with a tenant) and all of the rest. Reads are audited too; those are left out. */
export async function tableCounts(ctx: AppContext, tenantId: string): Promise<Record<string, number>> {
  const tables = await queryRows<{ table_name: string; has_tenant: boolean }>(ctx.db, sql`
    select t.table_name, exists (select 1 from information_schema.columns c where c.table_schema = 'public' and c.table_name = t.table_name and c.column_name = 'tenant_id') as has_tenant
    from information_schema.tables t where t.table_schema = 'public' and t.table_type = 'BASE TABLE' order by t.table_name`);
  const out: Record<string, number> = {};
  for (const t of tables) {
    const notRead = sql`action not in ('read', 'view')`;
    const where = !t.has_tenant
      ? sql``
      : t.table_name === 'audit_events'
        ? sql` where tenant_id = ${tenantId} and ${notRead}`
        : t.table_name === 'audit_event_students'
          ? sql` where tenant_id = ${tenantId} and event_id in (select id from audit_events where tenant_id = ${tenantId} and ${notRead})`
          : sql` where tenant_id = ${tenantId}`;
    const [row] = await queryRows<{ n: number | string }>(ctx.db, sql`select count(*) as n from ${sql.identifier(t.table_name)}${where}`);
    out[t.table_name] = Number(row!.n);
  }
  return out;
}

/** Every stored value (as text) holding `needle`, with its `table.column` (text, arrays and JSON documents searched as text). */
export async function valuesHolding(ctx: AppContext, needle: string, only?: string[]): Promise<{ column: string; value: string }[]> {
  const columns = await queryRows<{ table_name: string; column_name: string; data_type: string }>(
    ctx.db,
    sql`select table_name, column_name, data_type from information_schema.columns where table_schema = 'public' and data_type in ('text', 'character varying', 'jsonb', 'json', 'ARRAY') order by table_name, column_name`,
  );
  const hits: { column: string; value: string }[] = [];
  for (const c of columns) {
    const column = `${c.table_name}.${c.column_name}`;
    if (only && !only.includes(column)) continue;
    // A JSON document holds the text escaped as JSON writes it (PostgreSQL and JSON.stringify escape alike).
    const sought = c.data_type.startsWith('json') ? JSON.stringify(needle).slice(1, -1) : needle;
    const col = sql`${sql.identifier(c.column_name)}::text`;
    for (const r of await queryRows<{ v: string }>(ctx.db, sql`select ${col} as v from ${sql.identifier(c.table_name)} where strpos(${col}, ${sought}) > 0`)) hits.push({ column, value: r.v });
  }
  return hits;
}

/** The `table.column`s whose stored value holds `needle`. */
export async function columnsHolding(ctx: AppContext, needle: string, only?: string[]): Promise<string[]> {
  return [...new Set((await valuesHolding(ctx, needle, only)).map((h) => h.column))];
}
