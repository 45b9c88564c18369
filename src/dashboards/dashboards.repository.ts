import { and, asc, eq, gte, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { schoolSnapshots } from './dashboards.tables.js';
import type { SnapshotFigures } from './snapshots.js';

export type SchoolSnapshot = typeof schoolSnapshots.$inferSelect;

/** Writes a school's figures for the week, over the day before's (the week's last write is what stays). */
export async function saveSnapshot(db: DbOrTx, v: { tenantId: string; schoolId: string; weekStart: string; students: number; figures: SnapshotFigures; at: Date }): Promise<void> {
  await db
    .insert(schoolSnapshots)
    .values({ tenantId: v.tenantId, schoolId: v.schoolId, weekStart: v.weekStart, students: v.students, figures: v.figures, computedAt: v.at })
    .onConflictDoUpdate({
      target: [schoolSnapshots.tenantId, schoolSnapshots.schoolId, schoolSnapshots.weekStart],
      set: { students: sql`excluded.students`, figures: sql`excluded.figures`, computedAt: sql`excluded.computed_at` },
    });
}

/** Every school's snapshots from a week on, oldest first: the district view's side by side and its lines. */
export function snapshotsSince(db: DbOrTx, tenantId: string, fromWeek: string): Promise<SchoolSnapshot[]> {
  return db
    .select()
    .from(schoolSnapshots)
    .where(and(eq(schoolSnapshots.tenantId, tenantId), gte(schoolSnapshots.weekStart, fromWeek)))
    .orderBy(asc(schoolSnapshots.weekStart), asc(schoolSnapshots.schoolId));
}
