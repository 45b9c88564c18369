import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import type { PGlite, Transaction } from '@electric-sql/pglite';
import { from as copyFrom } from 'pg-copy-streams';
import type { Db } from '../db/client.js';

/**
 * The database side of file imports. A file's rows go first into a staging table of the session's own
 * (a temporary table on one connection), streamed as they are parsed: COPY on PostgreSQL, batched
 * inserts on the embedded database (PGlite has no COPY from a stream). The students are matched
 * between the two steps; then one transaction writes the school's tables from the staging table with
 * set-based upserts (INSERT ... SELECT ... ON CONFLICT), so nothing of a file lands unless all of it does.
 */

type Value = string | number | null;
interface Result {
  rows: Record<string, unknown>[];
  count: number;
}
type Query = (text: string, params?: Value[]) => Promise<Result>;

/** A long statement is expected here (millions of rows): the pool's 30-second limit is for requests. */
const LONG_STATEMENT_MS = 60 * 60_000;
/** Rows per insert statement on PGlite: well under PostgreSQL's 65,535 parameters. */
const PGLITE_BATCH = 500;

export interface ImportSession {
  /** A staging table of these text columns (plus the file's line number), gone when the session closes. */
  stage(columns: readonly string[]): Promise<StagingTable>;
  /** One transaction on the session's connection: all of `work` lands, or none of it. */
  transaction<T>(work: (q: Query) => Promise<T>): Promise<T>;
  query: Query;
  close(): Promise<void>;
}

export interface StagingTable {
  name: string;
  /**
   * Streams rows in (each row's values in the table's column order, the line first), then analyses the
   * table; `more` when other loads follow (rows loaded a page at a time): `analyze` after the last one.
   */
  load(rows: AsyncIterable<Value[]> | Iterable<Value[]>, more?: 'more'): Promise<number>;
  analyze(): Promise<void>;
}

/** COPY's text format: backslash, tab and line breaks escaped, \N for null. */
const copyValue = (v: Value) => (v === null ? '\\N' : String(v).replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!));

async function* copyLines(rows: AsyncIterable<Value[]> | Iterable<Value[]>, counter: { n: number }): AsyncGenerator<string> {
  let batch = '';
  for await (const row of rows) {
    counter.n++;
    batch += `${row.map(copyValue).join('\t')}\n`;
    if (batch.length >= 65_536) {
      yield batch;
      batch = '';
    }
  }
  if (batch) yield batch;
}

const tableName = () => `import_stage_${randomBytes(6).toString('hex')}`;
const ddl = (name: string, columns: readonly string[]) => `create temporary table ${name} (line integer not null, ${columns.map((c) => `${c} text`).join(', ')})`;

/** A session on the app's database, scoped as the caller is (its tenant), on one connection. */
export async function openImportSession(db: Db, driver: 'pglite' | 'postgres'): Promise<ImportSession> {
  const client = (db as unknown as { $client: unknown }).$client;
  return driver === 'postgres' ? postgresSession(client as { connect(): Promise<pg.PoolClient> }) : pgliteSession(client as Pick<PGlite, 'query' | 'transaction'>);
}

async function postgresSession(pool: { connect(): Promise<pg.PoolClient> }): Promise<ImportSession> {
  // The scoped pool applies the caller's tenant to the connection it hands out (src/db/scoped-connections.ts).
  const client = await pool.connect();
  const tables: string[] = [];
  const query: Query = async (text, params = []) => {
    const r = await client.query({ text, values: params, query_timeout: LONG_STATEMENT_MS } as pg.QueryConfig);
    return { rows: r.rows as Record<string, unknown>[], count: r.rowCount ?? 0 };
  };
  return {
    query,
    async stage(columns) {
      const name = tableName();
      await query(ddl(name, columns));
      tables.push(name);
      // A temporary table has no statistics until analysed: without them the planner guesses the
      // join with the students' map wrong for millions of rows.
      const analyze = async () => {
        await query(`analyze ${name}`);
      };
      return {
        name,
        async load(rows, more) {
          const counter = { n: 0 };
          const copy = client.query(
            Object.assign(copyFrom(`copy ${name} (line, ${columns.join(', ')}) from stdin`), { query_timeout: LONG_STATEMENT_MS }),
          );
          await pipeline(Readable.from(copyLines(rows, counter)), copy);
          if (!more) await analyze();
          return counter.n;
        },
        analyze,
      };
    },
    async transaction(work) {
      await query('begin');
      try {
        const result = await work(query);
        await query('commit');
        return result;
      } catch (err) {
        await client.query('rollback').catch(() => undefined);
        throw err;
      }
    },
    async close() {
      try {
        for (const t of tables) await client.query(`drop table if exists ${t}`);
        client.release();
      } catch (err) {
        // A connection that cannot drop its tables is not given back: the pool ends it (and its tables).
        client.release(err instanceof Error ? err : true);
      }
    },
  };
}

