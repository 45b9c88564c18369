import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { queryRows, type Db } from '../../../src/db/client.js';
import { projectRoot } from '../../../src/web/config.js';
import { testDatabase } from '../../support/db.js';

const migrationsFolder = path.join(projectRoot, 'src', 'db', 'migrations');

/**
 * Tables whose every row belongs to a tenant (tenant_id not null; tenants itself has none), from the catalog,
 * not from a list that could go stale. The job queue's tenant_id is nullable (installation-wide jobs), so
 * it is not keyed by tenant.
 */
async function tenantTables(db: Db): Promise<string[]> {
  const rows = await queryRows<{ table_name: string }>(
    db,
    sql`select table_name from information_schema.columns where table_schema = 'public' and column_name = 'tenant_id' and is_nullable = 'NO' order by table_name`,
  );
  return rows.map((r) => r.table_name);
}

interface KeyRow {
  table_name: string;
  kind: 'p' | 'f';
  target: string | null;
  columns: string[];
  target_columns: string[] | null;
}

/** Every primary and foreign key of the public schema, with its columns in key order. */
async function keys(db: Db): Promise<KeyRow[]> {
  return queryRows<KeyRow>(
    db,
    sql`select c.conrelid::regclass::text as table_name, c.contype as kind, c.confrelid::regclass::text as target,
          (select array_agg(a.attname::text order by k.ord) from unnest(c.conkey) with ordinality k(attnum, ord)
             join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.attnum) as columns,
          (select array_agg(a.attname::text order by k.ord) from unnest(c.confkey) with ordinality k(attnum, ord)
             join pg_attribute a on a.attrelid = c.confrelid and a.attnum = k.attnum) as target_columns
        from pg_constraint c join pg_namespace n on n.oid = c.connamespace
        where n.nspname = 'public' and c.contype in ('p', 'f')`,
  );
}

const pgCode = (err: unknown): string | undefined => {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
};

async function refused(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (err) {
    return pgCode(err);
  }
  return undefined;
}

/** The shape every tenant table must have: its key starts with the tenant; a reference to a tenant table carries it. */
async function expectTenantKeys(db: Db): Promise<void> {
  const tables = await tenantTables(db);
  expect(tables).to.include.members(['people', 'contexts', 'memberships', 'plans', 'plan_entries', 'goals', 'goal_steps', 'checkins', 'checkin_needs', 'ags_contexts', 'roster_sync_leases', 'form_submissions']);
  const all = await keys(db);
  for (const table of tables) {
    const pk = all.find((k) => k.kind === 'p' && k.table_name === table);
    expect(pk?.columns[0], `${table}: primary key starts with tenant_id`).to.equal('tenant_id');
  }
  const references = all.filter((k) => k.kind === 'f' && k.target !== 'tenants' && tables.includes(k.target!));
  expect(references.length).to.be.greaterThan(15);
  for (const fk of references) {
    const at = fk.columns.indexOf('tenant_id');
    expect(at, `${fk.table_name} -> ${fk.target}: the reference carries tenant_id`).to.be.at.least(0);
    expect(fk.target_columns![at], `${fk.table_name} -> ${fk.target}: tenant_id matches the target's tenant_id`).to.equal('tenant_id');
  }
  // Nothing references a tenant table by its id alone.
  expect(all.filter((k) => k.kind === 'f' && tables.includes(k.target!) && !k.columns.includes('tenant_id'))).to.deep.equal([]);
}

