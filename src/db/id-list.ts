import { sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `column = any($1::uuid[])`: a list of ids as one array parameter. A caseload's reads name 150
 * students each, and as `in ($1, ..., $150)` building and sending the statement cost more than
 * running it. A string that is no uuid can equal no uuid column, so it is left out (and can never
 * split into two elements of the array literal).
 */
export function anyId(column: AnyPgColumn, ids: readonly string[]): SQL {
  return sql`${column} = any(${`{${ids.filter((id) => UUID.test(id)).join(',')}}`}::uuid[])`;
}
