import { asc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { schoolHolidays } from './calendar.tables.js';

export type Holiday = typeof schoolHolidays.$inferSelect;

/** The closed days a school kept before its calendar was a document (the school calendar's baseline). */
export async function listHolidays(db: DbOrTx, tenantId: string): Promise<Holiday[]> {
  return db.select().from(schoolHolidays).where(eq(schoolHolidays.tenantId, tenantId)).orderBy(asc(schoolHolidays.date));
}
