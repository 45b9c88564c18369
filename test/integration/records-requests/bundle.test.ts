import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { parse } from 'csv-parse/sync';
import yauzl from 'yauzl';
import type { Response } from 'supertest';
import { createTestApp, type TestApp } from '../../support/app.js';
import { ltikFor, asUser, seedSchool, type SeededSchool } from '../../support/school.js';
import { decoded } from '../../support/html.js';
import { asSystem } from '../../../src/db/tenant-scope.js';
import { queryRows } from '../../../src/db/client.js';
import { auditEvents } from '../../../src/audit/audit.tables.js';
import { attendanceDays } from '../../../src/student-data/student-data.tables.js';
import { t as text } from '../../../src/web/i18n.js';
import { bundleDatasets } from '../../../src/records-requests/bundle.datasets.js';
import { BUNDLE_PAGE_SIZE } from '../../../src/records-requests/bundle.repository.js';
import type { DictionaryDataset } from '../../../src/records-requests/bundle.service.js';
import type { Person } from '../../../src/roster/roster.service.js';

const BUNDLE = '/admin/records/bundle';
const csvPath = (name: string) => `${BUNDLE}/csv/${name}`;

/** A CSV download as rows of cells, header first (the byte-order mark dropped). */
const csvRows = (body: string): string[][] => parse(body, { bom: true, relax_column_count: false }) as string[][];

/** supertest's body as bytes, whatever the type. */
const binary = (res: Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

/** The names of a zip's entries and the text of the ones asked for, read with yauzl from its central directory. */
function zipEntries(zip: Buffer, read: readonly string[]): Promise<{ names: string[]; texts: Map<string, string> }> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (err, file) => {
      if (err) return reject(err);
      const names: string[] = [];
      const texts = new Map<string, string>();
      file.on('entry', (entry: yauzl.Entry) => {
        names.push(entry.fileName);
        if (!read.includes(entry.fileName)) return file.readEntry();
        file.openReadStream(entry, (e, stream) => {
          if (e) return reject(e);
          const parts: Buffer[] = [];
          stream.on('data', (c: Buffer) => parts.push(c));
          stream.on('end', () => {
            texts.set(entry.fileName, Buffer.concat(parts).toString('utf8'));
            file.readEntry();
          });
        });
      });
      file.on('end', () => resolve({ names, texts }));
      file.on('error', reject);
      file.readEntry();
    });
  });
}

/**
 * The district-wide export bundle (issue 14 item 7) over HTTP: the sample school (a term of history in
 * every feature) beside another tenant; an admin reads the data dictionary in English and Spanish and
 * downloads each dataset as CSV, the bundle as JSON and as a zip; anyone else is refused and audited.
 */
