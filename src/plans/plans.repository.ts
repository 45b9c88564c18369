import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { plans, planEntries, planRevisions, planComments } from './plans.tables.js';
import { rowsOfIds } from '../db/id-list.js';

export type Plan = typeof plans.$inferSelect;
export type PlanEntry = typeof planEntries.$inferSelect;
export type PlanRevision = typeof planRevisions.$inferSelect;
export type PlanComment = typeof planComments.$inferSelect;

export async function findPlan(db: DbOrTx, tenantId: string, studentId: string, schoolYear: string): Promise<Plan | undefined> {
  const [row] = await db.select().from(plans).where(and(eq(plans.tenantId, tenantId), eq(plans.studentId, studentId), eq(plans.schoolYear, schoolYear)));
  return row;
}

/**
 * Creates the year's plan if it has none, and gives the new row only to the one call that inserted
 * it: a concurrent creator meets the unique index (student, year), waits for the first to commit and
 * gets undefined, so whatever goes with a new plan (the roll forward) is done once.
 */
export async function insertPlan(db: DbOrTx, tenantId: string, studentId: string, schoolYear: string): Promise<Plan | undefined> {
  const [row] = await db.insert(plans).values({ tenantId, studentId, schoolYear }).onConflictDoNothing().returning();
  return row;
}

/** The year's plan, locked for the rest of the transaction: saves to one plan take turns, so each sees the words the one before it wrote. */
export async function lockPlan(db: DbOrTx, tenantId: string, studentId: string, schoolYear: string): Promise<Plan> {
  const [row] = await db
    .select()
    .from(plans)
    .where(and(eq(plans.tenantId, tenantId), eq(plans.studentId, studentId), eq(plans.schoolYear, schoolYear)))
    .for('update');
  return row!;
}

/** Every plan of one student, one per school year, in no particular order (a student has a handful). */
export async function plansOfStudent(db: DbOrTx, tenantId: string, studentId: string): Promise<Plan[]> {
  return db.select().from(plans).where(and(eq(plans.tenantId, tenantId), eq(plans.studentId, studentId)));
}

/** Bumps the version only if it is still the one the editor saw: the guard against silent overwrites. */
export async function bumpVersion(db: DbOrTx, plan: Plan, expected: number, by: string, at: Date, patch: { status?: string } = {}): Promise<Plan | undefined> {
  const [row] = await db
    .update(plans)
    .set({ version: sql`${plans.version} + 1`, updatedBy: by, updatedAt: at, ...patch })
    .where(and(eq(plans.id, plan.id), eq(plans.tenantId, plan.tenantId), eq(plans.version, expected)))
    .returning();
  return row;
}

export async function entries(db: DbOrTx, tenantId: string, planId: string): Promise<PlanEntry[]> {
  return db.select().from(planEntries).where(and(eq(planEntries.tenantId, tenantId), eq(planEntries.planId, planId)));
}

/** Writes a field's words in one voice and counts the save in the entry's version. */
export async function upsertEntry(db: DbOrTx, v: { tenantId: string; planId: string; fieldKey: string; voice: string; text: string; authorId: string; at: Date }): Promise<void> {
  await db
    .insert(planEntries)
    .values({ tenantId: v.tenantId, planId: v.planId, fieldKey: v.fieldKey, voice: v.voice, text: v.text, authorId: v.authorId, updatedAt: v.at })
    .onConflictDoUpdate({ target: [planEntries.tenantId, planEntries.planId, planEntries.fieldKey, planEntries.voice], set: { text: v.text, authorId: v.authorId, updatedAt: v.at, version: sql`${planEntries.version} + 1`, carriedFrom: null } });
}

/** Words carried into a new plan as they were: their author, their date, and the year they came from. */
export async function insertEntries(db: DbOrTx, rows: (typeof planEntries.$inferInsert)[]): Promise<void> {
  if (rows.length > 0) await db.insert(planEntries).values(rows);
}

export async function addRevisions(db: DbOrTx, rows: (typeof planRevisions.$inferInsert)[]): Promise<void> {
  if (rows.length > 0) await db.insert(planRevisions).values(rows);
}

export async function revisions(db: DbOrTx, tenantId: string, planId: string): Promise<PlanRevision[]> {
  return db.select().from(planRevisions).where(and(eq(planRevisions.tenantId, tenantId), eq(planRevisions.planId, planId))).orderBy(desc(planRevisions.at), desc(planRevisions.planVersion));
}

export async function addComment(db: DbOrTx, v: typeof planComments.$inferInsert): Promise<void> {
  await db.insert(planComments).values(v);
}

export async function comments(db: DbOrTx, tenantId: string, planId: string): Promise<PlanComment[]> {
  return db.select().from(planComments).where(and(eq(planComments.tenantId, tenantId), eq(planComments.planId, planId))).orderBy(asc(planComments.createdAt));
}

export async function plansFor(db: DbOrTx, tenantId: string, studentIds: string[], schoolYear: string): Promise<Plan[]> {
  if (studentIds.length === 0) return [];
  // A lookup per student (rowsOfIds): as `= any`, a school's read scanned the tenant's plans of the year.
  return rowsOfIds(db, plans, plans.studentId, studentIds, and(eq(plans.tenantId, tenantId), eq(plans.schoolYear, schoolYear))!);
}

/** Each of these students' plan status in the year (no plan: absent), for the school view: only the two columns. */
export async function statusesOf(db: DbOrTx, tenantId: string, studentIds: readonly string[], schoolYear: string): Promise<Pick<Plan, 'studentId' | 'status'>[]> {
  if (studentIds.length === 0) return [];
  return rowsOfIds(db, plans, plans.studentId, studentIds, and(eq(plans.tenantId, tenantId), eq(plans.schoolYear, schoolYear))!, ['studentId', 'status']);
}

/** Distinct non-empty fields per plan, for completion. */
export async function filledFields(db: DbOrTx, tenantId: string, planIds: string[]): Promise<{ planId: string; fieldKey: string }[]> {
  if (planIds.length === 0) return [];
  return db
    .selectDistinct({ planId: planEntries.planId, fieldKey: planEntries.fieldKey })
    .from(planEntries)
    .where(and(eq(planEntries.tenantId, tenantId), inArray(planEntries.planId, planIds), sql`length(${planEntries.text}) > 0`));
}

/** The entries of some fields across many plans, in one query (a subject course's teacher view). */
export async function entriesOfPlans(db: DbOrTx, tenantId: string, planIds: string[], fieldKeys: string[]): Promise<PlanEntry[]> {
  if (planIds.length === 0 || fieldKeys.length === 0) return [];
  return db
    .select()
    .from(planEntries)
    .where(and(eq(planEntries.tenantId, tenantId), inArray(planEntries.planId, planIds), inArray(planEntries.fieldKey, fieldKeys)));
}
