import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '../db/client.js';
import { indicatorSettings, indicatorsPending, studentIndicators, tierDecisions } from './indicators.tables.js';
import { anyId, idRows, uuidArray } from '../db/id-list.js';

export type StoredIndicators = typeof studentIndicators.$inferSelect;
export type NewStoredIndicators = typeof studentIndicators.$inferInsert;
export type TierDecision = typeof tierDecisions.$inferSelect;
/** A student's stored indicators as the caseload reads them: both documents as one JSON text, `[indicators, reasons]`. */
export interface StoredDocument {
  studentId: string;
  suggestedTier: number;
  computedAt: Date;
  document: string;
}
export type NewTierDecision = typeof tierDecisions.$inferInsert;

/**
 * Insert or replace each student's stored indicators: one statement per batch, the rows sent as one
 * JSON parameter (thousands of rows with large documents bind far faster than as separate values),
 * read as json: each document is kept as the text it came as, never parsed into jsonb.
 */
export async function upsertIndicators(db: DbOrTx, rows: NewStoredIndicators[]): Promise<void> {
  if (rows.length === 0) return;
  const doc = JSON.stringify(rows.map((r) => ({ tenant_id: r.tenantId, student_id: r.studentId, as_of: r.asOf, indicators: r.indicators, suggested_tier: r.suggestedTier, reasons: r.reasons, computed_at: (r.computedAt ?? new Date()).toISOString() })));
  await db.execute(sql`
    insert into ${studentIndicators} (tenant_id, student_id, as_of, indicators, suggested_tier, reasons, computed_at)
    select tenant_id, student_id, as_of, indicators, suggested_tier, reasons, computed_at
    from json_to_recordset(${doc}::json) as r(tenant_id uuid, student_id uuid, as_of date, indicators json, suggested_tier smallint, reasons json, computed_at timestamptz)
    on conflict (tenant_id, student_id) do update set as_of = excluded.as_of, indicators = excluded.indicators, suggested_tier = excluded.suggested_tier, reasons = excluded.reasons, computed_at = excluded.computed_at`);
}

/** Each student's bands as last stored (a student never computed is absent): what a recompute compares with. */
export async function bandsOf(db: DbOrTx, tenantId: string, studentIds: readonly string[]): Promise<Map<string, Record<string, string | null>>> {
  if (studentIds.length === 0) return new Map();
  // As text: the json operator's result comes back parsed by one driver and as text by the other.
  const rows = await db.select({ studentId: studentIndicators.studentId, bands: sql<string | null>`(${studentIndicators.indicators} -> 'bands')::text` }).from(studentIndicators).where(and(eq(studentIndicators.tenantId, tenantId), inArray(studentIndicators.studentId, [...studentIds])));
  return new Map(rows.map((r) => [r.studentId, r.bands ? (JSON.parse(r.bands) as Record<string, string | null>) : {}]));
}

export async function storedFor(db: DbOrTx, tenantId: string, studentIds: readonly string[]): Promise<StoredIndicators[]> {
  if (studentIds.length === 0) return [];
  return db
    .select()
    .from(studentIndicators)
    .where(and(eq(studentIndicators.tenantId, tenantId), inArray(studentIndicators.studentId, [...studentIds])));
}

/** Each student's stored indicators and the decision in force, whichever exist, in one round trip (the caseload). */
export async function storedWithDecisions(db: DbOrTx, tenantId: string, studentIds: readonly string[]): Promise<{ stored: StoredDocument | null; decision: TierDecision | null }[]> {
  if (studentIds.length === 0) return [];
  const ids = [...studentIds];
  const stored = db
    .select({
      studentId: studentIndicators.studentId,
      suggestedTier: studentIndicators.suggestedTier,
      computedAt: studentIndicators.computedAt,
      // The documents as their stored text, unparsed: the caller parses only those it has not seen.
      document: sql<string>`json_build_array(${studentIndicators.indicators}, ${studentIndicators.reasons})::text`.as('document'),
    })
    .from(studentIndicators)
    .where(and(eq(studentIndicators.tenantId, tenantId), anyId(studentIndicators.studentId, ids)))
    .as('stored');
  const decision = db
    .selectDistinctOn([tierDecisions.studentId])
    .from(tierDecisions)
    .where(and(eq(tierDecisions.tenantId, tenantId), anyId(tierDecisions.studentId, ids)))
    .orderBy(tierDecisions.studentId, desc(tierDecisions.decidedAt), desc(tierDecisions.id))
    .as('decision');
  return db.select().from(stored).fullJoin(decision, eq(stored.studentId, decision.studentId));
}

