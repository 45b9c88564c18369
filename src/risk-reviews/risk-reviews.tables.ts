import { pgTable, uuid, text, integer, date, timestamp, uniqueIndex, index, primaryKey, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { idColumn, tenantIdColumn, personReference, createdAtColumn } from '../db/columns.js';
import { tenantKey, tenantReference } from '../db/keys.js';
import { schools } from '../schools/schools.tables.js';

export const meetingStates = ['open', 'closed'] as const;
export type MeetingState = (typeof meetingStates)[number];

/** One risk-review meeting of a school's team (seed 004: BARR's risk review). */
export const riskReviews = pgTable(
  'risk_reviews',
  {
    id: idColumn(),
    tenantId: tenantIdColumn(),
    schoolId: uuid('school_id').notNull(),
    /** The day it meets, at the school. */
    heldOn: date('held_on').notNull(),
    state: text('state').$type<MeetingState>().notNull().default('open'),
    version: integer('version').notNull().default(1),
    createdBy: uuid('created_by').notNull(),
    createdAt: createdAtColumn(),
  },
  (t) => [tenantKey(t), tenantReference(t, t.schoolId, schools), personReference(t, t.createdBy), index('risk_reviews_school_idx').on(t.tenantId, t.schoolId, t.heldOn)],
);

const meetingIdColumn = () => uuid('meeting_id').notNull();
const meetingReference = (t: { tenantId: AnyPgColumn; meetingId: AnyPgColumn }) => tenantReference(t, t.meetingId, riskReviews);

/** Who attended: staff of the school. */
export const riskReviewAttendees = pgTable(
  'risk_review_attendees',
  {
    tenantId: tenantIdColumn(),
    meetingId: meetingIdColumn(),
    personId: uuid('person_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.meetingId, t.personId] }), meetingReference(t), personReference(t, t.personId)],
);

/** Why a student is on the agenda: the facts when the agenda was built (or refreshed), and decisions carried over. */
export const agendaReasons = ['tier3', 'tier_rising', 'falling_indicator', 'overdue_referral', 'urgent_need', 'not_seen', 'open_decision'] as const;
export type AgendaReason = (typeof agendaReasons)[number];

/** One student on a meeting's agenda, with the reasons (codes) snapshotted when it was built. */
export const riskReviewItems = pgTable(
  'risk_review_items',
  {
    id: idColumn(),
    tenantId: tenantIdColumn(),
    meetingId: meetingIdColumn(),
    studentId: uuid('student_id').notNull(),
    reasons: text('reasons').array().$type<AgendaReason[]>().notNull(),
  },
  (t) => [tenantKey(t), meetingReference(t), personReference(t, t.studentId), uniqueIndex('risk_review_items_student_uq').on(t.tenantId, t.meetingId, t.studentId)],
);

/** The team's adult-only notes on one student in one meeting; `version` counts saves (the no-lost-edits guard). */
export const riskReviewNotes = pgTable(
  'risk_review_notes',
  {
    id: idColumn(),
    tenantId: tenantIdColumn(),
    meetingId: meetingIdColumn(),
    studentId: uuid('student_id').notNull(),
    text: text('text').notNull(),
    authorId: uuid('author_id').notNull(),
    version: integer('version').notNull().default(1),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [tenantKey(t), meetingReference(t), personReference(t, t.studentId), personReference(t, t.authorId), uniqueIndex('risk_review_notes_student_uq').on(t.tenantId, t.meetingId, t.studentId)],
);

// The team's own follow-up first: the one kind that needs nothing else to exist (a goal, a support).
export const decisionKinds = ['follow_up', 'plan_action', 'referral', 'navigator_change'] as const;
export type DecisionKind = (typeof decisionKinds)[number];
export const decisionStatuses = ['open', 'done', 'not_done'] as const;
export type DecisionStatus = (typeof decisionStatuses)[number];

/** What the team decided for a student: the record it created (a goal step, a referral, a navigator assignment) or a follow-up. */
export const riskReviewDecisions = pgTable(
  'risk_review_decisions',
  {
    id: idColumn(),
    tenantId: tenantIdColumn(),
    meetingId: meetingIdColumn(),
    studentId: uuid('student_id').notNull(),
    kind: text('kind').$type<DecisionKind>().notNull(),
    /** What was decided, in the team's words (adult-only, like the notes). */
    summary: text('summary').notNull(),
    /** The record the decision created in its feature (step, referral); null for a follow-up or a navigator change. */
    createdRecordId: uuid('created_record_id'),
    ownerId: uuid('owner_id').notNull(),
    dueOn: date('due_on'),
    status: text('status').$type<DecisionStatus>().notNull().default('open'),
    /** The meeting that marked it done or not done (an open decision rolls into the next meeting's agenda). */
    settledIn: uuid('settled_in'),
    version: integer('version').notNull().default(1),
    createdBy: uuid('created_by').notNull(),
    createdAt: createdAtColumn(),
  },
  (t) => [tenantKey(t), meetingReference(t), personReference(t, t.studentId), personReference(t, t.ownerId), index('risk_review_decisions_meeting_idx').on(t.tenantId, t.meetingId)],
);
