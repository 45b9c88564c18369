import { uuid, timestamp } from 'drizzle-orm/pg-core';
import { tenants } from '../platforms/platforms.tables.js';
import { people } from '../roster/roster.tables.js';

// Column builders every table repeats; functions because drizzle needs a fresh builder per table.

export const idColumn = () => uuid('id').primaryKey().defaultRandom();

/** The tenant every student-data row carries; deleting a tenant removes its data. */
export const tenantIdColumn = () =>
  uuid('tenant_id')
    .notNull()
    .references(() => tenants.id, { onDelete: 'cascade' });

/** For rows that belong to a tenant or to the whole installation (null): deleting the tenant removes its rows. */
export const optionalTenantIdColumn = () => uuid('tenant_id').references(() => tenants.id, { onDelete: 'cascade' });

/** A person reference (student, author...) that goes with the person. */
export const personIdColumn = (name: string) =>
  uuid(name)
    .notNull()
    .references(() => people.id, { onDelete: 'cascade' });

export const createdAtColumn = (name = 'created_at') => timestamp(name, { withTimezone: true }).notNull().defaultNow();
