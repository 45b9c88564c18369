import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../support/app.js';
import { seedSchool, type SeededSchool } from '../../support/school.js';
import { enterSystemScopeForTests } from '../../../src/db/tenant-scope.js';
import { queryRows } from '../../../src/db/client.js';
import { ConnectorError } from '../../../src/connectors/connector.js';
import type { AppUser } from '../../../src/auth/user.js';
import { createSchoologyApi, type SchoologyApi } from '../../../src/sandbox/schoology-api/index.js';
import { createOneRosterApi, ONEROSTER_SCOPES, type OneRosterApi } from '../../../src/sandbox/oneroster-api/index.js';
import { serve, type Served } from './sis-fixture.js';

/**
 * The Schoology and OneRoster REST connectors as the app runs them (registered in src/web/app.ts, run
 * by the connectors service in one transaction, recorded), against their simulators, on the database.
 */
describe('SIS connectors on the database: Schoology REST and OneRoster REST', function () {
  let t: TestApp;
  let school: SeededSchool;
  let admin: AppUser;
  let sgy: Served<SchoologyApi>;
  let or: Served<OneRosterApi>;
  const KEY = 'district-consumer-key';
  const SECRET = 'district-consumer-secret-9f3';
  const CLIENT = { clientId: 'district-client', clientSecret: 'district-client-secret-7a1', scopes: [ONEROSTER_SCOPES.rosterCore, ONEROSTER_SCOPES.gradebook] };
  const ids = { section: 0, q1: 0, cls: '' };

  before(async () => {
    enterSystemScopeForTests();
    t = await createTestApp({}, { now: new Date('2026-10-15T15:00:00Z') });
    school = await seedSchool(t.ctx);
    admin = { tenantId: school.tenantId, personId: school.admin.id, name: 'a', role: 'admin', contextId: null, contextTitle: '', contextKind: null, menteeIds: [] };
    const sis = (n: number) => `SIS-${n}-${school.tenantId}`;
    for (const n of [0, 1, 2] as const) await t.ctx.roster.upsertPerson(school.tenantId, { sub: school.students[n].sub, name: school.students[n].name, sisId: sis(n) });

    // Schoology: the district loaded the SIS ids as school_uid; the third student's is unknown to the tool.
    sgy = await serve((baseUrl) => createSchoologyApi({ baseUrl, consumerKey: KEY, consumerSecret: SECRET, clock: t.clock }));
    const q1 = sgy.api.addGradingPeriod({ title: 'Quarter 1', start: '2026-08-20', end: '2026-10-30' });
    const course = sgy.api.addCourse({ title: 'Algebra I', courseCode: 'ALG1' });
    const section = sgy.api.addSection({ courseId: course.id, sectionTitle: 'Period 2', sectionCode: 'P2', gradingPeriods: [q1.id] });
    const grades = [81.5, 64, 90];
    for (const n of [0, 1, 2] as const) {
      const u = sgy.api.addUser({ schoolUid: n === 2 ? 'SIS-unknown' : sis(n), nameFirst: 'Student', nameLast: `${n}`, role: 'student' });
      sgy.api.enroll(section.id, u.id);
      sgy.api.setPeriodGrade(section.id, u.id, q1.id, grades[n]!);
    }
    Object.assign(ids, { section: section.id, q1: q1.id });

    // OneRoster: the sourcedId is the SIS id (the LTI lis_person_sourcedid).
    or = await serve((baseUrl) => createOneRosterApi({ baseUrl, clients: [CLIENT], clock: t.clock }));
    const year = or.api.addAcademicSession({ title: '2026-27', type: 'schoolYear', startDate: '2026-08-20', endDate: '2027-06-10', schoolYear: '2027' });
    const cls = or.api.addClass({ title: 'Biology - P3', classCode: 'BIO-3', terms: [year.sourcedId] });
    const lab = or.api.addLineItem({ classId: cls.sourcedId, title: 'Lab', resultValueMax: 20 });
    const test = or.api.addLineItem({ classId: cls.sourcedId, title: 'Test', resultValueMax: 100 });
    for (const n of [0, 1] as const) {
      or.api.addUser({ givenName: 'Student', familyName: `${n}`, role: 'student', sourcedId: sis(n) });
      or.api.enroll(cls.sourcedId, sis(n));
    }
    or.api.addUser({ givenName: 'Stranger', familyName: 'Student', role: 'student', sourcedId: 'SIS-stranger' });
    or.api.setResult(lab.sourcedId, sis(0), { score: 15 });
    or.api.setResult(test.sourcedId, sis(0), { score: 90, late: true });
    or.api.setResult(lab.sourcedId, sis(1), { score: 10, missing: true });
    ids.cls = cls.sourcedId;
    // The grades were given a while before the first run (the Schoology cursor keeps a 10-minute overlap).
    t.clock.advance(15 * 60_000);
  });
  after(async () => {
    await sgy?.close();
    await or?.close();
    await t?.ctx.shutdown?.();
  });

  const scores = (source: string) =>
    queryRows<{ person_id: string; course_key: string; period_key: string; current_score: string | null; course_title: string | null; missing_count: number | null; late_count: number | null }>(
      t.ctx.db,
      sql`select person_id, course_key, period_key, current_score::text, course_title, missing_count, late_count from course_scores where tenant_id = ${school.tenantId} and source = ${source} order by person_id`,
    );
  const runs = (kind: string) =>
    queryRows<{ status: string; fetched: number; upserted: number; unmatched: number; not_in_tool: number; error_class: string | null }>(
      t.ctx.db,
      sql`select status, fetched, upserted, unmatched, not_in_tool, error_class from connector_runs where tenant_id = ${school.tenantId} and kind = ${kind} order by started_at`,
    );
  /** An admin saves a source's settings (the one place that knows the service's save signature). */
  const saveSettings = (kind: 'schoology' | 'oneroster', config: Record<string, string>, secret: string) => t.ctx.connectors.save(admin, kind, { config, secret, enabled: true });
  const status = async (kind: 'schoology' | 'oneroster') => (await t.ctx.connectors.overview(admin)).connectors.find((c) => c.kind === kind)!;
  const sync = (kind: 'schoology' | 'oneroster') => {
    // Runs are told apart by their start.
    t.clock.advance(1000);
    return t.ctx.connectors.syncNow(school.tenantId, kind, 'admin');
  };

  describe('Schoology', () => {
    it('offers its settings to the admin, labelled through i18n, the secret never shown back', async () => {
      await saveSettings('schoology', { baseUrl: sgy.baseUrl, consumerKey: KEY }, SECRET);
      const c = await status('schoology');
      expect(c.fields.map((f) => [f.name, f.value])).to.deep.equal([
        ['baseUrl', sgy.baseUrl],
        ['consumerKey', KEY],
        ['consumerSecret', ''],
      ]);
      expect(c.fields.every((f) => f.label.startsWith('connectorsSis.schoology.fields.'))).to.equal(true);
    });

    it('writes section grades per grading period for matched students, links them, and leaves the student not in the tool out of the review queue', async () => {
      await sync('schoology');
      const rows = await scores('schoology');
      const expected = [
        { person_id: school.students[0].id, current_score: '81.50' },
        { person_id: school.students[1].id, current_score: '64.00' },
      ].sort((a, b) => a.person_id.localeCompare(b.person_id));
      expect(rows.map((r) => ({ person_id: r.person_id, current_score: r.current_score }))).to.deep.equal(expected);
      expect(rows.every((r) => r.course_key === String(ids.section) && r.period_key === String(ids.q1) && r.course_title === 'Algebra I: Period 2')).to.equal(true);
      expect((await runs('schoology')).at(-1)).to.deep.equal({ status: 'succeeded', fetched: 3, upserted: 2, unmatched: 0, not_in_tool: 1, error_class: null });
      const reviews = await queryRows<{ source: string; reason: string }>(t.ctx.db, sql`select source, reason from identity_reviews where tenant_id = ${school.tenantId} and source = 'schoology'`);
      expect(reviews).to.deep.equal([]);
      const links = await queryRows<{ n: number }>(t.ctx.db, sql`select count(*)::int as n from person_identities where tenant_id = ${school.tenantId} and source = 'schoology'`);
      expect(links[0]!.n).to.equal(2);
      // Every request carried a valid signature.
      expect(sgy.api.requests.filter((r) => r.status !== 200)).to.deep.equal([]);
    });

    it('a grade changed in Schoology reaches the tool on the next run (since the cursor)', async () => {
      t.clock.advance(20 * 60_000);
      const [first] = [...sgy.api.state.users.values()].filter((u) => u.nameLast === '0');
      sgy.api.setPeriodGrade(ids.section, first!.id, ids.q1, 58);
      t.clock.advance(60_000);
      await sync('schoology');
      const rows = await scores('schoology');
      expect(rows.find((r) => r.person_id === school.students[0].id)?.current_score).to.equal('58.00');
      // Only the changed enrollment's grades were read.
      expect((await runs('schoology')).at(-1)).to.include({ status: 'succeeded', fetched: 1, upserted: 1 });
    });

    it('a wrong consumer secret: refused by the simulator as a bad signature, the connector needs the admin, nothing written, no secret logged', async () => {
      const before = await scores('schoology');
      await saveSettings('schoology', { baseUrl: sgy.baseUrl, consumerKey: KEY }, 'a-wrong-secret-55');
      await sync('schoology');
      expect(sgy.api.requests.at(-1)).to.include({ status: 401, refusal: 'bad_signature' });
      expect(await status('schoology')).to.include({ status: 'needs_attention', statusReason: 'auth' });
      expect((await runs('schoology')).at(-1)).to.include({ status: 'failed', upserted: 0, error_class: 'auth' });
      expect(await scores('schoology')).to.deep.equal(before);
      expect(t.logs.text()).to.not.contain('a-wrong-secret-55');
      expect(t.logs.text()).to.not.contain(SECRET);
    });

    it('429: backs off and finishes; when Schoology keeps refusing, the run fails as rate_limited (retried by the job queue) and writes nothing', async () => {
      await saveSettings('schoology', { baseUrl: sgy.baseUrl, consumerKey: KEY }, SECRET);
      t.clock.advance(25 * 3600_000); // a full run
      sgy.api.injectFault({ status: 429, times: 2, retryAfterSeconds: 0, pathIncludes: '/grades' });
      await sync('schoology');
      expect((await runs('schoology')).at(-1)).to.include({ status: 'succeeded', upserted: 0 });
      expect(await status('schoology')).to.include({ status: 'ok' });

      const before = await scores('schoology');
      const [first] = [...sgy.api.state.users.values()].filter((u) => u.nameLast === '1');
      sgy.api.setPeriodGrade(ids.section, first!.id, ids.q1, 99);
      sgy.api.injectFault({ status: 429, times: 10, retryAfterSeconds: 0, pathIncludes: '/enrollments' });
      const err = await sync('schoology').then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).to.be.instanceOf(ConnectorError);
      expect((err as ConnectorError).kind).to.equal('rate_limited');
      expect((await runs('schoology')).at(-1)).to.include({ status: 'failed', error_class: 'rate_limited' });
      expect(await scores('schoology')).to.deep.equal(before);
    });
  });

  describe('OneRoster REST', () => {
    it('matches students by sourcedId (source sis) and writes each class score as the mean of score / resultValueMax', async () => {
      await saveSettings('oneroster', { baseUrl: or.baseUrl, tokenUrl: or.api.tokenUrl, clientId: CLIENT.clientId }, CLIENT.clientSecret);
      await sync('oneroster');
      const rows = await scores('oneroster');
      const byPerson = new Map(rows.map((r) => [r.person_id, r]));
      expect(byPerson.get(school.students[0].id)).to.include({ course_key: ids.cls, period_key: '', current_score: '82.50', course_title: 'Biology - P3', late_count: 1, missing_count: 0 });
      expect(byPerson.get(school.students[1].id)).to.include({ current_score: '50.00', missing_count: 1 });
      expect(rows).to.have.length(2);
      expect((await runs('oneroster')).at(-1)).to.include({ status: 'succeeded', upserted: 2, unmatched: 0, not_in_tool: 1 });
      const links = await queryRows<{ external_id: string }>(t.ctx.db, sql`select external_id from person_identities where tenant_id = ${school.tenantId} and source = 'sis' order by external_id`);
      expect(links.map((l) => l.external_id)).to.deep.equal([`SIS-0-${school.tenantId}`, `SIS-1-${school.tenantId}`]);
    });

    it('a revoked client: the connector needs the admin and nothing is written', async () => {
      const before = await scores('oneroster');
      or.api.setResult([...or.api.data.lineItems.values()][0]!.sourcedId, `SIS-1-${school.tenantId}`, { score: 20 });
      or.api.revokeClient(CLIENT.clientId);
      await sync('oneroster');
      expect(await status('oneroster')).to.include({ status: 'needs_attention', statusReason: 'auth' });
      expect((await runs('oneroster')).at(-1)).to.include({ status: 'failed', error_class: 'auth' });
      expect(await scores('oneroster')).to.deep.equal(before);
      expect(t.logs.text()).to.not.contain(CLIENT.clientSecret);
    });
  });
});
