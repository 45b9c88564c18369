import { and, eq, gt, isNull } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { consoleHandoffs, consoleLocalAdmins } from './console.tables.js';

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

export async function upsertLocalAdmin(db: DbOrTx, v: { tenantId: string; adminId: string; email: string; passwordHash: string; at: Date }): Promise<void> {
  await db
    .insert(consoleLocalAdmins)
    .values({ tenantId: v.tenantId, adminId: v.adminId, email: v.email, passwordHash: v.passwordHash, createdAt: v.at, updatedAt: v.at })
    .onConflictDoUpdate({ target: [consoleLocalAdmins.tenantId, consoleLocalAdmins.email], set: { passwordHash: v.passwordHash, adminId: v.adminId, updatedAt: v.at } });
}

export async function findLocalAdmin(db: DbOrTx, tenantId: string, email: string): Promise<{ adminId: string; passwordHash: string } | undefined> {
  const [row] = await db.select({ adminId: consoleLocalAdmins.adminId, passwordHash: consoleLocalAdmins.passwordHash }).from(consoleLocalAdmins).where(and(eq(consoleLocalAdmins.tenantId, tenantId), eq(consoleLocalAdmins.email, email)));
  return row;
}
