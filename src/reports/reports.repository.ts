import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { reportSettings } from './reports.tables.js';

/** What the school kept before the school calendar document (its baseline); no row: never saved. */
export async function settingsOf(db: DbOrTx, tenantId: string): Promise<{ minGroupSize: number } | undefined> {
  const [row] = await db.select({ minGroupSize: reportSettings.minGroupSize }).from(reportSettings).where(eq(reportSettings.tenantId, tenantId));
  return row;
}
