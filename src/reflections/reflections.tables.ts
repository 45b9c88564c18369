import { pgTable, uuid, text, integer, date, timestamp, jsonb, uniqueIndex, index, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { idColumn, tenantIdColumn, personReference, createdAtColumn } from '../db/columns.js';
import { tenantKey, tenantReference } from '../db/keys.js';
import { schools } from '../schools/schools.tables.js';
import { teamActionColumns } from '../team-actions/team-actions.js';

/**
 * One reflection cycle of a team (issue 13, item 2): a school team's (`school_id`) or the district
 * team's (null), held on a day at the school. A team runs several a year; the compare page sets their
 * ratings side by side. `version` counts every change, as a Success Map's does.
 */
export const reflectionCycles = pgTable(
  'reflection_cycles',
  {
    id: idColumn(),
    tenantId: tenantIdColumn(),
    schoolId: uuid('school_id'),
    title: text('title').notNull(),
    /** The day of the reflection: evidence cards are frozen as of it. */
    heldOn: date('held_on').notNull(),
    version: integer('version').notNull().default(0),
    createdBy: uuid('created_by').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    createdAt: createdAtColumn(),
  },
  (t) => [tenantKey(t), tenantReference(t, t.schoolId, schools), personReference(t, t.createdBy), index('reflection_cycles_school_idx').on(t.tenantId, t.schoolId, t.heldOn)],
);

const cycleIdColumn = () => uuid('cycle_id').notNull();
const cycleReference = (t: { tenantId: AnyPgColumn; cycleId: AnyPgColumn }) => tenantReference(t, t.cycleId, reflectionCycles);

/** The team's written reflection on one core component; `version` counts its saves (the no-lost-edits guard). */
export const reflectionEntries = pgTable(
  'reflection_entries',
  {
    id: idColumn(),
    tenantId: tenantIdColumn(),
    cycleId: cycleIdColumn(),
    /** A core component (src/reflections/reflection-tool.ts `reflectionComponents`). */
    component: text('component').notNull(),
    text: text('text').notNull(),
    authorId: uuid('author_id').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  (t) => [tenantKey(t), cycleReference(t), personReference(t, t.authorId), uniqueIndex('reflection_entries_component_uq').on(t.tenantId, t.cycleId, t.component)],
);

/** Every change to a cycle's reflections, as the Success Map keeps its revisions. */
export const reflectionRevisions = pgTable(
  'reflection_revisions',
  {
    id: idColumn(),
    tenantId: tenantIdColumn(),
    cycleId: cycleIdColumn(),
    component: text('component').notNull(),
    oldText: text('old_text').notNull(),
    newText: text('new_text').notNull(),
    authorId: uuid('author_id').notNull(),
    cycleVersion: integer('cycle_version').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [tenantKey(t), cycleReference(t), personReference(t, t.authorId), index('reflection_revisions_cycle_idx').on(t.tenantId, t.cycleId, t.at)],
);

/**
 * The team's rating of one look-for in a cycle, on the fixed scale (reflection-tool.ts `lookForRatings`).
 * `look_for` is `<component>.<inquiry>.<look-for>`, the content's stable keys.
 */
export const reflectionRatings = pgTable(
  'reflection_ratings',
  {
    id: idColumn(),
    tenantId: tenantIdColumn(),
    cycleId: cycleIdColumn(),
    lookFor: text('look_for').notNull(),
    rating: text('rating').notNull(),
    ratedBy: uuid('rated_by').notNull(),
    version: integer('version').notNull().default(1),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [tenantKey(t), cycleReference(t), personReference(t, t.ratedBy), uniqueIndex('reflection_ratings_look_for_uq').on(t.tenantId, t.cycleId, t.lookFor)],
);

/**
 * An evidence card attached to a component of a cycle: the school view's figures for one school
 * (src/dashboards/evidence-cards.ts), frozen as JSON as of `day` (the cycle's day when attached on
 * it, else the day it was attached); the page shows today's figures beside them, computed live.
 */
export const reflectionCards = pgTable(
  'reflection_cards',
  {
    id: idColumn(),
    tenantId: tenantIdColumn(),
    cycleId: cycleIdColumn(),
    component: text('component').notNull(),
    kind: text('kind').notNull(),
    /** The school the figures are of: the team's, or, for the district team, the school it chose. */
    schoolId: uuid('school_id').notNull(),
    day: date('day').notNull(),
    figures: jsonb('figures').notNull(),
    attachedBy: uuid('attached_by').notNull(),
    createdAt: createdAtColumn(),
  },
  (t) => [tenantKey(t), cycleReference(t), tenantReference(t, t.schoolId, schools), personReference(t, t.attachedBy), index('reflection_cards_cycle_idx').on(t.tenantId, t.cycleId)],
);

/** The cycle's tracked actions: the shape every team document's actions share (src/db/team-actions.ts). */
export const reflectionActions = pgTable(
  'reflection_actions',
  { id: idColumn(), tenantId: tenantIdColumn(), cycleId: cycleIdColumn(), ...teamActionColumns() },
  (t) => [tenantKey(t), cycleReference(t), personReference(t, t.ownerId), index('reflection_actions_cycle_idx').on(t.tenantId, t.cycleId)],
);
