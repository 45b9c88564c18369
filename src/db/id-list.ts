import { sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';

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
