import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { referralDrafts, referrals, type ReferralState } from './referrals.tables.js';

export type ReferralDraft = typeof referralDrafts.$inferSelect;
export type DraftValues = typeof referralDrafts.$inferInsert;

const openReferralStates: ReferralState[] = ['requested', 'accepted', 'in_service'];

/** Whether the student has a referral still open in the category (a draft beside it would ask twice). */
export async function hasOpenReferral(db: DbOrTx, tenantId: string, studentId: string, category: string): Promise<boolean> {
  const rows = await db
    .select({ id: referrals.id })
    .from(referrals)
    .where(and(eq(referrals.tenantId, tenantId), eq(referrals.studentId, studentId), eq(referrals.category, category), inArray(referrals.state, openReferralStates)))
    .limit(1);
  return rows.length > 0;
}

/** A new open draft, or undefined when the student already has one in the category (the partial unique index decides). */
export async function insertOpen(db: DbOrTx, v: DraftValues): Promise<ReferralDraft | undefined> {
  const [row] = await db
    .insert(referralDrafts)
    .values({ ...v, state: 'open' })
    .onConflictDoNothing({ target: [referralDrafts.tenantId, referralDrafts.studentId, referralDrafts.category], where: sql`state = 'open'` })
    .returning();
  return row;
}

export function openOfStudent(db: DbOrTx, tenantId: string, studentId: string): Promise<ReferralDraft[]> {
  return db
    .select()
    .from(referralDrafts)
    .where(and(eq(referralDrafts.tenantId, tenantId), eq(referralDrafts.studentId, studentId), eq(referralDrafts.state, 'open')))
    .orderBy(asc(referralDrafts.createdAt), asc(referralDrafts.id));
}

/** The open drafts of these students (null: every student of the tenant), oldest first, at most `limit`. */
export function openOf(db: DbOrTx, tenantId: string, studentIds: string[] | null, limit: number): Promise<ReferralDraft[]> {
  const where = and(eq(referralDrafts.tenantId, tenantId), eq(referralDrafts.state, 'open'), studentIds ? inArray(referralDrafts.studentId, studentIds) : undefined);
  return db.select().from(referralDrafts).where(where).orderBy(asc(referralDrafts.createdAt), asc(referralDrafts.id)).limit(limit);
}

export async function find(db: DbOrTx, tenantId: string, id: string): Promise<ReferralDraft | undefined> {
  const [row] = await db.select().from(referralDrafts).where(and(eq(referralDrafts.tenantId, tenantId), eq(referralDrafts.id, id)));
  return row;
}

/** Closes an open draft (sent with its referral, or dismissed): the one write, so two people deciding it at once decide it once (undefined: decided already). */
export async function decide(db: DbOrTx, tenantId: string, id: string, set: Pick<DraftValues, 'state' | 'referralId' | 'decidedBy' | 'decidedAt'>): Promise<ReferralDraft | undefined> {
  const [row] = await db
    .update(referralDrafts)
    .set(set)
    .where(and(eq(referralDrafts.tenantId, tenantId), eq(referralDrafts.id, id), eq(referralDrafts.state, 'open')))
    .returning();
  return row;
}
