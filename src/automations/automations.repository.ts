import { and, desc, eq, gte, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { automationEventLog, automationRules, automationRuns, type AutomationEvent, type RunOutcome } from './automations.tables.js';

export type Rule = typeof automationRules.$inferSelect;
export type NewRule = typeof automationRules.$inferInsert;
export type EventRow = typeof automationEventLog.$inferSelect;
export type RunRow = typeof automationRuns.$inferSelect;

export async function listRules(db: DbOrTx, tenantId: string): Promise<Rule[]> {
  return db.select().from(automationRules).where(eq(automationRules.tenantId, tenantId)).orderBy(automationRules.name, automationRules.createdAt);
}

export async function findRule(db: DbOrTx, tenantId: string, id: string): Promise<Rule | undefined> {
  const [row] = await db.select().from(automationRules).where(and(eq(automationRules.tenantId, tenantId), eq(automationRules.id, id)));
  return row;
}

export async function insertRule(db: DbOrTx, v: NewRule): Promise<Rule> {
  const [row] = await db.insert(automationRules).values(v).returning();
  return row!;
}

/** Saves over the rule when it still has `edits` saves (else undefined: someone saved since). */
export async function updateRule(db: DbOrTx, tenantId: string, id: string, edits: number, v: Pick<Rule, 'name' | 'event' | 'condition' | 'action' | 'params' | 'maxPerHour' | 'updatedAt'>): Promise<Rule | undefined> {
  const [row] = await db
    .update(automationRules)
    .set({ ...v, edits: sql`${automationRules.edits} + 1` })
    .where(and(eq(automationRules.tenantId, tenantId), eq(automationRules.id, id), eq(automationRules.edits, edits)))
    .returning();
  return row;
}

export async function setState(db: DbOrTx, tenantId: string, id: string, v: Pick<Rule, 'state' | 'onSince' | 'pausedReason' | 'updatedAt'>): Promise<Rule | undefined> {
  const [row] = await db.update(automationRules).set(v).where(and(eq(automationRules.tenantId, tenantId), eq(automationRules.id, id))).returning();
  return row;
}

/** The rules switched on for an event of the tenant (a publisher checks each occurrence against their `onSince`). */
export async function rulesOn(db: DbOrTx, tenantId: string, event: AutomationEvent): Promise<Pick<Rule, 'id' | 'onSince'>[]> {
  return db.select({ id: automationRules.id, onSince: automationRules.onSince }).from(automationRules).where(and(eq(automationRules.tenantId, tenantId), eq(automationRules.event, event), eq(automationRules.state, 'on')));
}

/** The rules switched on for an event of the tenant, on since before it happened. */
export async function rulesFor(db: DbOrTx, tenantId: string, event: AutomationEvent, occurredAt: Date): Promise<Rule[]> {
  return db
    .select()
    .from(automationRules)
    .where(and(eq(automationRules.tenantId, tenantId), eq(automationRules.event, event), eq(automationRules.state, 'on'), sql`${automationRules.onSince} <= ${occurredAt}`));
}

export async function insertEvent(db: DbOrTx, v: typeof automationEventLog.$inferInsert): Promise<EventRow> {
  const [row] = await db.insert(automationEventLog).values(v).returning();
  return row!;
}

/** The events of a kind stored since a day (published while some rule was on for it), oldest first: what a dry run replays where no feature keeps a history of its own. */
export async function eventsSince(db: DbOrTx, tenantId: string, event: AutomationEvent, since: Date): Promise<EventRow[]> {
  return db.select().from(automationEventLog).where(and(eq(automationEventLog.tenantId, tenantId), eq(automationEventLog.event, event), gte(automationEventLog.occurredAt, since))).orderBy(automationEventLog.occurredAt);
}

export async function findEvent(db: DbOrTx, tenantId: string, id: string): Promise<EventRow | undefined> {
  const [row] = await db.select().from(automationEventLog).where(and(eq(automationEventLog.tenantId, tenantId), eq(automationEventLog.id, id)));
  return row;
}

/** Claims the (rule, event) pair: the new run's id, or undefined when the rule already ran on the event. */
export async function claimRun(db: DbOrTx, v: { tenantId: string; ruleId: string; eventId: string; studentId: string; outcome: RunOutcome; at: Date }): Promise<string | undefined> {
  const [row] = await db.insert(automationRuns).values(v).onConflictDoNothing().returning({ id: automationRuns.id });
  return row?.id;
}

export async function finishRun(db: DbOrTx, tenantId: string, id: string, v: { outcome: RunOutcome; resultId: string | null; errorClass?: string }): Promise<void> {
  await db.update(automationRuns).set(v).where(and(eq(automationRuns.tenantId, tenantId), eq(automationRuns.id, id)));
}

/** The rule's actions done since `since` (its rate limit counts these). */
export async function doneSince(db: DbOrTx, tenantId: string, ruleId: string, since: Date): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(automationRuns)
    .where(and(eq(automationRuns.tenantId, tenantId), eq(automationRuns.ruleId, ruleId), eq(automationRuns.outcome, 'done'), gte(automationRuns.at, since)));
  return row?.n ?? 0;
}

/** Serialises one rule's firings (its rate limit is then exact), for the rest of the transaction. */
export async function lockRule(tx: DbOrTx, ruleId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`automation:${ruleId}`}))`);
}

export async function recentRuns(db: DbOrTx, tenantId: string, ruleId: string, limit: number): Promise<RunRow[]> {
  return db.select().from(automationRuns).where(and(eq(automationRuns.tenantId, tenantId), eq(automationRuns.ruleId, ruleId))).orderBy(desc(automationRuns.at)).limit(limit);
}

/** Tenants with a rule switched on for the event (a scheduled event's round scans only those). */
export async function tenantsWithRulesOn(db: DbOrTx, event: AutomationEvent): Promise<string[]> {
  const rows = await db.selectDistinct({ tenantId: automationRules.tenantId }).from(automationRules).where(and(eq(automationRules.event, event), eq(automationRules.state, 'on')));
  return rows.map((r) => r.tenantId);
}

/** Of these sources, the `source/key` pairs already published as the event (`key`: the fact that makes it new, e.g. a goal's target day). */
export async function publishedKeys(db: DbOrTx, tenantId: string, event: AutomationEvent, sourceIds: readonly string[], keyFact: string): Promise<Set<string>> {
  if (sourceIds.length === 0) return new Set();
  const rows = await db
    .select({ sourceId: automationEventLog.sourceId, key: sql<string>`${automationEventLog.facts} ->> ${keyFact}` })
    .from(automationEventLog)
    .where(and(eq(automationEventLog.tenantId, tenantId), eq(automationEventLog.event, event), inArray(automationEventLog.sourceId, [...sourceIds])));
  return new Set(rows.map((r) => `${r.sourceId}/${r.key}`));
}

/** Serialises a tenant's scheduled publishing of one event (two rounds never publish one source twice). */
export async function lockScheduledEvent(tx: DbOrTx, tenantId: string, event: AutomationEvent): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`automation-event:${tenantId}:${event}`}))`);
}
