import { and, desc, eq, inArray, isNotNull, lt, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../db/client.js';
// The scheduler's one cross-tenant read (and /metrics' lag) walk contexts of active tenants only; the
// join keeps that one statement under the system scope instead of a tenant list fetched first.
// eslint-disable-next-line no-restricted-imports -- named exception to the feature boundary, see above
import { tenants } from '../platforms/platforms.tables.js';
import { contexts, memberships, people, rosterSyncLeases, rosterSyncRuns } from './roster.tables.js';
import { personChanged, personConflictSet, personName, sameSet, type PersonInput } from './roster.repository.js';

export type SyncRun = typeof rosterSyncRuns.$inferSelect;

/** Big rosters are written in statements of this many rows (well under PostgreSQL's parameter limit). */
const CHUNK = 500;

/**
 * Takes the context's lease when nobody holds it or the holder's lease ran out. One atomic
 * statement, so of two racing callers exactly one sees its own holder id come back.
 */
export async function acquireLease(db: Db, tenantId: string, contextId: string, holder: string, leaseMs: number): Promise<boolean> {
  const until = sql`now() + ${`${leaseMs} milliseconds`}::interval`;
  const rows = await db
    .insert(rosterSyncLeases)
    .values({ tenantId, contextId, holder, lockedUntil: until })
    .onConflictDoUpdate({
      target: [rosterSyncLeases.tenantId, rosterSyncLeases.contextId],
      set: { holder, lockedUntil: until },
      setWhere: lt(rosterSyncLeases.lockedUntil, sql`now()`),
    })
    .returning({ holder: rosterSyncLeases.holder });
  return rows[0]?.holder === holder;
}

export async function releaseLease(db: Db, tenantId: string, contextId: string, holder: string): Promise<void> {
  await db
    .delete(rosterSyncLeases)
    .where(and(eq(rosterSyncLeases.tenantId, tenantId), eq(rosterSyncLeases.contextId, contextId), eq(rosterSyncLeases.holder, holder)));
}

export async function startRun(db: Db, r: { tenantId: string; contextId: string; trigger: string; startedAt: Date }): Promise<string> {
  const [row] = await db.insert(rosterSyncRuns).values({ ...r, status: 'running' }).returning({ id: rosterSyncRuns.id });
  return row!.id;
}

export interface RunOutcome {
  status: 'succeeded' | 'failed';
  finishedAt: Date;
  pages: number;
  members: number;
  skipped: number;
  added: number;
  updated: number;
  deactivated: number;
  error: string | null;
}

export async function finishRun(db: DbOrTx, tenantId: string, runId: string, o: RunOutcome): Promise<void> {
  await db.update(rosterSyncRuns).set(o).where(and(eq(rosterSyncRuns.tenantId, tenantId), eq(rosterSyncRuns.id, runId)));
}

export async function listRuns(db: DbOrTx, tenantId: string, contextId: string, limit = 20): Promise<SyncRun[]> {
  return db
    .select()
    .from(rosterSyncRuns)
    .where(and(eq(rosterSyncRuns.tenantId, tenantId), eq(rosterSyncRuns.contextId, contextId)))
    .orderBy(desc(rosterSyncRuns.startedAt))
    .limit(limit);
}

export interface SyncTarget {
  tenantId: string;
  contextId: string;
  membershipsUrl: string | null;
  lastRosterSyncAt: Date | null;
}

/** Every context of an active tenant that carries an NRPS endpoint: what the scheduler walks. */
export async function listSyncableContexts(db: DbOrTx, tenantId?: string): Promise<SyncTarget[]> {
  return db
    .select({ tenantId: contexts.tenantId, contextId: contexts.id, membershipsUrl: contexts.membershipsUrl, lastRosterSyncAt: contexts.lastRosterSyncAt })
    .from(contexts)
    .innerJoin(tenants, eq(tenants.id, contexts.tenantId))
    .where(and(eq(tenants.active, true), isNotNull(contexts.membershipsUrl), tenantId ? eq(contexts.tenantId, tenantId) : undefined))
    .orderBy(contexts.lastRosterSyncAt);
}

/**
 * People upserted by sub; returns sub -> person id. A roster of thousands is mostly unchanged and
 * rewriting every row each sync was most of its cost, so known people are read first and only new
 * or changed ones are written (with the same never-blank-out rules as a launch).
 */
export async function upsertPeople(tx: DbOrTx, tenantId: string, persons: PersonInput[]): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  const known = new Map<string, typeof people.$inferSelect>();
  for (let i = 0; i < persons.length; i += CHUNK) {
    const subs = persons.slice(i, i + CHUNK).map((p) => p.sub);
    for (const r of await tx.select().from(people).where(and(eq(people.tenantId, tenantId), inArray(people.sub, subs)))) known.set(r.sub, r);
  }
  const toWrite = persons.filter((p) => {
    const k = known.get(p.sub);
    if (!k) return true;
    ids.set(p.sub, k.id);
    return personChanged(k, p);
  });
  for (let i = 0; i < toWrite.length; i += CHUNK) {
    const rows = await tx
      .insert(people)
      .values(
        toWrite.slice(i, i + CHUNK).map((p) => ({
          tenantId,
          sub: p.sub,
          name: personName(p),
          givenName: p.givenName ?? null,
          familyName: p.familyName ?? null,
          email: p.email ?? null,
          sisId: p.sisId ?? null,
        })),
      )
      .onConflictDoUpdate({ target: [people.tenantId, people.sub], set: personConflictSet })
      .returning({ id: people.id, sub: people.sub });
    for (const r of rows) ids.set(r.sub, r.id);
  }
  return ids;
}

