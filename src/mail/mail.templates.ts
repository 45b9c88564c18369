import { z } from 'zod';

/**
 * The e-mails the tool can send, as data: each template's parameters have a fixed, strict schema
 * whose fields may only be numbers, ids, booleans or choices from a fixed list (checked below when
 * the module loads). A template therefore cannot carry a student's words, a name typed by anyone, or
 * a sensitive category's text: subject and body are worded from config/locales/<lang>/mail.json
 * (`mail.<template>.subject`, `.body`), and the only link is one back into the tool.
 * The next features (alerts, referrals, the digest) add their templates here.
 */
export const mailTemplates = {
  /** Something waits for the recipient in the tool (a generic nudge: how many things, never what). */
  'tool.waiting': {
    params: z.strictObject({ count: z.number().int().min(1).max(999) }),
    /** Where the link leads: the tool's entry page, which says how to open it from the LMS (an e-mail can carry no ltik). */
    path: '/',
  },
  /**
   * An alert was routed to the recipient (src/alerts): how urgent, never whom it is about, what was
   * written or which need. The link leads to the tool's entry page (the reader opens Alerts from the LMS).
   */
  'alert.raised': {
    // i18next's context: the subject and body worded for an urgent alert or one that needs attention.
    params: z.strictObject({ context: z.enum(['urgent', 'attention']) }),
    path: '/',
  },
  /** A navigator's morning digest: counts only. */
  'digest.daily': {
    params: z.strictObject({ checkinsDue: z.number().int().min(0).max(9999), openAlerts: z.number().int().min(0).max(9999), referralsWaiting: z.number().int().min(0).max(9999) }),
    path: '/',
  },
} as const;

export type MailTemplateKey = keyof typeof mailTemplates;
export type MailParams<K extends MailTemplateKey> = z.infer<(typeof mailTemplates)[K]['params']>;
export const isMailTemplate = (v: string): v is MailTemplateKey => Object.hasOwn(mailTemplates, v);

/** Field kinds a template may take: none of them can hold free text. */
function holdsNoFreeText(field: z.ZodType): boolean {
  const def = field.def as { type: string; format?: string; innerType?: z.ZodType };
  if (def.type === 'optional' || def.type === 'nullable') return def.innerType !== undefined && holdsNoFreeText(def.innerType);
  if (def.type === 'string') return def.format === 'uuid';
  return ['number', 'int', 'boolean', 'enum', 'literal'].includes(def.type);
}

for (const [key, template] of Object.entries(mailTemplates)) {
  const loose = Object.entries(template.params.shape).filter(([, field]) => !holdsNoFreeText(field as z.ZodType));
  if (loose.length > 0) throw new Error(`mail template ${key}: parameters ${loose.map(([k]) => k).join(', ')} could carry free text`);
}
