import { getTableColumns, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn, PgTable } from 'drizzle-orm/pg-core';
import { queryRows, type DbOrTx } from './client.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A list of ids as one `uuid[]` parameter, for `= any(...)` and `unnest(...)`: a caseload's reads name
 * 150 students each, and as `in ($1, ..., $150)` building and sending the statement cost more than
 * running it. A string that is no uuid can equal no uuid column, so it is left out (and can never
 * split into two elements of the array literal).
 */
export function uuidArray(ids: Iterable<string>): SQL {
  return sql`${`{${[...ids].filter((id) => UUID.test(id)).join(',')}}`}::uuid[]`;
}

/** `column = any($1::uuid[])`: see uuidArray. */
export function anyId(column: AnyPgColumn, ids: readonly string[]): SQL {
  return sql`${column} = any(${uuidArray(ids)})`;
}

/**
 * The ids as rows `ids(id)`, each id once, for reads that fetch each id's rows by an index lookup:
 * `from ${idRows(ids)} cross join lateral (select ... where tenant_id = $t and student_id = ids.id offset 0) x`.
 * A school's 2,000 ids as `= any(...)` let the planner choose a scan of the tenant's rows (every school's)
 * and filter them, so the read grew with the district; planning 2,000 constants cost milliseconds too.
 * The lateral join asks one lookup per id whatever the tenant's size; `offset 0` keeps PostgreSQL from
 * flattening the subquery into a plain join (which it would plan the same way again).
 */
export function idRows(ids: Iterable<string>): SQL {
  // Each id once (lower case, as PostgreSQL writes a uuid): a repeated id would repeat its rows.
  const once = new Set<string>();
  for (const id of ids) once.add(id.toLowerCase());
  return sql`unnest(${uuidArray(once)}) as ids(id)`;
}

/**
 * The rows of `table` whose `column` is one of `ids` and that meet `where` (which names the tenant), a
 * lookup per id (see idRows), mapped as drizzle's own select maps them (dates, json).
 */
export async function rowsOfIds<T extends PgTable>(db: DbOrTx, table: T, column: AnyPgColumn, ids: Iterable<string>, where: SQL): Promise<T['$inferSelect'][]> {
  const rows = await queryRows<Record<string, unknown>>(db, sql`select x.* from ${idRows(ids)} cross join lateral (select * from ${table} where ${column} = ids.id and ${where} offset 0) x`);
  const columns = Object.entries(getTableColumns(table));
  // A plain loop: a school's 2,000 rows through Object.fromEntries were a visible share of a view's CPU.
  return rows.map((r) => {
    const row: Record<string, unknown> = {};
    for (const [key, c] of columns) {
      const v = r[c.name];
      row[key] = v === null || v === undefined ? null : c.mapFromDriverValue(v);
    }
    return row as T['$inferSelect'];
  });
}
