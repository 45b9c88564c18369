import { and, asc, count, desc, eq, inArray, ne, or, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { anyId } from '../db/id-list.js';
import { alerts, alertRecipients, digestSends, type AlertKind } from './alerts.tables.js';

export type Alert = typeof alerts.$inferSelect;
export type NewAlert = typeof alerts.$inferInsert;
export type AlertRecipient = typeof alertRecipients.$inferSelect;
export type AlertWithRecipients = Alert & { recipientIds: string[] };

/** The new alert, or undefined when one for the same (student, kind, dedupe key) is not resolved yet. */
export async function insertAlert(db: DbOrTx, v: NewAlert): Promise<Alert | undefined> {
  const [row] = await db.insert(alerts).values(v).onConflictDoNothing().returning();
  return row;
}

export async function insertRecipients(db: DbOrTx, rows: (typeof alertRecipients.$inferInsert)[]): Promise<AlertRecipient[]> {
  if (rows.length === 0) return [];
  return db.insert(alertRecipients).values(rows).onConflictDoNothing().returning();
}

export async function setRecipientMail(db: DbOrTx, tenantId: string, id: string, mailId: string): Promise<void> {
  await db.update(alertRecipients).set({ mailId }).where(and(eq(alertRecipients.tenantId, tenantId), eq(alertRecipients.id, id)));
}

async function withRecipients(db: DbOrTx, tenantId: string, rows: Alert[]): Promise<AlertWithRecipients[]> {
  if (rows.length === 0) return [];
  const recipients = await db
    .select({ alertId: alertRecipients.alertId, personId: alertRecipients.personId })
    .from(alertRecipients)
    .where(and(eq(alertRecipients.tenantId, tenantId), anyId(alertRecipients.alertId, rows.map((r) => r.id))));
  const byAlert = new Map<string, string[]>();
  for (const r of recipients) byAlert.set(r.alertId, [...(byAlert.get(r.alertId) ?? []), r.personId]);
  return rows.map((r) => ({ ...r, recipientIds: byAlert.get(r.id) ?? [] }));
}

const routedTo = (tenantId: string, personId: string) =>
  sql`exists (select 1 from ${alertRecipients} where ${alertRecipients.tenantId} = ${tenantId} and ${alertRecipients.alertId} = ${alerts.id} and ${alertRecipients.personId} = ${personId})`;

/** Which alerts a list shows: all of the tenant's, or those routed to the person and those of these students. */
export type AlertsSeen = { all: true } | { all: false; studentIds: string[] };

function seenBy(tenantId: string, seen: AlertsSeen, personId: string): SQL | undefined {
  if (seen.all) return undefined;
  return seen.studentIds.length > 0 ? or(routedTo(tenantId, personId), anyId(alerts.studentId, seen.studentIds)) : routedTo(tenantId, personId);
}

/** The alerts `personId` sees (AlertsSeen): open first, then acknowledged, then resolved; newest first within each. */
export async function list(db: DbOrTx, tenantId: string, seen: AlertsSeen, personId: string, limit: number): Promise<AlertWithRecipients[]> {
  const rows = await db
    .select()
    .from(alerts)
    .where(and(eq(alerts.tenantId, tenantId), seenBy(tenantId, seen, personId)))
    .orderBy(asc(sql`case ${alerts.state} when 'open' then 0 when 'acknowledged' then 1 else 2 end`), desc(alerts.createdAt))
    .limit(limit);
  return withRecipients(db, tenantId, rows);
}

export async function find(db: DbOrTx, tenantId: string, id: string): Promise<AlertWithRecipients | undefined> {
  const rows = await db.select().from(alerts).where(and(eq(alerts.tenantId, tenantId), eq(alerts.id, id)));
  return (await withRecipients(db, tenantId, rows))[0];
}

/** Alerts not resolved yet that `personId` sees (see AlertsSeen). */
export async function openCount(db: DbOrTx, tenantId: string, seen: AlertsSeen, personId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(alerts)
    .where(and(eq(alerts.tenantId, tenantId), ne(alerts.state, 'resolved'), seenBy(tenantId, seen, personId)));
  return Number(row?.n ?? 0);
}

/** Open -> acknowledged; nothing when it is not open (acknowledged already, or resolved). */
export async function acknowledge(db: DbOrTx, tenantId: string, id: string, by: string, at: Date): Promise<Alert | undefined> {
  const [row] = await db
    .update(alerts)
    .set({ state: 'acknowledged', acknowledgedAt: at, acknowledgedBy: by })
    .where(and(eq(alerts.tenantId, tenantId), eq(alerts.id, id), eq(alerts.state, 'open')))
    .returning();
  return row;
}

/** Open or acknowledged -> resolved with its note; nothing when it is resolved already. */
export async function resolve(db: DbOrTx, tenantId: string, id: string, by: string, at: Date, note: string): Promise<Alert | undefined> {
  const [row] = await db
    .update(alerts)
    .set({ state: 'resolved', resolvedAt: at, resolvedBy: by, resolutionNote: note })
    .where(and(eq(alerts.tenantId, tenantId), eq(alerts.id, id), ne(alerts.state, 'resolved')))
    .returning();
  return row;
}

/** Resolves the student's unresolved alerts of this kind and key (a need resolved resolves its alert). */
export async function resolveMatching(db: DbOrTx, tenantId: string, studentId: string, kind: AlertKind, dedupeKeys: string[], by: string, at: Date, note: string | null): Promise<Alert[]> {
  if (dedupeKeys.length === 0) return [];
  return db
    .update(alerts)
    .set({ state: 'resolved', resolvedAt: at, resolvedBy: by, resolutionNote: note })
    .where(and(eq(alerts.tenantId, tenantId), eq(alerts.studentId, studentId), eq(alerts.kind, kind), inArray(alerts.dedupeKey, dedupeKeys), ne(alerts.state, 'resolved')))
    .returning();
}

/** Records that `personId` gets the day's digest; false when they already got it that day. */
export async function claimDigest(db: DbOrTx, tenantId: string, personId: string, day: string, at: Date): Promise<string | undefined> {
  const [row] = await db.insert(digestSends).values({ tenantId, personId, day, createdAt: at }).onConflictDoNothing().returning({ id: digestSends.id });
  return row?.id;
}

export async function setDigestMail(db: DbOrTx, tenantId: string, id: string, mailId: string): Promise<void> {
  await db.update(digestSends).set({ mailId }).where(and(eq(digestSends.tenantId, tenantId), eq(digestSends.id, id)));
}
