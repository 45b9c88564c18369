import { idColumn, tenantIdColumn, personTenantIdColumn, personIdColumn, personReference, createdAtColumn } from '../db/columns.js';
import { tenantKey } from '../db/keys.js';
import { tenants } from '../platforms/platforms.tables.js';
import { pgTable, uuid, text, timestamp, smallint, date, json, index, uniqueIndex, primaryKey } from 'drizzle-orm/pg-core';
import type { Indicators, TierReason } from './compute.js';

/**
 * One student's indicators as last computed (a recompute job keeps them fresh when the student's data
 * changes), so the caseload reads one row per student instead of every attendance day. Numbers and
 * band ids only: the words are made when a page is shown, in the reader's language.
 * The documents are json, not jsonb: they are only ever stored and read whole (nothing queries inside
 * them), and json is taken and given back as its text, where jsonb parses every number and key on the
 * way in and writes the text again on the way out (a whole school's recompute writes 100,000 of them).
 */
export const studentIndicators = pgTable(
  'student_indicators',
  {
    id: idColumn(),
    tenantId: personTenantIdColumn(),
    studentId: personIdColumn('student_id'),
    /** The school day they were computed for (the recent window ends on it). */
    asOf: date('as_of', { mode: 'string' }).notNull(),
    indicators: json('indicators').$type<Indicators>().notNull(),
    suggestedTier: smallint('suggested_tier').notNull(),
    reasons: json('reasons').$type<TierReason[]>().notNull(),
    computedAt: timestamp('computed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [tenantKey(t), personReference(t, t.studentId), uniqueIndex('student_indicators_student_uq').on(t.tenantId, t.studentId), index('student_indicators_tier_idx').on(t.tenantId, t.suggestedTier)],
);

/**
 * An adult's decision on a student's tier: confirming the suggestion, or overriding it with a reason.
 * Never updated: the latest row is the decision in force, the rows before it the history.
 */
export const tierDecisions = pgTable(
  'tier_decisions',
  {
    id: idColumn(),
    tenantId: tenantIdColumn(),
    studentId: personIdColumn('student_id'),
    tier: smallint('tier').notNull(),
    /** What the rules suggested when the decision was made (an override differs from it). */
    suggestedTier: smallint('suggested_tier').notNull(),
    /** confirm | override */
    kind: text('kind').notNull(),
    /** Required for an override; the adult's own words, shown to adults who may see the tier. */
    reason: text('reason').notNull().default(''),
    decidedBy: uuid('decided_by').notNull(),
    decidedAt: createdAtColumn('decided_at'),
  },
  (t) => [tenantKey(t), personReference(t, t.studentId), index('tier_decisions_student_idx').on(t.tenantId, t.studentId, t.decidedAt)],
);

/** The school's choices about indicators: what a family member sees of their child's data. */
export const indicatorSettings = pgTable('indicator_settings', {
  tenantId: uuid('tenant_id')
    .primaryKey()
    .references(() => tenants.id, { onDelete: 'cascade' }),
  /** none | summary (the numbers) | full (numbers, bands and trends; never the tier): indicators.schemas.ts familyViews */
  familyView: text('family_view').notNull().default('summary'),
  updatedBy: uuid('updated_by'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Students whose data changed since their indicators were computed: the debounced recompute job of
 * their tenant takes them all at once (a burst of grade changes is one recompute per student).
 */
export const indicatorsPending = pgTable(
  'indicators_pending',
  {
    tenantId: tenantIdColumn(),
    studentId: personIdColumn('student_id'),
    markedAt: timestamp('marked_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.studentId] }), personReference(t, t.studentId)],
);
