import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { personIdentities, identityReviews, type IdentitySource, type ReviewReason } from './identities.tables.js';

export type IdentityReview = typeof identityReviews.$inferSelect;

export async function linksFor(db: DbOrTx, tenantId: string, source: IdentitySource, externalIds: string[]): Promise<{ externalId: string; personId: string }[]> {
  if (externalIds.length === 0) return [];
  return db
    .select({ externalId: personIdentities.externalId, personId: personIdentities.personId })
    .from(personIdentities)
    .where(and(eq(personIdentities.tenantId, tenantId), eq(personIdentities.source, source), inArray(personIdentities.externalId, externalIds)));
}

/** New links; an id already linked keeps its person (the first stable match wins, a later one never moves it). */
export async function insertLinks(db: DbOrTx, tenantId: string, source: IdentitySource, links: { externalId: string; personId: string }[]): Promise<void> {
  if (links.length === 0) return;
  await db
    .insert(personIdentities)
    .values(links.map((l) => ({ tenantId, source, externalId: l.externalId, personId: l.personId })))
    .onConflictDoNothing({ target: [personIdentities.tenantId, personIdentities.source, personIdentities.externalId] });
}

/** Outside ids still waiting for an admin: seen again, counted again; a resolved one is left resolved. */
export async function upsertReviews(
  db: DbOrTx,
  tenantId: string,
  source: IdentitySource,
  rows: { externalId: string; reason: ReviewReason; candidateIds: string[]; label: string }[],
  at: Date,
): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insert(identityReviews)
    .values(rows.map((r) => ({ tenantId, source, externalId: r.externalId, reason: r.reason, candidateIds: r.candidateIds, label: r.label, firstSeenAt: at, lastSeenAt: at })))
    .onConflictDoUpdate({
      target: [identityReviews.tenantId, identityReviews.source, identityReviews.externalId],
      set: {
        reason: sql`excluded.reason`,
        candidateIds: sql`excluded.candidate_ids`,
        label: sql`excluded.label`,
        lastSeenAt: sql`excluded.last_seen_at`,
        seenCount: sql`${identityReviews.seenCount} + 1`,
      },
      setWhere: isNull(identityReviews.resolvedAt),
    });
}

export async function openReviews(db: DbOrTx, tenantId: string, limit: number, offset: number): Promise<IdentityReview[]> {
  return db
    .select()
    .from(identityReviews)
    .where(and(eq(identityReviews.tenantId, tenantId), isNull(identityReviews.resolvedAt)))
    .orderBy(asc(identityReviews.firstSeenAt), asc(identityReviews.id))
    .limit(limit)
    .offset(offset);
}

export async function findReview(db: DbOrTx, tenantId: string, id: string): Promise<IdentityReview | undefined> {
  const [row] = await db.select().from(identityReviews).where(and(eq(identityReviews.tenantId, tenantId), eq(identityReviews.id, id)));
  return row;
}

/** Closes an open review; false when someone else closed it first. */
export async function resolveReview(
  db: DbOrTx,
  tenantId: string,
  id: string,
  v: { resolution: 'linked' | 'ignored'; personId: string | null; by: string; at: Date },
): Promise<boolean> {
  const rows = await db
    .update(identityReviews)
    .set({ resolution: v.resolution, personId: v.personId, resolvedBy: v.by, resolvedAt: v.at })
    .where(and(eq(identityReviews.tenantId, tenantId), eq(identityReviews.id, id), isNull(identityReviews.resolvedAt)))
    .returning({ id: identityReviews.id });
  return rows.length > 0;
}
