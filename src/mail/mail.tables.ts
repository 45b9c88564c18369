import { pgTable, text, integer, timestamp, jsonb, index } from 'drizzle-orm/pg-core';
import { createdAtColumn, idColumn, tenantIdColumn } from '../db/columns.js';
import { tenantKey } from '../db/keys.js';

/**
 * The outbox: one row per e-mail the tool sends for a school (src/mail/README.md). A row holds a
 * template key and its parameters (ids, the tool's own labels, links), never a rendered body, so no
 * student record text is ever stored or sent; the `mail.send` job delivers it and records the result.
 */
export const mailOutbox = pgTable(
  'mail_outbox',
  {
    tenantId: tenantIdColumn(),
    id: idColumn(),
    recipient: text('recipient').notNull(),
    /** The recipient's language when known, else the tool's default: subject and body are worded in it when sent. */
    locale: text('locale').notNull(),
    template: text('template').notNull(),
    /** Checked against the template's own schema when queued and again when sent. */
    params: jsonb('params').$type<Record<string, unknown>>().notNull(),
    /**
     * A template whose link carries a one-time token (a provider's invitation or sign-in link): the
     * token sealed (AES-GCM, src/connectors/secret-box.ts), opened only to word the message; cleared
     * once an SMTP server accepted it. Never logged, never shown but inside the link.
     */
    linkToken: text('link_token'),
    /** queued | sent | failed (the server refused it for good: a bad mailbox) */
    status: text('status').notNull().default('queued'),
    /** Delivery attempts made, successful or not. */
    attempts: integer('attempts').notNull().default(0),
    /** The class of the last failure (mail_not_configured, smtp_unavailable, smtp_refused…), never the server's message. */
    lastError: text('last_error'),
    /** smtp, or kept (no SMTP_URL outside production: shown on /sandbox/outbox instead). */
    deliveredBy: text('delivered_by'),
    /** The Message-ID the server accepted: the record that it was sent (and the same one on any resend). */
    smtpMessageId: text('smtp_message_id'),
    createdAt: createdAtColumn(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
  },
  // Kept messages for /sandbox/outbox; queued ones for the start-up round that re-queues held mail (resumeHeld).
  (t) => [tenantKey(t), index('mail_outbox_kept_idx').on(t.deliveredBy, t.sentAt), index('mail_outbox_status_idx').on(t.status, t.createdAt)],
);
