import { expect } from 'chai';
import path from 'node:path';
import { Readable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../support/app.js';
import { seedSchool, type SeededSchool } from '../../support/school.js';
import { queryRows } from '../../../src/db/client.js';
import { systemActor } from '../../../src/audit/audit.service.js';
import type { ImportKind } from '../../../src/student-data/imports.service.js';
import { openImportSession, upsertAttendance } from '../../../src/student-data/imports.repository.js';
import { exportFiles, fixture, tempDir, writeZip } from '../../support/imports/files.js';

const window = { firstDay: '2026-08-17', lastDay: '2027-06-11', today: '2026-11-20' };

/**
 * The import pipeline on the real database (PGlite, or PostgreSQL with DATABASE_URL): staged as it
 * streams (COPY on PostgreSQL), matched on the SIS id, written in one transaction, every run recorded.
 */
describe('file imports into student data', function () {
  this.timeout(60_000);
  let t: TestApp;
  let school: SeededSchool;
  let dir: string;
  let remove: () => Promise<void>;

  before(async () => {
    t = await createTestApp();
    school = await seedSchool(t.ctx);
    ({ dir, remove } = await tempDir());
    // The fixtures' SIS ids: S1001 and S1002 are known (their launches carried lis_person_sourcedid), S9999 is not.
    await t.ctx.roster.upsertPerson(school.tenantId, { sub: school.students[0].sub, name: school.students[0].name, sisId: 'S1001' });
    await t.ctx.roster.upsertPerson(school.tenantId, { sub: school.students[1].sub, name: school.students[1].name, sisId: 'S1002' });
    await t.ctx.roster.upsertPerson(school.tenantId, { sub: school.students[2].sub, name: school.students[2].name, sisId: 'S1003' });
  });
  after(async () => {
    await remove();
    await t.ctx.shutdown?.();
  });

  const run = (kind: ImportKind, file: string, trigger: 'upload' | 'cli' | 'push' = 'cli', tenantId = school.tenantId) =>
    t.ctx.dataImports.importFile({ tenantId, kind, trigger, file: { path: file }, actor: systemActor(tenantId), window });
  const attendance = (tenantId = school.tenantId) =>
    queryRows<{ person_id: string; day: string; status: string; source: string }>(t.ctx.db, sql`select person_id, day::text as day, status, source from attendance_days where tenant_id = ${tenantId} order by day, person_id`);
  const runs = (kind: string) =>
    queryRows<{ status: string; trigger: string; fetched: number; upserted: number; unmatched: number; rejected: number; error_class: string | null; bad_rows: unknown }>(
      t.ctx.db,
      sql`select status, trigger, fetched, upserted, unmatched, rejected, error_class, bad_rows from connector_runs where tenant_id = ${school.tenantId} and kind = ${kind} order by started_at, id`,
    );

  it('imports attendance, leaves unknown students out for review, and records the run', async () => {
    const out = await run('attendance', fixture('attendance-good.csv'));
    expect(out.status).to.equal('imported');
    expect(out.rows).to.equal(6);
    expect(out.upserted).to.equal(5);
    expect(out.unmatched).to.equal(1);
    expect(out.report.listed).to.deep.equal([{ line: 7, reason: 'unknownStudent' }]);
    const [a, b] = [school.students[0].id, school.students[1].id];
    expect(await attendance()).to.deep.equal(
      [
        { person_id: a, day: '2026-09-01', status: 'present', source: 'csv' },
        { person_id: b, day: '2026-09-01', status: 'absent', source: 'csv' },
        { person_id: a, day: '2026-09-02', status: 'tardy', source: 'csv' },
        { person_id: b, day: '2026-09-02', status: 'excused', source: 'csv' },
        { person_id: a, day: '2026-09-03', status: 'present', source: 'csv' },
      ].sort((x, y) => x.day.localeCompare(y.day) || x.person_id.localeCompare(y.person_id)),
    );
    const review = await queryRows<{ external_id: string; reason: string }>(t.ctx.db, sql`select external_id, reason from identity_reviews where tenant_id = ${school.tenantId} and source = 'sis'`);
    expect(review).to.deep.equal([{ external_id: 'S9999', reason: 'unmatched' }]);
    const [record] = await runs('attendance');
    expect(await runs('attendance')).to.have.length(1);
    expect(record).to.deep.include({ status: 'succeeded', trigger: 'cli', fetched: 6, upserted: 5, unmatched: 1, rejected: 0, error_class: null });
    expect(record!.bad_rows).to.deep.equal([{ line: 7, reason: 'unknownStudent' }]);
  });

  it('changes nothing on a re-import of the same file, and updates only what changed', async () => {
    const again = await run('attendance', fixture('attendance-good.csv'));
    expect(again).to.deep.include({ status: 'imported', upserted: 0 });
    const changed = path.join(dir, 'changed.csv');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(changed, 'student_id,date,status\nS1001,2026-09-01,absent\nS1002,2026-09-01,absent\n');
    expect((await run('attendance', changed)).upserted).to.equal(1);
    expect((await attendance()).filter((r) => r.day === '2026-09-01').map((r) => r.status)).to.deep.equal(['absent', 'absent']);
  });

  it('writes nothing of a file with a bad row, and records the refusal with every bad row', async () => {
    const before = await attendance();
    const out = await run('attendance', fixture('attendance-bad.csv'), 'upload');
    expect(out.status).to.equal('refused');
    expect(out.report.blocking).to.equal(15);
    expect(await attendance()).to.deep.equal(before);
    // The test clock stands still, so runs are told apart by their trigger: this is the one upload.
    const refused = (await runs('attendance')).find((r) => r.trigger === 'upload')!;
    expect(refused).to.deep.include({ status: 'failed', trigger: 'upload', upserted: 0, rejected: 15, error_class: 'ImportRefused' });
    expect((refused.bad_rows as { line: number }[]).map((r) => r.line)).to.include.members([3, 4, 18]);
    // No row text is stored: reasons and the format's own column names only.
    expect(JSON.stringify(refused.bad_rows)).not.to.match(/S1001|S1002|sick/);
  });

  it('imports incidents keyed by their id: a re-import updates in place', async () => {
    const out = await run('incidents', fixture('incidents-good.csv'));
    expect(out).to.deep.include({ status: 'imported', upserted: 3, unmatched: 0 });
    expect((await run('incidents', fixture('incidents-good.csv'))).upserted).to.equal(0);
    const rows = await queryRows<{ external_id: string; severity: string; suspension_days: string; source: string }>(
      t.ctx.db,
      sql`select external_id, severity, suspension_days::text, source from incidents where tenant_id = ${school.tenantId} order by external_id`,
    );
    expect(rows).to.deep.equal([
      { external_id: 'I-1', severity: 'minor', suspension_days: '0.0', source: 'csv' },
      { external_id: 'I-2', severity: 'major', suspension_days: '2.5', source: 'csv' },
      { external_id: 'I-3', severity: 'moderate', suspension_days: '0.0', source: 'csv' },
    ]);
  });

  it('takes a pushed stream as the SIS sends it, marked as pushed', async () => {
    const body = Readable.from([Buffer.from('student_id,date,status\nS1003,2026-09-04,absent\n')]);
    const out = await t.ctx.dataImports.importFile({ tenantId: school.tenantId, kind: 'attendance', trigger: 'push', file: { stream: body }, actor: systemActor(school.tenantId), window });
    expect(out).to.deep.include({ status: 'imported', upserted: 1 });
    expect((await attendance()).find((r) => r.person_id === school.students[2].id)).to.deep.include({ day: '2026-09-04', source: 'push' });
  });

  it('imports a OneRoster export: students matched, a current score per student and class', async () => {
    const zip = await writeZip(path.join(dir, 'oneroster.zip'), exportFiles('good'));
    const out = await run('oneroster', zip);
    expect(out).to.deep.include({ status: 'imported', upserted: 3, unmatched: 0 });
    const scores = await queryRows<{ person_id: string; course_key: string; course_title: string; current_score: string; missing_count: number; late_count: number; source: string }>(
      t.ctx.db,
      sql`select person_id, course_key, course_title, current_score::text, missing_count, late_count, source from course_scores where tenant_id = ${school.tenantId} order by course_key, course_scores.current_score`,
    );
    expect(scores).to.deep.equal([
      { person_id: school.students[0].id, course_key: 'C-ALG', course_title: 'Algebra I - Period 2', current_score: '82.50', missing_count: 1, late_count: 0, source: 'oneroster' },
      { person_id: school.students[1].id, course_key: 'C-ALG', course_title: 'Algebra I - Period 2', current_score: '100.00', missing_count: 0, late_count: 1, source: 'oneroster' },
      { person_id: school.students[0].id, course_key: 'C-BIO', course_title: 'Biology', current_score: '50.00', missing_count: 0, late_count: 0, source: 'oneroster' },
    ]);
    const points = await queryRows<{ n: number }>(t.ctx.db, sql`select count(*)::int as n from course_score_days where tenant_id = ${school.tenantId}`);
    expect(points[0]!.n).to.equal(3);
    expect((await run('oneroster', zip)).upserted).to.equal(0);
  });

  it('refuses a OneRoster export with bad rows and writes none of it', async () => {
    const zip = await writeZip(path.join(dir, 'bad.zip'), exportFiles('bad'));
    const before = await queryRows<{ n: number }>(t.ctx.db, sql`select count(*)::int as n from course_scores where tenant_id = ${school.tenantId}`);
    const out = await run('oneroster', zip);
    expect(out.status).to.equal('refused');
    expect(out.report.listed.every((r) => r.file)).to.equal(true);
    expect(await queryRows<{ n: number }>(t.ctx.db, sql`select count(*)::int as n from course_scores where tenant_id = ${school.tenantId}`)).to.deep.equal(before);
  });

  it('leaves a OneRoster export\'s unknown students out, each reported on the line it was first seen', async () => {
    const zip = await writeZip(path.join(dir, 'oneroster-elsewhere.zip'), exportFiles('good'));
    const out = await run('oneroster', zip, 'cli', school.other.tenantId);
    expect(out).to.deep.include({ status: 'imported', upserted: 0, unmatched: 3 });
    expect(out.report.listed).to.deep.equal([2, 3, 4].map((line) => ({ line, file: 'users.csv', reason: 'unknownStudent' })));
  });

  it('writes only the importing school\'s rows', async () => {
    const out = await run('attendance', fixture('attendance-good.csv'), 'cli', school.other.tenantId);
    expect(out).to.deep.include({ status: 'imported', upserted: 0, unmatched: 3 });
    expect(await attendance(school.other.tenantId)).to.deep.equal([]);
  });
  it('inserts a first import of its days plainly, and upserts once a day of them is stored, even one stored after the check', async () => {
    const person = await t.ctx.roster.upsertPerson(school.tenantId, { sub: 'plain-insert', name: 'Plain Insert' });
    const session = await openImportSession(t.ctx.db, process.env.DATABASE_URL ? 'postgres' : 'pglite');
    try {
      const write = async (rows: [string, string][], days: { first: string; last: string }) => {
        const stage = await session.stage(['student', 'day', 'status']);
        await stage.load(rows.map(([day, status], i) => [i + 2, 'X1', day, status]));
        const map = await session.stage(['student', 'person_id']);
        await map.load([[0, 'X1', person.id]]);
        return session.transaction((q) => upsertAttendance(q, school.tenantId, 'csv', stage.name, map.name, new Date(), days));
      };
      const days = () => queryRows<{ day: string; status: string }>(t.ctx.db, sql`select day::text as day, status from attendance_days where tenant_id = ${school.tenantId} and person_id = ${person.id} order by day`);
      expect(await write([['2026-10-05', 'present'], ['2026-10-06', 'absent']], { first: '2026-10-05', last: '2026-10-06' })).to.deep.include({ upserted: 2, fresh: true });
      expect(await write([['2026-10-05', 'present'], ['2026-10-06', 'absent']], { first: '2026-10-05', last: '2026-10-06' })).to.deep.include({ upserted: 0, fresh: false });
      // A span that misses the stored 2026-10-05, as a day someone stored between the check and the insert would: the insert meets the key, is undone, and the upsert runs.
      expect(await write([['2026-10-05', 'absent'], ['2026-10-07', 'tardy']], { first: '2026-10-07', last: '2026-10-07' })).to.deep.include({ upserted: 2, fresh: false });
      expect(await days()).to.deep.equal([
        { day: '2026-10-05', status: 'absent' },
        { day: '2026-10-06', status: 'absent' },
        { day: '2026-10-07', status: 'tardy' },
      ]);
    } finally {
      await session.close();
    }
  });
});
