import { pgTable, text, timestamp, integer, jsonb, boolean, uuid, uniqueIndex, index } from 'drizzle-orm/pg-core';
import { idColumn, tenantIdColumn } from '../db/columns.js';
import { tenantKey } from '../db/keys.js';

/** The sources a school can connect; `push` is the SIS pushing files to the tool with a token. */
export const connectorKinds = ['canvas', 'schoology', 'oneroster', 'push'] as const;
export type ConnectorKind = (typeof connectorKinds)[number];

export const connectorStatuses = ['ok', 'needs_attention'] as const;
export type ConnectorStatus = (typeof connectorStatuses)[number];

/**
 * One source's settings for one school. `config` holds what may be shown back (base URL, client id);
 * `secret` holds the token or key, encrypted (src/connectors/secret-box.ts) and never shown back.
 */
export const connectorSettings = pgTable(
  'connector_settings',
  {
    id: idColumn(),
    tenantId: tenantIdColumn(),
    kind: text('kind').$type<ConnectorKind>().notNull(),
    config: jsonb('config').$type<Record<string, string>>().notNull().default({}),
    secret: text('secret'),
    /** Where the next run starts (a timestamp or a page token, the connector's own shape). */
    cursor: jsonb('cursor').$type<Record<string, string>>().notNull().default({}),
    enabled: boolean('enabled').notNull().default(true),
    status: text('status').$type<ConnectorStatus>().notNull().default('ok'),
    /** Why it needs attention: a ConnectorError kind (auth...), never an outside message. */
    statusReason: text('status_reason'),
    updatedBy: uuid('updated_by'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [tenantKey(t), uniqueIndex('connector_settings_kind_uq').on(t.tenantId, t.kind)],
);

export const runTriggers = ['schedule', 'admin', 'event', 'upload', 'push', 'cli'] as const;
export type RunTrigger = (typeof runTriggers)[number];

/** A bad row of a file or feed: its line (or position) and a reason code; never the row's text. */
export interface BadRow {
  line: number;
  reason: string;
}

/** Every run of a source: when, why, counts and an error class; no student data. */
export const connectorRuns = pgTable(
  'connector_runs',
  {
    id: idColumn(),
    tenantId: tenantIdColumn(),
    /** A connector kind, or the kind of file imported (attendance, incidents, oneroster-csv). */
    kind: text('kind').notNull(),
    trigger: text('trigger').$type<RunTrigger>().notNull(),
    /** running | succeeded | failed */
    status: text('status').notNull().default('running'),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    fetched: integer('fetched').notNull().default(0),
    upserted: integer('upserted').notNull().default(0),
    /** Students queued for an admin's review. */
    unmatched: integer('unmatched').notNull().default(0),
    /** Students of the source the tool does not know, left out (not queued). */
    notInTool: integer('not_in_tool').notNull().default(0),
    rejected: integer('rejected').notNull().default(0),
    /** A ConnectorError kind or an Error's class name; never its message. */
    errorClass: text('error_class'),
    badRows: jsonb('bad_rows').$type<BadRow[]>().notNull().default([]),
  },
  (t) => [tenantKey(t), index('connector_runs_kind_idx').on(t.tenantId, t.kind, t.startedAt)],
);
