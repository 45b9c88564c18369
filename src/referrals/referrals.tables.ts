import { pgTable, text, boolean, timestamp, integer, uuid, date, index, uniqueIndex } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { createdAtColumn, idColumn, personIdColumn, personReference, tenantIdColumn } from '../db/columns.js';
import { tenantKey, tenantReference } from '../db/keys.js';
import { supports } from '../supports/supports.tables.js';

export const referralStates = ['requested', 'accepted', 'declined', 'in_service', 'closed'] as const;
export type ReferralState = (typeof referralStates)[number];
export const closedOutcomes = ['completed', 'declined', 'unreachable', 'moved'] as const;
export type ClosedOutcome = (typeof closedOutcomes)[number];
export const urgencies = ['urgent', 'routine'] as const;
export type ReferralUrgency = (typeof urgencies)[number];
/** `automation`: sent from a draft an automation rule wrote (referral_drafts). */
export const referralSources = ['need', 'prep', 'plan', 'direct', 'automation'] as const;
export type ReferralSource = (typeof referralSources)[number];
/** What a timeline step records. */
export const eventKinds = ['created', 'accepted', 'declined', 'started', 'session', 'closed', 'held', 'released', 'revoked'] as const;
export type EventKind = (typeof eventKinds)[number];
export const consentGivers = ['parent', 'guardian', 'student'] as const;
export type ConsentGiver = (typeof consentGivers)[number];
export const consentMethods = ['paper', 'verbal', 'online'] as const;
export type ConsentMethod = (typeof consentMethods)[number];

/**
 * A referral of a student to a support of the catalogue: requested -> accepted | declined -> in service
 * -> closed (with an outcome). Category and sensitivity are copied from the support when made, so a
 * later edit of the catalogue never widens who sees it. `version` guards every transition (a stale form is a 409).
 */
