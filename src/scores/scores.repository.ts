import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { agsContexts, scoreSettings } from './scores.tables.js';

export type AgsContextRow = typeof agsContexts.$inferSelect;
export type AgsContextPatch = Partial<Omit<AgsContextRow, 'contextId' | 'tenantId'>>;

export async function publishEnabled(db: DbOrTx, tenantId: string): Promise<boolean> {
  const [row] = await db.select({ on: scoreSettings.publishEnabled }).from(scoreSettings).where(eq(scoreSettings.tenantId, tenantId));
  return row?.on ?? false;
}

export async function setPublishEnabled(db: DbOrTx, tenantId: string, enabled: boolean, by: string | null, at: Date): Promise<void> {
  await db
    .insert(scoreSettings)
    .values({ tenantId, publishEnabled: enabled, updatedBy: by, updatedAt: at })
    .onConflictDoUpdate({ target: scoreSettings.tenantId, set: { publishEnabled: enabled, updatedBy: by, updatedAt: at } });
}

export async function findAgsContext(db: DbOrTx, tenantId: string, contextId: string): Promise<AgsContextRow | undefined> {
  const [row] = await db.select().from(agsContexts).where(and(eq(agsContexts.tenantId, tenantId), eq(agsContexts.contextId, contextId)));
  return row;
}

export async function listAgsContexts(db: DbOrTx, tenantId: string): Promise<AgsContextRow[]> {
  return db.select().from(agsContexts).where(eq(agsContexts.tenantId, tenantId));
}

export async function saveAgsContext(db: DbOrTx, tenantId: string, contextId: string, patch: AgsContextPatch): Promise<void> {
  await db
    .insert(agsContexts)
    .values({ tenantId, contextId, ...patch })
    .onConflictDoUpdate({ target: agsContexts.contextId, set: patch, setWhere: eq(agsContexts.tenantId, tenantId) });
}
