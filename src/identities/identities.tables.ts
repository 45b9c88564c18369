import { pgTable, text, timestamp, integer, jsonb, uuid, uniqueIndex, index } from 'drizzle-orm/pg-core';
import { idColumn, tenantIdColumn, personIdColumn, personReference, createdAtColumn } from '../db/columns.js';
import { tenantKey } from '../db/keys.js';

/**
 * Where an outside row's student id comes from: 'sis' (the SIS's sourcedId, which LTI launches and NRPS
 * carry as lis person_sourcedid), 'canvas' (Canvas's own user id), 'schoology' (Schoology's user id).
 */
export const identitySources = ['sis', 'canvas', 'schoology'] as const;
export type IdentitySource = (typeof identitySources)[number];

/** A stable outside id known to be this person: made only from stable ids, never from names. */
export const personIdentities = pgTable(
  'person_identities',
  {
    id: idColumn(),
    tenantId: tenantIdColumn(),
    personId: personIdColumn('person_id'),
    source: text('source').$type<IdentitySource>().notNull(),
    externalId: text('external_id').notNull(),
    createdAt: createdAtColumn(),
  },
  (t) => [
    tenantKey(t),
    personReference(t, t.personId),
    uniqueIndex('person_identities_source_uq').on(t.tenantId, t.source, t.externalId),
    index('person_identities_person_idx').on(t.tenantId, t.personId),
  ],
);

export const reviewReasons = ['unmatched', 'ambiguous'] as const;
export type ReviewReason = (typeof reviewReasons)[number];

/**
 * An outside id that matched no one, or several people: an admin decides (never a silent guess).
 * `label` is the source's own name for the row, shown only on the admin's review page.
 */
export const identityReviews = pgTable(
  'identity_reviews',
  {
    id: idColumn(),
    tenantId: tenantIdColumn(),
    source: text('source').$type<IdentitySource>().notNull(),
    externalId: text('external_id').notNull(),
    reason: text('reason').$type<ReviewReason>().notNull(),
    candidateIds: jsonb('candidate_ids').$type<string[]>().notNull().default([]),
    label: text('label').notNull().default(''),
    firstSeenAt: createdAtColumn('first_seen_at'),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    seenCount: integer('seen_count').notNull().default(1),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    resolvedBy: uuid('resolved_by'),
    /** linked (to person_id) | ignored */
    resolution: text('resolution'),
    personId: uuid('person_id'),
  },
  (t) => [tenantKey(t), uniqueIndex('identity_reviews_source_uq').on(t.tenantId, t.source, t.externalId)],
);
