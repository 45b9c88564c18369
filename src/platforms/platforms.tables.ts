import { pgTable, uuid, text, boolean, timestamp, jsonb, uniqueIndex } from 'drizzle-orm/pg-core';
import { tenantKey } from '../db/keys.js';

/** A tenant is one LMS platform registration (issuer + client id) with its deployments. */
export const tenants = pgTable(
  'tenants',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    issuer: text('issuer').notNull(),
    clientId: text('client_id').notNull(),
    /** canvas | schoology | moodle | generic: picks the LMS family module once. */
    family: text('family').notNull().default('generic'),
    authLoginUrl: text('auth_login_url').notNull(),
    accessTokenUrl: text('access_token_url').notNull(),
    authorizationServer: text('authorization_server'),
    jwksUrl: text('jwks_url').notNull(),
    /** Launches from deployments we have not seen are accepted (and recorded) only when this is on. */
    acceptNewDeployments: boolean('accept_new_deployments').notNull().default(false),
    registeredBy: text('registered_by').notNull().default('manual'),
    /** Scopes the platform granted at registration; service calls never ask for more. */
    grantedScopes: jsonb('granted_scopes').$type<string[]>().notNull().default([]),
    /** The school's IANA time zone: its days and "today". Null until an admin or a launch says (then UTC). */
    timeZone: text('time_zone'),
    /** The school year's first day (MM-DD) for plans, imports and indicators alike; null: 1 August (src/web/school-year.ts). */
    schoolYearStart: text('school_year_start'),
    settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
    active: boolean('active').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('tenants_issuer_client_uq').on(t.issuer, t.clientId)],
);

export const deployments = pgTable(
  'deployments',
  {
    id: uuid('id').notNull().defaultRandom(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    deploymentId: text('deployment_id').notNull(),
    /**
     * active: launches from it are let in. pending: a launch named it but the platform never said it
     * issued it (Canvas registers without one): it waits until an admin approves it.
     */
    status: text('status').$type<'active' | 'pending'>().notNull().default('active'),
    firstSeenAt: timestamp('first_seen_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [tenantKey(t), uniqueIndex('deployments_tenant_deployment_uq').on(t.tenantId, t.deploymentId)],
);
