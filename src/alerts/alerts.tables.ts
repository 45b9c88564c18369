import { sql } from 'drizzle-orm';
import { pgTable, uuid, text, timestamp, date, index, uniqueIndex } from 'drizzle-orm/pg-core';
import { idColumn, tenantIdColumn, personIdColumn, personReference, createdAtColumn } from '../db/columns.js';
import { tenantKey, tenantReference } from '../db/keys.js';

export const alertKinds = ['urgent_need', 'wellbeing_low', 'crisis_words', 'overdue_referral', 'automation'] as const;
export type AlertKind = (typeof alertKinds)[number];
export const alertStates = ['open', 'acknowledged', 'resolved'] as const;
export type AlertState = (typeof alertStates)[number];
export const recipientReasons = ['navigator', 'coordinator', 'counsellor', 'social_worker', 'owner'] as const;
export type RecipientReason = (typeof recipientReasons)[number];

/**
 * Something about a student that an adult must see soon (src/alerts/README.md). Never holds the text
 * that raised it: only its kind, the need or support category, and the id of the record it came from.
 */
export const alerts = pgTable(
  'alerts',
  {
    id: idColumn(),
    tenantId: tenantIdColumn(),
    studentId: personIdColumn('student_id'),
    kind: text('kind').$type<AlertKind>().notNull(),
    /** A need or support category id; null when the kind has none (crisis words, a low rating). */
    category: text('category'),
    /** The record it came from: a need, a check-in, a referral, or the record whose text matched. */
    sourceId: uuid('source_id').notNull(),
    /** What makes two raises the same alert while it is not resolved (a category for needs, else the source). */
    dedupeKey: text('dedupe_key').notNull(),
    state: text('state').$type<AlertState>().notNull().default('open'),
    createdAt: createdAtColumn(),
    acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
    acknowledgedBy: uuid('acknowledged_by'),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    resolvedBy: uuid('resolved_by'),
    resolutionNote: text('resolution_note'),
  },
  (t) => [
    tenantKey(t),
    personReference(t, t.studentId),
    // One alert per (student, kind, source) until it is resolved: a resubmit or a repeated need never duplicates it.
    uniqueIndex('alerts_not_resolved_uq').on(t.tenantId, t.studentId, t.kind, t.dedupeKey).where(sql`state <> 'resolved'`),
    index('alerts_tenant_state_idx').on(t.tenantId, t.state, t.createdAt),
  ],
);

/** Who an alert was routed to, why (which audience of config/alert-routing.json), and the e-mail they were sent. */
export const alertRecipients = pgTable(
  'alert_recipients',
  {
    id: idColumn(),
    tenantId: tenantIdColumn(),
    alertId: uuid('alert_id').notNull(),
    personId: personIdColumn('person_id'),
    why: text('why').$type<RecipientReason>().notNull(),
    mailId: uuid('mail_id'),
  },
  (t) => [
    tenantKey(t),
    tenantReference(t, t.alertId, alerts),
    personReference(t, t.personId),
    uniqueIndex('alert_recipients_alert_person_uq').on(t.tenantId, t.alertId, t.personId),
    index('alert_recipients_person_idx').on(t.tenantId, t.personId),
  ],
);

/** One daily digest per navigator and school day: the unique key makes a rerun of the day's job send nothing twice. */
export const digestSends = pgTable(
  'digest_sends',
  {
    id: idColumn(),
    tenantId: tenantIdColumn(),
    personId: personIdColumn('person_id'),
    day: date('day', { mode: 'string' }).notNull(),
    mailId: uuid('mail_id'),
    createdAt: createdAtColumn(),
  },
  (t) => [tenantKey(t), personReference(t, t.personId), uniqueIndex('digest_sends_person_day_uq').on(t.tenantId, t.personId, t.day)],
);
