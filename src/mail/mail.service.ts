import nodemailer from 'nodemailer';
import { z } from 'zod';
import type { Db, DbOrTx } from '../db/client.js';
import type { Clock } from '../web/clock.js';
import type { Logger } from '../web/logger.js';
import { errorClassOf, type JobQueue } from '../jobs/jobs.service.js';
import { asSystem, withTenant } from '../db/tenant-scope.js';
import { badRequest, message } from '../web/errors.js';
import { defaultLocale, isLocale, t, withTerms, type Locale, type Terms } from '../web/i18n.js';
import { isMailTemplate, linkOf, mailTemplates, type MailParams, type MailTemplateKey } from './mail.templates.js';
import type { SecretBox } from '../connectors/secret-box.js';
import * as repo from './mail.repository.js';

export const SEND_JOB = 'mail.send';
/** Messages one start re-queues at most (oldest first); the next start takes the rest. */
const RESUME_LIMIT = 10_000;

/** A failure of one delivery attempt, by class (the job queue and the outbox keep `kind`, never the message). */
export class MailError extends Error {
  constructor(
    readonly kind: 'mail_not_configured' | 'smtp_unavailable' | 'smtp_deferred' | 'smtp_auth' | 'smtp_rejected' | 'mail_template',
    message: string,
  ) {
    super(message);
    this.name = 'MailError';
  }
}

/** One address, as a person or an LMS gave it: no display name, no list, nothing a header could be split on. */
export const recipientAddress = z.email().max(254);

export interface MailDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  jobs: JobQueue;
  baseUrl: string;
  /** Where mail goes out; undefined: kept for /sandbox/outbox (`keep`), else held queued (production). */
  smtpUrl: string | undefined;
  from: string;
  /** Without an SMTP server, keep messages as sent for the sandbox's outbox page (never in production). */
  keep: boolean;
  /** Seals a link's one-time token in the outbox row (createSecretBox(key, 'mail-link-tokens')). */
  linkTokens: SecretBox;
  /**
   * The school's words (its terminology document): a message is worded when it goes out, in a job with
   * no request, so it asks for them itself (the family is told of their child's navigator by the school's
   * word, a referral's step by the school's label). Undefined: the shipped words.
   */
  termsOf?: (tenantId: string) => Promise<Terms | undefined>;
}

export interface QueuedMail<K extends MailTemplateKey> {
  tenantId: string;
  to: string;
  template: K;
  params: MailParams<K>;
  /** The recipient's language when the tool knows it. */
  locale?: Locale | undefined;
  /** The one-time token the link carries, for a template with `token` (and only then). */
  linkToken?: string;
}

/** What a message says, worded when it is sent (or shown on the sandbox outbox): subject and body from i18n, one link into the tool. */
export function render(template: string, params: Record<string, unknown>, locale: Locale, baseUrl: string, linkToken?: string | null): { subject: string; text: string } {
  if (!isMailTemplate(template)) throw new MailError('mail_template', `unknown mail template ${template}`);
  const def = mailTemplates[template];
  const checked = def.params.safeParse(params);
  if (!checked.success) throw new MailError('mail_template', `parameters do not fit mail template ${template}`);
  const linkDef = linkOf(template);
  const url = new URL(linkDef.path, baseUrl);
  for (const q of linkDef.query ?? []) url.searchParams.set(q, String((checked.data as Record<string, unknown>)[q]));
  if (linkDef.token) {
    if (!linkToken) throw new MailError('mail_template', `mail template ${template} needs its link's token`);
    url.searchParams.set('token', linkToken);
  }
  const link = url.toString();
  const data = checked.data as Record<string, unknown>;
  const worded = Object.fromEntries(Object.entries(linkDef.worded ?? {}).map(([name, prefix]) => [`${name}Label`, t(`${prefix}.${String(data[name])}`, {}, locale)]));
  const values = { ...data, ...worded, link };
  return {
    subject: t(`mail.${template}.subject`, values, locale),
    text: `${t(`mail.${template}.body`, values, locale)}\n\n${t('mail.footer', {}, locale)}\n`,
  };
}

