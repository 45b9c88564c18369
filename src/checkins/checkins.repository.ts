import { and, asc, desc, eq, gte, isNull, sql } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '../db/client.js';
import { checkins, checkinNeeds, checkinPreps, type CheckinAnswer } from './checkins.tables.js';
import { anyId, idRows, rowsOfIds, uuidArray } from '../db/id-list.js';

export type Checkin = typeof checkins.$inferSelect;
export type NewCheckin = typeof checkins.$inferInsert;
export type Need = typeof checkinNeeds.$inferSelect;
export type NewNeed = typeof checkinNeeds.$inferInsert;
export type Prep = typeof checkinPreps.$inferSelect;

export async function insertCheckin(db: DbOrTx, v: NewCheckin): Promise<Checkin> {
  const [row] = await db.insert(checkins).values(v).returning();
  return row!;
}

export async function insertNeeds(db: DbOrTx, rows: NewNeed[]): Promise<Need[]> {
  if (rows.length === 0) return [];
  return db.insert(checkinNeeds).values(rows).returning();
}

export async function listCheckins(db: DbOrTx, tenantId: string, studentId: string): Promise<Checkin[]> {
  return db
    .select()
    .from(checkins)
    .where(and(eq(checkins.tenantId, tenantId), eq(checkins.studentId, studentId)))
    .orderBy(desc(checkins.date), desc(checkins.createdAt));
}

export async function listNeeds(db: DbOrTx, tenantId: string, studentId: string): Promise<Need[]> {
  return db
    .select()
    .from(checkinNeeds)
    .where(and(eq(checkinNeeds.tenantId, tenantId), eq(checkinNeeds.studentId, studentId)))
    .orderBy(desc(checkinNeeds.raisedAt));
}

export async function openNeedsOf(db: DbOrTx, tenantId: string, studentIds: string[]): Promise<Need[]> {
  if (studentIds.length === 0) return [];
  // A lookup per student (rowsOfIds): as `= any`, a school's read scanned the tenant's needs. Oldest first.
  const open = await rowsOfIds(db, checkinNeeds, checkinNeeds.studentId, studentIds, and(eq(checkinNeeds.tenantId, tenantId), isNull(checkinNeeds.resolvedAt))!);
  return open.sort((a, b) => a.raisedAt.getTime() - b.raisedAt.getTime());
}

/** Resolves an open need and the student's other open needs of the same category; none when it is not open. */
export async function resolveNeed(db: DbOrTx, tenantId: string, studentId: string, needId: string, by: string, at: Date, how: { resolution: string; note: string }): Promise<Need[]> {
  const open = and(eq(checkinNeeds.tenantId, tenantId), eq(checkinNeeds.studentId, studentId), isNull(checkinNeeds.resolvedAt));
  const [need] = await db.select({ category: checkinNeeds.category }).from(checkinNeeds).where(and(open, eq(checkinNeeds.id, needId)));
  if (!need) return [];
  return db.update(checkinNeeds).set({ resolvedAt: at, resolvedBy: by, resolution: how.resolution, resolutionNote: how.note }).where(and(open, eq(checkinNeeds.category, need.category))).returning();
}

export interface RecentCheckins {
  studentId: string;
  /** The latest attended check-in (date and well-being). */
  lastAttended: { date: string; wellbeing: number | null } | null;
  /** The latest check-in, attended or missed. */
  latest: { date: string; attended: boolean } | null;
}

/** Per student, the latest attended check-in and the latest check-in of any kind, for the caseload: one round trip. */
export async function recentCheckins(db: DbOrTx, tenantId: string, studentIds: string[]): Promise<RecentCheckins[]> {
  if (studentIds.length === 0) return [];
  type Row = { student_id: string; last_date: string | Date | null; wellbeing: number | null; latest_date: string | Date | null; attended: boolean | null };
  // Two index lookups per student (checkins_tenant_student_idx), newest first.
  const rows = await queryRows<Row>(db, sql`
    select s.student_id, la.date as last_date, la.wellbeing, lt.date as latest_date, lt.attended
    from unnest(${uuidArray(studentIds)}) as s(student_id)
    left join lateral (
      select date, wellbeing from ${checkins} where tenant_id = ${tenantId} and student_id = s.student_id and attended = true
      order by date desc, created_at desc limit 1) la on true
    left join lateral (
      select date, attended from ${checkins} where tenant_id = ${tenantId} and student_id = s.student_id
      order by date desc, created_at desc limit 1) lt on true
    where lt.date is not null`);
  return rows.map((r) => ({
    studentId: r.student_id,
    lastAttended: r.last_date === null ? null : { date: asIsoDate(r.last_date), wellbeing: r.wellbeing },
    latest: r.latest_date === null ? null : { date: asIsoDate(r.latest_date), attended: r.attended === true },
  }));
}