/** The decision in force per student: the latest (one round trip). */
export async function latestDecisions(db: DbOrTx, tenantId: string, studentIds: readonly string[]): Promise<TierDecision[]> {
  if (studentIds.length === 0) return [];
  const latest = sql`select distinct on (student_id) id from ${tierDecisions}
    where tenant_id = ${tenantId} and student_id = any(${uuidArray(studentIds)})
    order by student_id, decided_at desc, id desc`;
  return db.select().from(tierDecisions).where(and(eq(tierDecisions.tenantId, tenantId), sql`${tierDecisions.id} in (${latest})`));
}

export async function decisionHistory(db: DbOrTx, tenantId: string, studentId: string): Promise<TierDecision[]> {
  return db
    .select()
    .from(tierDecisions)
    .where(and(eq(tierDecisions.tenantId, tenantId), eq(tierDecisions.studentId, studentId)))
    .orderBy(desc(tierDecisions.decidedAt), desc(tierDecisions.id));
}

export async function insertDecision(db: DbOrTx, v: NewTierDecision): Promise<TierDecision> {
  const [row] = await db.insert(tierDecisions).values(v).returning();
  return row!;
}

/**
 * Marks students for the next recompute. One statement with the ids as one array parameter: a
 * district's import marks 100,000 students, three parameters a row would pass PostgreSQL's 65,535.
 */
export async function markPending(db: DbOrTx, tenantId: string, studentIds: readonly string[], at: Date): Promise<void> {
  if (studentIds.length === 0) return;
  await db.execute(sql`
    insert into ${indicatorsPending} (tenant_id, student_id, marked_at)
    select ${tenantId}::uuid, id, ${at.toISOString()}::timestamptz from unnest(${uuidArray(new Set(studentIds))}) as ids(id)
    on conflict do nothing`);
}

/** Takes (and removes) up to `limit` pending students of the tenant, oldest marks first; the caller marks them again if it fails. */
export async function takePending(db: DbOrTx, tenantId: string, limit: number): Promise<string[]> {
  const rows = await queryRows<{ student_id: string }>(db, sql`
    delete from ${indicatorsPending} where tenant_id = ${tenantId} and student_id in (
      select student_id from ${indicatorsPending} where tenant_id = ${tenantId} order by marked_at limit ${limit} for update skip locked)
    returning student_id`);
  return rows.map((r) => r.student_id);
}

/** Every student the tenant's indicators know: computed once, or waiting to be (a student's first data marks them). */
export async function knownStudentIds(db: DbOrTx, tenantId: string): Promise<string[]> {
  const rows = await queryRows<{ student_id: string }>(db, sql`
    select student_id from ${studentIndicators} where tenant_id = ${tenantId}
    union select student_id from ${indicatorsPending} where tenant_id = ${tenantId}
    order by student_id`);
  return rows.map((r) => r.student_id);
}

export async function familyViewOf(db: DbOrTx, tenantId: string): Promise<string | null> {
  const [row] = await db.select({ familyView: indicatorSettings.familyView }).from(indicatorSettings).where(eq(indicatorSettings.tenantId, tenantId));
  return row?.familyView ?? null;
}

export async function saveFamilyView(db: DbOrTx, tenantId: string, familyView: string, by: string, at: Date): Promise<void> {
  await db
    .insert(indicatorSettings)
    .values({ tenantId, familyView, updatedBy: by, updatedAt: at })
    .onConflictDoUpdate({ target: indicatorSettings.tenantId, set: { familyView, updatedBy: by, updatedAt: at } });
}