export interface StoredMembership {
  id: string;
  personId: string;
  roles: string[];
  role: string;
  mentees: string[];
  status: string;
}

export async function contextMemberships(tx: DbOrTx, tenantId: string, contextId: string): Promise<StoredMembership[]> {
  return tx
    .select({ id: memberships.id, personId: memberships.personId, roles: memberships.roles, role: memberships.role, mentees: memberships.mentees, status: memberships.status })
    .from(memberships)
    .where(and(eq(memberships.tenantId, tenantId), eq(memberships.contextId, contextId)));
}

export interface MembershipRow {
  personId: string;
  roles: string[];
  role: string;
}

/**
 * Adds or reactivates memberships and changes roles, writing only rows that differ from `stored`;
 * mentees are left alone (NRPS does not carry role_scope_mentor, the launch does).
 */
export async function upsertMemberships(
  tx: DbOrTx,
  tenantId: string,
  contextId: string,
  rows: MembershipRow[],
  stored: Map<string, StoredMembership>,
  at: Date,
): Promise<{ added: number; updated: number }> {
  const added = rows.filter((r) => !stored.has(r.personId));
  const changed = rows.filter((r) => {
    const s = stored.get(r.personId);
    return s && (s.status !== 'active' || s.role !== r.role || !sameSet(s.roles, r.roles));
  });
  const toWrite = [...added, ...changed];
  for (let i = 0; i < toWrite.length; i += CHUNK) {
    await tx
      .insert(memberships)
      .values(toWrite.slice(i, i + CHUNK).map((r) => ({ tenantId, contextId, personId: r.personId, roles: r.roles, role: r.role, status: 'active', updatedAt: at })))
      .onConflictDoUpdate({
        target: [memberships.tenantId, memberships.contextId, memberships.personId],
        set: { roles: sql`excluded.roles`, role: sql`excluded.role`, status: 'active', updatedAt: at },
      });
  }
  return { added: added.length, updated: changed.length };
}

/** Members who left: inactive, never deleted, so their plans and history stay. */
export async function deactivateMemberships(tx: DbOrTx, tenantId: string, ids: string[], at: Date): Promise<void> {
  for (let i = 0; i < ids.length; i += CHUNK) {
    await tx
      .update(memberships)
      .set({ status: 'inactive', updatedAt: at })
      .where(and(eq(memberships.tenantId, tenantId), inArray(memberships.id, ids.slice(i, i + CHUNK))));
  }
}

export async function markSynced(tx: DbOrTx, tenantId: string, contextId: string, at: Date): Promise<void> {
  await tx.update(contexts).set({ lastRosterSyncAt: at }).where(and(eq(contexts.tenantId, tenantId), eq(contexts.id, contextId)));
}

/**
 * Over every syncable context of an active tenant: the oldest last successful sync, and how many
 * never synced (for /metrics: one number for the fleet, no context ids).
 */
export async function syncLag(db: DbOrTx): Promise<{ oldestSyncAt: Date | null; neverSynced: number }> {
  const [row] = await db
    .select({ oldest: sql<string | null>`min(${contexts.lastRosterSyncAt})`, never: sql<number>`count(*) filter (where ${contexts.lastRosterSyncAt} is null)::int` })
    .from(contexts)
    .innerJoin(tenants, eq(tenants.id, contexts.tenantId))
    .where(and(eq(tenants.active, true), isNotNull(contexts.membershipsUrl)));
  return { oldestSyncAt: row?.oldest ? new Date(row.oldest) : null, neverSynced: Number(row?.never ?? 0) };
}
