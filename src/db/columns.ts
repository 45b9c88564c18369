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

/** A person reference (student, author...); the table declares it with personReference. */
export const personIdColumn = (name: string) => uuid(name).notNull();

/** A person of the same tenant; the row goes with the person. */
export const personReference = (t: { tenantId: AnyPgColumn }, column: AnyPgColumn) => tenantReference(t, column, people);

/** For rows that belong to a tenant or to the whole installation (null): deleting the tenant removes its rows. */
export const optionalTenantIdColumn = () => uuid('tenant_id').references(() => tenants.id, { onDelete: 'cascade' });

export const createdAtColumn = (name = 'created_at') => timestamp(name, { withTimezone: true }).notNull().defaultNow();
