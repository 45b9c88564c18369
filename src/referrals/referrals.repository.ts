import { and, asc, count, desc, eq, gte, inArray, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { anyId, rowsOfIds } from '../db/id-list.js';
import { referralConsents, referralEvents, referrals, type ReferralState } from './referrals.tables.js';

export type Referral = typeof referrals.$inferSelect;
export type ReferralValues = typeof referrals.$inferInsert;
export type ReferralEvent = typeof referralEvents.$inferSelect;
export type EventValues = typeof referralEvents.$inferInsert;
export type Consent = typeof referralConsents.$inferSelect;
export type ConsentValues = typeof referralConsents.$inferInsert;

export async function insertReferral(db: DbOrTx, v: ReferralValues): Promise<Referral> {
  const [row] = await db.insert(referrals).values(v).returning();
  return row!;
}

export async function insertEvent(db: DbOrTx, v: EventValues): Promise<void> {
  await db.insert(referralEvents).values(v);
}

export async function findReferral(db: DbOrTx, tenantId: string, id: string): Promise<Referral | undefined> {
  const [row] = await db.select().from(referrals).where(and(eq(referrals.tenantId, tenantId), eq(referrals.id, id)));
  return row;
}

export function listForStudent(db: DbOrTx, tenantId: string, studentId: string): Promise<Referral[]> {
  return db.select().from(referrals).where(and(eq(referrals.tenantId, tenantId), eq(referrals.studentId, studentId))).orderBy(desc(referrals.createdAt), asc(referrals.id));
}

export function eventsOf(db: DbOrTx, tenantId: string, referralId: string): Promise<ReferralEvent[]> {
  return db.select().from(referralEvents).where(and(eq(referralEvents.tenantId, tenantId), eq(referralEvents.referralId, referralId))).orderBy(asc(referralEvents.at), asc(referralEvents.id));
}

/**
 * Moves a referral on when it is still at `version` and in one of `from`: the one write every
 * transition makes, so a stale form or a second click changes nothing (undefined).
 */
export async function updateIfCurrent(db: DbOrTx, tenantId: string, id: string, version: number, from: readonly ReferralState[], set: Partial<ReferralValues>): Promise<Referral | undefined> {
  const [row] = await db
    .update(referrals)
    .set({ ...set, version: sql`${referrals.version} + 1` })
    .where(and(eq(referrals.tenantId, tenantId), eq(referrals.id, id), eq(referrals.version, version), inArray(referrals.state, [...from])))
    .returning();
  return row;
}

export async function setHeld(db: DbOrTx, tenantId: string, ids: string[], held: boolean, at: Date): Promise<void> {
  if (ids.length === 0) return;
  await db.update(referrals).set({ heldForConsent: held, updatedAt: at, version: sql`${referrals.version} + 1` }).where(and(eq(referrals.tenantId, tenantId), inArray(referrals.id, ids)));
}

export async function setOrganisation(db: DbOrTx, tenantId: string, id: string, organisationId: string | null): Promise<boolean> {
  const done = await db.update(referrals).set({ providerOrganisationId: organisationId }).where(and(eq(referrals.tenantId, tenantId), eq(referrals.id, id))).returning({ id: referrals.id });
  return done.length > 0;
}

const openStates: ReferralState[] = ['requested', 'accepted', 'in_service'];

/** Open referrals per owner (the default owner is the coordinator with the fewest). */
export async function openCountsByOwner(db: DbOrTx, tenantId: string, ownerIds: string[]): Promise<Map<string, number>> {
  if (ownerIds.length === 0) return new Map();
  const rows = await db
    .select({ ownerId: referrals.ownerId, n: count() })
    .from(referrals)
    .where(and(eq(referrals.tenantId, tenantId), inArray(referrals.ownerId, ownerIds), inArray(referrals.state, openStates)))
    .groupBy(referrals.ownerId);
  return new Map(rows.map((r) => [r.ownerId, Number(r.n)]));
}

/** Connections to services per student: referrals that went into service or closed completed. */
export async function connections(db: DbOrTx, tenantId: string, studentIds: string[]): Promise<Map<string, number>> {
  if (studentIds.length === 0) return new Map();
  const rows = await db
    .select({ studentId: referrals.studentId, n: count() })
    .from(referrals)
    .where(and(eq(referrals.tenantId, tenantId), inArray(referrals.studentId, studentIds), or(sql`${referrals.servedAt} is not null`, eq(referrals.closedOutcome, 'completed'))))
    .groupBy(referrals.studentId);
  return new Map(rows.map((r) => [r.studentId, Number(r.n)]));
}

/** For reports: the referrals of these students made since a moment, as the facts their figures count (no text). */
export async function factsSince(db: DbOrTx, tenantId: string, studentIds: string[], since: Date) {
  if (studentIds.length === 0) return [];
  // A lookup per student (rowsOfIds, referrals_student_idx): as `= any`, a school's read scanned the tenant's referrals since the day.
  return rowsOfIds(db, referrals, referrals.studentId, studentIds, and(eq(referrals.tenantId, tenantId), gte(referrals.createdAt, since))!, ['studentId', 'supportId', 'category', 'sensitive', 'state', 'createdAt', 'dueAt', 'respondedAt', 'servedAt', 'closedOutcome']);
}

/** These students' referrals still waiting to go into service (requested or accepted), soonest due first: one query. */
export function waitingOfStudents(db: DbOrTx, tenantId: string, studentIds: string[]): Promise<Referral[]> {
  if (studentIds.length === 0) return Promise.resolve([]);
  return db
    .select()
    .from(referrals)
    .where(and(eq(referrals.tenantId, tenantId), inArray(referrals.studentId, studentIds), inArray(referrals.state, ['requested', 'accepted'])))
    .orderBy(asc(referrals.dueAt), asc(referrals.id));
}

/** For reports: every referral of the school that went into service since a moment (who, which support, its category, when). */
export async function servedSince(db: DbOrTx, tenantId: string, since: Date): Promise<{ studentId: string; supportId: string; category: string; servedAt: Date }[]> {
  const rows = await db
    .select({ studentId: referrals.studentId, supportId: referrals.supportId, category: referrals.category, servedAt: referrals.servedAt })
    .from(referrals)
    .where(and(eq(referrals.tenantId, tenantId), gte(referrals.servedAt, since)))
    .orderBy(asc(referrals.servedAt), asc(referrals.id));
  // gte excludes the nulls: every row went into service.
  return rows.flatMap((r) => (r.servedAt ? [{ ...r, servedAt: r.servedAt }] : []));
}

/** Current load per support: referrals accepted or in service. */
export async function loadBySupport(db: DbOrTx, tenantId: string): Promise<Map<string, number>> {
  const rows = await db
    .select({ supportId: referrals.supportId, n: count() })
    .from(referrals)
    .where(and(eq(referrals.tenantId, tenantId), inArray(referrals.state, ['accepted', 'in_service'])))
    .groupBy(referrals.supportId);
  return new Map(rows.map((r) => [r.supportId, Number(r.n)]));
}

export interface QueueFilter {
  state?: ReferralState | undefined;
  overdue?: boolean;
  ownerId?: string | undefined;
  category?: string | undefined;
  /** Only these students' referrals (support staff of some schools: their students). */
  studentIds?: string[];
}

function queueWhere(tenantId: string, f: QueueFilter, now: Date, withState: boolean): SQL {
  const where: (SQL | undefined)[] = [eq(referrals.tenantId, tenantId)];
  if (withState && f.state) where.push(eq(referrals.state, f.state));
  if (f.overdue) where.push(eq(referrals.state, 'requested'), lt(referrals.dueAt, now));
  if (f.ownerId) where.push(eq(referrals.ownerId, f.ownerId));
  if (f.category) where.push(eq(referrals.category, f.category));
  if (f.studentIds) where.push(anyId(referrals.studentId, f.studentIds));
  return and(...where)!;
}

/** A run of one state's referrals in the queue, soonest due first (an index per filter serves it: tenant, state or owner or category, due). */
export function queueRun(db: DbOrTx, tenantId: string, f: QueueFilter & { state: ReferralState }, now: Date, limit: number, offset: number): Promise<Referral[]> {
  return db.select().from(referrals).where(queueWhere(tenantId, f, now, true)).orderBy(asc(referrals.dueAt), asc(referrals.id)).limit(limit).offset(offset);
}

/** How many referrals match the filters (but the state), per state. */
export async function queueCounts(db: DbOrTx, tenantId: string, f: QueueFilter, now: Date): Promise<Map<ReferralState, number>> {
  const rows = await db.select({ state: referrals.state, n: count() }).from(referrals).where(queueWhere(tenantId, f, now, false)).groupBy(referrals.state);
  return new Map(rows.map((r) => [r.state, Number(r.n)]));
}

/** Every school's requested referrals past due and not yet alerted, marked alerted now (the caller runs as system). */
export function markOverdue(db: DbOrTx, now: Date, limit = 1000): Promise<Referral[]> {
  const due = db
    .select({ id: referrals.id })
    .from(referrals)
    .where(and(eq(referrals.state, 'requested'), isNull(referrals.overdueAlertedAt), lt(referrals.dueAt, now)))
    .orderBy(asc(referrals.dueAt))
    .limit(limit);
  return db.update(referrals).set({ overdueAlertedAt: now }).where(and(inArray(referrals.id, due), isNull(referrals.overdueAlertedAt))).returning();
}

/** Referrals marked overdue at or after `since`, oldest first. */
export function overdueSince(db: DbOrTx, tenantId: string, since: Date): Promise<Referral[]> {
  return db.select().from(referrals).where(and(eq(referrals.tenantId, tenantId), gte(referrals.overdueAlertedAt, since))).orderBy(asc(referrals.overdueAlertedAt));
}

// Consent.

export async function insertConsent(db: DbOrTx, v: ConsentValues): Promise<Consent> {
  const [row] = await db.insert(referralConsents).values(v).returning();
  return row!;
}

export function consentsOf(db: DbOrTx, tenantId: string, studentId: string): Promise<Consent[]> {
  return db.select().from(referralConsents).where(and(eq(referralConsents.tenantId, tenantId), eq(referralConsents.studentId, studentId))).orderBy(desc(referralConsents.recordedAt));
}

export async function revokeConsent(db: DbOrTx, tenantId: string, studentId: string, id: string, by: string, at: Date): Promise<Consent | undefined> {
  const [row] = await db
    .update(referralConsents)
    .set({ revokedAt: at, revokedBy: by })
    .where(and(eq(referralConsents.tenantId, tenantId), eq(referralConsents.studentId, studentId), eq(referralConsents.id, id), isNull(referralConsents.revokedAt)))
    .returning();
  return row;
}

/** SQL: a consent in force for this referral row (its own, or the student's standing consent). */
export const consentInForce = sql`exists (select 1 from ${referralConsents} c where c.tenant_id = ${referrals.tenantId} and c.student_id = ${referrals.studentId} and (c.referral_id is null or c.referral_id = ${referrals.id}) and c.revoked_at is null)`;

/** The student's referrals still going (not declined or closed), with whether a consent is in force for each. */
export function liveWithConsent(db: DbOrTx, tenantId: string, studentId: string) {
  return db
    .select({ id: referrals.id, state: referrals.state, category: referrals.category, sensitive: referrals.sensitive, external: referrals.external, heldForConsent: referrals.heldForConsent, providerOrganisationId: referrals.providerOrganisationId, consented: sql<boolean>`${consentInForce}` })
    .from(referrals)
    .where(and(eq(referrals.tenantId, tenantId), eq(referrals.studentId, studentId), inArray(referrals.state, openStates)));
}

/** An organisation's referrals it may see: not held, and consent in force where the category needs it (`needsConsent`). */
export function forOrganisation(db: DbOrTx, tenantId: string, organisationId: string, needsConsent: SQL, referralId?: string): Promise<Referral[]> {
  const where = [eq(referrals.tenantId, tenantId), eq(referrals.providerOrganisationId, organisationId), eq(referrals.heldForConsent, false), sql`(not (${needsConsent}) or ${consentInForce})`];
  if (referralId) where.push(eq(referrals.id, referralId));
  return db.select().from(referrals).where(and(...where)).orderBy(asc(referrals.dueAt), asc(referrals.id));
}

/** SQL: the referral row needs consent before an outside provider sees it. */
export const needsConsentSql = (categories: readonly string[]): SQL =>
  categories.length > 0 ? sql`(${referrals.external} and (${referrals.sensitive} or ${inArray(referrals.category, [...categories])}))` : sql`(${referrals.external} and ${referrals.sensitive})`;

/** Referrals still waiting for an answer that this person owns or made (the navigators' morning digest). */
export async function waitingCount(db: DbOrTx, tenantId: string, personId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(referrals)
    .where(and(eq(referrals.tenantId, tenantId), eq(referrals.state, 'requested'), or(eq(referrals.ownerId, personId), eq(referrals.referredBy, personId))));
  return row?.n ?? 0;
}