/**
 * Per student, the day of the latest attended check-in (absent: never attended), for the school view: one
 * backward step down checkins_tenant_student_idx per student, where recentCheckins' two lookups also sort
 * each student's check-ins by when they were written.
 */
export async function lastAttendedOn(db: DbOrTx, tenantId: string, studentIds: readonly string[]): Promise<Map<string, string>> {
  if (studentIds.length === 0) return new Map();
  const rows = await queryRows<{ student_id: string; date: string | Date }>(db, sql`
    select ids.id as student_id, la.date from ${idRows(studentIds)}
    cross join lateral (select date from ${checkins} where tenant_id = ${tenantId} and student_id = ids.id and attended = true order by date desc limit 1) la`);
  return new Map(rows.map((r) => [r.student_id, asIsoDate(r.date)]));
}

/** Well-being ratings of attended check-ins on or after a day, for the indicators (a whole tenant's when studentIds is null). */
export async function wellbeingSince(db: DbOrTx, tenantId: string, studentIds: readonly string[], sinceDay: string): Promise<{ studentId: string; date: string; rating: number }[]> {
  if (studentIds.length === 0) return [];
  const rows = await queryRows<{ student_id: string; date: string | Date; wellbeing: number }>(db, sql`
    select student_id, date, wellbeing from ${checkins}
    where tenant_id = ${tenantId} and attended = true and wellbeing is not null and date >= ${sinceDay}::date
      and student_id = any(${uuidArray(studentIds)})`);
  return rows.map((r) => ({ studentId: r.student_id, date: asIsoDate(r.date), rating: r.wellbeing }));
}

/** The student's first check-in day (attended or not) on or after `since` (the school year's first day). */
export async function firstCheckinDate(db: DbOrTx, tenantId: string, studentId: string, since: string): Promise<string | null> {
  const [row] = await db
    .select({ date: checkins.date })
    .from(checkins)
    .where(and(eq(checkins.tenantId, tenantId), eq(checkins.studentId, studentId), gte(checkins.date, since)))
    .orderBy(asc(checkins.date))
    .limit(1);
  return row?.date ?? null;
}

/** Each student's first check-in day (attended or not) on or after `since`, for many students at once: one query. */
export async function firstCheckinDates(db: DbOrTx, tenantId: string, studentIds: string[], since: string): Promise<Map<string, string>> {
  if (studentIds.length === 0) return new Map();
  const rows = await db
    .select({ studentId: checkins.studentId, date: sql<string | Date>`min(${checkins.date})` })
    .from(checkins)
    .where(and(eq(checkins.tenantId, tenantId), anyId(checkins.studentId, studentIds), gte(checkins.date, since)))
    .groupBy(checkins.studentId);
  return new Map(rows.map((r) => [r.studentId, asIsoDate(r.date)]));
}

export async function findPrep(db: DbOrTx, tenantId: string, studentId: string, week: number): Promise<Prep | undefined> {
  const [row] = await db
    .select()
    .from(checkinPreps)
    .where(and(eq(checkinPreps.tenantId, tenantId), eq(checkinPreps.studentId, studentId), eq(checkinPreps.week, week)));
  return row;
}

export async function savePrep(db: DbOrTx, v: { tenantId: string; studentId: string; week: number; answers: CheckinAnswer[]; at: Date }): Promise<Prep> {
  const [row] = await db
    .insert(checkinPreps)
    .values({ tenantId: v.tenantId, studentId: v.studentId, week: v.week, answers: v.answers, updatedAt: v.at })
    .onConflictDoUpdate({ target: [checkinPreps.tenantId, checkinPreps.studentId, checkinPreps.week], set: { answers: v.answers, updatedAt: v.at } })
    .returning();
  return row!;
}

