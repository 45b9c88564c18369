import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../support/app.js';
import { ltikFor, asUser } from '../../support/school.js';
import { decoded } from '../../support/html.js';
import { asSystem } from '../../../src/db/tenant-scope.js';
import { queryRows } from '../../../src/db/client.js';
import { setStaffGrant } from '../../../src/roster/roster.repository.js';
import { auditEvents, auditEventStudents } from '../../../src/audit/audit.tables.js';
import { t as text } from '../../../src/web/i18n.js';
import { FORGET_JOB, type StudentExport } from '../../../src/records-requests/records-requests.service.js';
import { schoolSnapshots } from '../../../src/dashboards/dashboards.tables.js';
import { studentDeletions } from '../../../src/records-requests/records-requests.tables.js';
import type { Person } from '../../../src/roster/roster.service.js';

/**
 * Tables whose person column never holds a student's own record, each with the reason. Every other
 * table with a `student_id` or `person_id` column must be in the export: a feature that adds one
 * without listing it in its `*-records.service.ts` fails here.
 */
const notExported: Record<string, string> = {
  // The audit log outlives the student (issue 14 item 7): ids only, never record text.
  audit_event_students: 'audit',
  // One-time form tokens (src/web/once.ts): no record text; they go with the person row (cascade).
  form_submissions: 'plumbing',
};

/** Every table of the database with a column naming a person, and that column (`people` names itself by id). */
async function personTables(t: TestApp): Promise<Map<string, string>> {
  const rows = await queryRows<{ table_name: string; column_name: string }>(
    t.ctx.db,
    sql`select table_name, column_name from information_schema.columns
        where table_schema = current_schema() and data_type = 'uuid' and column_name in ('student_id', 'person_id')`,
  );
  return new Map([['people', 'id'], ...rows.map((r) => [r.table_name, r.column_name] as [string, string])]);
}

/**
 * Records requests (issue 14 item 7, first slice) over HTTP: an admin exports one student of the
 * sample school (a term of history in every feature) as JSON and as a printable record; the export
 * holds every row of the student, table by table, as the database's own catalogue lists the tables.
 */
