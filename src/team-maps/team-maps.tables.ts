import { pgTable, uuid, text, integer, timestamp, boolean, uniqueIndex, index, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { idColumn, tenantIdColumn, personReference, createdAtColumn } from '../db/columns.js';
import { tenantKey, tenantReference } from '../db/keys.js';
import { schools } from '../schools/schools.tables.js';
import { teamActionColumns } from '../team-actions/team-actions.js';

/**
 * A team's Success Map (seed 000's appendix): a school team's (`school_id`) or the district team's
 * (null). `version` counts every change, like a plan's: the history orders revisions by it.
 */
export const teamMaps = pgTable(
  'team_maps',
  {
    id: idColumn(),
    tenantId: tenantIdColumn(),
    /** The school whose team keeps it; null: the district team's. */
    schoolId: uuid('school_id'),
    title: text('title').notNull(),
    /** Started from the convening's example (config/success-map-example.json) rather than blank. */
    fromExample: boolean('from_example').notNull().default(false),
    version: integer('version').notNull().default(0),
    createdBy: uuid('created_by').notNull(),
    updatedBy: uuid('updated_by'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    createdAt: createdAtColumn(),
  },
  (t) => [tenantKey(t), tenantReference(t, t.schoolId, schools), personReference(t, t.createdBy), index('team_maps_school_idx').on(t.tenantId, t.schoolId)],
);

const mapIdColumn = () => uuid('map_id').notNull();
const mapReference = (t: { tenantId: AnyPgColumn; mapId: AnyPgColumn }) => tenantReference(t, t.mapId, teamMaps);

/** The current words of one field of a map, with who wrote them; `version` counts this field's saves (the no-lost-edits guard). */
export const teamMapEntries = pgTable(
  'team_map_entries',
  {
    id: idColumn(),
    tenantId: tenantIdColumn(),
    mapId: mapIdColumn(),
    fieldKey: text('field_key').notNull(),
    text: text('text').notNull(),
    authorId: uuid('author_id').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  (t) => [tenantKey(t), mapReference(t), personReference(t, t.authorId), uniqueIndex('team_map_entries_field_uq').on(t.tenantId, t.mapId, t.fieldKey)],
);

/** Every change to a map's words, for its history page. */
export const teamMapRevisions = pgTable(
  'team_map_revisions',
  {
    id: idColumn(),
    tenantId: tenantIdColumn(),
    mapId: mapIdColumn(),
    fieldKey: text('field_key').notNull(),
    oldText: text('old_text').notNull(),
    newText: text('new_text').notNull(),
    authorId: uuid('author_id').notNull(),
    mapVersion: integer('map_version').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [tenantKey(t), mapReference(t), personReference(t, t.authorId), index('team_map_revisions_map_idx').on(t.tenantId, t.mapId, t.at)],
);

/** The map's tracked actions (step 5): the shape every team document's actions share (src/db/team-actions.ts). */
export const teamMapActions = pgTable(
  'team_map_actions',
  { id: idColumn(), tenantId: tenantIdColumn(), mapId: mapIdColumn(), ...teamActionColumns() },
  (t) => [tenantKey(t), mapReference(t), personReference(t, t.ownerId), index('team_map_actions_map_idx').on(t.tenantId, t.mapId)],
);
