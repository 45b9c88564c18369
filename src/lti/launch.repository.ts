import { and, eq, gt, isNull, isNotNull, lt } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { loginStates } from './launch.tables.js';

export type LoginState = typeof loginStates.$inferSelect;
export type NewLoginState = typeof loginStates.$inferInsert;

export async function insertState(db: DbOrTx, row: NewLoginState): Promise<LoginState> {
  const [r] = await db.insert(loginStates).values(row).returning();
  return r!;
}

export async function findByState(db: DbOrTx, state: string): Promise<LoginState | undefined> {
  const [r] = await db.select().from(loginStates).where(eq(loginStates.state, state));
  return r;
}

export async function findByNonce(db: DbOrTx, nonce: string): Promise<LoginState | undefined> {
  const [r] = await db.select().from(loginStates).where(eq(loginStates.nonce, nonce));
  return r;
}

export async function findById(db: DbOrTx, id: string): Promise<LoginState | undefined> {
  const [r] = await db.select().from(loginStates).where(eq(loginStates.id, id));
  return r;
}

/**
 * Marks the state (and with it the nonce) used; a single UPDATE so two concurrent posts of
 * one id_token cannot both win. Returns undefined when it was already used or has expired.
 */
export async function markUsed(db: DbOrTx, id: string, now: Date, patch: Pick<NewLoginState, 'pendingClaims' | 'deepLinking' | 'completedAt'>): Promise<LoginState | undefined> {
  const [r] = await db
    .update(loginStates)
    .set({ usedAt: now, ...patch })
    .where(and(eq(loginStates.id, id), isNull(loginStates.usedAt), gt(loginStates.expiresAt, now)))
    .returning();
  return r;
}

/** Finishes a launch waiting for its browser binding, once. */
export async function markCompleted(db: DbOrTx, id: string, state: string, now: Date, notBefore: Date): Promise<LoginState | undefined> {
  const [r] = await db
    .update(loginStates)
    .set({ completedAt: now, pendingClaims: null })
    .where(
      and(
        eq(loginStates.id, id),
        eq(loginStates.state, state),
        isNotNull(loginStates.usedAt),
        isNotNull(loginStates.pendingClaims),
        isNull(loginStates.completedAt),
        gt(loginStates.usedAt, notBefore),
      ),
    )
    .returning();
  return r;
}

export async function markRestarted(db: DbOrTx, id: string, now: Date, notBefore: Date): Promise<LoginState | undefined> {
  const [r] = await db
    .update(loginStates)
    .set({ restartedAt: now, pendingClaims: null })
    .where(and(eq(loginStates.id, id), isNull(loginStates.restartedAt), isNull(loginStates.completedAt), gt(loginStates.createdAt, notBefore)))
    .returning();
  return r;
}

export async function markResponded(db: DbOrTx, id: string, tenantId: string, now: Date): Promise<LoginState | undefined> {
  const [r] = await db
    .update(loginStates)
    .set({ respondedAt: now })
    .where(and(eq(loginStates.id, id), eq(loginStates.tenantId, tenantId), isNull(loginStates.respondedAt), isNotNull(loginStates.deepLinking)))
    .returning();
  return r;
}

export async function findDeepLinking(db: DbOrTx, id: string, tenantId: string): Promise<LoginState | undefined> {
  const [r] = await db
    .select()
    .from(loginStates)
    .where(and(eq(loginStates.id, id), eq(loginStates.tenantId, tenantId), isNotNull(loginStates.deepLinking)));
  return r;
}

/** Rows are kept past their expiry so a replayed id_token is still recognised as replayed. */
export async function pruneBefore(db: DbOrTx, cutoff: Date): Promise<void> {
  await db.delete(loginStates).where(lt(loginStates.expiresAt, cutoff));
}
