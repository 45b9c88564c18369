import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { expect } from 'chai';
import { and, eq } from 'drizzle-orm';
import request from 'supertest';
import { createTestApp, type TestApp } from '../../support/app.js';
import { seedSchool, ltikFor, asUser, type SeededSchool } from '../../support/school.js';
import { decoded } from '../../support/html.js';
import { plans, studentIndicators } from '../../../src/db/schema.js';
import { systemActor } from '../../../src/audit/audit.service.js';

/**
 * One school year for every feature: the admin sets its first day on the platforms page, and plans,
 * imported days and the indicators' "this year" all turn over on it (before: imports on 1 July, plans on 1 August).
 */
describe('/admin/platforms: the school year\'s first day, shared by plans, imports and indicators', function () {
  this.timeout(60_000);
  let t: TestApp;
  let school: SeededSchool;
  let adminLtik: string;
  let advisor: ReturnType<typeof asUser>;
  const form = (ltik: string, month: string, day: string) =>
    request(t.app).post(`/admin/platforms/${school.tenantId}/school-year`).type('form').set('Accept', 'text/html').send({ ltik, _once: randomUUID(), month, day });
  /** An attendance file of one day for the first student, imported as the school's window decides (no window given). */
  const importDay = (day: string) =>
    t.ctx.dataImports.importFile({
      tenantId: school.tenantId,
      kind: 'attendance',
      trigger: 'push',
      file: { stream: Readable.from([`Date,Student_ID,Status\n${day},S1001,absent\n`]) },
      actor: systemActor(school.tenantId),
    });
  /** The school year of the plan a comment makes today. */
  const planYearNow = async () => {
    await advisor.post(`/students/${school.students[0].id}/plan/comments`, { text: `A note ${randomUUID()}` }).expect(303);
    const rows = await t.ctx.db.select({ year: plans.schoolYear }).from(plans).where(and(eq(plans.tenantId, school.tenantId), eq(plans.studentId, school.students[0].id)));
    return rows.map((r) => r.year).sort();
  };
  const indicatorYearFrom = async () => {
    await t.ctx.indicators.recomputeStudents(school.tenantId, [school.students[0].id]);
    const [row] = await t.ctx.db.select().from(studentIndicators).where(and(eq(studentIndicators.tenantId, school.tenantId), eq(studentIndicators.studentId, school.students[0].id)));
    return row!.indicators.yearFrom;
  };

  before(async () => {
    // Mid-July: between a 1 July and a 1 August turnover, where the two used to disagree.
    t = await createTestApp({}, { now: new Date('2026-07-15T12:00:00Z') });
    school = await seedSchool(t.ctx);
    await t.ctx.roster.upsertPerson(school.tenantId, { sub: school.students[0].sub, name: school.students[0].name, sisId: 'S1001' });
    adminLtik = await ltikFor(t.ctx, school.admin, 'admin', null);
    advisor = asUser(t.app, await ltikFor(t.ctx, school.advisor, 'advisor', school.advisoryId));
  });
  after(async () => {
    await t.ctx.shutdown?.();
  });

  it('by default the year begins on 1 August for plans, imports and indicators alike', async () => {
    const page = decoded((await request(t.app).get('/admin/platforms').query({ ltik: adminLtik }).expect(200)).text);
    expect(page).to.contain('The school year begins on August 1');
    expect(page).to.match(/<option value="8" selected>August<\/option>/);
    expect(page).to.contain('name="day" type="number"').and.to.contain('value="1"');
    expect(await planYearNow()).to.deep.equal(['2025-2026']);
    // 30 June is in the 2025-2026 year that began on 1 August (a 1 July turnover refused it).
    const june = await importDay('2026-06-30');
    expect(june.status, JSON.stringify(june.report.listed)).to.equal('imported');
    expect(await indicatorYearFrom()).to.equal('2025-08-01');
  });

  it('an admin moves it to 1 July (303, audited): plans, imports and indicators all turn over there', async () => {
    const res = await form(adminLtik, '7', '1').expect(303);
    expect(res.headers.location).to.match(/^\/admin\/platforms\?ltik=[^#]+#school-year$/);
    expect(await t.ctx.platforms.schoolYearStartOf(school.tenantId)).to.equal('07-01');
    const audit = await t.ctx.audit.list(school.tenantId, {});
    expect(audit.some((a) => a.entity === 'tenant_school_year' && a.action === 'update')).to.equal(true);
    expect(decoded((await request(t.app).get('/admin/platforms').query({ ltik: adminLtik }).expect(200)).text)).to.contain('The school year begins on July 1');

    expect(await planYearNow()).to.deep.equal(['2025-2026', '2026-2027']);
    const june = await importDay('2026-06-30');
    expect(june.status).to.equal('refused');
    expect(june.report.listed).to.deep.equal([{ line: 2, column: 'date', reason: 'outsideSchoolYear' }]);
    expect((await importDay('2026-07-10')).status).to.equal('imported');
    expect(await indicatorYearFrom()).to.equal('2026-07-01');
  });

  it('refuses a day not every year has (400) with the reason in the summary and the field, keeping what was sent', async () => {
    const res = await form(adminLtik, '2', '29').expect(400);
    const html = decoded(res.text);
    expect(html).to.contain('There is a problem');
    expect(html).to.match(/<a href="#p-year-month">That month does not have that day every year/);
    expect(html).to.match(/id="p-year-error">That month does not have that day every year/);
    expect(html).to.match(/<option value="2" selected>February<\/option>/);
    expect(html).to.contain('value="29"');
    await form(adminLtik, '13', '1').expect(400);
    await form(adminLtik, '8', '').expect(400);
    expect(await t.ctx.platforms.schoolYearStartOf(school.tenantId)).to.equal('07-01');
  });

  it('shows it in Spanish', async () => {
    const es = await t.ctx.ltiks.issue({ tid: school.tenantId, pid: school.admin.id, cid: null, role: 'admin', loc: 'es' });
    const page = decoded((await request(t.app).get('/admin/platforms').query({ ltik: es }).expect(200)).text);
    expect(page).to.contain('Año escolar').and.to.contain('El año escolar empieza el 1 de julio');
    expect(page).to.match(/<option value="7" selected>julio<\/option>/);
  });

  it('an advisor may not change it', async () => {
    await form(await ltikFor(t.ctx, school.advisor, 'advisor', school.advisoryId), '9', '1').expect(403);
    expect(await t.ctx.platforms.schoolYearStartOf(school.tenantId)).to.equal('07-01');
  });
});
