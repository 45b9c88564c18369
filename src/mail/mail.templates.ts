import { z } from 'zod';

/**
 * The e-mails the tool can send, as data: each template's parameters have a fixed, strict schema
 * whose fields may only be numbers, ids, booleans or choices from a fixed list (checked below when
 * the module loads). A template therefore cannot carry a student's words, a name typed by anyone, or
 * a sensitive category's text: subject and body are worded from config/locales/<lang>/mail.json
 * (`mail.<template>.subject`, `.body`), and the only link is one back into the tool.
 * The next features (alerts, referrals, the digest) add their templates here.
 */
/**
 * What a template may add to its link besides the path: `query` names parameters (ids only) that go in
 * the link's query string; `token` says the link carries a one-time token (`QueuedMail.linkToken`) as
 * `?token=`: sealed in the outbox row, never in the text outside the link, never logged.
 */
interface TemplateLink {
  path: string;
  query?: readonly string[];
  token?: boolean;
  /**
   * Parameters that are codes a school may word its own way (terminology's labels): the text says
   * `{{<name>Label}}`, the code's label under the prefix given, in the school's words when it is sent.
   */
  worded?: Readonly<Record<string, string>>;
}

export const mailTemplates = {
  /** Something waits for the recipient in the tool (a generic nudge: how many things, never what). */
  'tool.waiting': {
    params: z.strictObject({ count: z.number().int().min(1).max(999) }),
    /** Where the link leads: the tool's entry page, which says how to open it from the LMS (an e-mail can carry no ltik). */
    path: '/',
  },
  /** A community provider is invited (src/providers): the link leads to "Sign in" with the invitation's token. */
  'provider.invite': {
    params: z.strictObject({ school: z.uuid() }),
    path: '/provider/welcome',
    query: ['school'],
    token: true,
  },
  /** A provider asked for a sign-in link: the link leads to "Sign in" with a token valid about 30 minutes. */
  'provider.signIn': {
    params: z.strictObject({ school: z.uuid() }),
    path: '/provider/link',
    query: ['school'],
    token: true,
  },
  /** A referral was sent to the recipient's organisation: the link signs them in (three days), never a word of the referral. */
  'provider.referral': {
    params: z.strictObject({ school: z.uuid() }),
    path: '/provider/referral-link',
    query: ['school'],
    token: true,
  },
  /** A referral the recipient made or owns moved on: its new state only (never the student, the support or its category). */
  'referral.updated': {
    params: z.strictObject({ state: z.enum(['requested', 'accepted', 'declined', 'in_service', 'closed']) }),
    path: '/',
    worded: { state: 'referrals.state' },
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
  /**
   * An automation rule asked the school to tell a student's family (src/automations): that the school
   * has news in their child's success plan, and how to open it. Never the child, the event or a word of it.
   */
  'family.update': {
    params: z.strictObject({}),
    path: '/',
  },
  /** A navigator's morning digest: counts only. */
  'digest.daily': {
    params: z.strictObject({ checkinsDue: z.number().int().min(0).max(9999), openAlerts: z.number().int().min(0).max(9999), referralsWaiting: z.number().int().min(0).max(9999) }),
    path: '/',
  },
} as const satisfies Record<string, TemplateLink & { params: z.ZodObject }>;

/** The link of a template: what it adds to its path (see TemplateLink). */
export const linkOf = (key: MailTemplateKey): TemplateLink => mailTemplates[key];

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
  const strays = (linkOf(key as MailTemplateKey).query ?? []).filter((q) => !Object.hasOwn(template.params.shape, q));
  if (strays.length > 0) throw new Error(`mail template ${key}: link query ${strays.join(', ')} names no parameter`);
}
