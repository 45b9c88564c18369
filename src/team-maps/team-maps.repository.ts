import { and, asc, desc, eq, isNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { teamMaps, teamMapEntries, teamMapRevisions, teamMapActions } from './team-maps.tables.js';

export type TeamMap = typeof teamMaps.$inferSelect;
export type MapEntry = typeof teamMapEntries.$inferSelect;
export type MapRevision = typeof teamMapRevisions.$inferSelect;
export type MapAction = typeof teamMapActions.$inferSelect;

export async function findMap(db: DbOrTx, tenantId: string, mapId: string): Promise<TeamMap | undefined> {
  const [row] = await db.select().from(teamMaps).where(and(eq(teamMaps.tenantId, tenantId), eq(teamMaps.id, mapId)));
  return row;
}

/** A school's maps (or the district's: null), the latest changed first. */
export async function mapsOf(db: DbOrTx, tenantId: string, schoolId: string | null): Promise<TeamMap[]> {
  return db
    .select()
    .from(teamMaps)
    .where(and(eq(teamMaps.tenantId, tenantId), schoolId === null ? isNull(teamMaps.schoolId) : eq(teamMaps.schoolId, schoolId)))
    .orderBy(desc(teamMaps.updatedAt));
}

export async function insertMap(db: DbOrTx, v: typeof teamMaps.$inferInsert): Promise<TeamMap> {
  const [row] = await db.insert(teamMaps).values(v).returning();
  return row!;
}

/** The map, locked for the rest of the transaction: saves to one map take turns, so each sees the words the one before it wrote. */
export async function lockMap(db: DbOrTx, tenantId: string, mapId: string): Promise<TeamMap> {
  const [row] = await db.select().from(teamMaps).where(and(eq(teamMaps.tenantId, tenantId), eq(teamMaps.id, mapId))).for('update');
  return row!;
}

/** Counts one change to the map (the row is locked by the caller). */
export async function touchMap(db: DbOrTx, map: TeamMap, by: string, at: Date): Promise<TeamMap> {
  const [row] = await db
    .update(teamMaps)
    .set({ version: sql`${teamMaps.version} + 1`, updatedBy: by, updatedAt: at })
    .where(and(eq(teamMaps.tenantId, map.tenantId), eq(teamMaps.id, map.id)))
    .returning();
  return row!;
}

export async function entries(db: DbOrTx, tenantId: string, mapId: string): Promise<MapEntry[]> {
  return db.select().from(teamMapEntries).where(and(eq(teamMapEntries.tenantId, tenantId), eq(teamMapEntries.mapId, mapId)));
}

/** Writes a field's words and counts the save in the entry's version. */
export async function upsertEntry(db: DbOrTx, v: { tenantId: string; mapId: string; fieldKey: string; text: string; authorId: string; at: Date }): Promise<void> {
  await db
    .insert(teamMapEntries)
    .values({ tenantId: v.tenantId, mapId: v.mapId, fieldKey: v.fieldKey, text: v.text, authorId: v.authorId, updatedAt: v.at })
    .onConflictDoUpdate({ target: [teamMapEntries.tenantId, teamMapEntries.mapId, teamMapEntries.fieldKey], set: { text: v.text, authorId: v.authorId, updatedAt: v.at, version: sql`${teamMapEntries.version} + 1` } });
}

export async function addRevisions(db: DbOrTx, rows: (typeof teamMapRevisions.$inferInsert)[]): Promise<void> {
  if (rows.length > 0) await db.insert(teamMapRevisions).values(rows);
}

export async function revisions(db: DbOrTx, tenantId: string, mapId: string): Promise<MapRevision[]> {
  return db
    .select()
    .from(teamMapRevisions)
    .where(and(eq(teamMapRevisions.tenantId, tenantId), eq(teamMapRevisions.mapId, mapId)))
    .orderBy(desc(teamMapRevisions.mapVersion), desc(teamMapRevisions.at));
}

export async function actions(db: DbOrTx, tenantId: string, mapId: string): Promise<MapAction[]> {
  return db
    .select()
    .from(teamMapActions)
    .where(and(eq(teamMapActions.tenantId, tenantId), eq(teamMapActions.mapId, mapId)))
    .orderBy(asc(teamMapActions.createdAt), asc(teamMapActions.id));
}

export async function insertAction(db: DbOrTx, v: typeof teamMapActions.$inferInsert): Promise<MapAction> {
  const [row] = await db.insert(teamMapActions).values(v).returning();
  return row!;
}

/** Changes an action only if it is still at the version the editor saw; undefined: someone changed it since (or it is not this map's). */
export async function updateAction(
  db: DbOrTx,
  key: { tenantId: string; mapId: string; actionId: string; version: number },
  patch: { title?: string; ownerId?: string; dueOn?: string | null; status?: MapAction['status']; updatedBy: string; updatedAt: Date },
): Promise<MapAction | undefined> {
  const [row] = await db
    .update(teamMapActions)
    .set({ ...patch, version: sql`${teamMapActions.version} + 1` })
    .where(and(eq(teamMapActions.tenantId, key.tenantId), eq(teamMapActions.mapId, key.mapId), eq(teamMapActions.id, key.actionId), eq(teamMapActions.version, key.version)))
    .returning();
  return row;
}

export async function findAction(db: DbOrTx, tenantId: string, mapId: string, actionId: string): Promise<MapAction | undefined> {
  const [row] = await db.select().from(teamMapActions).where(and(eq(teamMapActions.tenantId, tenantId), eq(teamMapActions.mapId, mapId), eq(teamMapActions.id, actionId)));
  return row;
}
