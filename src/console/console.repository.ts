import { and, eq, gt, isNull } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { consoleHandoffs, consoleLocalAdmins, consoleSignOn } from './console.tables.js';

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

export type SignOnRow = typeof consoleSignOn.$inferSelect;

export async function findSignOn(db: DbOrTx, tenantId: string): Promise<SignOnRow | undefined> {
  const [row] = await db.select().from(consoleSignOn).where(eq(consoleSignOn.tenantId, tenantId));
  return row;
}

/** One row per school: saving again replaces the settings (the sealed secret included). */
export async function saveSignOn(db: DbOrTx, v: { tenantId: string; issuer: string; clientId: string; clientSecretSealed: string; emailDomains: string[]; by: string; at: Date }): Promise<void> {
  const values = { issuer: v.issuer, clientId: v.clientId, clientSecretSealed: v.clientSecretSealed, emailDomains: v.emailDomains, updatedBy: v.by, updatedAt: v.at };
  await db
    .insert(consoleSignOn)
    .values({ tenantId: v.tenantId, ...values, createdAt: v.at })
    .onConflictDoUpdate({ target: [consoleSignOn.tenantId], set: values });
}

export async function deleteSignOn(db: DbOrTx, tenantId: string): Promise<boolean> {
  const rows = await db.delete(consoleSignOn).where(eq(consoleSignOn.tenantId, tenantId)).returning({ id: consoleSignOn.id });
  return rows.length > 0;
}
