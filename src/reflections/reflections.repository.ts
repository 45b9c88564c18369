import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { reflectionCycles, reflectionEntries, reflectionRevisions, reflectionRatings, reflectionCards, reflectionActions } from './reflections.tables.js';

export type ReflectionCycle = typeof reflectionCycles.$inferSelect;
export type ReflectionEntry = typeof reflectionEntries.$inferSelect;
export type ReflectionRating = typeof reflectionRatings.$inferSelect;
export type ReflectionCard = typeof reflectionCards.$inferSelect;
export type CycleAction = typeof reflectionActions.$inferSelect;

export async function insertCycle(db: DbOrTx, v: typeof reflectionCycles.$inferInsert): Promise<ReflectionCycle> {
  const [row] = await db.insert(reflectionCycles).values(v).returning();
  return row!;
}

export async function findCycle(db: DbOrTx, tenantId: string, cycleId: string): Promise<ReflectionCycle | undefined> {
  const [row] = await db.select().from(reflectionCycles).where(and(eq(reflectionCycles.tenantId, tenantId), eq(reflectionCycles.id, cycleId)));
  return row;
}

export async function ratings(db: DbOrTx, tenantId: string, cycleId: string): Promise<ReflectionRating[]> {
  return db.select().from(reflectionRatings).where(and(eq(reflectionRatings.tenantId, tenantId), eq(reflectionRatings.cycleId, cycleId)));
}

/** Sets a look-for's rating, counting the change in its version. */
export async function upsertRating(db: DbOrTx, v: { tenantId: string; cycleId: string; lookFor: string; rating: string; ratedBy: string; at: Date }): Promise<void> {
  await db
    .insert(reflectionRatings)
    .values({ tenantId: v.tenantId, cycleId: v.cycleId, lookFor: v.lookFor, rating: v.rating, ratedBy: v.ratedBy, updatedAt: v.at })
    .onConflictDoUpdate({ target: [reflectionRatings.tenantId, reflectionRatings.cycleId, reflectionRatings.lookFor], set: { rating: v.rating, ratedBy: v.ratedBy, updatedAt: v.at } });
}

export async function cards(db: DbOrTx, tenantId: string, cycleId: string): Promise<ReflectionCard[]> {
  return db
    .select()
    .from(reflectionCards)
    .where(and(eq(reflectionCards.tenantId, tenantId), eq(reflectionCards.cycleId, cycleId)))
    .orderBy(asc(reflectionCards.createdAt), asc(reflectionCards.id));
}

export async function insertCard(db: DbOrTx, v: typeof reflectionCards.$inferInsert): Promise<ReflectionCard> {
  const [row] = await db.insert(reflectionCards).values(v).returning();
  return row!;
}

/** The cycle, locked for the rest of the transaction, and its change counted: saves to one cycle take turns. */
export async function lockAndTouchCycle(db: DbOrTx, tenantId: string, cycleId: string, at: Date): Promise<ReflectionCycle> {
  await db.select({ id: reflectionCycles.id }).from(reflectionCycles).where(and(eq(reflectionCycles.tenantId, tenantId), eq(reflectionCycles.id, cycleId))).for('update');
  const [row] = await db
    .update(reflectionCycles)
    .set({ version: sql`${reflectionCycles.version} + 1`, updatedAt: at })
    .where(and(eq(reflectionCycles.tenantId, tenantId), eq(reflectionCycles.id, cycleId)))
    .returning();
  return row!;
}

export async function entries(db: DbOrTx, tenantId: string, cycleId: string): Promise<ReflectionEntry[]> {
  return db.select().from(reflectionEntries).where(and(eq(reflectionEntries.tenantId, tenantId), eq(reflectionEntries.cycleId, cycleId)));
}

/** Writes a component's reflection and counts the save in its version, with the change as a revision. */
export async function saveEntry(db: DbOrTx, v: { tenantId: string; cycleId: string; component: string; oldText: string; text: string; authorId: string; cycleVersion: number; at: Date }): Promise<void> {
  await db
    .insert(reflectionEntries)
    .values({ tenantId: v.tenantId, cycleId: v.cycleId, component: v.component, text: v.text, authorId: v.authorId, updatedAt: v.at })
    .onConflictDoUpdate({ target: [reflectionEntries.tenantId, reflectionEntries.cycleId, reflectionEntries.component], set: { text: v.text, authorId: v.authorId, updatedAt: v.at, version: sql`${reflectionEntries.version} + 1` } });
  await db.insert(reflectionRevisions).values({ tenantId: v.tenantId, cycleId: v.cycleId, component: v.component, oldText: v.oldText, newText: v.text, authorId: v.authorId, cycleVersion: v.cycleVersion, at: v.at });
}

/** A team's cycles (a school's, or the district's: null), oldest first: the year in order. */
export async function cyclesOf(db: DbOrTx, tenantId: string, schoolId: string | null): Promise<ReflectionCycle[]> {
  return db
    .select()
    .from(reflectionCycles)
    .where(and(eq(reflectionCycles.tenantId, tenantId), schoolId === null ? isNull(reflectionCycles.schoolId) : eq(reflectionCycles.schoolId, schoolId)))
    .orderBy(asc(reflectionCycles.heldOn), asc(reflectionCycles.createdAt));
}

export async function ratingsOfCycles(db: DbOrTx, tenantId: string, cycleIds: readonly string[]): Promise<ReflectionRating[]> {
  if (cycleIds.length === 0) return [];
  return db.select().from(reflectionRatings).where(and(eq(reflectionRatings.tenantId, tenantId), inArray(reflectionRatings.cycleId, [...cycleIds])));
}

export async function actions(db: DbOrTx, tenantId: string, cycleId: string): Promise<CycleAction[]> {
  return db
    .select()
    .from(reflectionActions)
    .where(and(eq(reflectionActions.tenantId, tenantId), eq(reflectionActions.cycleId, cycleId)))
    .orderBy(asc(reflectionActions.createdAt), asc(reflectionActions.id));
}

export async function insertAction(db: DbOrTx, v: typeof reflectionActions.$inferInsert): Promise<CycleAction> {
  const [row] = await db.insert(reflectionActions).values(v).returning();
  return row!;
}

/** Changes a cycle's action only if it is still at the version the editor saw; undefined: someone changed it since, or it is not this cycle's. */
export async function updateAction(
  db: DbOrTx,
  key: { tenantId: string; cycleId: string; actionId: string; version: number },
  patch: Partial<Pick<CycleAction, 'title' | 'ownerId' | 'dueOn' | 'status'>> & { updatedBy: string; updatedAt: Date },
): Promise<CycleAction | undefined> {
  const [row] = await db
    .update(reflectionActions)
    .set({ ...patch, version: sql`${reflectionActions.version} + 1` })
    .where(and(eq(reflectionActions.tenantId, key.tenantId), eq(reflectionActions.cycleId, key.cycleId), eq(reflectionActions.id, key.actionId), eq(reflectionActions.version, key.version)))
    .returning();
  return row;
}
