import { and, asc, eq, gt, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { DbOrTx } from '../db/client.js';
import { withTenant } from '../db/tenant-scope.js';
import type { Dataset } from './bundle.datasets.js';

/** Rows read per query: a district's table is never held whole. */
export const BUNDLE_PAGE_SIZE = 1000;

export type BundleRow = Record<string, unknown>;

/** After the last row read, by the key's columns: `(a, b) > (x, y)`, each value encoded as its column's. */
function after(key: readonly AnyPgColumn[], last: readonly unknown[]): SQL {
  if (key.length === 1) return gt(key[0]!, last[0]);
  return sql`(${sql.join([...key], sql`, `)}) > (${sql.join(key.map((c, i) => sql`${sql.param(last[i], c)}::${sql.raw(c.getSQLType())}`), sql`, `)})`;
}

/**
 * Every row of the dataset of this tenant, in key order, a page at a time (keyset: each page starts
 * after the previous page's last key, so a large table costs one index walk, never an offset scan).
 * Each query runs in the tenant's scope, whatever the caller's async context, beneath the tenant filter.
 */
export async function* rowsOf(db: DbOrTx, tenantId: string, dataset: Dataset, pageSize = BUNDLE_PAGE_SIZE): AsyncGenerator<BundleRow> {
  const fields = Object.fromEntries(dataset.columns.map((c) => [c.name, c.column]));
  const keyFields = Object.fromEntries(dataset.key.map((c, i) => [`k${i}`, c]));
  let last: unknown[] | null = null;
  for (;;) {
    const cursor: unknown[] | null = last;
    const page = await withTenant(tenantId, () =>
      db
        .select({ row: fields, key: keyFields } as { row: typeof fields; key: typeof keyFields })
        .from(dataset.table)
        .where(and(eq(dataset.tenant, tenantId), cursor ? after(dataset.key, cursor) : undefined))
        .orderBy(...dataset.key.map((c) => asc(c)))
        .limit(pageSize)
        // Run here, inside the scope (a query builder left to the caller's await would run in the caller's).
        .execute(),
    );
    for (const r of page) yield r.row as BundleRow;
    if (page.length < pageSize) return;
    const lastKey = page[page.length - 1]!.key as Record<string, unknown>;
    last = dataset.key.map((_, i) => lastKey[`k${i}`]);
  }
}

/** How many rows the dataset holds for the tenant (the page's figures). */
export async function countOf(db: DbOrTx, tenantId: string, dataset: Dataset): Promise<number> {
  const [row] = await withTenant(tenantId, () => db.select({ n: sql<number>`count(*)::int` }).from(dataset.table).where(eq(dataset.tenant, tenantId)).execute());
  return row?.n ?? 0;
}