async function pgliteSession(client: Pick<PGlite, 'query' | 'transaction'>): Promise<ImportSession> {
  // The embedded database has one connection, behind a queue (src/db/scoped-connections.ts): a
  // temporary table lives on it between statements, and other requests' queries take turns with ours.
  const tables: string[] = [];
  const run = async (q: Pick<Transaction, 'query'>, text: string, params: Value[] = []): Promise<Result> => {
    const r = await q.query<Record<string, unknown>>(text, params);
    return { rows: r.rows, count: r.affectedRows ?? 0 };
  };
  const query: Query = (text, params) => run(client, text, params);
  return {
    query,
    async stage(columns) {
      const name = tableName();
      await query(ddl(name, columns));
      tables.push(name);
      const analyze = async () => {
        await query(`analyze ${name}`);
      };
      const width = columns.length + 1;
      const insert = (n: number) =>
        `insert into ${name} (line, ${columns.join(', ')}) values ${Array.from({ length: n }, (_, r) => `(${Array.from({ length: width }, (_, c) => `$${r * width + c + 1}`).join(', ')})`).join(', ')}`;
      return {
        name,
        async load(rows, more) {
          let n = 0;
          let batch: Value[][] = [];
          const flush = async () => {
            if (batch.length === 0) return;
            await query(insert(batch.length), batch.flat());
            batch = [];
          };
          for await (const row of rows) {
            n++;
            batch.push(row);
            if (batch.length >= PGLITE_BATCH) await flush();
          }
          await flush();
          if (!more) await analyze();
          return n;
        },
        analyze,
      };
    },
    transaction: (work) => client.transaction((tx) => work((text, params) => run(tx, text, params))),
    async close() {
      for (const t of tables) await query(`drop table if exists ${t}`).catch(() => undefined);
    },
  };
}

/** The students of a staging table (its `student` column) who have a person in the map table: how many rows, and the first lines of the others. */
export async function unmatchedLines(q: Query, stage: string, map: string, limit: number): Promise<{ lines: number[]; rows: number; students: number }> {
  const missing = `from ${stage} s where not exists (select 1 from ${map} m where m.student = s.student)`;
  const [{ rows: counts }, { rows: lines }] = [await q(`select count(*)::int as rows, count(distinct s.student)::int as students ${missing}`), await q(`select s.line ${missing} order by s.line limit ${Number(limit)}`)];
  return { lines: lines.map((r) => Number(r.line)), rows: Number(counts[0]?.rows ?? 0), students: Number(counts[0]?.students ?? 0) };
}

/**
 * The students of a staging table of one row per student (student, label), in pages of `size` by id:
 * matching takes a page at a time, so a district's students are never all in memory at once.
 */
export async function* stagedStudents(q: Query, stage: string, size: number): AsyncGenerator<{ externalId: string; label: string }[]> {
  await q(`create index on ${stage} (student)`);
  let after = '';
  for (;;) {
    const { rows } = await q(`select student, label from ${stage} where student > $1 order by student limit ${Number(size)}`, [after]);
    if (rows.length === 0) return;
    yield rows.map((r) => ({ externalId: String(r.student), label: String(r.label ?? '') }));
    after = String(rows.at(-1)!.student);
  }
}

/** The staged students (student, file, seen, first line) with no person in the map table: how many, and the first `limit` in the order they were seen. */
export async function unmatchedStudents(q: Query, stage: string, map: string, limit: number): Promise<{ lines: { line: number; file: string }[]; students: number }> {
  const missing = `from ${stage} s where not exists (select 1 from ${map} m where m.student = s.student)`;
  const { rows: counts } = await q(`select count(*)::int as students ${missing}`);
  const { rows: lines } = await q(`select s.line, s.file ${missing} order by s.seen::int limit ${Number(limit)}`);
  return { lines: lines.map((r) => ({ line: Number(r.line), file: String(r.file) })), students: Number(counts[0]?.students ?? 0) };
}

/** The first and last day of a file's rows (YYYY-MM-DD). */
export interface DaySpan {
  first: string;
  last: string;
}

const uniqueViolation = (err: unknown) => (err as { code?: unknown } | null)?.code === '23505';

/**
 * Attendance from the staging table (line, student, day, status), for matched students; unchanged days are left alone.
 * When none of the matched students has a day stored within the file's days (a school's first import
 * of a term, the largest one), the rows are plainly inserted: ON CONFLICT's speculative insertion costs
 * about a third more per row. A row written meanwhile by someone else (a manual entry) makes that
 * insert fail on the key; it is then undone to its savepoint and the upsert runs as for any re-import.
 */
