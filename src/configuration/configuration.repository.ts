import { and, desc, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { configVersions, type ConfigState } from './configuration.tables.js';

export type ConfigVersion = typeof configVersions.$inferSelect;

const ofKind = (tenantId: string, kind: string) => and(eq(configVersions.tenantId, tenantId), eq(configVersions.kind, kind));

/** The version of a kind in a state (the draft, or the published one), if any. */
export async function inState(db: DbOrTx, tenantId: string, kind: string, state: Exclude<ConfigState, 'retired'>): Promise<ConfigVersion | undefined> {
  const [row] = await db.select().from(configVersions).where(and(ofKind(tenantId, kind), eq(configVersions.state, state)));
  return row;
}

/** The published version of every kind of the tenant (one read for the console's list). */
export function publishedOfTenant(db: DbOrTx, tenantId: string): Promise<ConfigVersion[]> {
  return db.select().from(configVersions).where(and(eq(configVersions.tenantId, tenantId), eq(configVersions.state, 'published')));
}

/** Every version of a kind, newest first. */
export function versionsOf(db: DbOrTx, tenantId: string, kind: string): Promise<ConfigVersion[]> {
  return db.select().from(configVersions).where(ofKind(tenantId, kind)).orderBy(desc(configVersions.version));
}

export async function versionOf(db: DbOrTx, tenantId: string, kind: string, version: number): Promise<ConfigVersion | undefined> {
  const [row] = await db.select().from(configVersions).where(and(ofKind(tenantId, kind), eq(configVersions.version, version)));
  return row;
}

/**
 * Takes the kind's turn in this transaction: its versions are numbered and published one writer at a
 * time (a transaction-scoped advisory lock on tenant and kind), so two publishes or two new drafts
 * never race to the same number or leave two versions in force.
 */
export async function lockKind(tx: DbOrTx, tenantId: string, kind: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`config:${tenantId}:${kind}`}))`);
}

export async function nextVersion(tx: DbOrTx, tenantId: string, kind: string): Promise<number> {
  const [row] = await tx.select({ n: sql<number>`coalesce(max(${configVersions.version}), 0) + 1` }).from(configVersions).where(ofKind(tenantId, kind));
  return Number(row!.n);
}

export async function insertVersion(tx: DbOrTx, row: typeof configVersions.$inferInsert): Promise<ConfigVersion> {
  const [created] = await tx.insert(configVersions).values(row).returning();
  return created!;
}

/** Saves a draft's body when the page read its latest save (`edits`); undefined when someone saved since. */
export async function saveDraft(tx: DbOrTx, tenantId: string, kind: string, edits: number, body: unknown, note: string, at: Date): Promise<ConfigVersion | undefined> {
  const [row] = await tx
    .update(configVersions)
    .set({ body, note, edits: sql`${configVersions.edits} + 1`, updatedAt: at })
    .where(and(ofKind(tenantId, kind), eq(configVersions.state, 'draft'), eq(configVersions.edits, edits)))
    .returning();
  return row;
}

/** The kind's published version becomes retired, and `version` published. */
export async function publish(tx: DbOrTx, tenantId: string, kind: string, version: number, by: string | null, at: Date): Promise<void> {
  await tx.update(configVersions).set({ state: 'retired', updatedAt: at }).where(and(ofKind(tenantId, kind), eq(configVersions.state, 'published')));
  await tx.update(configVersions).set({ state: 'published', publishedBy: by, publishedAt: at, updatedAt: at }).where(and(ofKind(tenantId, kind), eq(configVersions.version, version)));
}

export async function deleteDraft(tx: DbOrTx, tenantId: string, kind: string): Promise<boolean> {
  const rows = await tx.delete(configVersions).where(and(ofKind(tenantId, kind), eq(configVersions.state, 'draft'))).returning({ id: configVersions.id });
  return rows.length > 0;
}
