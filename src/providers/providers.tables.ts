import { sessionTable } from '../auth/session-store.js';
import { pgTable, text, timestamp, boolean, uuid, uniqueIndex, index } from 'drizzle-orm/pg-core';
import { createdAtColumn, idColumn, tenantIdColumn } from '../db/columns.js';
import { tenantKey, tenantReference } from '../db/keys.js';

/**
 * A community organisation outside the LMS that receives a school's referrals (issue 11, item 4):
 * a food bank, a clinic, a mentoring charity. Never deleted (referrals keep naming it); its people's
 * accounts are deactivated instead.
 */
export const providerOrganisations = pgTable(
  'provider_organisations',
  {
    tenantId: tenantIdColumn(),
    id: idColumn(),
    name: text('name').notNull(),
    createdAt: createdAtColumn(),
    createdBy: uuid('created_by'),
  },
  (t) => [tenantKey(t), uniqueIndex('provider_organisations_name_uq').on(t.tenantId, t.name)],
);

/**
 * A person of an organisation who signs in at /provider (a top-level window, not the LMS): invited by
 * an admin by e-mail, signs in with a one-time link or a password. The e-mail is kept lower-cased and is
 * unique per school; the password (optional) only as an argon2id hash.
 */
export const providerAccounts = pgTable(
  'provider_accounts',
  {
    tenantId: tenantIdColumn(),
    id: idColumn(),
    organisationId: uuid('organisation_id').notNull(),
    name: text('name').notNull(),
    email: text('email').notNull(),
    passwordHash: text('password_hash'),
    /** The language their pages and e-mail are in (the inviting admin's, until they choose). */
    locale: text('locale').notNull().default('en'),
    active: boolean('active').notNull().default(true),
    invitedAt: timestamp('invited_at', { withTimezone: true }).notNull().defaultNow(),
    invitedBy: uuid('invited_by'),
    lastSignInAt: timestamp('last_sign_in_at', { withTimezone: true }),
    createdAt: createdAtColumn(),
  },
  (t) => [
    tenantKey(t),
    tenantReference(t, t.organisationId, providerOrganisations),
    uniqueIndex('provider_accounts_email_uq').on(t.tenantId, t.email),
    index('provider_accounts_organisation_idx').on(t.tenantId, t.organisationId),
  ],
);

export const providerTokenPurposes = ['invite', 'sign_in', 'referral'] as const;
export type ProviderTokenPurpose = (typeof providerTokenPurposes)[number];

/**
 * One-time links (an invitation, a sign-in link): only the SHA-256 of the token is kept, so a copy of
 * the table opens nothing. A token is used once (`used_at`), and not after `expires_at`.
 */
export const providerTokens = pgTable(
  'provider_tokens',
  {
    tenantId: tenantIdColumn(),
    id: idColumn(),
    accountId: uuid('account_id').notNull(),
    purpose: text('purpose').$type<ProviderTokenPurpose>().notNull(),
    tokenHash: text('token_hash').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: createdAtColumn(),
  },
  (t) => [tenantKey(t), tenantReference(t, t.accountId, providerAccounts), uniqueIndex('provider_tokens_hash_uq').on(t.tenantId, t.tokenHash)],
);

/**
 * The providers' first-party sessions (express-session, src/auth/session-store.ts). No tenant
 * column: a session exists before anyone has signed in; once signed in it names the account and its
 * school, and every request then runs in that school's scope.
 */
export const providerSessions = sessionTable('provider_sessions');
