import { and, desc, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { connectorSettings, connectorRuns, type ConnectorKind, type ConnectorStatus, type RunTrigger, type BadRow } from './connectors.tables.js';

export type ConnectorSettings = typeof connectorSettings.$inferSelect;
export type ConnectorRunRow = typeof connectorRuns.$inferSelect;

// Bad rows kept per run: enough to fix a file, bounded so one broken file cannot bloat a row.
export const MAX_BAD_ROWS = 500;

export async function findSettings(db: DbOrTx, tenantId: string, kind: ConnectorKind): Promise<ConnectorSettings | undefined> {
  const [row] = await db.select().from(connectorSettings).where(and(eq(connectorSettings.tenantId, tenantId), eq(connectorSettings.kind, kind)));
  return row;
}

export async function listSettings(db: DbOrTx, tenantId: string): Promise<ConnectorSettings[]> {
  return db.select().from(connectorSettings).where(eq(connectorSettings.tenantId, tenantId));
}

/** Every enabled connector of every school (the schedule round; system scope). */
export async function enabledConnectors(db: DbOrTx): Promise<{ tenantId: string; kind: ConnectorKind }[]> {
  return db.select({ tenantId: connectorSettings.tenantId, kind: connectorSettings.kind }).from(connectorSettings).where(eq(connectorSettings.enabled, true));
}

/** Saves an admin's settings; a null secret keeps the stored one (the form never shows it back). */
export async function saveSettings(
  db: DbOrTx,
  tenantId: string,
  kind: ConnectorKind,
  v: { config: Record<string, string>; secret: string | null; enabled: boolean; by: string; at: Date },
): Promise<void> {
  const set = { config: v.config, enabled: v.enabled, updatedBy: v.by, updatedAt: v.at, status: 'ok' as const, statusReason: null, ...(v.secret === null ? {} : { secret: v.secret }) };
  await db
    .insert(connectorSettings)
    .values({ tenantId, kind, ...set, secret: v.secret })
    .onConflictDoUpdate({ target: [connectorSettings.tenantId, connectorSettings.kind], set });
}

export async function setStatus(db: DbOrTx, tenantId: string, kind: ConnectorKind, status: ConnectorStatus, reason: string | null): Promise<void> {
  await db.update(connectorSettings).set({ status, statusReason: reason }).where(and(eq(connectorSettings.tenantId, tenantId), eq(connectorSettings.kind, kind)));
}

export async function setCursor(db: DbOrTx, tenantId: string, kind: ConnectorKind, cursor: Record<string, string>): Promise<void> {
  await db.update(connectorSettings).set({ cursor }).where(and(eq(connectorSettings.tenantId, tenantId), eq(connectorSettings.kind, kind)));
}

export async function startRun(db: DbOrTx, tenantId: string, kind: string, trigger: RunTrigger, at: Date): Promise<string> {
  const [row] = await db.insert(connectorRuns).values({ tenantId, kind, trigger, startedAt: at }).returning({ id: connectorRuns.id });
  return row!.id;
}

export async function finishRun(
  db: DbOrTx,
  tenantId: string,
  id: string,
  v: { status: 'succeeded' | 'failed'; at: Date; fetched: number; upserted: number; unmatched: number; notInTool: number; rejected: number; badRows: BadRow[]; errorClass: string | null },
): Promise<void> {
  await db
    .update(connectorRuns)
    .set({ status: v.status, finishedAt: v.at, fetched: v.fetched, upserted: v.upserted, unmatched: v.unmatched, notInTool: v.notInTool, rejected: v.rejected, badRows: v.badRows.slice(0, MAX_BAD_ROWS), errorClass: v.errorClass })
    .where(and(eq(connectorRuns.tenantId, tenantId), eq(connectorRuns.id, id)));
}

/** A school's latest runs, of these kinds only when given (the connectors page leaves file imports to /admin/data). */
export async function recentRuns(db: DbOrTx, tenantId: string, limit: number, kinds?: string[]): Promise<ConnectorRunRow[]> {
  const mine = kinds ? and(eq(connectorRuns.tenantId, tenantId), inArray(connectorRuns.kind, kinds)) : eq(connectorRuns.tenantId, tenantId);
  return db.select().from(connectorRuns).where(mine).orderBy(desc(connectorRuns.startedAt)).limit(limit);
}

export async function findRun(db: DbOrTx, tenantId: string, id: string): Promise<ConnectorRunRow | undefined> {
  const [row] = await db.select().from(connectorRuns).where(and(eq(connectorRuns.tenantId, tenantId), eq(connectorRuns.id, id)));
  return row;
}
