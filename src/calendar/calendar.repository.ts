import { and, asc, eq, gte, lte } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { schoolHolidays } from './calendar.tables.js';

export type Holiday = typeof schoolHolidays.$inferSelect;

export async function listHolidays(db: DbOrTx, tenantId: string, from?: string, to?: string): Promise<Holiday[]> {
  const where = [eq(schoolHolidays.tenantId, tenantId)];
  if (from) where.push(gte(schoolHolidays.date, from));
  if (to) where.push(lte(schoolHolidays.date, to));
  return db.select().from(schoolHolidays).where(and(...where)).orderBy(asc(schoolHolidays.date));
}

/** Adds the days; a day already closed keeps its first name. Returns how many were added. */
export async function addHolidays(db: DbOrTx, tenantId: string, days: string[], name: string, by: string): Promise<number> {
  if (days.length === 0) return 0;
  const added = await db
    .insert(schoolHolidays)
    .values(days.map((date) => ({ tenantId, date, name, createdBy: by })))
    .onConflictDoNothing({ target: [schoolHolidays.tenantId, schoolHolidays.date] })
    .returning({ id: schoolHolidays.id });
  return added.length;
}

export async function removeHoliday(db: DbOrTx, tenantId: string, id: string): Promise<boolean> {
  const gone = await db.delete(schoolHolidays).where(and(eq(schoolHolidays.tenantId, tenantId), eq(schoolHolidays.id, id))).returning({ id: schoolHolidays.id });
  return gone.length > 0;
}
