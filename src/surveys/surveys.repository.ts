import { and, asc, desc, eq, gte, isNull, lte, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { anyId } from '../db/id-list.js';
import { surveyResponses, surveyWindows } from './surveys.tables.js';

export type SurveyWindow = typeof surveyWindows.$inferSelect;
export type SurveyResponse = typeof surveyResponses.$inferSelect;

export async function insertWindow(db: DbOrTx, v: typeof surveyWindows.$inferInsert): Promise<SurveyWindow> {
  const [row] = await db.insert(surveyWindows).values(v).returning();
  return row!;
}

/** The tenant's windows, latest first. */
export function listWindows(db: DbOrTx, tenantId: string): Promise<SurveyWindow[]> {
  return db.select().from(surveyWindows).where(eq(surveyWindows.tenantId, tenantId)).orderBy(desc(surveyWindows.opensOn), desc(surveyWindows.createdAt));
}

export async function findWindow(db: DbOrTx, tenantId: string, id: string): Promise<SurveyWindow | undefined> {
  const [row] = await db.select().from(surveyWindows).where(and(eq(surveyWindows.tenantId, tenantId), eq(surveyWindows.id, id)));
  return row;
}

/**
 * Windows of the same survey, not closed early, whose days meet [from, to] and that cover the same
 * school: a window for every school (null) meets every school's, and one school's meets every-school's.
 */
export function overlapping(db: DbOrTx, tenantId: string, w: { surveyId: string; schoolId: string | null; opensOn: string; closesOn: string }): Promise<SurveyWindow[]> {
  const sameSchool = w.schoolId === null ? undefined : or(isNull(surveyWindows.schoolId), eq(surveyWindows.schoolId, w.schoolId));
  return db
    .select()
    .from(surveyWindows)
    .where(and(eq(surveyWindows.tenantId, tenantId), eq(surveyWindows.surveyId, w.surveyId), isNull(surveyWindows.closedAt), lte(surveyWindows.opensOn, w.closesOn), gte(surveyWindows.closesOn, w.opensOn), sameSchool));
}

/** Windows taking answers on `day` (not closed early), oldest first. */
export function openOn(db: DbOrTx, tenantId: string, day: string): Promise<SurveyWindow[]> {
  return db
    .select()
    .from(surveyWindows)
    .where(and(eq(surveyWindows.tenantId, tenantId), isNull(surveyWindows.closedAt), lte(surveyWindows.opensOn, day), gte(surveyWindows.closesOn, day)))
    .orderBy(asc(surveyWindows.opensOn));
}

/** Closes an open window now; false when it was already closed. */
export async function closeWindow(db: DbOrTx, tenantId: string, id: string, by: string, at: Date): Promise<boolean> {
  const rows = await db
    .update(surveyWindows)
    .set({ closedAt: at, closedBy: by })
    .where(and(eq(surveyWindows.tenantId, tenantId), eq(surveyWindows.id, id), isNull(surveyWindows.closedAt)))
    .returning({ id: surveyWindows.id });
  return rows.length > 0;
}

export async function findResponse(db: DbOrTx, tenantId: string, windowId: string, studentId: string): Promise<SurveyResponse | undefined> {
  const [row] = await db.select().from(surveyResponses).where(and(eq(surveyResponses.tenantId, tenantId), eq(surveyResponses.windowId, windowId), eq(surveyResponses.studentId, studentId)));
  return row;
}

/** The student's answers in the window: the first, or the latest replacing the earlier ones. */
export async function saveResponse(db: DbOrTx, v: { tenantId: string; windowId: string; studentId: string; answers: Record<string, number>; at: Date }): Promise<SurveyResponse> {
  const [row] = await db
    .insert(surveyResponses)
    .values({ tenantId: v.tenantId, windowId: v.windowId, studentId: v.studentId, answers: v.answers, answeredAt: v.at, createdAt: v.at })
    .onConflictDoUpdate({ target: [surveyResponses.tenantId, surveyResponses.windowId, surveyResponses.studentId], set: { answers: v.answers, answeredAt: v.at } })
    .returning();
  return row!;
}

/** The answers of these students in the window. */
export function responsesIn(db: DbOrTx, tenantId: string, windowId: string, studentIds: readonly string[]): Promise<SurveyResponse[]> {
  if (studentIds.length === 0) return Promise.resolve([]);
  return db.select().from(surveyResponses).where(and(eq(surveyResponses.tenantId, tenantId), eq(surveyResponses.windowId, windowId), anyId(surveyResponses.studentId, studentIds)));
}

/** Every response of these students answered since an instant, with its window's survey: the indicators' pulse. */
export function responsesSince(db: DbOrTx, tenantId: string, studentIds: readonly string[], since: Date) {
  if (studentIds.length === 0) return Promise.resolve([]);
  return db
    .select({ studentId: surveyResponses.studentId, answers: surveyResponses.answers, answeredAt: surveyResponses.answeredAt, surveyId: surveyWindows.surveyId })
    .from(surveyResponses)
    .innerJoin(surveyWindows, and(eq(surveyWindows.tenantId, surveyResponses.tenantId), eq(surveyWindows.id, surveyResponses.windowId)))
    .where(and(eq(surveyResponses.tenantId, tenantId), anyId(surveyResponses.studentId, studentIds), gte(surveyResponses.answeredAt, since)));
}

/** The tenant's responses answered (or last changed) at or after `since`, with their survey. */
export function answeredSince(db: DbOrTx, tenantId: string, since: Date) {
  return db
    .select({ id: surveyResponses.id, studentId: surveyResponses.studentId, answers: surveyResponses.answers, answeredAt: surveyResponses.answeredAt, surveyId: surveyWindows.surveyId })
    .from(surveyResponses)
    .innerJoin(surveyWindows, and(eq(surveyWindows.tenantId, surveyResponses.tenantId), eq(surveyWindows.id, surveyResponses.windowId)))
    .where(and(eq(surveyResponses.tenantId, tenantId), gte(surveyResponses.answeredAt, since)));
}

/** How many students answered each window. */
export async function respondentCounts(db: DbOrTx, tenantId: string): Promise<Map<string, number>> {
  const rows = await db
    .select({ windowId: surveyResponses.windowId, n: sql<number>`count(*)::int` })
    .from(surveyResponses)
    .where(eq(surveyResponses.tenantId, tenantId))
    .groupBy(surveyResponses.windowId);
  return new Map(rows.map((r) => [r.windowId, Number(r.n)]));
}