export const referrals = pgTable(
  'referrals',
  {
    id: idColumn(),
    tenantId: tenantIdColumn(),
    studentId: personIdColumn('student_id'),
    supportId: uuid('support_id').notNull(),
    category: text('category').notNull(),
    sensitive: boolean('sensitive').notNull(),
    /** The support's provider is an outside organisation (consent rules apply before it sees the referral). */
    external: boolean('external').notNull().default(false),
    reason: text('reason').notNull(),
    urgency: text('urgency').$type<ReferralUrgency>().notNull(),
    source: text('source').$type<ReferralSource>().notNull(),
    needId: uuid('need_id'),
    referredBy: uuid('referred_by').notNull(),
    ownerId: uuid('owner_id').notNull(),
    state: text('state').$type<ReferralState>().notNull().default('requested'),
    closedOutcome: text('closed_outcome').$type<ClosedOutcome>(),
    declineReason: text('decline_reason'),
    /** The response standard: the end of the Nth school day after it was made (config/referrals.json). */
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    respondedAt: timestamp('responded_at', { withTimezone: true }),
    /** When it first went into service (a connection to a service, counted per student). */
    servedAt: timestamp('served_at', { withTimezone: true }),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    overdueAlertedAt: timestamp('overdue_alerted_at', { withTimezone: true }),
    /** The outside organisation that provides the support (the providers feature; no reference yet). */
    providerOrganisationId: uuid('provider_organisation_id'),
    heldForConsent: boolean('held_for_consent').notNull().default(false),
    outcomeNote: text('outcome_note').notNull().default(''),
    sessionsCount: integer('sessions_count').notNull().default(0),
    minutesTotal: integer('minutes_total').notNull().default(0),
    version: integer('version').notNull().default(1),
    createdAt: createdAtColumn(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    tenantKey(t),
    personReference(t, t.studentId),
    tenantReference(t, t.supportId, supports),
    index('referrals_student_idx').on(t.tenantId, t.studentId, t.createdAt),
    // The queue: per state, soonest due first.
    index('referrals_queue_idx').on(t.tenantId, t.state, t.dueAt, t.id),
    index('referrals_owner_idx').on(t.tenantId, t.ownerId, t.state, t.dueAt, t.id),
    index('referrals_category_idx').on(t.tenantId, t.category, t.state, t.dueAt, t.id),
    index('referrals_support_idx').on(t.tenantId, t.supportId, t.state),
    index('referrals_org_idx').on(t.tenantId, t.providerOrganisationId),
    // The overdue scanner: requested and not yet alerted, by due time.
    index('referrals_overdue_idx').on(t.dueAt).where(sql`state = 'requested' and overdue_alerted_at is null`),
  ],
);

/** The timeline: each step of a referral, when, by whom (a person of the school, or a provider's account). */
export const referralEvents = pgTable(
  'referral_events',
  {
    id: idColumn(),
    tenantId: tenantIdColumn(),
    referralId: uuid('referral_id').notNull(),
    kind: text('kind').$type<EventKind>().notNull(),
    fromState: text('from_state').$type<ReferralState>(),
    toState: text('to_state').$type<ReferralState>(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    byPersonId: uuid('by_person_id'),
    byProviderAccountId: uuid('by_provider_account_id'),
    note: text('note').notNull().default(''),
    sessionDate: date('session_date', { mode: 'string' }),
    minutes: integer('minutes'),
  },
  (t) => [tenantKey(t), tenantReference(t, t.referralId, referrals), index('referral_events_referral_idx').on(t.tenantId, t.referralId, t.at)],
);

/**
 * Consent to share a referral with an outside provider: for one referral, or standing for the student
 * (referral_id null). Who gave it (parent, guardian, or the student at 18), how, when; revocable.
 */
export const referralConsents = pgTable(
  'referral_consents',
  {
    id: idColumn(),
    tenantId: tenantIdColumn(),
    studentId: personIdColumn('student_id'),
    referralId: uuid('referral_id'),
    giver: text('giver').$type<ConsentGiver>().notNull(),
    method: text('method').$type<ConsentMethod>().notNull(),
    givenOn: date('given_on', { mode: 'string' }).notNull(),
    recordedBy: uuid('recorded_by').notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    revokedBy: uuid('revoked_by'),
  },
  (t) => [tenantKey(t), personReference(t, t.studentId), tenantReference(t, t.referralId, referrals), index('referral_consents_student_idx').on(t.tenantId, t.studentId)],
);

export const draftStates = ['open', 'sent', 'dismissed'] as const;
export type DraftState = (typeof draftStates)[number];

/**
 * A referral an automation rule suggests (issue 14 item 5, "draft a referral"): not a referral yet (no
 * support, owner, reason or response clock) but a prompt on the student's supports tab and the queue. A
 * person reviews it, chooses the support and writes the reason, and sends it (`referral_id`), or dismisses
 * it. At most one open draft a student and category (the partial unique index), so concurrent events
 * never draft twice.
 */
export const referralDrafts = pgTable(
  'referral_drafts',
  {
    id: idColumn(),
    tenantId: tenantIdColumn(),
    studentId: personIdColumn('student_id'),
    /** A support category (supports.category). */
    category: text('category').notNull(),
    urgency: text('urgency').$type<ReferralUrgency>().notNull(),
    /** The need that caused it, when the rule's event was a raised need (the form then links the referral to it). */
    needId: uuid('need_id'),
    /** The rule that drafted it and its name then (an admin's words, no student data), for "drafted by". */
    ruleId: uuid('rule_id').notNull(),
    ruleName: text('rule_name').notNull(),
    state: text('state').$type<DraftState>().notNull().default('open'),
    referralId: uuid('referral_id'),
    decidedBy: uuid('decided_by'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    createdAt: createdAtColumn(),
  },
  (t) => [
    tenantKey(t),
    personReference(t, t.studentId),
    tenantReference(t, t.referralId, referrals),
    uniqueIndex('referral_drafts_open_uq').on(t.tenantId, t.studentId, t.category).where(sql`state = 'open'`),
    index('referral_drafts_state_idx').on(t.tenantId, t.state, t.createdAt),
  ],
);
