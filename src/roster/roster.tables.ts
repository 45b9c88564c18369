import { pgTable, uuid, text, timestamp, jsonb, integer, uniqueIndex, index, primaryKey } from 'drizzle-orm/pg-core';
import { tenants } from '../platforms/platforms.tables.js';
import { tenantKey, tenantReference } from '../db/keys.js';
import type { StaffGrant, StaffRole } from '../auth/user.js';

/** A person is an LTI `sub` within one tenant. */
export const people = pgTable(
  'people',
  {
    id: uuid('id').notNull().defaultRandom(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    sub: text('sub').notNull(),
    name: text('name').notNull().default(''),
    givenName: text('given_name'),
    familyName: text('family_name'),
    email: text('email'),
    sisId: text('sis_id'),
    /** The language the person chose on a page (the switch); null: each launch's language from the LMS. */
    locale: text('locale'),
    /**
     * Small choices a person made on a page that the tool keeps for them (the caseload's layout): kept
     * here, server-side, because pages run in an LMS iframe where third-party cookies are blocked.
     * Read with the person on every request; each feature parses its own key (zod) and ignores the rest.
     */
    preferences: jsonb('preferences').$type<Record<string, unknown>>().notNull().default({}),
    /**
     * Staff roles an admin gave the person in the tool (src/roster/staff.service.ts): on the person row,
     * so the user read on every request (and a launch's hand-over) carries them without another query.
     */
    staffRoles: text('staff_roles').array().$type<StaffRole[]>().notNull().default([]),
    /** The same roles with the school each holds at (null: every school); staff_roles stays their list, for queries by role. */
    staffGrants: jsonb('staff_grants').$type<StaffGrant[]>().notNull().default([]),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [tenantKey(t), uniqueIndex('people_tenant_sub_uq').on(t.tenantId, t.sub)],
);

export const contextKinds = ['advisory', 'subject', 'undecided'] as const;
export type ContextKind = (typeof contextKinds)[number];
export const contextKindSources = ['placement', 'admin', 'instructor'] as const;
export type ContextKindSource = (typeof contextKindSources)[number];

/** A course or advisory section, with the service endpoints its launches carried. */
export const contexts = pgTable(
  'contexts',
  {
    id: uuid('id').notNull().defaultRandom(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    contextId: text('context_id').notNull(),
    deploymentId: text('deployment_id'),
    label: text('label'),
    title: text('title').notNull().default(''),
    /** advisory | subject | undecided: see contextKinds. Only advisories make caseloads, check-ins and line items. */
    kind: text('kind').$type<ContextKind>().notNull().default('undecided'),
    /** Who decided the kind: placement (custom parameter) > admin > instructor; null while undecided. */
    kindSetBy: text('kind_set_by').$type<ContextKindSource>(),
    membershipsUrl: text('memberships_url'),
    lineItemsUrl: text('line_items_url'),
    agsScopes: jsonb('ags_scopes').$type<string[]>().notNull().default([]),
    lastRosterSyncAt: timestamp('last_roster_sync_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [tenantKey(t), uniqueIndex('contexts_tenant_context_uq').on(t.tenantId, t.contextId)],
);

export const memberships = pgTable(
  'memberships',
  {
    id: uuid('id').notNull().defaultRandom(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    contextId: uuid('context_id').notNull(),
    personId: uuid('person_id').notNull(),
    /** Full LIS role URIs as the platform sent them. */
    roles: jsonb('roles').$type<string[]>().notNull().default([]),
    /** The tool role they map to: advisor | student | family | admin | guest. */
    role: text('role').notNull(),
    /** For family members: the person ids of the students they may see (from role_scope_mentor). */
    mentees: jsonb('mentees').$type<string[]>().notNull().default([]),
    status: text('status').notNull().default('active'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    tenantKey(t),
    tenantReference(t, t.contextId, contexts),
    tenantReference(t, t.personId, people),
    uniqueIndex('memberships_context_person_uq').on(t.tenantId, t.contextId, t.personId),
    index('memberships_tenant_person_idx').on(t.tenantId, t.personId),
  ],
);

export const rosterSyncRuns = pgTable('roster_sync_runs', {
  id: uuid('id').notNull().defaultRandom(),
  tenantId: uuid('tenant_id')
    .notNull()
    .references(() => tenants.id, { onDelete: 'cascade' }),
  contextId: uuid('context_id').notNull(),
  trigger: text('trigger').notNull(),
  /** running | succeeded | failed */
  status: text('status').notNull().default('running'),
  startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
  pages: integer('pages').notNull().default(0),
  added: integer('added').notNull().default(0),
  updated: integer('updated').notNull().default(0),
  deactivated: integer('deactivated').notNull().default(0),
  /** Members the platform listed in this run. */
  members: integer('members').notNull().default(0),
  /** Members listed in a shape the tool cannot read: left out, the rest of the roster still lands. */
  skipped: integer('skipped').notNull().default(0),
  error: text('error'),
}, (t) => [tenantKey(t), tenantReference(t, t.contextId, contexts), index('roster_sync_runs_context_idx').on(t.tenantId, t.contextId, t.startedAt)]);

/**
 * One row per context while a sync holds it: an atomic conditional upsert takes the lease, so two
 * processes (or two launches) never sync the same context at once. A lease, not a held lock or an
 * open transaction, because PGlite has one connection and the sync waits on the network.
 */
export const rosterSyncLeases = pgTable(
  'roster_sync_leases',
  {
    contextId: uuid('context_id').notNull(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    holder: text('holder').notNull(),
    lockedUntil: timestamp('locked_until', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.contextId] }), tenantReference(t, t.contextId, contexts)],
);
