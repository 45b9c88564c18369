import { and, desc, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { mailOutbox } from './mail.tables.js';

export type OutboxRow = typeof mailOutbox.$inferSelect;

export async function insert(db: DbOrTx, row: { tenantId: string; recipient: string; locale: string; template: string; params: Record<string, unknown>; linkToken?: string | null; createdAt: Date }): Promise<string> {
  const [made] = await db.insert(mailOutbox).values(row).returning({ id: mailOutbox.id });
  return made!.id;
}

export async function find(db: DbOrTx, tenantId: string, id: string): Promise<OutboxRow | undefined> {
  const [row] = await db.select().from(mailOutbox).where(and(eq(mailOutbox.tenantId, tenantId), eq(mailOutbox.id, id)));
  return row;
}

/**
 * Only a queued row becomes sent: a second run of the job (a retry after a crash) finds it sent and stops.
 * A link's sealed token goes once an SMTP server has the message; a kept one stays for /sandbox/outbox.
 */
export async function markSent(db: DbOrTx, tenantId: string, id: string, deliveredBy: string, smtpMessageId: string, at: Date): Promise<void> {
  await db
    .update(mailOutbox)
    .set({ status: 'sent', deliveredBy, smtpMessageId, sentAt: at, lastError: null, attempts: sql`${mailOutbox.attempts} + 1`, ...(deliveredBy === 'smtp' ? { linkToken: null } : {}) })
    .where(and(eq(mailOutbox.tenantId, tenantId), eq(mailOutbox.id, id), eq(mailOutbox.status, 'queued')));
}

/** A failed attempt: the error class only. `final` when the server refused the message for good. */
export async function markAttemptFailed(db: DbOrTx, tenantId: string, id: string, errorClass: string, final: boolean): Promise<void> {
  await db
    .update(mailOutbox)
    .set({ lastError: errorClass, attempts: sql`${mailOutbox.attempts} + 1`, ...(final ? { status: 'failed' } : {}) })
    .where(and(eq(mailOutbox.tenantId, tenantId), eq(mailOutbox.id, id), eq(mailOutbox.status, 'queued')));
}

/** Messages still waiting to go out, over every school (the caller runs as system), oldest first. */
export async function listQueued(db: DbOrTx, limit: number): Promise<Pick<OutboxRow, 'tenantId' | 'id'>[]> {
  return db.select({ tenantId: mailOutbox.tenantId, id: mailOutbox.id }).from(mailOutbox).where(eq(mailOutbox.status, 'queued')).orderBy(mailOutbox.createdAt).limit(limit);
}

/** The newest messages kept instead of sent (no SMTP_URL outside production), for /sandbox/outbox. */
export async function listKept(db: DbOrTx, limit: number): Promise<OutboxRow[]> {
  return db.select().from(mailOutbox).where(eq(mailOutbox.deliveredBy, 'kept')).orderBy(desc(mailOutbox.sentAt)).limit(limit);
}
