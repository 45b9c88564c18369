import { and, count, eq, isNull } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { tenants, deployments } from './platforms.tables.js';

/** The stored row; the service adds the resolved LMS family (platforms.service Tenant). */
export type TenantRow = typeof tenants.$inferSelect;
export type NewTenant = typeof tenants.$inferInsert;

export async function insertTenant(db: DbOrTx, t: NewTenant): Promise<TenantRow> {
  const [row] = await db.insert(tenants).values(t).returning();
  return row!;
}

export async function findTenant(db: DbOrTx, id: string): Promise<TenantRow | undefined> {
  const [row] = await db.select().from(tenants).where(eq(tenants.id, id));
  return row;
}

export async function findTenantByIssuer(db: DbOrTx, issuer: string, clientId: string): Promise<TenantRow | undefined> {
  const [row] = await db.select().from(tenants).where(and(eq(tenants.issuer, issuer), eq(tenants.clientId, clientId)));
  return row;
}

export async function findActiveByIssuer(db: DbOrTx, issuer: string): Promise<TenantRow[]> {
  return db.select().from(tenants).where(and(eq(tenants.issuer, issuer), eq(tenants.active, true)));
}

export async function listTenants(db: DbOrTx): Promise<TenantRow[]> {
  return db.select().from(tenants).orderBy(tenants.createdAt);
}

export async function updateTenant(db: DbOrTx, id: string, patch: Partial<NewTenant>): Promise<TenantRow | undefined> {
  const [row] = await db.update(tenants).set({ ...patch, updatedAt: new Date() }).where(eq(tenants.id, id)).returning();
  return row;
}

/** Sets the school's zone only while it has none (a launch's value never overrides an admin's). */
export async function adoptTimeZone(db: DbOrTx, id: string, timeZone: string): Promise<boolean> {
  const rows = await db.update(tenants).set({ timeZone, updatedAt: new Date() }).where(and(eq(tenants.id, id), isNull(tenants.timeZone))).returning({ id: tenants.id });
  return rows.length > 0;
}

/** Deletes the tenant; every row scoped to it goes with it (foreign keys cascade). */
export async function deleteTenant(db: DbOrTx, id: string): Promise<void> {
  await db.delete(tenants).where(eq(tenants.id, id));
}

export type DeploymentStatus = (typeof deployments.$inferSelect)['status'];

export async function listDeployments(db: DbOrTx, tenantId: string, status: DeploymentStatus = 'active'): Promise<string[]> {
  const rows = await db
    .select({ d: deployments.deploymentId })
    .from(deployments)
    .where(and(eq(deployments.tenantId, tenantId), eq(deployments.status, status)))
    .orderBy(deployments.firstSeenAt);
  return rows.map((r) => r.d);
}

/** How many deployments of the tenant are known at all, active or waiting. */
export async function countDeployments(db: DbOrTx, tenantId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(deployments).where(eq(deployments.tenantId, tenantId));
  return Number(row?.n ?? 0);
}

/** An active deployment; one that was waiting for approval becomes active (it was named on purpose). */
export async function addDeployment(db: DbOrTx, tenantId: string, deploymentId: string): Promise<void> {
  await db
    .insert(deployments)
    .values({ tenantId, deploymentId, status: 'active' })
    .onConflictDoUpdate({ target: [deployments.tenantId, deployments.deploymentId], set: { status: 'active' } });
}

/** A deployment waiting for an admin; one already known (waiting or active) is left as it is. */
export async function addPendingDeployment(db: DbOrTx, tenantId: string, deploymentId: string): Promise<void> {
  await db.insert(deployments).values({ tenantId, deploymentId, status: 'pending' }).onConflictDoNothing();
}

/** Waiting -> active. Returns the deployment's status afterwards (undefined: the tenant never saw it). */
export async function approveDeployment(db: DbOrTx, tenantId: string, deploymentId: string): Promise<{ status: DeploymentStatus; changed: boolean } | undefined> {
  const mine = and(eq(deployments.tenantId, tenantId), eq(deployments.deploymentId, deploymentId));
  const [changed] = await db.update(deployments).set({ status: 'active' }).where(and(mine, eq(deployments.status, 'pending'))).returning({ status: deployments.status });
  if (changed) return { status: changed.status, changed: true };
  const [row] = await db.select({ status: deployments.status }).from(deployments).where(mine);
  return row && { status: row.status, changed: false };
}

/** Insert, or update the row with the same (issuer, client id): two concurrent registrations end in one row. */
export async function upsertTenant(db: DbOrTx, t: NewTenant, onUpdate: Partial<NewTenant>): Promise<TenantRow> {
  const [row] = await db
    .insert(tenants)
    .values(t)
    .onConflictDoUpdate({ target: [tenants.issuer, tenants.clientId], set: { ...onUpdate, updatedAt: new Date() } })
    .returning();
  return row!;
}