describe('records requests: a student export', function () {
  this.timeout(120_000);
  // A port of its own keeps this test's sandbox tenant apart from others on the shared database.
  const port = 40000 + Math.floor(Math.random() * 20000);
  const issuer = `http://127.0.0.1:${port}/sandbox`;
  let t: TestApp;
  let tenantId: string;
  let amara: Person;
  let admin: ReturnType<typeof asUser>;
  let counsellor: ReturnType<typeof asUser>;
  let counsellorPerson: Person;
  let adminPerson: Person;
  const system = <T>(fn: () => Promise<T>) => asSystem('tool', fn);
  const paths = (id: string) => ({ page: `/admin/students/${id}/records`, json: `/admin/students/${id}/records/export.json`, print: `/admin/students/${id}/records/print`, deletion: `/admin/students/${id}/records/deletion`, cancel: `/admin/students/${id}/records/deletion/cancel` });

  before(async () => {
    t = await createTestApp({ sandbox: true, baseUrl: `http://localhost:${port}` });
    tenantId = (await t.ctx.platforms.list()).find((x) => x.issuer === issuer)!.id;
    [amara] = await t.ctx.roster.findPeopleByName(tenantId, 'Amara Okafor', 2);
    expect(amara, 'the sample school has Amara').to.not.equal(undefined);
    const u = randomUUID().slice(0, 8);
    adminPerson = await t.ctx.roster.upsertPerson(tenantId, { sub: `records-admin-${u}`, name: `Records Admin ${u}` });
    admin = asUser(t.app, await ltikFor(t.ctx, adminPerson, 'admin', null));
    counsellorPerson = await t.ctx.roster.upsertPerson(tenantId, { sub: `records-counsellor-${u}`, name: `Records Counsellor ${u}` });
    await system(() => setStaffGrant(t.ctx.db, tenantId, counsellorPerson.id, { role: 'counsellor', schoolId: null }, true));
    counsellor = asUser(t.app, await ltikFor(t.ctx, counsellorPerson, 'advisor', null));
  });

  it('exports every row the student has, table by table as the database lists them', async () => {
    const res = await admin.get(paths(amara.id).json).expect(200).expect('content-type', /application\/json/);
    expect(res.headers['content-disposition']).to.match(/attachment/);
    const data = JSON.parse(res.text) as StudentExport;
    expect(data.studentId).to.equal(amara.id);
    const exported = new Map(Object.values(data.features).flatMap((tables) => Object.entries(tables)));

    const tables = await system(() => personTables(t));
    const withRows: string[] = [];
    for (const [table, column] of tables) {
      if (notExported[table]) continue;
      expect(exported.has(table), `${table} (${column}) is in the export: list it in its feature's *-records.service.ts`).to.equal(true);
      const [{ n }] = await system(() => queryRows<{ n: number }>(t.ctx.db, sql`select count(*)::int as n from ${sql.identifier(table)} where tenant_id = ${tenantId} and ${sql.identifier(column)} = ${amara.id}`)) as [{ n: number }];
      expect(exported.get(table), table).to.have.length(n);
      if (n > 0) withRows.push(table);
    }
    // The sample school gives Amara a term of history: the check above compared real rows, not empty lists.
    expect(withRows).to.include.members(['people', 'memberships', 'plans', 'goals', 'checkins']);
    // Rows that hang off the student's rows (a plan's entries, a goal's steps) come with them.
    expect(exported.get('plan_entries')!.length).to.be.greaterThan(0);
  });

  it('shows the readable record, printable, with the student and their rows', async () => {
    const page = decoded((await admin.get(paths(amara.id).page).expect(200)).text);
    expect(page).to.contain(text('recordsRequests.title', { name: amara.name })).and.to.contain(paths(amara.id).json).and.to.contain(paths(amara.id).print);
    const print = decoded((await admin.get(paths(amara.id).print).expect(200)).text);
    expect(print).to.contain('data-print-on-load').and.to.contain(amara.name).and.to.contain(text('recordsRequests.features.plans')).and.to.contain('plan_entries');
  });

  it('audits every export, and the audit log links an exact student to their records request', async () => {
    const before = await system(() => exportsOf(amara.id));
    await admin.get(paths(amara.id).json).expect(200);
    await admin.get(paths(amara.id).print).expect(200);
    expect(await system(() => exportsOf(amara.id))).to.equal(before + 2);
    const log = decoded((await admin.get(`/admin/audit?student=${amara.id}`).expect(200)).text);
    expect(log).to.contain(text('recordsRequests.link', { name: amara.name })).and.to.contain(paths(amara.id).page);
  });

  it('refuses anyone but an admin (403, audited), and a stranger id is not found', async () => {
    await counsellor.get(paths(amara.id).page).expect(403);
    await counsellor.get(paths(amara.id).json).expect(403);
    const denied = await system(() =>
      t.ctx.db.select().from(auditEvents).where(and(eq(auditEvents.tenantId, tenantId), eq(auditEvents.actorId, counsellorPerson.id), eq(auditEvents.action, 'denied'), eq(auditEvents.entity, 'recordsRequest'))),
    );
    expect(denied.length).to.be.greaterThanOrEqual(2);
    await admin.get(paths(randomUUID()).json).expect(404);
    await admin.get(paths('not-an-id').page).expect(404);
  });

  it('schedules a deletion with a reason and confirmation (400 without), and cancels it during the grace period', async () => {
    const bad = decoded((await admin.post(paths(amara.id).deletion, { reason: '  ', _once: randomUUID() }).expect(400)).text);
    expect(bad).to.contain(text('recordsRequests.errors.reasonEmpty')).and.to.contain(text('recordsRequests.errors.confirm'));
    expect(await system(() => scheduledFor(amara.id))).to.have.length(0);
    await counsellor.post(paths(amara.id).deletion, { reason: 'records request', confirm: 'yes', _once: randomUUID() }).expect(403);

    await admin.post(paths(amara.id).deletion, { reason: 'Family records request 2026-17', confirm: 'yes', _once: randomUUID() }).expect(303);
    const [scheduled] = await system(() => scheduledFor(amara.id));
    expect(scheduled!.dueAt.getTime() - t.clock.now().getTime()).to.equal(t.config.studentDeletionGraceDays * 24 * 3600_000);
    expect(decoded((await admin.get(paths(amara.id).page).expect(200)).text)).to.contain('Family records request 2026-17').and.to.contain(text('recordsRequests.deletion.cancel'));
    // A second schedule does not restart the grace period.
    await admin.post(paths(amara.id).deletion, { reason: 'again', confirm: 'yes', _once: randomUUID() }).expect(409);

    await admin.post(paths(amara.id).cancel).expect(303);
    expect(await system(() => scheduledFor(amara.id))).to.have.length(0);
    // The job still runs at the old time and finds nothing to do.
    t.clock.advance((t.config.studentDeletionGraceDays + 1) * 24 * 3600_000);
    await t.ctx.jobs.runDue([FORGET_JOB]);
    expect(await system(() => rowsNaming(amara.id))).to.not.deep.equal({});
    const audited = await system(() => auditOf(amara.id, 'student_deletion'));
    expect(audited.map((e) => e.action).sort()).to.deep.equal(['create', 'delete']);
  });

  it('deletes the student after the grace period in one job: no row of theirs in any table but the audit entry', async () => {
    // The clock moved a month on: a fresh launch.
    admin = asUser(t.app, await ltikFor(t.ctx, adminPerson, 'admin', null));
    await admin.post(paths(amara.id).deletion, { reason: 'Family records request 2026-18', confirm: 'yes', _once: randomUUID() }).expect(303);
    // Not yet: the grace period runs.
    t.clock.advance((t.config.studentDeletionGraceDays - 1) * 24 * 3600_000);
    await t.ctx.jobs.runDue([FORGET_JOB]);
    expect(await system(() => rowsNaming(amara.id))).to.have.property('people');
    t.clock.advance(2 * 24 * 3600_000);
    await system(() => t.ctx.dashboards.snapshotTenant(tenantId));
    const before = await system(() => snapshots());
    await t.ctx.jobs.runDue([FORGET_JOB]);
    admin = asUser(t.app, await ltikFor(t.ctx, adminPerson, 'admin', null));
    // Every uuid column of every table, not only the student columns: rows the student wrote elsewhere go too.
    expect(await system(() => rowsNaming(amara.id))).to.deep.equal({});
    const [deleted] = await system(() => auditOf(amara.id, 'student'));
    expect(deleted).to.include({ action: 'delete', actorRole: 'system', actorId: null });
    // The record's page is gone with the student.
    await admin.get(paths(amara.id).page).expect(404);

    // Aggregates: past weeks' snapshots are the district's history (counts, no ids) and stay as they were;
    // this week's, counted again from the students, holds exactly one student fewer.
    await system(() => t.ctx.dashboards.snapshotTenant(tenantId));
    const after = await system(() => snapshots());
    const thisWeek = [...before.keys()].map((k) => k.split('/')[1]!).sort().at(-1)!;
    const pastWeeks = (m: Map<string, number>) => [...m].filter(([k]) => !k.endsWith(thisWeek)).sort();
    const thisWeekStudents = (m: Map<string, number>) => [...m].filter(([k]) => k.endsWith(thisWeek)).reduce((n, [, v]) => n + v, 0);
    expect(pastWeeks(after)).to.deep.equal(pastWeeks(before));
    expect(thisWeekStudents(before) - thisWeekStudents(after)).to.equal(1);
  });

  /** Each school's stored weekly student count, by `schoolId/weekStart`. */
  async function snapshots(): Promise<Map<string, number>> {
    const rows = await t.ctx.db.select().from(schoolSnapshots).where(eq(schoolSnapshots.tenantId, tenantId));
    return new Map(rows.map((r) => [`${r.schoolId}/${r.weekStart}`, r.students]));
  }

  /** Tables (other than the audit log's) with a uuid column holding the id, and how many rows. */
  async function rowsNaming(id: string): Promise<Record<string, number>> {
    const columns = await queryRows<{ table_name: string; column_name: string }>(
      t.ctx.db,
      sql`select c.table_name, c.column_name from information_schema.columns c join information_schema.tables x on x.table_schema = c.table_schema and x.table_name = c.table_name
          where c.table_schema = current_schema() and x.table_type = 'BASE TABLE' and c.data_type = 'uuid' and c.table_name not in ('audit_events', 'audit_event_students')`,
    );
    const found: Record<string, number> = {};
    for (const c of columns) {
      const [{ n }] = (await queryRows<{ n: number }>(t.ctx.db, sql`select count(*)::int as n from ${sql.identifier(c.table_name)} where ${sql.identifier(c.column_name)} = ${id}`)) as [{ n: number }];
      if (n > 0) found[c.table_name] = (found[c.table_name] ?? 0) + n;
    }
    return found;
  }

  const scheduledFor = (id: string) => t.ctx.db.select().from(studentDeletions).where(and(eq(studentDeletions.tenantId, tenantId), eq(studentDeletions.studentId, id)));

  function auditOf(studentId: string, entity: string) {
    return t.ctx.db
      .select({ action: auditEvents.action, actorRole: auditEvents.actorRole, actorId: auditEvents.actorId })
      .from(auditEvents)
      .innerJoin(auditEventStudents, and(eq(auditEventStudents.tenantId, auditEvents.tenantId), eq(auditEventStudents.eventId, auditEvents.id)))
      .where(and(eq(auditEvents.tenantId, tenantId), eq(auditEvents.entity, entity), eq(auditEventStudents.studentId, studentId)));
  }

  async function exportsOf(studentId: string): Promise<number> {
    const rows = await t.ctx.db
      .select({ id: auditEvents.id })
      .from(auditEvents)
      .innerJoin(auditEventStudents, and(eq(auditEventStudents.tenantId, auditEvents.tenantId), eq(auditEventStudents.eventId, auditEvents.id)))
      .where(and(eq(auditEvents.tenantId, tenantId), eq(auditEvents.entity, 'records_request'), eq(auditEvents.action, 'read'), eq(auditEventStudents.studentId, studentId)));
    return rows.length;
  }
});
