import { and, arrayContains, asc, eq, ilike, or, sql, type SQL } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '../db/client.js';
import { supports } from './supports.tables.js';

export type SupportRow = typeof supports.$inferSelect;
export type SupportValues = Omit<typeof supports.$inferInsert, 'id' | 'tenantId' | 'createdAt'>;

export interface SupportFilter {
  q: string;
  category?: string;
  tier?: number;
  language?: string;
  /** Active ones only (the referrers' page), inactive ones only, or both. */
  status: 'active' | 'inactive' | 'all';
}

/** A school's supports matching the filter, by name. A catalogue is a school's asset map: tens to a few hundred rows. */
export async function listSupports(db: DbOrTx, tenantId: string, f: SupportFilter): Promise<SupportRow[]> {
  const where: (SQL | undefined)[] = [eq(supports.tenantId, tenantId)];
  if (f.status !== 'all') where.push(eq(supports.active, f.status === 'active'));
  if (f.category) where.push(eq(supports.category, f.category as SupportRow['category']));
  if (f.tier) where.push(eq(supports.tier, f.tier));
  if (f.language) where.push(arrayContains(supports.languages, [f.language]));
  if (f.q) {
    const pattern = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push(or(ilike(supports.name, pattern), ilike(supports.provider, pattern), ilike(supports.description, pattern), ilike(supports.eligibility, pattern)));
  }
  return db.select().from(supports).where(and(...where)).orderBy(asc(supports.name), asc(supports.id));
}

/** The languages a school's supports offer (the language filter's choices). */
export async function languagesOffered(db: DbOrTx, tenantId: string): Promise<string[]> {
  const rows = await queryRows<{ code: string }>(db, sql`select distinct unnest(${supports.languages}) as code from ${supports} where ${supports.tenantId} = ${tenantId} order by code`);
  return rows.map((r) => r.code);
}

export async function findSupport(db: DbOrTx, tenantId: string, id: string): Promise<SupportRow | undefined> {
  const [row] = await db.select().from(supports).where(and(eq(supports.tenantId, tenantId), eq(supports.id, id)));
  return row;
}

export async function insertSupport(db: DbOrTx, tenantId: string, v: SupportValues): Promise<string> {
  const [row] = await db.insert(supports).values({ ...v, tenantId }).returning({ id: supports.id });
  return row!.id;
}

/** Copies starter supports; one already copied (same starter key) is left as the school edited it. Returns the ids added. */
export async function insertStarters(db: DbOrTx, tenantId: string, rows: SupportValues[]): Promise<string[]> {
  if (rows.length === 0) return [];
  const added = await db
    .insert(supports)
    .values(rows.map((v) => ({ ...v, tenantId })))
    .onConflictDoNothing({ target: [supports.tenantId, supports.starterKey] })
    .returning({ id: supports.id });
  return added.map((r) => r.id);
}

export async function updateSupport(db: DbOrTx, tenantId: string, id: string, v: Partial<SupportValues>): Promise<boolean> {
  const done = await db.update(supports).set(v).where(and(eq(supports.tenantId, tenantId), eq(supports.id, id))).returning({ id: supports.id });
  return done.length > 0;
}
