import { tenantIdColumn } from '../db/columns.js';
import { tenantKey, tenantReference } from '../db/keys.js';
import { pgTable, uuid, text, boolean, timestamp, jsonb, integer, index, primaryKey } from 'drizzle-orm/pg-core';
import { tenants } from '../platforms/platforms.tables.js';
import { contexts } from '../roster/roster.tables.js';

/** Per tenant: does the admin want plan-completion scores in the LMS gradebook? Off until they say so. */
export const scoreSettings = pgTable('score_settings', {
  tenantId: uuid('tenant_id')
    .primaryKey()
    .references(() => tenants.id, { onDelete: 'cascade' }),
  publishEnabled: boolean('publish_enabled').notNull().default(false),
  updatedBy: uuid('updated_by'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** A line item as AGS showed it to us, with how many results we could read (no student data). */
export interface VisibleLineItem {
  id: string;
  label: string;
  tag: string | null;
  resourceId: string | null;
  /** null: the results call failed; `problem` says why. */
  results: number | null;
  /** The ServiceError kind of a failed results call (rows from before it was kept: not_granted). */
  problem?: string | null;
}

/** Per context: what AGS exposes to the tool, so an admin can see why scores do or do not flow. */
export const agsContexts = pgTable(
  'ags_contexts',
  {
    contextId: uuid('context_id').notNull(),
    tenantId: tenantIdColumn(),
    /** The tool's own "Success plan" line item in this context. */
    lineItemUrl: text('line_item_url'),
    scopes: jsonb('scopes').$type<string[]>().notNull().default([]),
    lineItems: jsonb('line_items').$type<VisibleLineItem[]>().notNull().default([]),
    lastCheckedAt: timestamp('last_checked_at', { withTimezone: true }),
    lastPublishedAt: timestamp('last_published_at', { withTimezone: true }),
    scoresPosted: integer('scores_posted').notNull().default(0),
    /** not_granted | not_found | unavailable | ...: the ServiceError kind of the last failure. */
    lastErrorKind: text('last_error_kind'),
    lastError: text('last_error'),
    lastErrorAt: timestamp('last_error_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.contextId] }), tenantReference(t, t.contextId, contexts)],
);

/** Every publish of one context's scores: when, why, what came of it. Counts and an error kind only, no student data. */
export const scorePublishRuns = pgTable(
  'score_publish_runs',
  {
    id: uuid('id').notNull().defaultRandom(),
    tenantId: tenantIdColumn(),
    contextId: uuid('context_id').notNull(),
    /** manual (an admin's button) | background (the job queue: after plan changes, on the schedule) */
    trigger: text('trigger').notNull(),
    /** running | succeeded | failed */
    status: text('status').notNull().default('running'),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    posted: integer('posted').notNull().default(0),
    skipped: integer('skipped').notNull().default(0),
    /** ServiceError kind (not_granted, unavailable...) or no_endpoint; null when it succeeded. */
    errorKind: text('error_kind'),
  },
  (t) => [tenantKey(t), tenantReference(t, t.contextId, contexts), index('score_publish_runs_context_idx').on(t.tenantId, t.contextId, t.startedAt)],
);
