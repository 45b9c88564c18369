import { and, eq, gt, isNull } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { consoleHandoffs } from './console.tables.js';

export async function insertHandoff(db: DbOrTx, v: typeof consoleHandoffs.$inferInsert): Promise<void> {
  await db.insert(consoleHandoffs).values(v);
}

/** Spends a hand-off: the one statement that finds it unused and in time marks it used, so two uses never both succeed. */
export async function spendHandoff(db: DbOrTx, tenantId: string, tokenHash: string, now: Date): Promise<{ adminId: string; locale: string } | undefined> {
  const [row] = await db
    .update(consoleHandoffs)
    .set({ usedAt: now })
    .where(and(eq(consoleHandoffs.tenantId, tenantId), eq(consoleHandoffs.tokenHash, tokenHash), isNull(consoleHandoffs.usedAt), gt(consoleHandoffs.expiresAt, now)))
    .returning({ adminId: consoleHandoffs.adminId, locale: consoleHandoffs.locale });
  return row;
}