describe('records requests: the district export bundle', function () {
  this.timeout(180_000);
  const port = 40000 + Math.floor(Math.random() * 20000);
  const issuer = `http://127.0.0.1:${port}/sandbox`;
  let t: TestApp;
  let tenantId: string;
  let other: SeededSchool;
  let adminPerson: Person;
  let admin: ReturnType<typeof asUser>;
  let adminEs: ReturnType<typeof asUser>;
  let formula: Person;
  const system = <T>(fn: () => Promise<T>) => asSystem('tool', fn);

  /** How many rows the dataset's table holds for the tenant, counted by the database itself. */
  const countIn = (table: string, tenant: string) =>
    system(async () => ((await queryRows<{ n: number }>(t.ctx.db, sql`select count(*)::int as n from ${sql.identifier(table)} where tenant_id = ${tenant}`))[0] as { n: number }).n);

  before(async () => {
    t = await createTestApp({ sandbox: true, baseUrl: `http://localhost:${port}` });
    tenantId = (await t.ctx.platforms.list()).find((x) => x.issuer === issuer)!.id;
    // Another district (and its own other tenant) on the same database: none of its rows may show.
    other = await system(() => seedSchool(t.ctx));
    const u = randomUUID().slice(0, 8);
    adminPerson = await t.ctx.roster.upsertPerson(tenantId, { sub: `bundle-admin-${u}`, name: `Bundle Admin ${u}` });
    admin = asUser(t.app, await ltikFor(t.ctx, adminPerson, 'admin', null));
    adminEs = asUser(t.app, await t.ctx.ltiks.issue({ tid: tenantId, pid: adminPerson.id, cid: null, role: 'admin', loc: 'es' }));
    // A name a spreadsheet would run as a formula (people write their own names in the LMS).
    formula = await t.ctx.roster.upsertPerson(tenantId, { sub: `bundle-formula-${u}`, name: `=HYPERLINK("http://evil.test","x${u}")` });
    // More attendance days than one page holds, over two students, so reading crosses pages on a composite key.
    const [a] = await t.ctx.roster.findPeopleByName(tenantId, 'Amara Okafor', 1);
    const [b] = await t.ctx.roster.findPeopleByName(tenantId, 'Liam', 1);
    const days = (n: number) => Array.from({ length: n }, (_, i) => new Date(Date.UTC(2001, 0, 1) + i * 86_400_000).toISOString().slice(0, 10));
    await system(() =>
      t.ctx.db.insert(attendanceDays).values([a!, b!].flatMap((p) => days(Math.ceil(BUNDLE_PAGE_SIZE / 2) + 3).map((day) => ({ tenantId, personId: p.id, day, status: 'present' as const, source: 'manual' as const })))).onConflictDoNothing(),
    );
  });

  it('shows an admin the data dictionary: every dataset, its columns, their type and meaning, in English and in Spanish', async () => {
    const page = decoded((await admin.get(BUNDLE).expect(200)).text);
    expect(page).to.contain(text('recordsBundle.title')).and.to.contain(text('recordsBundle.dictionary'));
    for (const d of bundleDatasets) {
      expect(page, d.name).to.contain(text(`recordsBundle.datasets.${d.name}`)).and.to.contain(`${csvPath(d.name)}?ltik=`);
      for (const c of d.columns) expect(page, `${d.name}.${c.name}`).to.contain(`data-column="${c.name}"`);
    }
    expect(page).to.contain(text('recordsBundle.columns.goals.statement')).and.to.contain(text('recordsBundle.types.instant'));
    // Links carry the ltik: the page works in the LMS frame without cookies.
    expect(page).to.contain(`${BUNDLE}/bundle.zip?ltik=`).and.to.contain(`${BUNDLE}/bundle.json?ltik=`);

    const es = decoded((await adminEs.get(BUNDLE).expect(200)).text);
    expect(es).to.contain(text('recordsBundle.title', {}, 'es')).and.to.contain(text('recordsBundle.datasets.goals', {}, 'es'));
    expect(es).to.contain(text('recordsBundle.columns.goals.statement', {}, 'es')).and.to.contain(text('recordsBundle.types.instant', {}, 'es'));
    expect(es).to.not.contain(text('recordsBundle.columns.goals.statement'));

    const home = decoded((await admin.get('/admin').expect(200)).text);
    expect(home).to.contain(`${BUNDLE}?ltik=`).and.to.contain(text('recordsBundle.homeLink'));
  });

  it("holds exactly the school's rows in a dataset's CSV, never another tenant's", async () => {
    const res = await admin.get(csvPath('people')).expect(200).expect('content-type', /text\/csv/);
    expect(res.headers['content-disposition']).to.match(/attachment; filename="?people-\d{4}-\d\d-\d\d\.csv"?$/);
    const [header, ...rows] = csvRows(res.text);
    const ids = rows.map((r) => r[header!.indexOf('id')]!);
    const inDb = await system(() => queryRows<{ id: string }>(t.ctx.db, sql`select id from people where tenant_id = ${tenantId}`));
    expect(ids).to.have.members(inDb.map((r) => r.id));
    for (const p of [other.admin, other.students[0], other.other.student]) expect(ids).to.not.include(p.id);
    expect(header).to.not.include('tenant_id');

    // A dataset read over more than one page, by a composite key: every row once.
    const att = csvRows((await admin.get(csvPath('attendance_days')).expect(200)).text);
    expect(att.length - 1).to.equal(await countIn('attendance_days', tenantId)).and.to.be.greaterThan(BUNDLE_PAGE_SIZE);
    const keys = att.slice(1).map((r) => `${r[0]}/${r[1]}`);
    expect(new Set(keys).size).to.equal(keys.length);
    // The other district's courses are not in this one's.
    const courses = csvRows((await admin.get(csvPath('contexts')).expect(200)).text);
    expect(courses.slice(1).map((r) => r[0])).to.not.include(other.advisoryId).and.to.not.include(other.other.contextId);
  });

  it('escapes a cell that starts like a spreadsheet formula', async () => {
    const [header, ...rows] = csvRows((await admin.get(csvPath('people')).expect(200)).text);
    const row = rows.find((r) => r[header!.indexOf('id')] === formula.id)!;
    expect(row[header!.indexOf('name')]).to.equal(`'${formula.name}`);
    // No text cell anywhere starts like a formula.
    for (const r of rows) for (const cell of r) expect(cell).to.not.match(/^[=+@\t\r]/);
  });

  it('streams the whole bundle as JSON that parses, each dataset holding as many rows as the database', async () => {
    const res = await admin.get(`${BUNDLE}/bundle.json`).expect(200).expect('content-type', /application\/json/);
    const bundle = JSON.parse(res.text) as { format: string; exportedAt: string; dictionary: DictionaryDataset[]; datasets: Record<string, Record<string, unknown>[]> };
    expect(bundle.exportedAt).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Object.keys(bundle.datasets)).to.deep.equal(bundleDatasets.map((d) => d.name));
    const withRows: string[] = [];
    for (const d of bundleDatasets) {
      const n = await countIn(d.name, tenantId);
      expect(bundle.datasets[d.name], d.name).to.have.length(n);
      if (n > 0) withRows.push(d.name);
    }
    // The sample school's term of history: the counts compared were real rows.
    expect(withRows).to.include.members(['people', 'memberships', 'plans', 'plan_entries', 'goals', 'goal_steps', 'checkins', 'checkin_needs', 'referrals', 'supports', 'student_indicators']);
    // Instants in ISO; no secret-looking column in any dataset.
    const plan = bundle.datasets.plans![0]!;
    expect(plan.created_at).to.match(/Z$/);
    for (const d of bundle.dictionary) {
      expect(d.name).to.not.match(/audit|session|token|secret|key/);
      for (const c of d.columns) expect(c.name, `${d.name}.${c.name}`).to.not.match(/password|token|secret|hash|cookie|session_id|sealed|tenant_id/);
    }
  });

  it('zips one CSV per dataset with the dictionary and a README', async () => {
    const res = await admin.get(`${BUNDLE}/bundle.zip`).buffer(true).parse(binary).expect(200).expect('content-type', /application\/zip/);
    const { names, texts } = await zipEntries(res.body as Buffer, ['dictionary.json', 'goals.csv']);
    expect(names).to.have.members([...bundleDatasets.map((d) => `${d.name}.csv`), 'dictionary.json', 'README.txt']);
    const dictionary = JSON.parse(texts.get('dictionary.json')!) as { datasets: DictionaryDataset[] };
    expect(dictionary.datasets.map((d) => d.name)).to.deep.equal(bundleDatasets.map((d) => d.name));
    expect(csvRows(texts.get('goals.csv')!).length - 1).to.equal(await countIn('goals', tenantId));
  });

  it("documents exactly the CSV's columns: every dictionary column is in the header, and every header column in the dictionary", async () => {
    const res = await admin.get(`${BUNDLE}/bundle.zip`).buffer(true).parse(binary).expect(200);
    const { texts } = await zipEntries(res.body as Buffer, ['dictionary.json', ...bundleDatasets.map((d) => `${d.name}.csv`)]);
    const dictionary = JSON.parse(texts.get('dictionary.json')!) as { datasets: DictionaryDataset[] };
    for (const d of dictionary.datasets) {
      const [header] = csvRows(texts.get(`${d.name}.csv`)!);
      expect(header, d.name).to.deep.equal(d.columns.map((c) => c.name));
      for (const c of d.columns) expect(c.meaning, `${d.name}.${c.name}`).to.be.a('string').and.not.equal('');
    }
    // And the single dataset download says the same as the zip.
    const [goalsHeader] = csvRows((await admin.get(csvPath('goals')).expect(200)).text);
    expect(goalsHeader).to.deep.equal(dictionary.datasets.find((d) => d.name === 'goals')!.columns.map((c) => c.name));
  });

  it('audits the page and every download', async () => {
    const count = (entity: string) => system(async () => (await t.ctx.db.select().from(auditEvents).where(and(eq(auditEvents.tenantId, tenantId), eq(auditEvents.actorId, adminPerson.id), eq(auditEvents.entity, entity)))).length);
    const before = await Promise.all(['records_bundle', 'records_bundle_csv', 'records_bundle_json', 'records_bundle_zip'].map(count));
    await admin.get(BUNDLE).expect(200);
    await admin.get(csvPath('goals')).expect(200);
    await admin.get(`${BUNDLE}/bundle.json`).expect(200);
    await admin.get(`${BUNDLE}/bundle.zip`).buffer(true).parse(binary).expect(200);
    const after = await Promise.all(['records_bundle', 'records_bundle_csv', 'records_bundle_json', 'records_bundle_zip'].map(count));
    expect(after.map((n, i) => n - before[i]!)).to.deep.equal([1, 1, 1, 1]);
    // A dataset's download names its table; nothing of any row.
    const csvEvents = await system(() => t.ctx.db.select().from(auditEvents).where(and(eq(auditEvents.tenantId, tenantId), eq(auditEvents.actorId, adminPerson.id), eq(auditEvents.entity, 'records_bundle_csv'))));
    expect(csvEvents.map((e) => e.entityId)).to.include('goals');
    expect(csvEvents.every((e) => e.action === 'read' && bundleDatasets.some((d) => d.name === e.entityId))).to.equal(true);
    // A name that is no dataset is not found (after the policy), and nothing is downloaded or audited.
    await admin.get(csvPath('audit_events')).expect(404);
    expect(await count('records_bundle_csv')).to.equal(after[1]);
  });

  it('refuses a teacher and a student with a 403 page, audited, and sends them no data', async () => {
    const [student] = await t.ctx.roster.findPeopleByName(tenantId, 'Amara Okafor', 1);
    const u = randomUUID().slice(0, 8);
    const teacherPerson = await t.ctx.roster.upsertPerson(tenantId, { sub: `bundle-teacher-${u}`, name: `Bundle Teacher ${u}` });
    const teacher = asUser(t.app, await ltikFor(t.ctx, teacherPerson, 'advisor', null));
    const studentUser = asUser(t.app, await ltikFor(t.ctx, student!, 'student', null));
    for (const [who, person] of [[teacher, teacherPerson], [studentUser, student!]] as const) {
      const page = await who.get(BUNDLE).expect(403);
      expect(decoded(page.text)).to.contain(text('errors.forbidden.title'));
      await who.get(csvPath('people')).expect(403);
      // A name that is no dataset is refused the same: a non-admin learns nothing about the names.
      await who.get(csvPath('nothing')).expect(403);
      await who.get(`${BUNDLE}/bundle.json`).expect(403);
      const zip = await who.get(`${BUNDLE}/bundle.zip`).expect(403);
      expect(zip.headers['content-type']).to.not.match(/zip/);
      const denied = await system(() =>
        t.ctx.db.select().from(auditEvents).where(and(eq(auditEvents.tenantId, tenantId), eq(auditEvents.actorId, person.id), eq(auditEvents.action, 'denied'), eq(auditEvents.entity, 'recordsBundle'))),
      );
      expect(denied.map((e) => e.attempt).sort()).to.deep.equal(['download', 'download', 'download', 'download', 'view']);
    }
  });
});
