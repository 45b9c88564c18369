import { and, desc, eq, inArray, notInArray, sql, type SQLWrapper } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { customFieldRevisions, customFieldValues } from './custom-fields.tables.js';

export type FieldValue = typeof customFieldValues.$inferSelect;
export type FieldRevision = typeof customFieldRevisions.$inferSelect;

/** Where a value belongs: the record of one object, of one student. */
export interface RecordRef {
  tenantId: string;
  studentId: string;
  object: string;
  recordId: string;
}

const ofRecords = (ref: Omit<RecordRef, 'recordId'>, recordIds: readonly string[]) =>
  and(eq(customFieldValues.tenantId, ref.tenantId), eq(customFieldValues.studentId, ref.studentId), eq(customFieldValues.object, ref.object), inArray(customFieldValues.recordId, [...recordIds]));

/** The values of some records of one student (a page of check-ins, one goal). */
export async function valuesOf(db: DbOrTx, ref: Omit<RecordRef, 'recordId'>, recordIds: readonly string[]): Promise<FieldValue[]> {
  if (recordIds.length === 0) return [];
  return db.select().from(customFieldValues).where(ofRecords(ref, recordIds));
}

/** Some fields' values on many students' own records: the facts automations read of each student, a school view's grouping by one. */
export async function studentRecordValues(db: DbOrTx, tenantId: string, fieldKeys: readonly string[], studentIds: readonly string[]): Promise<{ studentId: string; fieldKey: string; value: string }[]> {
  if (fieldKeys.length === 0 || studentIds.length === 0) return [];
  return db
    .select({ studentId: customFieldValues.studentId, fieldKey: customFieldValues.fieldKey, value: customFieldValues.value })
    .from(customFieldValues)
    .where(and(eq(customFieldValues.tenantId, tenantId), eq(customFieldValues.object, 'student'), inArray(customFieldValues.fieldKey, [...fieldKeys]), inArray(customFieldValues.studentId, [...studentIds]), eq(customFieldValues.recordId, customFieldValues.studentId)));
}

/** The record's values, locked for the rest of the transaction: saves to one record take turns, so each sees what the one before wrote. */
export async function lockValues(db: DbOrTx, ref: RecordRef): Promise<FieldValue[]> {
  // The lock is taken on the record's key, so a first save (no row yet to lock) waits its turn too.
  await db.execute(sql`select pg_advisory_xact_lock(hashtext(${`fields:${ref.tenantId}:${ref.object}:${ref.recordId}`}))`);
  return db.select().from(customFieldValues).where(ofRecords(ref, [ref.recordId]));
}

/** Writes one value and counts the save in its version. */
export async function upsertValue(db: DbOrTx, ref: RecordRef, v: { fieldKey: string; value: string; authorId: string; at: Date }): Promise<void> {
  await db
    .insert(customFieldValues)
    .values({ ...ref, fieldKey: v.fieldKey, value: v.value, authorId: v.authorId, updatedAt: v.at })
    .onConflictDoUpdate({
      target: [customFieldValues.tenantId, customFieldValues.object, customFieldValues.recordId, customFieldValues.fieldKey],
      set: { value: v.value, authorId: v.authorId, updatedAt: v.at, version: sql`${customFieldValues.version} + 1` },
    });
}

export async function addRevisions(db: DbOrTx, rows: (typeof customFieldRevisions.$inferInsert)[]): Promise<void> {
  if (rows.length > 0) await db.insert(customFieldRevisions).values(rows);
}

/** What one value was at one of its versions (what an editor who loaded that version saw); undefined before any. */
export async function valueAtVersion(db: DbOrTx, ref: RecordRef, fieldKey: string, version: number): Promise<string | undefined> {
  if (version === 0) return '';
  const [row] = await db
    .select({ value: customFieldRevisions.newValue })
    .from(customFieldRevisions)
    .where(
      and(
        eq(customFieldRevisions.tenantId, ref.tenantId),
        eq(customFieldRevisions.object, ref.object),
        eq(customFieldRevisions.recordId, ref.recordId),
        eq(customFieldRevisions.fieldKey, fieldKey),
        eq(customFieldRevisions.version, version),
      ),
    );
  return row?.value;
}

const revisionsOfRecord = (ref: RecordRef) =>
  and(eq(customFieldRevisions.tenantId, ref.tenantId), eq(customFieldRevisions.studentId, ref.studentId), eq(customFieldRevisions.object, ref.object), eq(customFieldRevisions.recordId, ref.recordId));

/** Every change to one record's values, newest first (a field's later version before its earlier one when saved in the same instant). */
export async function revisionsOf(db: DbOrTx, ref: RecordRef): Promise<FieldRevision[]> {
  return db.select().from(customFieldRevisions).where(revisionsOfRecord(ref)).orderBy(desc(customFieldRevisions.at), desc(customFieldRevisions.version), customFieldRevisions.fieldKey);
}

/**
 * Deletes the values (and their history) of some records of one object, but for the fields named in
 * `keep`: the records are a subquery of the feature that owns them (its ids), so a district's years of
 * records are never listed here. How many values went.
 */
export async function forgetValues(db: DbOrTx, tenantId: string, object: string, recordIds: SQLWrapper, keep: readonly string[]): Promise<number> {
  const of = <T extends typeof customFieldValues | typeof customFieldRevisions>(t: T) =>
    and(eq(t.tenantId, tenantId), eq(t.object, object), inArray(t.recordId, recordIds), keep.length > 0 ? notInArray(t.fieldKey, [...keep]) : undefined);
  await db.delete(customFieldRevisions).where(of(customFieldRevisions));
  const gone = await db.delete(customFieldValues).where(of(customFieldValues)).returning({ id: customFieldValues.id });
  return gone.length;
}
