import { tenantIdColumn } from '../db/columns.js';
import { pgTable, uuid, text, boolean, timestamp, jsonb, integer } from 'drizzle-orm/pg-core';
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
  results: number | null;
}

/** Per context: what AGS exposes to the tool, so an admin can see why scores do or do not flow. */
export const agsContexts = pgTable('ags_contexts', {
  contextId: uuid('context_id')
    .primaryKey()
    .references(() => contexts.id, { onDelete: 'cascade' }),
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
});
