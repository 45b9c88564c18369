import { and, asc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { reflectionCycles, reflectionRatings, reflectionCards } from './reflections.tables.js';

export type ReflectionCycle = typeof reflectionCycles.$inferSelect;
export type ReflectionRating = typeof reflectionRatings.$inferSelect;
export type ReflectionCard = typeof reflectionCards.$inferSelect;

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
