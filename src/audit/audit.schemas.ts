import { z } from 'zod';
import { isRealDate } from '../web/forms.js';
import { isUuid } from '../web/ids.js';
import { auditActions } from './audit.service.js';
import type { AuditCursor } from './audit.repository.js';

// Refusals name keys of config/locales (audit.errors.*): the service words them in the admin's language.

/** A page position in a link: `<ISO instant>_<event id>`. */
export const encodeCursor = (c: AuditCursor) => `${c.at.toISOString()}_${c.id}`;
const cursor = z
  .string()
  .trim()
  .transform((raw, ctx) => {
    if (raw === '') return undefined;
    const [iso, id] = raw.split('_');
    const at = new Date(iso ?? '');
    if (!id || !isUuid(id) || Number.isNaN(at.getTime())) {
      ctx.addIssue({ code: 'custom', message: 'audit.errors.page' });
      return z.NEVER;
    }
    return { at, id };
  });

const day = z
  .string()
  .trim()
  .refine((d) => d === '' || isRealDate(d), { message: 'audit.errors.date' })
  .transform((d) => d || undefined);
/** A name (or part of one) to search, or a person id from a link on the page. */
const who = z
  .string()
  .trim()
  .max(100, 'audit.errors.text')
  .transform((s) => s || undefined);
const first = (v: unknown) => (Array.isArray(v) ? v[0] : v);
const text = <T extends z.ZodType>(schema: T) => z.preprocess((v) => first(v) ?? '', schema);

/** The admin page's GET form (and the CSV export, which takes the same filters). */
export const auditQuery = z
  .object({
    student: text(who),
    person: text(who),
    action: z.preprocess((v) => first(v) || undefined, z.enum(auditActions).optional()),
    from: text(day),
    to: text(day),
    before: text(cursor),
    after: text(cursor),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'audit.errors.range', path: ['to'] });
export type AuditQuery = z.infer<typeof auditQuery>;

/** "Who viewed my record" pages: only the position. */
export const recordViewsQuery = z.object({ before: text(cursor), after: text(cursor) });