export async function upsertAttendance(
  q: Query,
  tenantId: string,
  source: string,
  stage: string,
  map: string,
  at: Date,
  days?: DaySpan,
): Promise<{ upserted: number; personIds: string[]; fresh: boolean }> {
  const params = [tenantId, source, at.toISOString()];
  const insert = `insert into attendance_days (tenant_id, person_id, day, status, source, entered_by, updated_at)
     select $1::uuid, m.person_id::uuid, s.day::date, s.status, $2, null, $3::timestamptz from ${stage} s join ${map} m on m.student = s.student
     order by 2, 3`;
  if (days && !(await anyDayStored(q, tenantId, map, days))) {
    await q('savepoint fresh_days');
    try {
      const { count } = await q(insert, params);
      await q('release savepoint fresh_days');
      return { upserted: count, personIds: await matchedPeople(q, stage, map), fresh: true };
    } catch (err) {
      if (!uniqueViolation(err)) throw err;
      await q('rollback to savepoint fresh_days');
    }
  }
  const { count } = await q(
    `${insert}
     on conflict (tenant_id, person_id, day) do update set status = excluded.status, source = excluded.source, entered_by = null, updated_at = excluded.updated_at
     where (attendance_days.status, attendance_days.source) is distinct from (excluded.status, excluded.source)`,
    params,
  );
  return { upserted: count, personIds: await matchedPeople(q, stage, map), fresh: false };
}

/** Whether any matched student has a stored day within `days` (one index probe per student). */
async function anyDayStored(q: Query, tenantId: string, map: string, days: DaySpan): Promise<boolean> {
  const { rows } = await q(
    `select exists (select 1 from ${map} m join attendance_days a on a.tenant_id = $1::uuid and a.person_id = m.person_id::uuid and a.day between $2::date and $3::date) as stored`,
    [tenantId, days.first, days.last],
  );
  return rows[0]?.stored === true;
}

/** Incidents from the staging table, keyed by the file's incident id (so a re-import updates in place). */
export async function upsertIncidents(q: Query, tenantId: string, source: string, stage: string, map: string): Promise<{ upserted: number; personIds: string[] }> {
  const { count } = await q(
    `insert into incidents (tenant_id, person_id, external_id, day, category, severity, consequence, suspension_days, source, entered_by)
     select $1::uuid, m.person_id::uuid, s.incident_id, s.day::date, s.category, s.severity, s.consequence, s.suspension_days::numeric, $2, null
     from ${stage} s join ${map} m on m.student = s.student
     on conflict (tenant_id, source, external_id) do update set person_id = excluded.person_id, day = excluded.day, category = excluded.category,
       severity = excluded.severity, consequence = excluded.consequence, suspension_days = excluded.suspension_days
     where (incidents.person_id, incidents.day, incidents.category, incidents.severity, incidents.consequence, incidents.suspension_days)
       is distinct from (excluded.person_id, excluded.day, excluded.category, excluded.severity, excluded.consequence, excluded.suspension_days)`,
    [tenantId, source],
  );
  return { upserted: count, personIds: await matchedPeople(q, stage, map) };
}

/** Course standings (and the day's trend point) from the staging table (student, course_key, course_title, current_score, missing_count, late_count). */
export async function upsertCourseScores(q: Query, tenantId: string, source: string, stage: string, map: string, at: Date, day: string): Promise<{ upserted: number; personIds: string[] }> {
  const { count } = await q(
    `insert into course_scores (tenant_id, person_id, source, course_key, course_title, period_key, current_score, final_score, missing_count, late_count, observed_at, updated_at)
     select $1::uuid, m.person_id::uuid, $2, s.course_key, s.course_title, '', s.current_score::numeric, null, s.missing_count::int, s.late_count::int, $3::timestamptz, $3::timestamptz
     from ${stage} s join ${map} m on m.student = s.student
     on conflict (tenant_id, person_id, source, course_key, period_key) do update set course_title = excluded.course_title, current_score = excluded.current_score,
       final_score = excluded.final_score, missing_count = excluded.missing_count, late_count = excluded.late_count, observed_at = excluded.observed_at, updated_at = excluded.updated_at,
       ended_on = null
     where (course_scores.course_title, course_scores.current_score, course_scores.final_score, course_scores.missing_count, course_scores.late_count)
       is distinct from (excluded.course_title, excluded.current_score, excluded.final_score, excluded.missing_count, excluded.late_count)
       or course_scores.ended_on is not null`,
    [tenantId, source, at.toISOString()],
  );
  await q(
    `insert into course_score_days (tenant_id, person_id, source, course_key, day, current_score)
     select $1::uuid, m.person_id::uuid, $2, s.course_key, $3::date, s.current_score::numeric from ${stage} s join ${map} m on m.student = s.student
     on conflict (tenant_id, person_id, source, course_key, day) do update set current_score = excluded.current_score`,
    [tenantId, source, day],
  );
  return { upserted: count, personIds: await matchedPeople(q, stage, map) };
}

async function matchedPeople(q: Query, stage: string, map: string): Promise<string[]> {
  const { rows } = await q(`select distinct m.person_id from ${map} m where exists (select 1 from ${stage} s where s.student = m.student)`);
  return rows.map((r) => String(r.person_id));
}
