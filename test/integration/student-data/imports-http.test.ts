import { expect } from 'chai';
import path from 'node:path';
import { readFile, writeFile } from 'node:fs/promises';
import request from 'supertest';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../support/app.js';
import { asUser, ltikFor, seedSchool, type SeededSchool } from '../../support/school.js';
import { decoded } from '../../support/html.js';
import { queryRows } from '../../../src/db/client.js';
import { parseImportArgs, runImport, UsageError } from '../../../src/student-data/import-command.js';
import { fixture, tempDir } from '../../support/imports/files.js';

/**
 * Where imports are used: the admin's upload page, the SIS's push endpoint (a per-school token), the
 * command line, and an adult's manual entry. The test clock's today lies inside the fixtures' school year.
 */
describe('imports over HTTP, by push, by command line, and by hand', function () {
  this.timeout(60_000);
  let t: TestApp;
  let school: SeededSchool;
  let adminLtik: string;
  let advisorLtik: string;
  let dir: string;
  let remove: () => Promise<void>;

  before(async () => {
    t = await createTestApp({}, { now: new Date('2026-11-20T15:00:00Z') });
    school = await seedSchool(t.ctx);
    ({ dir, remove } = await tempDir());
    await t.ctx.roster.upsertPerson(school.tenantId, { sub: school.students[0].sub, name: school.students[0].name, sisId: 'S1001' });
    await t.ctx.roster.upsertPerson(school.tenantId, { sub: school.students[1].sub, name: school.students[1].name, sisId: 'S1002' });
    adminLtik = await ltikFor(t.ctx, school.admin, 'admin', school.advisoryId);
    advisorLtik = await ltikFor(t.ctx, school.advisor, 'advisor', school.advisoryId);
  });
  after(async () => {
    await remove();
    await t.ctx.shutdown?.();
  });

  const count = async (table: 'attendance_days' | 'incidents', tenantId = school.tenantId) =>
    (await queryRows<{ n: number }>(t.ctx.db, sql`select count(*)::int as n from ${sql.identifier(table)} where tenant_id = ${tenantId}`))[0]!.n;
  const runCount = async () => (await queryRows<{ n: number }>(t.ctx.db, sql`select count(*)::int as n from connector_runs where tenant_id = ${school.tenantId}`))[0]!.n;
  const upload = (ltik: string, kind: string, file: string) =>
    request(t.app).post('/admin/data/import').query({ ltik }).set('Accept', 'text/html').field('kind', kind).attach('file', file, { filename: 'attendance.csv', contentType: 'text/csv' });

  it('shows the admin the import page from the admin home, and nobody else', async () => {
    const admin = asUser(t.app, adminLtik);
    expect(decoded((await admin.get('/admin').expect(200)).text)).to.contain('href="/admin/data?ltik=');
    const page = decoded((await admin.get('/admin/data').expect(200)).text);
    expect(page).to.contain('Data imports');
    expect(page).to.contain('enctype="multipart/form-data"');
    expect(page).to.contain('No imports yet.');
    await asUser(t.app, advisorLtik).get('/admin/data').expect(403);
  });

  it('imports an uploaded file and lists what it did', async () => {
    const res = await upload(adminLtik, 'attendance', fixture('attendance-good.csv')).expect(200);
    const page = decoded(res.text);
    expect(page).to.contain('Daily attendance (CSV): 6 rows read, 5 written or changed, 1 students not known yet.');
    expect(page).to.contain('Line 7: the student is not known to the tool yet');
    expect(await count('attendance_days')).to.equal(5);
    // Listed among the recent imports, the unknown student's row with it (its line and reason only).
    expect(page).to.match(/Uploaded here<\/td>\s*<td>Imported<\/td>/);
    expect(page).not.to.contain('S9999');
  });

  it('refuses an uploaded file with bad rows (422), lists them, writes nothing', async () => {
    const before = await count('attendance_days');
    const res = await upload(adminLtik, 'attendance', fixture('attendance-bad.csv')).expect(422);
    const page = decoded(res.text);
    expect(page).to.contain('refused, nothing was written. Fix the 15 rows below');
    expect(page).to.contain('Line 8: status is not one of present, absent, tardy, excused.');
    expect(page).to.contain('Line 18: the row is not valid CSV (check its quotes).');
    expect(await count('attendance_days')).to.equal(before);
  });

  it('refuses an upload without a file or kind (400), and an advisor\'s upload (403), writing nothing', async () => {
    await request(t.app).post('/admin/data/import').query({ ltik: adminLtik }).set('Accept', 'text/html').field('kind', 'attendance').expect(400);
    await request(t.app).post('/admin/data/import').query({ ltik: adminLtik }).set('Accept', 'text/html').field('kind', 'grades').attach('file', fixture('attendance-good.csv')).expect(400);
    const runs = await runCount();
    await upload(advisorLtik, 'attendance', fixture('attendance-good.csv')).expect(403);
    expect(await runCount()).to.equal(runs);
  });

  let token = '';
  it('makes a push token, shown once; the page then only says one is set', async () => {
    const res = await asUser(t.app, adminLtik).post('/admin/data/push-token').expect(200);
    token = /id="push-token">([^<]+)</.exec(res.text)![1]!;
    expect(token).to.match(/^sp_[A-Za-z0-9_-]{40,}$/);
    const page = (await asUser(t.app, adminLtik).get('/admin/data').expect(200)).text;
    expect(page).not.to.contain(token);
    expect(page).to.contain('A push token is set.');
    // Kept as a hash only.
    const stored = await queryRows<{ secret: string }>(t.ctx.db, sql`select secret from connector_settings where tenant_id = ${school.tenantId} and kind = 'push'`);
    expect(stored[0]!.secret).not.to.contain(token);
  });

  it('refuses a push without the school\'s token (401) and writes nothing, not even a run', async () => {
    const body = await readFile(fixture('incidents-good.csv'));
    const runs = await runCount();
    const push = (auth?: string, tenantId = school.tenantId) => {
      const r = request(t.app).post(`/api/push/${tenantId}/incidents`).set('Content-Type', 'text/csv');
      return (auth ? r.set('Authorization', auth) : r).send(body);
    };
    await push().expect(401);
    await push('Bearer sp_wrong').expect(401);
    await push(`Basic ${token}`).expect(401);
    // The right token for another school is still the wrong one.
    await push(`Bearer ${token}`, school.other.tenantId).expect(401);
    await push(`Bearer ${token}`, 'not-a-tenant').expect(401);
    expect(await count('incidents')).to.equal(0);
    expect(await runCount()).to.equal(runs);
    expect(t.logs.text()).to.contain('import push refused');
    expect(t.logs.text()).not.to.contain(token);
  });

  it('takes a push with the token: JSON result, marked as pushed; a refused push says why (422)', async () => {
    const res = await request(t.app).post(`/api/push/${school.tenantId}/incidents`).set('Authorization', `Bearer ${token}`).set('Content-Type', 'text/csv').send(await readFile(fixture('incidents-good.csv'))).expect(200);
    expect(res.body).to.deep.include({ status: 'imported', rows: 3, upserted: 3, unmatched: 0 });
    expect((await queryRows<{ source: string }>(t.ctx.db, sql`select distinct source from incidents where tenant_id = ${school.tenantId}`)).map((r) => r.source)).to.deep.equal(['push']);
    const bad = await request(t.app).post(`/api/push/${school.tenantId}/incidents`).set('Authorization', `Bearer ${token}`).set('Content-Type', 'text/csv').send(await readFile(fixture('incidents-bad.csv'))).expect(422);
    expect(bad.body.status).to.equal('refused');
    expect(bad.body.badRows[0]).to.deep.equal({ line: 3, reason: 'duplicate' });
    await request(t.app).post(`/api/push/${school.tenantId}/grades`).set('Authorization', `Bearer ${token}`).send('x').expect(404);
  });

  it('a new token stops the old one', async () => {
    await asUser(t.app, adminLtik).post('/admin/data/push-token').expect(200);
    await request(t.app).post(`/api/push/${school.tenantId}/incidents`).set('Authorization', `Bearer ${token}`).set('Content-Type', 'text/csv').send('x').expect(401);
  });

  it('imports from the command line, and refuses a bad command before it opens anything', async () => {
    const file = path.join(dir, 'cli.csv');
    await writeFile(file, 'student_id,date,status\nS1002,2026-10-01,tardy\n');
    const args = await parseImportArgs(['--tenant', school.tenantId, '--kind', 'attendance', file]);
    expect(args).to.deep.equal({ help: false, tenantId: school.tenantId, kind: 'attendance', file });
    const lines: string[] = [];
    expect(await runImport(t.ctx.dataImports, args as { tenantId: string; kind: 'attendance'; file: string }, (l) => lines.push(l))).to.equal(0);
    expect(lines[0]).to.match(/^Imported \(run [0-9a-f-]+\): 1 rows read, 1 written or changed, 0 students not known yet\.$/);
    const refused: string[] = [];
    expect(await runImport(t.ctx.dataImports, { tenantId: school.tenantId, kind: 'attendance', file: fixture('attendance-wrong-header.csv') }, (l) => refused.push(l))).to.equal(1);
    expect(refused).to.include('  Line 1: the header has no student_id column.');
    for (const argv of [['--kind', 'attendance', file], ['--tenant', school.tenantId, '--kind', 'grades', file], ['--tenant', school.tenantId, '--kind', 'attendance'], ['--tenant', school.tenantId, '--kind', 'attendance', path.join(dir, 'missing.csv')], ['--bogus']]) {
      let err: unknown;
      await parseImportArgs(argv).catch((e: unknown) => (err = e));
      expect(err, argv.join(' ')).to.be.instanceOf(UsageError);
    }
  });

  it('lets an advisor enter a day and an incident by hand: marked manual, by them, audited; the student may not', async () => {
    const student = school.students[2];
    const advisor = asUser(t.app, advisorLtik);
    const page = decoded((await advisor.get(`/students/${student.id}/data-entry`).expect(200)).text);
    expect(page).to.contain(`Enter attendance or an incident for ${student.name}`);
    await advisor.post(`/students/${student.id}/data-entry/attendance`, { day: '2026-11-19', status: 'absent', _once: crypto.randomUUID() }).expect(303);
    const once = crypto.randomUUID();
    await advisor.post(`/students/${student.id}/data-entry/incidents`, { day: '2026-11-18', category: 'disruption', severity: 'minor', consequence: 'detention', suspensionDays: '', _once: once }).expect(303);
    const rows = await queryRows<{ status: string; source: string; entered_by: string }>(t.ctx.db, sql`select status, source, entered_by from attendance_days where tenant_id = ${school.tenantId} and person_id = ${student.id}`);
    expect(rows).to.deep.equal([{ status: 'absent', source: 'manual', entered_by: school.advisor.id }]);
    const incidents = await queryRows<{ source: string; entered_by: string; external_id: string }>(t.ctx.db, sql`select source, entered_by, external_id from incidents where tenant_id = ${school.tenantId} and person_id = ${student.id}`);
    expect(incidents).to.deep.equal([{ source: 'manual', entered_by: school.advisor.id, external_id: once }]);
    const audit = await queryRows<{ entity: string; action: string }>(t.ctx.db, sql`select e.entity, e.action from audit_events e join audit_event_students s on s.event_id = e.id where e.tenant_id = ${school.tenantId} and s.student_id = ${student.id} and e.entity in ('attendance_day', 'incident') order by e.entity`);
    expect(audit).to.deep.equal([{ entity: 'attendance_day', action: 'update' }, { entity: 'incident', action: 'create' }]);
  });

  it('refuses a bad entry with its errors (400), a day outside the school year, and strangers (404) before reading the form', async () => {
    const student = school.students[2];
    const advisor = asUser(t.app, advisorLtik);
    const bad = decoded((await advisor.post(`/students/${student.id}/data-entry/attendance`, { day: '2026-11-25', status: 'absent', _once: crypto.randomUUID() }).expect(400)).text);
    expect(bad).to.contain('Enter a date no later than today.');
    const bad2 = decoded((await advisor.post(`/students/${student.id}/data-entry/incidents`, { day: '2026-11-18', category: '', severity: 'huge', _once: crypto.randomUUID() }).expect(400)).text);
    expect(bad2).to.contain('Enter a category.');
    const studentLtik = await ltikFor(t.ctx, school.students[0], 'student', school.advisoryId);
    await asUser(t.app, studentLtik).post(`/students/${school.students[0].id}/data-entry/attendance`, { day: 'x', status: 'absent', _once: crypto.randomUUID() }).expect(403);
    await asUser(t.app, studentLtik).post(`/students/${student.id}/data-entry/attendance`, { day: '2026-11-19', status: 'absent', _once: crypto.randomUUID() }).expect(404);
    await advisor.post(`/students/${school.other.student.id}/data-entry/attendance`, { day: '2026-11-19', status: 'absent', _once: crypto.randomUUID() }).expect(404);
    expect(await count('attendance_days', school.other.tenantId)).to.equal(0);
  });
});
