import { and, desc, eq, sql } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '../db/client.js';
import { agsContexts, scorePublishRuns, scoreSettings } from './scores.tables.js';

export type AgsContextRow = typeof agsContexts.$inferSelect;
export type PublishRun = typeof scorePublishRuns.$inferSelect;
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
    .onConflictDoUpdate({ target: [agsContexts.tenantId, agsContexts.contextId], set: patch });
}

/** Tenants whose admin turned publishing on: what the schedule walks. */
export async function tenantsPublishing(db: DbOrTx): Promise<string[]> {
  const rows = await db.select({ tenantId: scoreSettings.tenantId }).from(scoreSettings).where(eq(scoreSettings.publishEnabled, true));
  return rows.map((r) => r.tenantId);
}

export async function startRun(db: DbOrTx, r: { tenantId: string; contextId: string; trigger: string; startedAt: Date }): Promise<string> {
  const [row] = await db.insert(scorePublishRuns).values({ ...r, status: 'running' }).returning({ id: scorePublishRuns.id });
  return row!.id;
}

export async function finishRun(
  db: DbOrTx,
  tenantId: string,
  runId: string,
  o: { status: 'succeeded' | 'failed'; finishedAt: Date; posted: number; skipped: number; errorKind: string | null },
): Promise<void> {
  await db.update(scorePublishRuns).set(o).where(and(eq(scorePublishRuns.tenantId, tenantId), eq(scorePublishRuns.id, runId)));
}

export async function listRuns(db: DbOrTx, tenantId: string, contextId?: string, limit = 50): Promise<PublishRun[]> {
  return db
    .select()
    .from(scorePublishRuns)
    .where(and(eq(scorePublishRuns.tenantId, tenantId), contextId ? eq(scorePublishRuns.contextId, contextId) : undefined))
    .orderBy(desc(scorePublishRuns.startedAt))
    .limit(limit);
}

/**
 * Over every context of a tenant with publishing on that was ever published: the oldest last
 * successful publish, or first attempt when none succeeded (for /metrics: one number for the fleet,
 * no context ids).
 */
export async function oldestLastPublish(db: DbOrTx): Promise<Date | null> {
  const rows = await queryRows<{ oldest: string | Date | null }>(
    db,
    sql`select min(last_ok) as oldest from (
      select r.tenant_id, r.context_id, coalesce(max(r.finished_at) filter (where r.status = 'succeeded'), min(r.started_at)) as last_ok
      from score_publish_runs r join score_settings s on s.tenant_id = r.tenant_id and s.publish_enabled
      group by r.tenant_id, r.context_id) per_context`,
  );
  const oldest = rows[0]?.oldest;
  return oldest ? new Date(oldest) : null;
}
