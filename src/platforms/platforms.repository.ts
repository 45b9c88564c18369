import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { tenants, deployments } from './platforms.tables.js';

export type Tenant = typeof tenants.$inferSelect;
export type NewTenant = typeof tenants.$inferInsert;

export async function insertTenant(db: DbOrTx, t: NewTenant): Promise<Tenant> {
  const [row] = await db.insert(tenants).values(t).returning();
  return row!;
}

export async function findTenant(db: DbOrTx, id: string): Promise<Tenant | undefined> {
  const [row] = await db.select().from(tenants).where(eq(tenants.id, id));
  return row;
}

export async function findTenantByIssuer(db: DbOrTx, issuer: string, clientId: string): Promise<Tenant | undefined> {
  const [row] = await db.select().from(tenants).where(and(eq(tenants.issuer, issuer), eq(tenants.clientId, clientId)));
  return row;
}

export async function findActiveByIssuer(db: DbOrTx, issuer: string): Promise<Tenant[]> {
  return db.select().from(tenants).where(and(eq(tenants.issuer, issuer), eq(tenants.active, true)));
}

export async function listTenants(db: DbOrTx): Promise<Tenant[]> {
  return db.select().from(tenants).orderBy(tenants.createdAt);
}

export async function updateTenant(db: DbOrTx, id: string, patch: Partial<NewTenant>): Promise<Tenant | undefined> {
  const [row] = await db.update(tenants).set({ ...patch, updatedAt: new Date() }).where(eq(tenants.id, id)).returning();
  return row;
}

/** Deletes the tenant; every row scoped to it goes with it (foreign keys cascade). */
export async function deleteTenant(db: DbOrTx, id: string): Promise<void> {
  await db.delete(tenants).where(eq(tenants.id, id));
}

export async function listDeployments(db: DbOrTx, tenantId: string): Promise<string[]> {
  const rows = await db.select({ d: deployments.deploymentId }).from(deployments).where(eq(deployments.tenantId, tenantId));
  return rows.map((r) => r.d);
}

export async function addDeployment(db: DbOrTx, tenantId: string, deploymentId: string): Promise<void> {
  await db.insert(deployments).values({ tenantId, deploymentId }).onConflictDoNothing();
}

/** Insert, or update the row with the same (issuer, client id): two concurrent registrations end in one row. */
export async function upsertTenant(db: DbOrTx, t: NewTenant, onUpdate: Partial<NewTenant>): Promise<Tenant> {
  const [row] = await db
    .insert(tenants)
    .values(t)
    .onConflictDoUpdate({ target: [tenants.issuer, tenants.clientId], set: { ...onUpdate, updatedAt: new Date() } })
    .returning();
  return row!;
}