// Raw queries hand back a date column as text on one driver and a Date on the other.
function asIsoDate(v: string | Date): string {
  return v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10);
}


/** One need of a student (a referral made from it is prefilled from it). */
export async function findNeed(db: DbOrTx, tenantId: string, studentId: string, needId: string): Promise<Need | undefined> {
  const [row] = await db.select().from(checkinNeeds).where(and(eq(checkinNeeds.tenantId, tenantId), eq(checkinNeeds.studentId, studentId), eq(checkinNeeds.id, needId)));
  return row;
}

/**
 * Retention: the words of check-ins held before `day` (the student's answers, the shared and the adult
 * note), of preparations last written before it, and the resolving adult's note of needs raised before
 * it, emptied; the rows stay (date, attendance, well-being, need categories) so counts still add up.
 * Returns how many rows lost words.
 */
/** The ids of a school's check-ins before a day, as a subquery (retention: another feature's words on them go too). */
export const idsBefore = (db: DbOrTx, tenantId: string, day: string) => db.select({ id: checkins.id }).from(checkins).where(and(eq(checkins.tenantId, tenantId), sql`${checkins.date} < ${day}`));

export async function clearTextsBefore(db: DbOrTx, tenantId: string, day: string): Promise<number> {
  const cleared = await db
    .update(checkins)
    .set({ answers: [], sharedNote: '', adultNote: '' })
    .where(and(eq(checkins.tenantId, tenantId), sql`${checkins.date} < ${day}`, sql`(${checkins.answers} <> '[]'::jsonb or ${checkins.sharedNote} <> '' or ${checkins.adultNote} <> '')`))
    .returning({ id: checkins.id });
  const preps = await db
    .update(checkinPreps)
    .set({ answers: [] })
    .where(and(eq(checkinPreps.tenantId, tenantId), sql`${checkinPreps.updatedAt} < ${day}::date`, sql`${checkinPreps.answers} <> '[]'::jsonb`))
    .returning({ id: checkinPreps.id });
  const notes = await db
    .update(checkinNeeds)
    .set({ resolutionNote: null })
    .where(and(eq(checkinNeeds.tenantId, tenantId), sql`${checkinNeeds.raisedAt} < ${day}::date`, sql`${checkinNeeds.resolutionNote} is not null`))
    .returning({ id: checkinNeeds.id });
  return cleared.length + preps.length + notes.length;
}

/** The tenant's check-ins recorded since `since`, with the needs raised at each (no words): an automation's dry run replays them. */
export async function recordedSince(db: DbOrTx, tenantId: string, since: Date) {
  const rows = await db
    .select({ checkinId: checkins.id, studentId: checkins.studentId, attended: checkins.attended, wellbeing: checkins.wellbeing, week: checkins.week, format: checkins.format, at: checkins.createdAt })
    .from(checkins)
    .where(and(eq(checkins.tenantId, tenantId), gte(checkins.createdAt, since)))
    .orderBy(asc(checkins.createdAt));
  const needs = await needsRaisedSince(db, tenantId, since);
  const byCheckin = new Map<string, { category: string; urgency: string }[]>();
  for (const n of needs) if (n.checkinId) byCheckin.set(n.checkinId, [...(byCheckin.get(n.checkinId) ?? []), { category: n.category, urgency: n.urgency }]);
  return rows.map((r) => ({ ...r, needs: byCheckin.get(r.checkinId) ?? [] }));
}

/** The tenant's needs raised since `since` (at a check-in or in a prep). */
export async function needsRaisedSince(db: DbOrTx, tenantId: string, since: Date) {
  return db
    .select({ needId: checkinNeeds.id, studentId: checkinNeeds.studentId, checkinId: checkinNeeds.checkinId, category: checkinNeeds.category, urgency: checkinNeeds.urgency, at: checkinNeeds.raisedAt })
    .from(checkinNeeds)
    .where(and(eq(checkinNeeds.tenantId, tenantId), gte(checkinNeeds.raisedAt, since)))
    .orderBy(asc(checkinNeeds.raisedAt));
}
