import { pgTable, uuid, text, integer, jsonb, timestamp, uniqueIndex, index } from 'drizzle-orm/pg-core';
import { idColumn, tenantIdColumn, personReference, createdAtColumn } from '../db/columns.js';
import { tenantKey, tenantReference } from '../db/keys.js';

export const automationEvents = ['checkin_recorded', 'need_raised', 'referral_overdue', 'pulse_answered', 'goal_due', 'indicator_band_changed'] as const;
export type AutomationEvent = (typeof automationEvents)[number];

export const ruleActions = ['alert_role', 'add_plan_action', 'notify_family', 'assign_navigator', 'draft_referral'] as const;
export type AutomationAction = (typeof ruleActions)[number];

export const ruleStates = ['draft', 'on', 'paused'] as const;
export type RuleState = (typeof ruleStates)[number];

/**
 * One "when EVENT and CONDITION then ACTION" rule of a district (issue 14, item 5). The condition is
 * JSON Logic over the event's facts (no free text); `edits` counts saves (a stale form is a conflict);
 * `on_since` is when it was last switched on: events before it never fire it.
 */
export const automationRules = pgTable(
  'automation_rules',
  {
    id: idColumn(),
    tenantId: tenantIdColumn(),
    name: text('name').notNull(),
    event: text('event').$type<AutomationEvent>().notNull(),
    condition: jsonb('condition').notNull(),
    action: text('action').$type<AutomationAction>().notNull(),
    /** The action's settings (alert_role: `{ audience }`; add_plan_action: `{ step }`, the step's words; assign_navigator: `{ navigator }`, a person's id; draft_referral: `{ category }`, a support category or `event`: the raised need's). */
    params: jsonb('params').$type<Record<string, string>>().notNull(),
    state: text('state').$type<RuleState>().notNull().default('draft'),
    /** Actions an hour at most; past it a firing is recorded as rate-limited and does nothing. */
    maxPerHour: integer('max_per_hour').notNull().default(50),
    onSince: timestamp('on_since', { withTimezone: true }),
    /** Why the rule was paused by the system: an error class, never a message. */
    pausedReason: text('paused_reason'),
    edits: integer('edits').notNull().default(0),
    createdBy: uuid('created_by').notNull(),
    createdAt: createdAtColumn(),
    updatedAt: createdAtColumn('updated_at'),
  },
  (t) => [tenantKey(t), personReference(t, t.createdBy), index('automation_rules_event_idx').on(t.tenantId, t.event, t.state)],
);

/**
 * An event as a feature published it, in the transaction of the write that caused it: the student and
 * the facts a condition reads (categories, counts, ratings; never the words). The delivery job reads it.
 */
export const automationEventLog = pgTable(
  'automation_events',
  {
    id: idColumn(),
    tenantId: tenantIdColumn(),
    event: text('event').$type<AutomationEvent>().notNull(),
    studentId: uuid('student_id').notNull(),
    /** The record the event is about (a check-in, a need, a referral, a pulse response, a goal). */
    sourceId: uuid('source_id').notNull(),
    facts: jsonb('facts').$type<Record<string, unknown>>().notNull(),
    occurredAt: createdAtColumn('occurred_at'),
  },
  (t) => [tenantKey(t), personReference(t, t.studentId), index('automation_events_time_idx').on(t.tenantId, t.event, t.occurredAt)],
);

/** `skipped`: the action had nothing to act on (no active goal, no family address, a student who has a navigator already). */
export const runOutcomes = ['done', 'skipped', 'rate_limited', 'failed'] as const;
export type RunOutcome = (typeof runOutcomes)[number];

/**
 * What a rule did with one event: at most one row per (rule, event), which is what makes a rule fire
 * exactly once per event whatever the retries and concurrent deliveries.
 */
export const automationRuns = pgTable(
  'automation_runs',
  {
    id: idColumn(),
    tenantId: tenantIdColumn(),
    ruleId: uuid('rule_id').notNull(),
    eventId: uuid('event_id').notNull(),
    studentId: uuid('student_id').notNull(),
    outcome: text('outcome').$type<RunOutcome>().notNull(),
    /** What the action made (an alert's, a goal step's or the first e-mail's id), when it made something. */
    resultId: uuid('result_id'),
    errorClass: text('error_class'),
    at: createdAtColumn('at'),
  },
  (t) => [
    tenantKey(t),
    tenantReference(t, t.ruleId, automationRules),
    tenantReference(t, t.eventId, automationEventLog),
    personReference(t, t.studentId),
    uniqueIndex('automation_runs_once_uq').on(t.tenantId, t.ruleId, t.eventId),
    index('automation_runs_rule_time_idx').on(t.tenantId, t.ruleId, t.at),
  ],
);