/**
 * For the school view: each computed student's tier in force (the latest adult decision, else the
 * suggestion) and, `withBands`, their band per indicator read out of the stored document in the database
 * (no document parsed in the process). One statement, a lookup per student (idRows). Students never
 * computed are absent.
 */
export async function standingOf(db: DbOrTx, tenantId: string, studentIds: readonly string[], withBands: boolean): Promise<{ studentId: string; tier: number; bands: Record<string, string | null> | null }[]> {
  if (studentIds.length === 0) return [];
  const rows = await queryRows<{ student_id: string; tier: number; bands: Record<string, string | null> | null }>(db, sql`
    select s.student_id, coalesce(d.tier, s.suggested_tier) as tier, ${withBands ? sql`(s.indicators -> 'bands')::jsonb` : sql`null::jsonb`} as bands
    from ${idRows(studentIds)}
    cross join lateral (select tenant_id, student_id, suggested_tier, indicators from ${studentIndicators} where tenant_id = ${tenantId} and student_id = ids.id offset 0) s
    left join lateral (
      select tier from ${tierDecisions} where tenant_id = s.tenant_id and student_id = s.student_id order by decided_at desc, id desc limit 1
    ) d on true`);
  return rows.map((r) => ({ studentId: r.student_id, tier: Number(r.tier), bands: withBands ? (r.bands ?? {}) : null }));
}

/** Each computed student's stored attendance and behaviour percents, this year's and the recent window's (for "falling"). */
export async function ratesOf(db: DbOrTx, tenantId: string, studentIds: readonly string[]): Promise<{ studentId: string; attendance: { year: number | null; recent: number | null }; behaviour: { year: number | null; recent: number | null } }[]> {
  if (studentIds.length === 0) return [];
  type Row = { student_id: string; ay: string | null; ar: string | null; by: string | null; br: string | null };
  const rows = await queryRows<Row>(db, sql`
    select s.student_id,
      s.indicators #>> '{attendance,year,percent}' as ay, s.indicators #>> '{attendance,recent,percent}' as ar,
      s.indicators #>> '{behaviour,year,percent}' as by, s.indicators #>> '{behaviour,recent,percent}' as br
    from ${idRows(studentIds)}
    cross join lateral (select student_id, indicators from ${studentIndicators} where tenant_id = ${tenantId} and student_id = ids.id offset 0) s`);
  const num = (v: string | null) => (v === null ? null : Number(v));
  return rows.map((r) => ({ studentId: r.student_id, attendance: { year: num(r.ay), recent: num(r.ar) }, behaviour: { year: num(r.by), recent: num(r.br) } }));
}

/**
 * For reports: every student the school's tiers know, with their stored suggestion (null: never
 * computed) and every adult decision, oldest first: the tier in force at any past moment is read from it.
 * Two statements over the tenant's rows.
 */
export async function tierTimelines(db: DbOrTx, tenantId: string): Promise<{ studentId: string; suggestedTier: number | null; decisions: { tier: number; decidedAt: Date }[] }[]> {
  const [stored, decisions] = await Promise.all([
    db.select({ studentId: studentIndicators.studentId, suggestedTier: studentIndicators.suggestedTier }).from(studentIndicators).where(eq(studentIndicators.tenantId, tenantId)),
    db.select({ studentId: tierDecisions.studentId, tier: tierDecisions.tier, decidedAt: tierDecisions.decidedAt }).from(tierDecisions).where(eq(tierDecisions.tenantId, tenantId)).orderBy(tierDecisions.studentId, tierDecisions.decidedAt, tierDecisions.id),
  ]);
  const byStudent = new Map<string, { studentId: string; suggestedTier: number | null; decisions: { tier: number; decidedAt: Date }[] }>();
  for (const s of stored) byStudent.set(s.studentId, { studentId: s.studentId, suggestedTier: s.suggestedTier, decisions: [] });
  for (const d of decisions) {
    const entry = byStudent.get(d.studentId) ?? { studentId: d.studentId, suggestedTier: null, decisions: [] };
    entry.decisions.push({ tier: d.tier, decidedAt: d.decidedAt });
    byStudent.set(d.studentId, entry);
  }
  return [...byStudent.values()];
}
