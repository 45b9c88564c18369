import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../../src/db/client.js';
import { APP_ROLE, asSystem, outsideScope, withTenant } from '../../../src/db/tenant-scope.js';
import { testDatabase } from '../../support/db.js';

interface Row {
  id: string;
  tenant_id: string;
}

/**
 * Row-level security beneath the code's own tenant filters (issue 8): these queries forget their tenant
 * filter on purpose, and still see only the scope's tenant. Runs on PGlite, and on PostgreSQL with DATABASE_URL.
 */
describe('row-level security: a query without a tenant filter sees only its tenant', () => {
  let db: Db;
  const a = { tenant: randomUUID(), person: randomUUID(), plan: randomUUID() };
  const b = { tenant: randomUUID(), person: randomUUID(), plan: randomUUID() };

  async function addTenant(t: typeof a, name: string) {
    const issuer = `https://rls-${t.tenant}.example.test`;
    await db.execute(sql`insert into tenants (id, name, issuer, client_id, auth_login_url, access_token_url, jwks_url)
      values (${t.tenant}, ${name}, ${issuer}, 'c', ${`${issuer}/auth`}, ${`${issuer}/token`}, ${`${issuer}/jwks`})`);
    await db.execute(sql`insert into people (id, tenant_id, sub, name) values (${t.person}, ${t.tenant}, 'student-1', ${`${name} student`})`);
    await db.execute(sql`insert into plans (id, tenant_id, student_id, school_year) values (${t.plan}, ${t.tenant}, ${t.person}, '2026-27')`);
    const event = randomUUID();
    await db.execute(sql`insert into audit_events (id, tenant_id, actor_id, actor_role, action, entity) values (${event}, ${t.tenant}, ${t.person}, 'student', 'rls.test', 'plan')`);
    await db.execute(sql`insert into audit_event_students (tenant_id, event_id, student_id, at) values (${t.tenant}, ${event}, ${t.person}, now())`);
  }

  // No tenant filter, on purpose: what the database lets through is all there is.
  const unfiltered = (table: 'plans' | 'people' | 'tenants' | 'audit_events') => queryRows<Row>(db, sql`select * from ${sql.identifier(table)}`);
  const tenantsOf = (rows: Row[], column: 'tenant_id' | 'id' = 'tenant_id') => [...new Set(rows.map((r) => r[column]))];

  before(async () => {
    db = (await testDatabase()).db;
    await asSystem('tool', async () => {
      await addTenant(a, 'School A');
      await addTenant(b, 'School B');
    });
  });

  it('covers every table with a tenant_id column (and tenants): RLS enabled, forced, with a policy', async () => {
    const tables = await asSystem('tool', () =>
      queryRows<{ table_name: string; relrowsecurity: boolean; relforcerowsecurity: boolean; policies: number | string }>(
        db,
        sql`select t.table_name, c.relrowsecurity, c.relforcerowsecurity,
              (select count(*) from pg_policies p where p.schemaname = 'public' and p.tablename = t.table_name) as policies
            from information_schema.tables t
            join pg_class c on c.relname = t.table_name and c.relnamespace = 'public'::regnamespace
            where t.table_schema = 'public' and t.table_type = 'BASE TABLE'
              and (t.table_name = 'tenants' or exists (select 1 from information_schema.columns col
                   where col.table_schema = 'public' and col.table_name = t.table_name and col.column_name = 'tenant_id'))
            order by t.table_name`,
      ),
    );
    expect(tables.map((t) => t.table_name)).to.include.members(['tenants', 'plans', 'people', 'audit_events', 'form_submissions']);
    const uncovered = tables.filter((t) => !t.relrowsecurity || !t.relforcerowsecurity || Number(t.policies) < 1).map((t) => t.table_name);
    expect(uncovered, 'tenant tables without forced row-level security and a policy: run app_enforce_tenant_isolation() in the migration that adds them').to.deep.equal([]);
  });

  it('runs the app as a role the policies hold (not superuser, no BYPASSRLS), even when connected as a superuser', async () => {
    const [me] = await withTenant(a.tenant, () =>
      queryRows<{ current_user: string; session_is_super: boolean; rolsuper: boolean; rolbypassrls: boolean }>(
        db,
        sql`select current_user, (select rolsuper from pg_roles where rolname = session_user) as session_is_super, rolsuper, rolbypassrls from pg_roles where rolname = current_user`,
      ),
    );
    expect(me).to.include({ rolsuper: false, rolbypassrls: false });
    // Tests and CI connect as superusers: then the app must have switched to its role.
    if (me!.session_is_super) expect(me!.current_user).to.equal(APP_ROLE);
  });

  it("inside tenant A's scope: only A's rows from plans, people, audit_events and tenants", async () => {
    await withTenant(a.tenant, async () => {
      expect(tenantsOf(await unfiltered('plans'))).to.deep.equal([a.tenant]);
      expect(tenantsOf(await unfiltered('people'))).to.deep.equal([a.tenant]);
      expect(tenantsOf(await unfiltered('audit_events'))).to.deep.equal([a.tenant]);
      expect(tenantsOf(await unfiltered('tenants'), 'id')).to.deep.equal([a.tenant]);
      // Asking for B's plan by its id finds nothing either.
      expect(await queryRows(db, sql`select id from plans where id = ${b.plan}`)).to.deep.equal([]);
    });
    await withTenant(b.tenant, async () => {
      expect(tenantsOf(await unfiltered('plans'))).to.deep.equal([b.tenant]);
    });
  });

  it('outside any scope: no rows at all (fail closed)', async () => {
    await outsideScope(async () => {
      for (const table of ['plans', 'people', 'audit_events', 'tenants'] as const) expect(await unfiltered(table), table).to.deep.equal([]);
    });
  });

  it('as system (the few named paths): both tenants', async () => {
    const seen = await asSystem('tool', async () => tenantsOf(await unfiltered('plans')));
    expect(seen).to.include.members([a.tenant, b.tenant]);
  });

  it("refuses, in A's scope, to write a row for B or to move A's row to B; B's rows cannot be changed or deleted", async () => {
    await withTenant(a.tenant, async () => {
      const refused = async (query: ReturnType<typeof sql>) => {
        const err = await db.execute(query).then(
          () => undefined,
          (e: unknown) => e as { code?: string; cause?: { code?: string } },
        );
        // 42501: new row violates row-level security policy.
        expect(err?.code ?? err?.cause?.code, 'the write was accepted').to.equal('42501');
      };
      await refused(sql`insert into people (tenant_id, sub, name) values (${b.tenant}, 'intruder', 'x')`);
      await refused(sql`update plans set tenant_id = ${b.tenant} where id = ${a.plan}`);
      await db.execute(sql`update people set name = 'changed' where id = ${b.person}`);
      await db.execute(sql`delete from plans where id = ${b.plan}`);
    });
    const [bPerson] = await asSystem('tool', () => queryRows<{ name: string }>(db, sql`select name from people where id = ${b.person}`));
    expect(bPerson?.name).to.equal('School B student');
    expect(await asSystem('tool', () => queryRows(db, sql`select id from plans where id = ${b.plan}`))).to.have.length(1);
  });

  it('keeps concurrent scopes apart on one connection (PGlite) or a pool: queries and transactions interleaved', async () => {
    const seenBy = (t: typeof a) =>
      withTenant(t.tenant, async () => {
        const plain = tenantsOf(await unfiltered('plans'));
        const inTx = await db.transaction(async (tx) => {
          const first = tenantsOf(await queryRows<Row>(tx, sql`select * from plans`));
          await new Promise((resolve) => setImmediate(resolve));
          return [...first, ...tenantsOf(await queryRows<Row>(tx, sql`select * from people`))];
        });
        return [...new Set([...plain, ...inTx])];
      });
    const runs = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? seenBy(b) : seenBy(a))));
    runs.forEach((seen, i) => expect(seen, `run ${i}`).to.deep.equal([i % 2 ? b.tenant : a.tenant]));
  });
});
