import { uuid, timestamp, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { tenants } from '../platforms/platforms.tables.js';
import { people } from '../roster/roster.tables.js';
import { tenantReference } from './keys.js';

// Column builders every table repeats; functions because drizzle needs a fresh builder per table.

/** A row's own id; the table's key is (tenant_id, id): see tenantKey in keys.ts. */
export const idColumn = () => uuid('id').notNull().defaultRandom();

/** The tenant every student-data row carries; deleting a tenant removes its data. */
export const tenantIdColumn = () =>
  uuid('tenant_id')
    .notNull()
    .references(() => tenants.id, { onDelete: 'cascade' });

/**
 * The tenant of a row that belongs to a person of that tenant (declared with personReference), on the
 * largest tables (attendance days, course standings): the person reference already carries the tenant
 * (people.tenant_id references tenants, and deleting either cascades), so a reference of its own would
 * only add a second foreign-key check to every row written (a district's import writes millions).
 */
export const personTenantIdColumn = () => uuid('tenant_id').notNull();

/** A person reference (student, author...); the table declares it with personReference. */
export const personIdColumn = (name: string) => uuid(name).notNull();

/** A person of the same tenant; the row goes with the person. */
export const personReference = (t: { tenantId: AnyPgColumn }, column: AnyPgColumn) => tenantReference(t, column, people);

/** For rows that belong to a tenant or to the whole installation (null): deleting the tenant removes its rows. */
export const optionalTenantIdColumn = () => uuid('tenant_id').references(() => tenants.id, { onDelete: 'cascade' });

export const createdAtColumn = (name = 'created_at') => timestamp(name, { withTimezone: true }).notNull().defaultNow();
