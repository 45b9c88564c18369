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
  return sql`${literalOf(ids, false)}::uuid[]`;
}

// A school view hands the same 2,000 ids to ten reads at once: checked and joined once, not ten times.
const literals = { kept: new WeakMap<object, string>(), once: new WeakMap<object, string>() };

/**
 * The ids as one array literal; a string that is no uuid is left out. In order and as given, since some
 * reads unnest it beside other arrays of the same length (ids and days, element by element); `once`:
 * each id once, lower case (as PostgreSQL writes a uuid), for idRows.
 */
function literalOf(ids: Iterable<string>, once: boolean): string {
  const cache = once ? literals.once : literals.kept;
  const known = cache.get(ids);
  if (known !== undefined) return known;
  const out: string[] = [];
  const seen = new Set<string>();
  for (const id of ids) {
    if (!UUID.test(id)) continue;
    const key = once ? id.toLowerCase() : id;
    if (once && seen.has(key)) continue;
    seen.add(key);
    out.push(key);
  }
  const literal = `{${out.join(',')}}`;
  // Kept only for a frozen array: its ids can no longer change under the kept literal.
  if (Array.isArray(ids) && Object.isFrozen(ids)) cache.set(ids, literal);
  return literal;
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
  // Each id once: a repeated id would repeat its rows.
  return sql`unnest(${literalOf(ids, true)}::uuid[]) as ids(id)`;
}

/**
 * The rows of `table` whose `column` is one of `ids` and that meet `where` (which names the tenant), a
 * lookup per id (see idRows), mapped as drizzle's own select maps them (dates, json). `pick` names the
 * columns wanted (all when absent): a school's 2,000 rows cost their parsing, dates above all.
 */
export async function rowsOfIds<T extends PgTable, K extends keyof T['$inferSelect'] & string = keyof T['$inferSelect'] & string>(
  db: DbOrTx,
  table: T,
  column: AnyPgColumn,
  ids: Iterable<string>,
  where: SQL,
  pick?: readonly K[],
): Promise<Pick<T['$inferSelect'], K>[]> {
  const all = getTableColumns(table);
  const columns = pick ? pick.map((key) => [key, all[key]!] as const) : Object.entries(all);
  const list = pick ? sql.join(columns.map(([, c]) => sql.identifier(c.name)), sql`, `) : sql`*`;
  const rows = await queryRows<Record<string, unknown>>(db, sql`select x.* from ${idRows(ids)} cross join lateral (select ${list} from ${table} where ${column} = ids.id and ${where} offset 0) x`);
  // A plain loop: a school's 2,000 rows through Object.fromEntries were a visible share of a view's CPU.
  return rows.map((r) => {
    const row: Record<string, unknown> = {};
    for (const [key, c] of columns) {
      const v = r[c.name];
      row[key] = v === null || v === undefined ? null : c.mapFromDriverValue(v);
    }
    return row as Pick<T['$inferSelect'], K>;
  });
}