/** The Message-ID a message is sent with: the same on every attempt, so a resend after a crash is recognisably one message. */
const messageIdOf = (id: string, baseUrl: string) => `<${id}@${new URL(baseUrl).hostname}>`;

/** A nodemailer error as a class, and whether the server refused the message for good (retrying cannot help). */
function classify(err: unknown): { kind: MailError['kind']; final: boolean } {
  const e = err as { code?: unknown; responseCode?: unknown } | null;
  const status = typeof e?.responseCode === 'number' ? e.responseCode : undefined;
  if (e?.code === 'EAUTH') return { kind: 'smtp_auth', final: false };
  if (status !== undefined && status >= 500 && (e?.code === 'EENVELOPE' || e?.code === 'EMESSAGE')) return { kind: 'smtp_rejected', final: true };
  if (status !== undefined && status >= 400) return { kind: 'smtp_deferred', final: false };
  return { kind: 'smtp_unavailable', final: false };
}

/**
 * Outgoing e-mail (src/mail/README.md): `queue` writes an outbox row and its `mail.send` job in the
 * caller's transaction; the job sends it through SMTP once, records the server's Message-ID, and is
 * retried with the queue's backoff while the server is down.
 */
export function createMailService(deps: MailDeps) {
  const { db, clock, logger } = deps;
  const transport = deps.smtpUrl ? nodemailer.createTransport({ url: deps.smtpUrl, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 }) : undefined;
  if (!transport && !deps.keep) logger.warn('SMTP_URL is not set: e-mail stays queued until it is (see /admin/jobs)');

  /** A row's sealed link token, opened (null: none, or sealed under another key). */
  const openToken = (sealed: string | null) => (sealed ? deps.linkTokens.open(sealed) : null);

  /** A row as its recipient reads it, in the school's words. Throws when the row no longer fits its template. */
  const contentOf = (row: repo.OutboxRow, terms: Terms | undefined) =>
    withTerms(terms, () => render(row.template, row.params, isLocale(row.locale) ? row.locale : defaultLocale, deps.baseUrl, openToken(row.linkToken)));
  const termsFor = (tenantId: string) => deps.termsOf?.(tenantId);

  async function send(key: string): Promise<void> {
    const [tenantId, id] = key.split('/');
    if (!tenantId || !id) return;
    await withTenant(tenantId, async () => {
      const row = await repo.find(db, tenantId, id);
      // Gone with its school, sent already (a rerun after a crash or a second enqueue), or refused for good.
      if (!row || row.status !== 'queued') return;
      const messageId = messageIdOf(row.id, deps.baseUrl);
      if (!transport) {
        if (deps.keep) {
          await repo.markSent(db, tenantId, id, 'kept', messageId, clock.now());
          return;
        }
        await repo.markAttemptFailed(db, tenantId, id, 'mail_not_configured', false);
        throw new MailError('mail_not_configured', 'SMTP_URL is not set');
      }
      // Read before the template is filled: a failing read is the job's retry, not a message refused for good.
      const terms = await termsFor(tenantId);
      let content: { subject: string; text: string };
      try {
        content = contentOf(row, terms);
      } catch (err) {
        // A template removed or changed since the row was queued: no attempt can send it.
        await repo.markAttemptFailed(db, tenantId, id, 'mail_template', true);
        logger.error({ tenantId, mailId: id, template: row.template, errorClass: errorClassOf(err) }, 'queued e-mail no longer fits its template');
        return;
      }
      try {
        const info = await transport.sendMail({ from: deps.from, to: row.recipient, subject: content.subject, text: content.text, messageId });
        await repo.markSent(db, tenantId, id, 'smtp', info.messageId || messageId, clock.now());
      } catch (err) {
        const { kind, final } = classify(err);
        await repo.markAttemptFailed(db, tenantId, id, kind, final);
        logger.warn({ tenantId, mailId: id, errorClass: kind, final }, 'e-mail not sent');
        if (!final) throw new MailError(kind, 'e-mail not sent');
      }
    });
  }

  /**
   * Queues one e-mail in `tx` (the transaction of the write that caused it, scoped to its tenant):
   * the outbox row and its send job commit or roll back with it. A bad address or parameters that do
   * not fit the template are refused here, before anything is written.
   */
  async function queue<K extends MailTemplateKey>(tx: DbOrTx, mail: QueuedMail<K>): Promise<string> {
    const to = recipientAddress.safeParse(mail.to);
    if (!to.success) throw badRequest(message('mail.errors.badAddress'), 'bad_address');
    const params = mailTemplates[mail.template].params.safeParse(mail.params);
    if (!params.success) throw badRequest(message('mail.errors.badParams'), 'bad_mail_params');
    // A token only where the template's link takes one, and always there.
    if (Boolean(linkOf(mail.template).token) !== Boolean(mail.linkToken)) throw badRequest(message('mail.errors.badParams'), 'bad_mail_params');
    const now = clock.now();
    const linkToken = mail.linkToken ? deps.linkTokens.seal(mail.linkToken) : null;
    const id = await repo.insert(tx, { tenantId: mail.tenantId, recipient: to.data, locale: mail.locale && isLocale(mail.locale) ? mail.locale : defaultLocale, template: mail.template, params: params.data, linkToken, createdAt: now });
    await deps.jobs.enqueueIn(tx, SEND_JOB, `${mail.tenantId}/${id}`, now, mail.tenantId);
    return id;
  }

  return {
    jobHandlers: { [SEND_JOB]: send },

    /** Queues one e-mail in the caller's transaction (see `queue` above). */
    queue,

    /** `queue` in a transaction of its own, for a caller with no write of its own to join. */
    queueNow<K extends MailTemplateKey>(mail: QueuedMail<K>): Promise<string> {
      return withTenant(mail.tenantId, () => db.transaction((tx) => queue(tx, mail)));
    },

    /**
     * On start: every message still queued gets its job again (a job gives up after jobMaxAttempts,
     * e.g. while SMTP_URL was unset or the server was down for hours), so mail held back is never lost.
     * A job still pending keeps its time; a sent message is never sent again. Nothing to do until mail can go out.
     */
    async resumeHeld(): Promise<number> {
      if (!transport && !deps.keep) return 0;
      return asSystem('schedule', async () => {
        const held = await repo.listQueued(db, RESUME_LIMIT);
        await deps.jobs.enqueueAll(SEND_JOB, held.map((m) => ({ key: `${m.tenantId}/${m.id}`, tenantId: m.tenantId })), clock.now());
        if (held.length > 0) logger.info({ messages: held.length }, 'queued e-mail resumed');
        return held.length;
      });
    },

    find: (tenantId: string, id: string) => withTenant(tenantId, () => repo.find(db, tenantId, id)),

    /** True when messages are kept for /sandbox/outbox instead of sent (no SMTP_URL outside production). */
    keepsMail: !transport && deps.keep,

    /** /sandbox/outbox: the newest kept messages as their recipients would read them. The caller runs as the sandbox (system scope). */
    async keptMessages(limit = 50) {
      const rows = await repo.listKept(db, limit);
      const terms = new Map(await Promise.all([...new Set(rows.map((r) => r.tenantId))].map(async (id) => [id, await termsFor(id)] as const)));
      return rows.map((r) => ({ id: r.id, to: r.recipient, sentAt: r.sentAt, ...contentOf(r, terms.get(r.tenantId)) }));
    },

    close: () => transport?.close(),
  };
}
export type MailService = ReturnType<typeof createMailService>;
