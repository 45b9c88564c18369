import { pgTable, text, timestamp, integer, boolean, uuid, uniqueIndex, index } from 'drizzle-orm/pg-core';
import { createdAtColumn, idColumn, tenantIdColumn } from '../db/columns.js';
import { tenantKey } from '../db/keys.js';

/**
 * What a support helps with: the check-in's needs (config/checkin-script.json, checked at start so a
 * need always has a category to refer to) and the kinds of help a school offers beyond them.
 */
export const supportCategories = [
  'technology', 'workspace', 'food', 'housing', 'academic', 'wellbeing', 'enrichment', 'health', 'family',
  'tutoring', 'mentoring', 'college_career', 'substance_use', 'legal', 'other',
] as const;
export type SupportCategory = (typeof supportCategories)[number];

/**
 * Mental health (well-being), physical health, substance use and legal help: who is referred to them
 * is need-to-know (issue 11), so a support in these categories is always marked sensitive.
 */
export const sensitiveCategories: readonly SupportCategory[] = ['wellbeing', 'health', 'substance_use', 'legal'];

export const supportCosts = ['free', 'low_cost', 'sliding_scale', 'insurance', 'fee'] as const;
export type SupportCost = (typeof supportCosts)[number];

/** Internal: staff of the school give it (an LMS user can take the referral); external: an outside organisation. */
export const supportProviders = ['internal', 'external'] as const;
export type SupportProvider = (typeof supportProviders)[number];

/**
 * One support of a school's catalogue (its asset map). Current load is counted from referrals, never
 * typed in. `starterKey` names the starter catalogue entry it was copied from, so copying twice adds nothing.
 */
export const supports = pgTable(
  'supports',
  {
    id: idColumn(),
    tenantId: tenantIdColumn(),
    name: text('name').notNull(),
    provider: text('provider').notNull(),
    description: text('description').notNull().default(''),
    category: text('category').$type<SupportCategory>().notNull(),
    tier: integer('tier').notNull(),
    eligibility: text('eligibility').notNull().default(''),
    capacity: integer('capacity'),
    contact: text('contact').notNull().default(''),
    hours: text('hours').notNull().default(''),
    /** Language codes (en, es...), shown in the reader's language. */
    languages: text('languages').array().notNull().default([]),
    cost: text('cost').$type<SupportCost>().notNull(),
    referral: text('referral').$type<SupportProvider>().notNull(),
    /** For an external support: the organisation (src/providers) that receives its referrals. */
    providerOrganisationId: uuid('provider_organisation_id'),
    sensitive: boolean('sensitive').notNull().default(false),
    active: boolean('active').notNull().default(true),
    starterKey: text('starter_key'),
    createdAt: createdAtColumn(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    updatedBy: uuid('updated_by'),
  },
  (t) => [tenantKey(t), uniqueIndex('supports_starter_key_uq').on(t.tenantId, t.starterKey), index('supports_category_idx').on(t.tenantId, t.category)],
);
