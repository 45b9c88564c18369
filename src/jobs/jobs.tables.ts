import { pgTable, uuid, text, integer, timestamp, uniqueIndex, index } from 'drizzle-orm/pg-core';
import { optionalTenantIdColumn } from '../db/columns.js';

/**
 * The durable background queue (src/jobs/README.md): one row per (type, key). A row is the
 * standing order "run `type` for `key` after `run_after`"; enqueueing the same key again while it
 * is pending merges into it (the earliest time wins), which is what debouncing and
 * cross-process deduplication rest on. No payload: the key names what to work on (ids only, never
 * personal data).
 */
export const jobs = pgTable(
  'jobs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    type: text('type').notNull(),
    key: text('key').notNull(),
    /** The school the work is for, so its admins see it (/admin/jobs); null for installation-wide work (the schedule). */
    tenantId: optionalTenantIdColumn(),
    /** pending | running | done | failed (gave up after maxAttempts) */
    status: text('status').notNull().default('pending'),
    runAfter: timestamp('run_after', { withTimezone: true }).notNull(),
    /** Enqueued again while running: the job goes back to pending at this time when the run ends. */
    againAfter: timestamp('again_after', { withTimezone: true }),
    /** Attempts since the last success or fresh enqueue; a crashed worker's attempt counts. */
    attempts: integer('attempts').notNull().default(0),
    /** The worker holding a running job, and until when: a lease, so a crashed process's job is taken over. */
    lockedBy: text('locked_by'),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    /** The error class of the last failed attempt (a ServiceError kind or an Error name), never a message. */
    lastError: text('last_error'),
    lastFinishedAt: timestamp('last_finished_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('jobs_type_key_uq').on(t.type, t.key), index('jobs_due_idx').on(t.status, t.runAfter), index('jobs_tenant_idx').on(t.tenantId, t.updatedAt)],
);
