import { pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAtColumn, idColumn, personIdColumn, personReference, tenantIdColumn } from '../db/columns.js';
import { tenantKey } from '../db/keys.js';
import { sessionTable } from '../auth/session-store.js';

/**
 * One-time hand-offs from an admin's LTI launch to the console's own window: the token travels once in a
 * top-level URL, only its SHA-256 is kept, it lives a minute and is spent by its first use.
 */
export const consoleHandoffs = pgTable(
  'console_handoffs',
  {
    tenantId: tenantIdColumn(),
    id: idColumn(),
    // The admin who opened the console (not a student: no student's record names them here).
    adminId: personIdColumn('admin_id'),
    tokenHash: text('token_hash').notNull(),
    /** The language the admin's launch was in: the console opens in it. */
    locale: text('locale').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: createdAtColumn(),
  },
  (t) => [tenantKey(t), personReference(t, t.adminId), uniqueIndex('console_handoffs_hash_uq').on(t.tenantId, t.tokenHash)],
);

/** The console's first-party sessions (express-session over src/auth/session-store.ts). */
export const consoleSessions = sessionTable('console_sessions');

/**
 * Break-glass local administrators (created by `npm run console:admin`): an e-mail and an argon2id hash
 * for the day the LMS is down or its launch is broken. Each stands for a person of the school (`admin_id`)
 * whom the console treats as an admin.
 */
export const consoleLocalAdmins = pgTable(
  'console_local_admins',
  {
    tenantId: tenantIdColumn(),
    id: idColumn(),
    adminId: personIdColumn('admin_id'),
    /** Lower-cased. */
    email: text('email').notNull(),
    passwordHash: text('password_hash').notNull(),
    createdAt: createdAtColumn(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [tenantKey(t), personReference(t, t.adminId), uniqueIndex('console_local_admins_email_uq').on(t.tenantId, t.email)],
);

/**
 * District single sign-on for the console (OIDC, one per school): the district's issuer, the tool's client
 * id there, the client secret sealed (AES-GCM, src/connectors/secret-box.ts, purpose `district-sign-on`) and
 * never shown back, and the e-mail domains whose verified addresses may sign in.
 */
export const consoleSignOn = pgTable(
  'console_sign_on',
  {
    tenantId: tenantIdColumn(),
    id: idColumn(),
    issuer: text('issuer').notNull(),
    clientId: text('client_id').notNull(),
    clientSecretSealed: text('client_secret_sealed').notNull(),
    /** Lower-cased, e.g. ['district.k12.example.us']. */
    emailDomains: text('email_domains').array().notNull(),
    updatedBy: uuid('updated_by'),
    createdAt: createdAtColumn(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [tenantKey(t), uniqueIndex('console_sign_on_tenant_uq').on(t.tenantId)],
);
