import { getTableName } from 'drizzle-orm';
import { primaryKey, foreignKey, type AnyPgColumn } from 'drizzle-orm/pg-core';

// Keys of tenant tables. No table imports here, so the roster and platform tables can use them too.

/**
 * The primary key of a tenant table: (tenant_id, id), the tenant first. References then carry the
 * tenant, and each tenant's rows can live together on one node (README: Scaling out).
 */
export const tenantKey = (t: { tenantId: AnyPgColumn; id: AnyPgColumn }) => primaryKey({ columns: [t.tenantId, t.id] });

/**
 * A reference to a row of the same tenant: (tenant_id, column) -> target(tenant_id, id). The database
 * itself refuses a row whose reference names another tenant's row; the row goes with its target.
 * Named by table and column because drizzle's default name outgrows PostgreSQL's 63 characters.
 */
export const tenantReference = (t: { tenantId: AnyPgColumn }, column: AnyPgColumn, target: { tenantId: AnyPgColumn; id: AnyPgColumn }) =>
  foreignKey({
    name: `${getTableName(column.table)}_${column.name}_fk`,
    columns: [t.tenantId, column],
    foreignColumns: [target.tenantId, target.id],
  }).onDelete('cascade');
