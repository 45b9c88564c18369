import { idColumn, tenantIdColumn } from '../db/columns.js';
import { tenantKey } from '../db/keys.js';
import { pgTable, text, timestamp, jsonb, uniqueIndex, index } from 'drizzle-orm/pg-core';

/**
 * One OIDC login: the state and nonce we issued, kept server-side so the launch can prove both
 * came from us, were used once, and reached the browser that started the login.
 */
export const loginStates = pgTable(
  'lti_login_states',
  {
    id: idColumn(),
    tenantId: tenantIdColumn(),
    state: text('state').notNull(),
    nonce: text('nonce').notNull(),
    /** What the login carried, so the "open in a new window" fallback can restart it top-level. */
    loginHint: text('login_hint').notNull(),
    messageHint: text('message_hint'),
    targetLinkUri: text('target_link_uri').notNull(),
    deploymentHint: text('deployment_hint'),
    /** Set when the platform offered LTI platform storage and the login page stored the state there. */
    storageTarget: text('storage_target'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    /** The id_token naming this nonce was accepted: neither state nor nonce may serve again. */
    usedAt: timestamp('used_at', { withTimezone: true }),
    /** Verified claims waiting for the browser-binding step (platform storage); cleared when done. */
    pendingClaims: jsonb('pending_claims').$type<Record<string, unknown>>(),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    /** The new-window fallback restarted this login once. */
    restartedAt: timestamp('restarted_at', { withTimezone: true }),
    /** The deep-linking settings (return URL, accept types, data) and deployment of a deep-linking launch. */
    deepLinking: jsonb('deep_linking').$type<Record<string, unknown>>(),
    /** A deep-linking response was sent for this launch (one per request). */
    respondedAt: timestamp('responded_at', { withTimezone: true }),
  },
  (t) => [
    tenantKey(t),
    // Global, not per tenant: a launch finds its login by state or nonce before it knows the tenant.
    uniqueIndex('lti_login_states_state_uq').on(t.state),
    uniqueIndex('lti_login_states_nonce_uq').on(t.nonce),
    index('lti_login_states_expires_idx').on(t.expiresAt),
  ],
);
