import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { reportSettings } from './reports.tables.js';

export async function settingsOf(db: DbOrTx, tenantId: string): Promise<{ minGroupSize: number } | undefined> {
  const [row] = await db.select({ minGroupSize: reportSettings.minGroupSize }).from(reportSettings).where(eq(reportSettings.tenantId, tenantId));
  return row;
}

export async function saveSettings(db: DbOrTx, tenantId: string, minGroupSize: number, by: string, at: Date): Promise<void> {
  await db
    .insert(reportSettings)
    .values({ tenantId, minGroupSize, updatedBy: by, updatedAt: at })
    .onConflictDoUpdate({ target: reportSettings.tenantId, set: { minGroupSize, updatedBy: by, updatedAt: at } });
}
