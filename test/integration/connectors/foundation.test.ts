import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../support/app.js';
import { seedSchool, type SeededSchool } from '../../support/school.js';
import { withTenant, enterSystemScopeForTests } from '../../../src/db/tenant-scope.js';
import { queryRows } from '../../../src/db/client.js';
import { ConnectorError, type Connector, type ConnectorRun } from '../../../src/connectors/connector.js';
import type { AppUser } from '../../../src/auth/user.js';

/**
 * The data platform's base: identity matching on stable ids only, idempotent student-data upserts, and
 * the connector runner (one transaction a run, a record of every run, credentials errors for the admin).
 * The connector here stands in for an outside source; the real ones have their own simulators.
 */
describe('data platform foundation: identities, student data, connector runs', function () {
  let t: TestApp;
  let school: SeededSchool;
  let admin: AppUser;
  // What the stand-in source does on its next run.
  let behaviour: (run: ConnectorRun) => Promise<void> = async () => undefined;

  before(async () => {
    enterSystemScopeForTests();
    t = await createTestApp();
    school = await seedSchool(t.ctx);
    const stub: Connector = { kind: 'oneroster', fields: [{ name: 'baseUrl', label: 'x', url: true }, { name: 'secret', label: 'y', secret: true }], sync: (run) => behaviour(run) };
    // The app registers the real OneRoster connector; the stand-in takes its place here.
    Object.assign(t.ctx.connectors.connector('oneroster')!, stub);
    // Two students carry the SIS id the LMS sent at launch; the third shares one with another person (ambiguous).
    await t.ctx.roster.upsertPerson(school.tenantId, { sub: school.students[0].sub, name: school.students[0].name, sisId: `SIS-A-${school.tenantId}` });
    await t.ctx.roster.upsertPerson(school.tenantId, { sub: school.students[1].sub, name: school.students[1].name, sisId: `SIS-B-${school.tenantId}` });
    await t.ctx.roster.upsertPerson(school.tenantId, { sub: school.students[2].sub, name: school.students[2].name, sisId: `SIS-C-${school.tenantId}` });
    await t.ctx.roster.upsertPerson(school.tenantId, { sub: school.mentor.sub, name: school.mentor.name, sisId: `SIS-C-${school.tenantId}` });
    admin = { tenantId: school.tenantId, personId: school.admin.id, name: 'a', role: 'admin', contextId: null, contextTitle: '', contextKind: null, menteeIds: [] };
  });
  after(async () => t.ctx.shutdown?.());

  const sis = (x: string) => `SIS-${x}-${school.tenantId}`;
  const reviews = () => queryRows<{ external_id: string; reason: string; seen_count: number }>(t.ctx.db, sql`select external_id, reason, seen_count from identity_reviews where tenant_id = ${school.tenantId} order by external_id`);

  it('matches on the SIS id alone, links it, and sends no-one and several-people rows to the review queue', async () => {
    const rows = [{ externalId: 'c-1', sisId: sis('A') }, { externalId: 'c-2', sisId: sis('C'), label: 'Row two' }, { externalId: 'c-3', sisId: null }, { externalId: 'c-4', sisId: 'SIS-nobody' }];
    const matched = await t.ctx.identities.match(school.tenantId, 'canvas', rows);
    expect([...matched]).to.deep.equal([['c-1', school.students[0].id]]);
    expect(await reviews()).to.deep.equal([
      { external_id: 'c-2', reason: 'ambiguous', seen_count: 1 },
      { external_id: 'c-3', reason: 'unmatched', seen_count: 1 },
      { external_id: 'c-4', reason: 'unmatched', seen_count: 1 },
    ]);
    // The link holds even when the SIS id later goes missing from the source; a second sighting is counted, not duplicated.
    const again = await t.ctx.identities.match(school.tenantId, 'canvas', [{ externalId: 'c-1' }, { externalId: 'c-4', sisId: 'SIS-nobody' }]);
    expect(again.get('c-1')).to.equal(school.students[0].id);
    expect((await reviews()).find((r) => r.external_id === 'c-4')?.seen_count).to.equal(2);
    // Another school's identical ids match nothing here.
    expect((await t.ctx.identities.match(school.other.tenantId, 'canvas', [{ externalId: 'c-1', sisId: sis('A') }])).size).to.equal(0);
  });

  it('upserts are idempotent: the same rows again change nothing, a changed row is one update', async () => {
    const id = school.students[1].id;
    const rows = [{ personId: id, day: '2026-10-05', status: 'absent' as const }, { personId: id, day: '2026-10-06', status: 'present' as const }];
    expect(await t.ctx.studentData.upsertAttendance(school.tenantId, 'csv', rows)).to.equal(2);
    expect(await t.ctx.studentData.upsertAttendance(school.tenantId, 'csv', rows)).to.equal(0);
    expect(await t.ctx.studentData.upsertAttendance(school.tenantId, 'csv', [{ ...rows[0]!, status: 'excused' }])).to.equal(1);
    const data = await withTenant(school.tenantId, () => t.ctx.studentData.forStudents(school.tenantId, [id], '2026-08-01'));
    expect(data.attendance.map((a) => [a.day, a.status])).to.deep.equal([['2026-10-05', 'excused'], ['2026-10-06', 'present']]);
  });

  const runs = () => queryRows<{ status: string; upserted: number; error_class: string | null; trigger: string }>(t.ctx.db, sql`select status, upserted, error_class, trigger from connector_runs where tenant_id = ${school.tenantId} and kind = 'oneroster' order by started_at`);
  const scoresOf = () => queryRows<{ course_key: string; current_score: string }>(t.ctx.db, sql`select course_key, current_score::text from course_scores where tenant_id = ${school.tenantId} and source = 'oneroster' order by course_key`);

  it('an admin saves settings with a sealed secret that is never shown back', async () => {
    await t.ctx.connectors.save(admin, 'oneroster', { config: { baseUrl: 'https://sis.example' }, secret: 'tok-plain-123', enabled: true });
    const [row] = await queryRows<{ secret: string }>(t.ctx.db, sql`select secret from connector_settings where tenant_id = ${school.tenantId} and kind = 'oneroster'`);
    expect(row!.secret).to.not.contain('tok-plain-123');
    const view = await t.ctx.connectors.overview(admin);
    const c = view.connectors.find((x) => x.kind === 'oneroster')!;
    expect(c.fields.map((f) => [f.name, f.value, f.saved])).to.deep.equal([['baseUrl', 'https://sis.example', undefined], ['secret', '', true]]);
    // Saving again with the secret left empty keeps it.
    await t.ctx.connectors.save(admin, 'oneroster', { config: { baseUrl: 'https://sis.example' }, secret: null, enabled: true });
    expect((await t.ctx.connectors.settingsOf(school.tenantId, 'oneroster'))?.secret).to.equal('tok-plain-123');
    let refused: unknown;
    await t.ctx.connectors.overview({ ...admin, role: 'advisor' }).catch((e: unknown) => (refused = e));
    expect(refused, 'an advisor may not see the settings').to.have.property('status', 403);
  });

  it('a run writes in one transaction and is recorded; a run that fails part-way writes nothing and is retried', async () => {
    const student = school.students[0].id;
    behaviour = async (run) => {
      expect(run.secret).to.equal('tok-plain-123');
      run.counted({ fetched: 2 });
      await run.write((w) => w.courseScores([{ personId: student, courseKey: 'math', courseTitle: 'Math', currentScore: 71.5 }, { personId: student, courseKey: 'art', currentScore: 98 }]));
      run.setCursor({ since: '2026-10-01T00:00:00Z' });
    };
    await t.ctx.connectors.syncNow(school.tenantId, 'oneroster', 'admin');
    expect(await scoresOf()).to.deep.equal([{ course_key: 'art', current_score: '98.00' }, { course_key: 'math', current_score: '71.50' }]);
    expect((await t.ctx.connectors.settingsOf(school.tenantId, 'oneroster'))?.config).to.deep.equal({ baseUrl: 'https://sis.example' });

    behaviour = async (run) => {
      await run.write(async (w) => {
        await w.courseScores([{ personId: student, courseKey: 'math', currentScore: 10 }]);
        throw new ConnectorError('unavailable');
      });
    };
    let thrown: unknown;
    await t.ctx.connectors.syncNow(school.tenantId, 'oneroster', 'schedule').catch((e: unknown) => (thrown = e));
    expect(thrown).to.be.instanceOf(ConnectorError);
    expect(await scoresOf(), 'nothing of the failed run').to.deep.equal([{ course_key: 'art', current_score: '98.00' }, { course_key: 'math', current_score: '71.50' }]);
    expect((await runs()).map((r) => [r.status, r.upserted, r.error_class])).to.deep.equal([['succeeded', 2, null], ['failed', 0, 'unavailable']]);
  });

  it('revoked credentials: the connector needs the admin, nothing is written and it is not retried', async () => {
    behaviour = async () => {
      throw new ConnectorError('auth');
    };
    await t.ctx.connectors.syncNow(school.tenantId, 'oneroster', 'schedule');
    const view = await t.ctx.connectors.overview(admin);
    expect(view.connectors.find((x) => x.kind === 'oneroster')).to.include({ status: 'needs_attention', statusReason: 'auth' });
    expect((await runs()).at(-1)).to.include({ status: 'failed', error_class: 'auth' });
    expect(t.logs.text()).to.not.contain('tok-plain-123');
  });
});
