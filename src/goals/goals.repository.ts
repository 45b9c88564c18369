import { and, asc, desc, eq, gte, inArray, isNull, lte, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { goals, goalSteps, goalProgress, goalSuggestions } from './goals.tables.js';
import { anyId } from '../db/id-list.js';

export type Goal = typeof goals.$inferSelect;
export type NewGoal = typeof goals.$inferInsert;
export type GoalStep = typeof goalSteps.$inferSelect;
export type GoalProgress = typeof goalProgress.$inferSelect;
export type GoalSuggestion = typeof goalSuggestions.$inferSelect;

export async function insertGoal(db: DbOrTx, v: NewGoal): Promise<Goal> {
  const [row] = await db.insert(goals).values(v).returning();
  return row!;
}

export async function findGoal(db: DbOrTx, tenantId: string, studentId: string, goalId: string): Promise<Goal | undefined> {
  const [row] = await db.select().from(goals).where(and(eq(goals.tenantId, tenantId), eq(goals.studentId, studentId), eq(goals.id, goalId)));
  return row;
}

export async function listGoals(db: DbOrTx, tenantId: string, studentId: string): Promise<Goal[]> {
  return db.select().from(goals).where(and(eq(goals.tenantId, tenantId), eq(goals.studentId, studentId))).orderBy(desc(goals.updatedAt));
}

/** Goals still active whose target day falls within [from, to] (yyyy-mm-dd, both included). */
export function activeDueBetween(db: DbOrTx, tenantId: string, from: string, to: string): Promise<Goal[]> {
  return db.select().from(goals).where(and(eq(goals.tenantId, tenantId), eq(goals.status, 'active'), gte(goals.targetDate, from), lte(goals.targetDate, to))).orderBy(asc(goals.targetDate));
}

/** Compare-and-set on the version: undefined means someone else saved first (or the goal is gone). */
export async function updateGoal(db: DbOrTx, tenantId: string, goalId: string, version: number, set: Partial<NewGoal>): Promise<Goal | undefined> {
  const [row] = await db
    .update(goals)
    .set({ ...set, version: sql`${goals.version} + 1` })
    .where(and(eq(goals.tenantId, tenantId), eq(goals.id, goalId), eq(goals.version, version)))
    .returning();
  return row;
}

export async function countsByStatus(db: DbOrTx, tenantId: string, studentIds: string[]): Promise<{ studentId: string; status: string; proposed: boolean; n: number }[]> {
  if (studentIds.length === 0) return [];
  return db
    .select({ studentId: goals.studentId, status: goals.status, proposed: goals.proposed, n: sql<number>`count(*)::int` })
    .from(goals)
    .where(and(eq(goals.tenantId, tenantId), anyId(goals.studentId, studentIds)))
    .groupBy(goals.studentId, goals.status, goals.proposed);
}

/** The steps of one goal or several (the print view), oldest first. */
export async function listSteps(db: DbOrTx, tenantId: string, goalIds: string[]): Promise<GoalStep[]> {
  if (goalIds.length === 0) return [];
  return db.select().from(goalSteps).where(and(eq(goalSteps.tenantId, tenantId), inArray(goalSteps.goalId, goalIds))).orderBy(asc(goalSteps.createdAt));
}

export async function insertStep(db: DbOrTx, v: typeof goalSteps.$inferInsert): Promise<GoalStep> {
  const [row] = await db.insert(goalSteps).values(v).returning();
  return row!;
}

export async function setStepDone(db: DbOrTx, tenantId: string, goalId: string, stepId: string, done: boolean): Promise<GoalStep | undefined> {
  const [row] = await db
    .update(goalSteps)
    .set({ done })
    .where(and(eq(goalSteps.tenantId, tenantId), eq(goalSteps.goalId, goalId), eq(goalSteps.id, stepId)))
    .returning();
  return row;
}

/** The progress updates of one goal or several (the print view), newest first. */
export async function listProgress(db: DbOrTx, tenantId: string, goalIds: string[]): Promise<GoalProgress[]> {
  if (goalIds.length === 0) return [];
  return db
    .select()
    .from(goalProgress)
    .where(and(eq(goalProgress.tenantId, tenantId), inArray(goalProgress.goalId, goalIds)))
    .orderBy(desc(goalProgress.date), desc(goalProgress.createdAt));
}

export async function insertProgress(db: DbOrTx, v: typeof goalProgress.$inferInsert): Promise<GoalProgress> {
  const [row] = await db.insert(goalProgress).values(v).returning();
  return row!;
}

export async function insertSuggestion(db: DbOrTx, v: typeof goalSuggestions.$inferInsert): Promise<GoalSuggestion> {
  const [row] = await db.insert(goalSuggestions).values(v).returning();
  return row!;
}

/** Marks the goal's waiting suggestions answered (the student revised the goal, or it was approved). */
export async function answerSuggestions(db: DbOrTx, tenantId: string, goalId: string, at: Date): Promise<void> {
  await db
    .update(goalSuggestions)
    .set({ answeredAt: at })
    .where(and(eq(goalSuggestions.tenantId, tenantId), eq(goalSuggestions.goalId, goalId), isNull(goalSuggestions.answeredAt)));
}

export async function listSuggestions(db: DbOrTx, tenantId: string, goalId: string): Promise<GoalSuggestion[]> {
  return db
    .select()
    .from(goalSuggestions)
    .where(and(eq(goalSuggestions.tenantId, tenantId), eq(goalSuggestions.goalId, goalId)))
    .orderBy(desc(goalSuggestions.createdAt));
}
