import { pgTable, uuid, text, integer, jsonb, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { idColumn, tenantIdColumn, createdAtColumn } from '../db/columns.js';
import { tenantKey } from '../db/keys.js';

export const configStates = ['draft', 'published', 'retired'] as const;
export type ConfigState = (typeof configStates)[number];

/**
 * Every version of every configuration document of a tenant (issue 14: "every school difference is
 * versioned data"), one row a version. A kind has at most one draft (being edited) and at most one
 * published version (in force); the versions published before it are retired and kept, so any two can
 * be compared and any one restored. No version: the shipped default in config/ is in force (version 0).
 */
export const configVersions = pgTable(
  'config_versions',
  {
    id: idColumn(),
    tenantId: tenantIdColumn(),
    /** The document kind's id (src/configuration/configuration.kinds.ts), e.g. `plan-template`. */
    kind: text('kind').notNull(),
    /** 1, 2, ... per kind, in the order the versions were started. */
    version: integer('version').notNull(),
    state: text('state').$type<ConfigState>().notNull(),
    /** The document, valid against its kind's schema when it was written. */
    body: jsonb('body').notNull(),
    /** The version in force when this one was started (0: the shipped default). */
    basedOn: integer('based_on').notNull(),
    /** Why: the admin's words, or what made it (a rollback, an import). */
    note: text('note').notNull().default(''),
    /** Counts the draft's saves: a save from a page that read an older one is refused, not applied over it. */
    edits: integer('edits').notNull().default(0),
    /** Who started it; null for the tool itself. Not a reference: a version outlives its author's account. */
    createdBy: uuid('created_by'),
    createdAt: createdAtColumn(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    publishedBy: uuid('published_by'),
    publishedAt: timestamp('published_at', { withTimezone: true }),
  },
  (t) => [
    tenantKey(t),
    uniqueIndex('config_versions_version_uq').on(t.tenantId, t.kind, t.version),
    uniqueIndex('config_versions_draft_uq').on(t.tenantId, t.kind).where(sql`${t.state} = 'draft'`),
    uniqueIndex('config_versions_published_uq').on(t.tenantId, t.kind).where(sql`${t.state} = 'published'`),
  ],
);
