import { and, asc, eq, gt, isNull } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { providerAccounts, providerOrganisations, providerTokens, type ProviderTokenPurpose } from './providers.tables.js';

export type OrganisationRow = typeof providerOrganisations.$inferSelect;
export type AccountRow = typeof providerAccounts.$inferSelect;

export async function listOrganisations(db: DbOrTx, tenantId: string): Promise<OrganisationRow[]> {
  return db.select().from(providerOrganisations).where(eq(providerOrganisations.tenantId, tenantId)).orderBy(asc(providerOrganisations.name), asc(providerOrganisations.id));
}

export async function findOrganisation(db: DbOrTx, tenantId: string, id: string): Promise<OrganisationRow | undefined> {
  const [row] = await db.select().from(providerOrganisations).where(and(eq(providerOrganisations.tenantId, tenantId), eq(providerOrganisations.id, id)));
  return row;
}

/** A new organisation's id; undefined when the school already has one of that name. */
export async function insertOrganisation(db: DbOrTx, tenantId: string, v: { name: string; createdBy: string; createdAt: Date }): Promise<string | undefined> {
  const [row] = await db.insert(providerOrganisations).values({ ...v, tenantId }).onConflictDoNothing().returning({ id: providerOrganisations.id });
  return row?.id;
}

export async function listAccounts(db: DbOrTx, tenantId: string): Promise<AccountRow[]> {
  return db.select().from(providerAccounts).where(eq(providerAccounts.tenantId, tenantId)).orderBy(asc(providerAccounts.name), asc(providerAccounts.id));
}

export async function findAccount(db: DbOrTx, tenantId: string, id: string): Promise<AccountRow | undefined> {
  const [row] = await db.select().from(providerAccounts).where(and(eq(providerAccounts.tenantId, tenantId), eq(providerAccounts.id, id)));
  return row;
}

/** The account of an e-mail (already lower-cased) at one school. */
export async function findAccountByEmail(db: DbOrTx, tenantId: string, email: string): Promise<AccountRow | undefined> {
  const [row] = await db.select().from(providerAccounts).where(and(eq(providerAccounts.tenantId, tenantId), eq(providerAccounts.email, email)));
  return row;
}

/** A new account's id; undefined when the e-mail already has one at this school. */
export async function insertAccount(
  db: DbOrTx,
  tenantId: string,
  v: { organisationId: string; name: string; email: string; locale: string; invitedBy: string; invitedAt: Date },
): Promise<string | undefined> {
  const [row] = await db.insert(providerAccounts).values({ ...v, tenantId }).onConflictDoNothing().returning({ id: providerAccounts.id });
  return row?.id;
}

export async function updateAccount(db: DbOrTx, tenantId: string, id: string, v: Partial<Pick<AccountRow, 'active' | 'passwordHash' | 'lastSignInAt' | 'invitedAt'>>): Promise<boolean> {
  const done = await db.update(providerAccounts).set(v).where(and(eq(providerAccounts.tenantId, tenantId), eq(providerAccounts.id, id))).returning({ id: providerAccounts.id });
  return done.length > 0;
}

export async function insertToken(db: DbOrTx, tenantId: string, v: { accountId: string; purpose: ProviderTokenPurpose; tokenHash: string; expiresAt: Date; createdAt: Date }): Promise<void> {
  await db.insert(providerTokens).values({ ...v, tenantId });
}

/**
 * Uses a token once: marks it used and returns its account, only if it is this purpose's, unused and
 * unexpired. One statement, so two posts of the same link cannot both succeed.
 */
export async function consumeToken(db: DbOrTx, tenantId: string, tokenHash: string, purpose: ProviderTokenPurpose, now: Date): Promise<string | undefined> {
  const [row] = await db
    .update(providerTokens)
    .set({ usedAt: now })
    .where(and(eq(providerTokens.tenantId, tenantId), eq(providerTokens.tokenHash, tokenHash), eq(providerTokens.purpose, purpose), isNull(providerTokens.usedAt), gt(providerTokens.expiresAt, now)))
    .returning({ accountId: providerTokens.accountId });
  return row?.accountId;
}

/** An account's unused tokens of a purpose go (a new invitation replaces the old; deactivation ends them all). */
export async function revokeTokens(db: DbOrTx, tenantId: string, accountId: string, now: Date): Promise<void> {
  await db.update(providerTokens).set({ usedAt: now }).where(and(eq(providerTokens.tenantId, tenantId), eq(providerTokens.accountId, accountId), isNull(providerTokens.usedAt)));
}

