import { and, desc, eq, ne, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { riskReviews, riskReviewAttendees, riskReviewItems, riskReviewNotes, riskReviewDecisions, type AgendaReason, type DecisionStatus } from './risk-reviews.tables.js';

export type Meeting = typeof riskReviews.$inferSelect;
export type AgendaItem = typeof riskReviewItems.$inferSelect;
export type Note = typeof riskReviewNotes.$inferSelect;
export type Decision = typeof riskReviewDecisions.$inferSelect;

export async function findMeeting(db: DbOrTx, tenantId: string, meetingId: string): Promise<Meeting | undefined> {
  const [row] = await db.select().from(riskReviews).where(and(eq(riskReviews.tenantId, tenantId), eq(riskReviews.id, meetingId)));
  return row;
}

/** A school's meetings, the latest first. */
export const meetingsOf = (db: DbOrTx, tenantId: string, schoolId: string) =>
  db.select().from(riskReviews).where(and(eq(riskReviews.tenantId, tenantId), eq(riskReviews.schoolId, schoolId))).orderBy(desc(riskReviews.heldOn), desc(riskReviews.createdAt));

export async function insertMeeting(db: DbOrTx, v: typeof riskReviews.$inferInsert): Promise<Meeting> {
  const [row] = await db.insert(riskReviews).values(v).returning();
  return row!;
}

export const attendeesOf = async (db: DbOrTx, tenantId: string, meetingId: string) =>
  (await db.select({ personId: riskReviewAttendees.personId }).from(riskReviewAttendees).where(and(eq(riskReviewAttendees.tenantId, tenantId), eq(riskReviewAttendees.meetingId, meetingId)))).map((r) => r.personId);

export async function setAttendees(db: DbOrTx, tenantId: string, meetingId: string, personIds: readonly string[]): Promise<void> {
  await db.delete(riskReviewAttendees).where(and(eq(riskReviewAttendees.tenantId, tenantId), eq(riskReviewAttendees.meetingId, meetingId)));
  if (personIds.length > 0) await db.insert(riskReviewAttendees).values(personIds.map((personId) => ({ tenantId, meetingId, personId })));
}

export const itemsOf = (db: DbOrTx, tenantId: string, meetingId: string) => db.select().from(riskReviewItems).where(and(eq(riskReviewItems.tenantId, tenantId), eq(riskReviewItems.meetingId, meetingId)));

/** The agenda as built now: each student's reasons replaced; students no longer flagged stay (the team may have talked about them). */
export async function upsertItems(db: DbOrTx, tenantId: string, meetingId: string, items: { studentId: string; reasons: AgendaReason[] }[]): Promise<void> {
  if (items.length === 0) return;
  await db
    .insert(riskReviewItems)
    .values(items.map((i) => ({ tenantId, meetingId, ...i })))
    .onConflictDoUpdate({ target: [riskReviewItems.tenantId, riskReviewItems.meetingId, riskReviewItems.studentId], set: { reasons: sql`excluded.reasons` } });
}

export const notesOf = (db: DbOrTx, tenantId: string, meetingId: string) => db.select().from(riskReviewNotes).where(and(eq(riskReviewNotes.tenantId, tenantId), eq(riskReviewNotes.meetingId, meetingId)));

export async function findNote(db: DbOrTx, tenantId: string, meetingId: string, studentId: string): Promise<Note | undefined> {
  const [row] = await db
    .select()
    .from(riskReviewNotes)
    .where(and(eq(riskReviewNotes.tenantId, tenantId), eq(riskReviewNotes.meetingId, meetingId), eq(riskReviewNotes.studentId, studentId)))
    .for('update');
  return row;
}

export const insertNote = (db: DbOrTx, v: typeof riskReviewNotes.$inferInsert) => db.insert(riskReviewNotes).values(v);

export const updateNote = (db: DbOrTx, note: Note, v: { text: string; authorId: string; updatedAt: Date }) =>
  db
    .update(riskReviewNotes)
    .set({ ...v, version: note.version + 1 })
    .where(and(eq(riskReviewNotes.tenantId, note.tenantId), eq(riskReviewNotes.id, note.id)));

export const decisionsOf = (db: DbOrTx, tenantId: string, meetingId: string) => db.select().from(riskReviewDecisions).where(and(eq(riskReviewDecisions.tenantId, tenantId), eq(riskReviewDecisions.meetingId, meetingId)));

/** Decisions still open from the school's other meetings: they roll into this one's agenda. */
/** The school's open decisions of meetings other than `meetingId` (every meeting's, for a meeting not yet made: null). */
export const openDecisionsElsewhere = (db: DbOrTx, tenantId: string, schoolId: string, meetingId: string | null) =>
  db
    .select({ decision: riskReviewDecisions })
    .from(riskReviewDecisions)
    .innerJoin(riskReviews, and(eq(riskReviews.tenantId, riskReviewDecisions.tenantId), eq(riskReviews.id, riskReviewDecisions.meetingId)))
    .where(and(eq(riskReviewDecisions.tenantId, tenantId), eq(riskReviews.schoolId, schoolId), meetingId === null ? undefined : ne(riskReviews.id, meetingId), eq(riskReviewDecisions.status, 'open')))
    .then((rows) => rows.map((r) => r.decision));

/** Decisions this meeting settled (marked done or not done here). */
export const settledIn = (db: DbOrTx, tenantId: string, meetingId: string) => db.select().from(riskReviewDecisions).where(and(eq(riskReviewDecisions.tenantId, tenantId), eq(riskReviewDecisions.settledIn, meetingId)));

export async function findDecision(db: DbOrTx, tenantId: string, decisionId: string): Promise<Decision | undefined> {
  const [row] = await db.select().from(riskReviewDecisions).where(and(eq(riskReviewDecisions.tenantId, tenantId), eq(riskReviewDecisions.id, decisionId)));
  return row;
}

export async function insertDecision(db: DbOrTx, v: typeof riskReviewDecisions.$inferInsert): Promise<Decision> {
  const [row] = await db.insert(riskReviewDecisions).values(v).returning();
  return row!;
}

/** Settles a decision as the page showed it (its version); undefined when someone changed it since. */
export async function settleDecision(db: DbOrTx, tenantId: string, decisionId: string, version: number, v: { status: DecisionStatus; settledIn: string }): Promise<Decision | undefined> {
  const [row] = await db
    .update(riskReviewDecisions)
    .set({ ...v, version: version + 1 })
    .where(and(eq(riskReviewDecisions.tenantId, tenantId), eq(riskReviewDecisions.id, decisionId), eq(riskReviewDecisions.version, version)))
    .returning();
  return row;
}