describe('tenant keys', () => {
  let db: Db;

  before(async () => {
    db = (await testDatabase()).db;
  });

  it('every tenant table is keyed by (tenant_id, ...) and every reference to one carries the tenant', async () => {
    await expectTenantKeys(db);
  });

  it("the database refuses a row that points at another tenant's row", async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    for (const id of [a, b]) {
      await db.execute(sql`insert into tenants (id, name, issuer, client_id, auth_login_url, access_token_url, jwks_url)
        values (${id}, 'School', ${`https://lms.example/${id}`}, 'client', 'https://lms.example/auth', 'https://lms.example/token', 'https://lms.example/jwks')`);
    }
    const student = randomUUID();
    const goal = randomUUID();
    await db.execute(sql`insert into people (id, tenant_id, sub) values (${student}, ${a}, 'student-a')`);
    await db.execute(sql`insert into goals (id, tenant_id, student_id, category, statement, status, created_by, created_by_role, updated_by)
      values (${goal}, ${a}, ${student}, 'academic', 'Pass Algebra', 'active', ${student}, 'student', ${student})`);
    const step = (tenantId: string) =>
      db.execute(sql`insert into goal_steps (tenant_id, goal_id, text, owner, created_by) values (${tenantId}, ${goal}, 'Ask for help', 'student', ${student})`);

    // Tenant B naming tenant A's goal (or A's student) is a foreign key violation, not a stray row.
    expect(await refused(step(b))).to.equal('23503');
    expect(await refused(db.execute(sql`insert into plans (tenant_id, student_id, school_year) values (${b}, ${student}, '2026-27')`))).to.equal('23503');
    // The same rows within tenant A are fine: it is the tenant that is refused.
    expect(await refused(step(a))).to.equal(undefined);
    const steps = await queryRows<{ tenant_id: string }>(db, sql`select tenant_id from goal_steps where goal_id = ${goal}`);
    expect(steps).to.deep.equal([{ tenant_id: a }]);
  });

  describe('migrating a database that already holds data', () => {
    const tenant = randomUUID();
    const [student, advisor, context, plan, goal, checkin] = [randomUUID(), randomUUID(), randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    let folder: string;
    let target: { db: Db; close: () => Promise<void>; migrate: (folder: string) => Promise<void> };

    /** The migrations folder as it stood at `tag` (the journal cut there). */
    function migrationsUpTo(tag: string): string {
      const dir = mkdtempSync(path.join(tmpdir(), 'migrations-'));
      cpSync(migrationsFolder, dir, { recursive: true });
      const journalPath = path.join(dir, 'meta', '_journal.json');
      const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] };
      const at = journal.entries.findIndex((e) => e.tag === tag);
      expect(at, tag).to.be.at.least(0);
      journal.entries = journal.entries.slice(0, at + 1);
      writeFileSync(journalPath, JSON.stringify(journal));
      return dir;
    }

    /** A database of its own (the shared one is already migrated): in memory, or a scratch database beside DATABASE_URL's. */
    async function scratchDatabase(): Promise<typeof target> {
      const url = process.env.DATABASE_URL;
      if (!url) {
        const client = new PGlite();
        const db = drizzlePglite(client) as unknown as Db;
        return { db, close: () => client.close(), migrate: (dir) => migratePglite(drizzlePglite(client), { migrationsFolder: dir }) };
      }
      const scratchUrl = new URL(url);
      const name = `keys_migration_${process.pid}`;
      scratchUrl.pathname = `/${name}`;
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      await admin.query(`drop database if exists ${name}`);
      await admin.query(`create database ${name}`);
      const pool = new pg.Pool({ connectionString: scratchUrl.toString(), max: 1 });
      const db = drizzlePg(pool) as unknown as Db;
      return {
        db,
        migrate: (dir) => migratePg(drizzlePg(pool), { migrationsFolder: dir }),
        close: async () => {
          await pool.end();
          await admin.query(`drop database if exists ${name}`);
          await admin.end();
        },
      };
    }

    before(async () => {
      folder = migrationsUpTo('0002_courses_kind_replaces_is_advisory');
      target = await scratchDatabase();
      await target.migrate(folder);
      const d = target.db;
      await d.execute(sql`insert into tenants (id, name, issuer, client_id, auth_login_url, access_token_url, jwks_url)
        values (${tenant}, 'School', 'https://lms.example', 'client', 'https://lms.example/auth', 'https://lms.example/token', 'https://lms.example/jwks')`);
      await d.execute(sql`insert into deployments (tenant_id, deployment_id) values (${tenant}, 'd1')`);
      await d.execute(sql`insert into people (id, tenant_id, sub) values (${student}, ${tenant}, 'student'), (${advisor}, ${tenant}, 'advisor')`);
      await d.execute(sql`insert into contexts (id, tenant_id, context_id, kind) values (${context}, ${tenant}, 'advisory-1', 'advisory')`);
      await d.execute(sql`insert into memberships (tenant_id, context_id, person_id, role) values (${tenant}, ${context}, ${student}, 'student'), (${tenant}, ${context}, ${advisor}, 'advisor')`);
      await d.execute(sql`insert into roster_sync_runs (tenant_id, context_id, trigger) values (${tenant}, ${context}, 'launch')`);
      await d.execute(sql`insert into roster_sync_leases (tenant_id, context_id, holder, locked_until) values (${tenant}, ${context}, 'process', now())`);
      await d.execute(sql`insert into ags_contexts (tenant_id, context_id) values (${tenant}, ${context})`);
      await d.execute(sql`insert into score_settings (tenant_id, publish_enabled) values (${tenant}, true)`);
      await d.execute(sql`insert into score_publish_runs (tenant_id, context_id, trigger, started_at) values (${tenant}, ${context}, 'manual', now())`);
      await d.execute(sql`insert into navigator_assignments (tenant_id, student_id, navigator_id) values (${tenant}, ${student}, ${advisor})`);
      await d.execute(sql`insert into plans (id, tenant_id, student_id, school_year) values (${plan}, ${tenant}, ${student}, '2026-27')`);
      await d.execute(sql`insert into plan_entries (tenant_id, plan_id, field_key, voice, text, author_id) values (${tenant}, ${plan}, 'strengths', 'student', 'Drawing', ${student})`);
      await d.execute(sql`insert into plan_revisions (tenant_id, plan_id, field_key, voice, old_text, new_text, author_id, plan_version) values (${tenant}, ${plan}, 'strengths', 'student', '', 'Drawing', ${student}, 1)`);
      await d.execute(sql`insert into plan_comments (tenant_id, plan_id, author_id, author_role, text) values (${tenant}, ${plan}, ${advisor}, 'advisor', 'Good start')`);
      await d.execute(sql`insert into goals (id, tenant_id, student_id, category, statement, status, created_by, created_by_role, updated_by)
        values (${goal}, ${tenant}, ${student}, 'academic', 'Pass Algebra', 'active', ${student}, 'student', ${student})`);
      await d.execute(sql`insert into goal_steps (tenant_id, goal_id, text, owner, created_by) values (${tenant}, ${goal}, 'Ask for help', 'student', ${student})`);
      await d.execute(sql`insert into goal_progress (tenant_id, goal_id, date, note, author_id, author_role) values (${tenant}, ${goal}, '2026-10-01', 'On track', ${student}, 'student')`);
      await d.execute(sql`insert into goal_suggestions (tenant_id, goal_id, text, author_id) values (${tenant}, ${goal}, 'Smaller steps', ${advisor})`);
      await d.execute(sql`insert into checkins (id, tenant_id, student_id, recorded_by, date, format, attended, week) values (${checkin}, ${tenant}, ${student}, ${advisor}, '2026-10-01', 'in_person', true, 5)`);
      await d.execute(sql`insert into checkin_needs (tenant_id, student_id, checkin_id, category, urgency, raised_by, raised_by_role) values (${tenant}, ${student}, ${checkin}, 'academic', 'concern', ${advisor}, 'advisor'),
        (${tenant}, ${student}, null, 'wellbeing', 'concern', ${student}, 'student')`);
      await d.execute(sql`insert into checkin_preps (tenant_id, student_id, week) values (${tenant}, ${student}, 5)`);
      await d.execute(sql`insert into form_submissions (tenant_id, person_id, token) values (${tenant}, ${student}, ${randomUUID()})`);
      await d.execute(sql`insert into audit_events (tenant_id, actor_role, action, entity) values (${tenant}, 'advisor', 'read', 'plan')`);
      await d.execute(sql`insert into lti_login_states (tenant_id, state, nonce, login_hint, target_link_uri, created_at, expires_at) values (${tenant}, 's', 'n', 'h', 'https://tool.example', now(), now())`);
    });

    after(async () => {
      await target?.close();
      if (folder) rmSync(folder, { recursive: true, force: true });
    });

    it('keeps every row, takes the new keys, and a removed student still takes their records along', async () => {
      await target.migrate(migrationsFolder);
      await expectTenantKeys(target.db);
      const count = async (table: string) => (await queryRows<{ n: number }>(target.db, sql`select count(*)::int as n from ${sql.identifier(table)}`))[0]!.n;
      const before = { memberships: 2, plan_entries: 1, goal_steps: 1, goal_progress: 1, checkin_needs: 2, ags_contexts: 1, roster_sync_leases: 1, form_submissions: 1, lti_login_states: 1 };
      for (const [table, n] of Object.entries(before)) expect(await count(table), table).to.equal(n);

      await target.db.execute(sql`delete from people where tenant_id = ${tenant} and id = ${student}`);
      for (const table of ['plans', 'plan_entries', 'goals', 'goal_steps', 'goal_progress', 'goal_suggestions', 'checkins', 'checkin_needs', 'checkin_preps', 'navigator_assignments', 'form_submissions']) {
        expect(await count(table), `${table} went with the student`).to.equal(0);
      }
      expect(await count('memberships')).to.equal(1);
      await target.db.execute(sql`delete from contexts where tenant_id = ${tenant} and id = ${context}`);
      for (const table of ['memberships', 'roster_sync_runs', 'roster_sync_leases', 'ags_contexts', 'score_publish_runs']) {
        expect(await count(table), `${table} went with the context`).to.equal(0);
      }
    });
  });
});
