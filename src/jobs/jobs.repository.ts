import { and, count, desc, eq, sql } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '../db/client.js';
import { jobs } from './jobs.tables.js';

export type JobRow = typeof jobs.$inferSelect;

export interface ClaimedJob {
  id: string;
  type: string;
  key: string;
  attempts: number;
}

const at = (d: Date) => sql`${d.toISOString()}::timestamptz`;

/**
 * Pending again at the earliest time asked for; done or failed jobs start over; a running job keeps
 * running and is marked to run again afterwards (what changed during the run is not lost).
 */
export async function enqueue(db: DbOrTx, type: string, key: string, runAfter: Date, now: Date, tenantId: string | null): Promise<void> {
  await enqueueAll(db, type, [{ key, tenantId }], runAfter, now);
}

/** `enqueue` for many keys of one type in one statement (the keys sent as one JSON parameter). */
export async function enqueueAll(db: DbOrTx, type: string, items: readonly { key: string; tenantId: string | null }[], runAfter: Date, now: Date): Promise<void> {
  if (items.length === 0) return;
  await db.execute(sql`
    insert into jobs (type, key, tenant_id, status, run_after, attempts, updated_at)
    select ${type}, k.key, k.tenant_id, 'pending', ${at(runAfter)}, 0, ${at(now)}
    from json_to_recordset(${JSON.stringify(items.map((i) => ({ key: i.key, tenant_id: i.tenantId })))}::json) as k(key text, tenant_id uuid)
    on conflict (type, key) do update set
      tenant_id = coalesce(excluded.tenant_id, jobs.tenant_id),
      run_after = case
        when jobs.status = 'pending' then least(jobs.run_after, excluded.run_after)
        when jobs.status = 'running' then jobs.run_after
        else excluded.run_after end,
      again_after = case when jobs.status = 'running' then least(coalesce(jobs.again_after, excluded.run_after), excluded.run_after) else jobs.again_after end,
      attempts = case when jobs.status in ('done', 'failed') then 0 else jobs.attempts end,
      status = case when jobs.status = 'running' then 'running' else 'pending' end,
      updated_at = excluded.updated_at`);
}

/**
 * Takes the next due job of the given types: a pending one whose time has come, or a running one whose
 * worker's lease ran out (that process died). One statement; `for update skip locked` lets concurrent
 * workers on PostgreSQL pass over a row another is taking instead of queueing behind it.
 */
export async function claimNext(db: DbOrTx, types: string[], worker: string, now: Date, leaseUntil: Date, tenantId?: string): Promise<ClaimedJob | undefined> {
  if (types.length === 0) return undefined;
  const ofTenant = tenantId ? sql`and tenant_id = ${tenantId}` : sql``;
  const [row] = await queryRows<ClaimedJob>(
    db,
    sql`
    update jobs set status = 'running', locked_by = ${worker}, locked_until = ${at(leaseUntil)}, attempts = attempts + 1, updated_at = ${at(now)}
    where id = (
      select id from jobs
      where type in (${sql.join(types.map((t) => sql`${t}`), sql`, `)})
        and ((status = 'pending' and run_after <= ${at(now)}) or (status = 'running' and locked_until < ${at(now)}))
        ${ofTenant}
      order by run_after
      limit 1
      for update skip locked)
    returning id, type, key, attempts`,
  );
  return row;
}

/**
 * Takes one key's job now, whatever its time, unless a live worker holds it: for work a person asked
 * for ("Publish now") that must not overlap the background run of the same key.
 */
export async function claimKey(db: DbOrTx, type: string, key: string, worker: string, now: Date, leaseUntil: Date, tenantId: string | null): Promise<ClaimedJob | undefined> {
  const [row] = await queryRows<ClaimedJob>(
    db,
    sql`
    insert into jobs (type, key, tenant_id, status, run_after, attempts, locked_by, locked_until, updated_at)
    values (${type}, ${key}, ${tenantId}, 'running', ${at(now)}, 1, ${worker}, ${at(leaseUntil)}, ${at(now)})
    on conflict (type, key) do update set
      tenant_id = coalesce(excluded.tenant_id, jobs.tenant_id), status = 'running', locked_by = excluded.locked_by, locked_until = excluded.locked_until, attempts = 1, updated_at = excluded.updated_at
      where not (jobs.status = 'running' and jobs.locked_until >= ${at(now)})
    returning id, type, key, attempts`,
  );
  return row;
}

/** Done, or pending again when it was enqueued during the run. Only the lease holder may finish it. */
export async function succeed(db: DbOrTx, id: string, worker: string, now: Date): Promise<boolean> {
  const rows = await queryRows<{ id: string }>(
    db,
    sql`
    update jobs set
      status = case when again_after is null then 'done' else 'pending' end,
      run_after = coalesce(again_after, run_after), again_after = null, attempts = 0,
      locked_by = null, locked_until = null, last_error = null, last_finished_at = ${at(now)}, updated_at = ${at(now)}
    where id = ${id} and locked_by = ${worker} and status = 'running'
    returning id`,
  );
  return rows.length > 0;
}

/**
 * Pending again at `retryAt` while attempts remain; after the last one, failed (or pending again at
 * once, with a fresh count, when it was enqueued during the run).
 */
export async function fail(db: DbOrTx, id: string, worker: string, errorClass: string, retryAt: Date, maxAttempts: number, now: Date): Promise<boolean> {
  const rows = await queryRows<{ id: string }>(
    db,
    sql`
    update jobs set
      status = case when attempts < ${maxAttempts} or again_after is not null then 'pending' else 'failed' end,
      run_after = case when attempts < ${maxAttempts} then ${at(retryAt)} else coalesce(again_after, run_after) end,
      attempts = case when attempts >= ${maxAttempts} and again_after is not null then 0 else attempts end,
      again_after = null, locked_by = null, locked_until = null, last_error = ${errorClass}, last_finished_at = ${at(now)}, updated_at = ${at(now)}
    where id = ${id} and locked_by = ${worker} and status = 'running'
    returning id`,
  );
  return rows.length > 0;
}

export async function find(db: DbOrTx, type: string, key: string): Promise<JobRow | undefined> {
  const [row] = await db.select().from(jobs).where(and(eq(jobs.type, type), eq(jobs.key, key)));
  return row;
}

/** How many jobs of each type are in each state (the queue's depth, for /metrics). */
export async function depth(db: DbOrTx): Promise<{ type: string; status: string; count: number }[]> {
  const rows = await db.select({ type: jobs.type, status: jobs.status, count: sql<number>`count(*)::int` }).from(jobs).groupBy(jobs.type, jobs.status);
  return rows.map((r) => ({ ...r, count: Number(r.count) }));
}

/** One school's jobs, most recently changed first, a page at a time, with the total for paging. */
export async function listForTenant(db: DbOrTx, tenantId: string, limit: number, offset: number): Promise<{ rows: JobRow[]; total: number }> {
  const rows = await db.select().from(jobs).where(eq(jobs.tenantId, tenantId)).orderBy(desc(jobs.updatedAt), jobs.id).limit(limit).offset(offset);
  const [total] = await db.select({ n: count() }).from(jobs).where(eq(jobs.tenantId, tenantId));
  return { rows, total: Number(total?.n ?? 0) };
}

export async function findForTenant(db: DbOrTx, tenantId: string, id: string): Promise<JobRow | undefined> {
  const [row] = await db.select().from(jobs).where(and(eq(jobs.tenantId, tenantId), eq(jobs.id, id)));
  return row;
}
