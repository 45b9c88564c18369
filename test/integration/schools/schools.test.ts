import { expect } from 'chai';
import path from 'node:path';
import request from 'supertest';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../support/app.js';
import { asUser, ltikFor, seedSchool, type SeededSchool } from '../../support/school.js';
import { queryRows } from '../../../src/db/client.js';
import { systemActor } from '../../../src/audit/audit.service.js';
import { withTenant } from '../../../src/db/tenant-scope.js';
import { exportFiles, tempDir, writeZip } from '../../support/imports/files.js';
import { placeStudents } from '../../support/school-places.js';
import { decoded } from '../../support/html.js';

const window = { firstDay: '2026-08-17', lastDay: '2027-06-11', today: '2026-11-20' };
// 1.1's role column says who the students are (a 1.2 export says so in enrollments.csv).
const usersHeader = 'sourcedId,status,dateLastModified,enabledUser,username,givenName,familyName,grades,primaryOrgSourcedId,role';
const orgs = 'sourcedId,status,dateLastModified,name,type\nORG1,,,Lincoln High School,school\nORG2,,,Riverside Middle School,school\nD1,,,Sample District,district\n';

/** The schools feature: OneRoster's orgs, students' schools and demographics; moves; /admin/schools; the programs file. */
describe('schools', function () {
  this.timeout(60_000);
  let t: TestApp;
  let school: SeededSchool;
  let dir: string;
  let remove: () => Promise<void>;
  let n = 0;

  before(async () => {
    // 17:00 UTC is 2026-11-20 in the school's zone whatever it is in the Americas.
    t = await createTestApp({}, { now: new Date('2026-11-20T17:00:00Z') });
    school = await seedSchool(t.ctx);
    ({ dir, remove } = await tempDir());
    for (const [i, sis] of ['S1001', 'S1002', 'S1003'].entries()) await t.ctx.roster.upsertPerson(school.tenantId, { sub: school.students[i]!.sub, name: school.students[i]!.name, sisId: sis });
  });
  after(async () => {
    await remove();
    await t.ctx.shutdown?.();
  });

  /** The good export with these orgs, users and demographics (no gradebook files needed). */
  async function importExport(users: string[], demographics?: string[]) {
    const good = exportFiles('good');
    const files: Record<string, string | Buffer> = {
      'manifest.csv': good['manifest.csv']!.toString().replace('file.demographics,bulk', demographics ? 'file.demographics,bulk' : 'file.demographics,absent').replace(/file\.(academicSessions|classes|enrollments|lineItems|results),bulk/g, 'file.$1,absent'),
      'orgs.csv': orgs,
      'users.csv': [usersHeader, ...users].join('\n'),
    };
    if (demographics) files['demographics.csv'] = ['sourcedId,status,dateLastModified,sex,asian,white,blackOrAfricanAmerican,hispanicOrLatinoEthnicity', ...demographics].join('\n');
    const file = await writeZip(path.join(dir, `export-${++n}.zip`), files);
    return t.ctx.dataImports.importFile({ tenantId: school.tenantId, kind: 'oneroster', trigger: 'cli', file: { path: file }, actor: systemActor(school.tenantId), window });
  }
  const schoolRows = () => queryRows<{ name: string; source: string; sis_key: string }>(t.ctx.db, sql`select name, source, sis_key from schools where tenant_id = ${school.tenantId} order by name`);
  const enrolments = () =>
    queryRows<{ student_id: string; school: string; grade_level: string | null; started_on: string; ended_on: string | null; source: string }>(
      t.ctx.db,
      sql`select e.student_id, s.name as school, e.grade_level, e.started_on::text as started_on, e.ended_on::text as ended_on, e.source
          from school_enrolments e join schools s on s.tenant_id = e.tenant_id and s.id = e.school_id where e.tenant_id = ${school.tenantId} order by e.student_id, e.started_on`,
    );
  const schoolId = async (name: string) => (await queryRows<{ id: string }>(t.ctx.db, sql`select id from schools where tenant_id = ${school.tenantId} and name = ${name}`))[0]!.id;
  const byStudent = <T extends { student_id: string }>(rows: T[]) => rows.map(({ student_id, ...r }) => ({ who: school.students.findIndex((s) => s.id === student_id), ...r }));

  it('takes a OneRoster export\'s schools, each student\'s school and grade, and demographics', async () => {
    const out = await importExport(
      ['S1001,,,true,a,Ana,Lopez,09,ORG1,student', 'S1002,,,true,b,Ben,Kim,"10,11",ORG1,student', 'S1003,,,true,c,Cara,Diaz,07,ORG2,student'],
      ['S1001,,,female,false,false,false,true', 'S1002,,,male,true,true,false,false', 'S1003,,,,false,false,true,false'],
    );
    expect(out.status, JSON.stringify(out.report.listed)).to.equal('imported');
    // The district org is not a school.
    expect(await schoolRows()).to.deep.equal([
      { name: 'Lincoln High School', source: 'sis', sis_key: 'ORG1' },
      { name: 'Riverside Middle School', source: 'sis', sis_key: 'ORG2' },
    ]);
    expect(byStudent(await enrolments())).to.deep.equal([
      { who: 0, school: 'Lincoln High School', grade_level: '09', started_on: '2026-11-20', ended_on: null, source: 'sis' },
      { who: 1, school: 'Lincoln High School', grade_level: '10', started_on: '2026-11-20', ended_on: null, source: 'sis' },
      { who: 2, school: 'Riverside Middle School', grade_level: '07', started_on: '2026-11-20', ended_on: null, source: 'sis' },
    ].sort((a, b) => school.students[a.who]!.id.localeCompare(school.students[b.who]!.id)));
    const groups = await t.ctx.schools.groupsOf(school.tenantId, school.students.map((s) => s.id));
    // Hispanic wins; asian + white is two or more; one race alone is that race; no sex given is no row.
    expect(groups.get(school.students[0].id)).to.deep.equal({ sex: 'female', race_ethnicity: 'hispanic_latino' });
    expect(groups.get(school.students[1].id)).to.deep.equal({ sex: 'male', race_ethnicity: 'two_or_more' });
    expect(groups.get(school.students[2].id)).to.deep.equal({ race_ethnicity: 'black_african_american' });
    const lincoln = await schoolId('Lincoln High School');
    expect((await t.ctx.schools.studentsAt(school.tenantId, lincoln)).map((s) => [s.studentId, s.gradeLevel])).to.have.deep.members([
      [school.students[0].id, '09'],
      [school.students[1].id, '10'],
    ]);
  });

  it('a move in a later export ends the old enrolment the day before the import and starts the new one; a grade change stays in place', async () => {
    t.clock.set(new Date('2026-12-01T17:00:00Z'));
    const out = await importExport(['S1001,,,true,a,Ana,Lopez,09,ORG2,student', 'S1002,,,true,b,Ben,Kim,11,ORG1,student', 'S1003,,,true,c,Cara,Diaz,07,ORG2,student']);
    expect(out.status).to.equal('imported');
    const rows = byStudent(await enrolments()).filter((r) => r.who !== 2);
    expect(rows.filter((r) => r.who === 0)).to.deep.equal([
      { who: 0, school: 'Lincoln High School', grade_level: '09', started_on: '2026-11-20', ended_on: '2026-11-30', source: 'sis' },
      { who: 0, school: 'Riverside Middle School', grade_level: '09', started_on: '2026-12-01', ended_on: null, source: 'sis' },
    ]);
    expect(rows.filter((r) => r.who === 1)).to.deep.equal([{ who: 1, school: 'Lincoln High School', grade_level: '11', started_on: '2026-11-20', ended_on: null, source: 'sis' }]);
    const history = await t.ctx.schools.historyOf(school.tenantId, school.students[0].id);
    expect(history.map((h) => h.endedOn)).to.deep.equal(['2026-11-30', null]);
    // On a day before the move the student was at Lincoln.
    const lincoln = await schoolId('Lincoln High School');
    expect((await t.ctx.schools.studentsAt(school.tenantId, lincoln, '2026-11-25')).map((s) => s.studentId)).to.include(school.students[0].id);
    expect((await t.ctx.schools.studentsAt(school.tenantId, lincoln)).map((s) => s.studentId)).to.not.include(school.students[0].id);
  });

  it('writes nothing of an export with a bad demographics row', async () => {
    const before = await enrolments();
    const out = await importExport(['S1001,,,true,a,Ana,Lopez,09,ORG1,student'], ['S1001,,,F,false,false,false,false']);
    expect(out.status).to.equal('refused');
    expect(out.report.listed).to.deep.equal([{ line: 2, reason: 'badValue', column: 'sex', file: 'demographics.csv' }]);
    expect(await enrolments()).to.deep.equal(before);
  });

  describe('/admin/schools', () => {
    let admin: ReturnType<typeof asUser>;
    before(async () => {
      admin = asUser(t.app, await ltikFor(t.ctx, school.admin, 'admin', school.advisoryId));
    });
    const audits = (entity: string) => queryRows<{ action: string }>(t.ctx.db, sql`select action from audit_events where tenant_id = ${school.tenantId} and entity = ${entity} and action <> 'denied'`);

    it('is the admins\': others get 403, and the admin home links to it', async () => {
      await asUser(t.app, await ltikFor(t.ctx, school.advisor, 'advisor', school.advisoryId)).get('/admin/schools').expect(403);
      await asUser(t.app, await ltikFor(t.ctx, school.advisor, 'advisor', school.advisoryId)).post('/admin/schools', { name: 'Sneaky', _once: crypto.randomUUID() }).expect(403);
      const page = await admin.get('/admin/schools').expect(200);
      expect(page.text).to.include('Lincoln High School').and.include('Riverside Middle School');
      // Each row's button is named for its school (the crawler refuses several buttons of one name).
      expect(page.text).to.include('aria-label="Rename Lincoln High School"');
      expect((await admin.get('/admin').expect(200)).text).to.include('/admin/schools');
    });

    it('adds a school once however often the form is sent, refuses an empty name with an error summary, and audits', async () => {
      const once = crypto.randomUUID();
      await admin.post('/admin/schools', { name: 'Oak Elementary', _once: once }).expect(303);
      await admin.post('/admin/schools', { name: 'Oak Elementary', _once: once }).expect(303);
      expect((await schoolRows()).filter((s) => s.name === 'Oak Elementary')).to.deep.equal([{ name: 'Oak Elementary', source: 'admin', sis_key: null }]);
      const bad = await admin.post('/admin/schools', { name: '  ', _once: crypto.randomUUID() }).expect(400);
      expect(bad.text).to.include('error-summary').and.include('Enter the school&#x27;s name.');
      expect(await audits('school')).to.deep.equal([{ action: 'create' }]);
    });

    it('an admin\'s name stands against the SIS\'s next export', async () => {
      const riverside = await schoolId('Riverside Middle School');
      await admin.post(`/admin/schools/${riverside}/rename`, { name: 'Riverside MS', _once: crypto.randomUUID() }).expect(303);
      await importExport(['S1003,,,true,c,Cara,Diaz,07,ORG2,student']);
      expect((await schoolRows()).find((s) => s.sis_key === 'ORG2')).to.deep.equal({ name: 'Riverside MS', source: 'admin', sis_key: 'ORG2' });
    });

    it('places a course (it stands against the LMS) and enrols its students who have no school', async () => {
      const oak = await schoolId('Oak Elementary');
      // A student of the course with no school yet: the LMS's placement enrols them there (the fallback rule).
      const newcomer = await t.ctx.roster.upsertPerson(school.tenantId, { sub: `newcomer-${crypto.randomUUID()}`, name: 'Nia Newcomer' });
      await t.ctx.roster.upsertMembership(school.tenantId, { contextId: school.otherCourseId, personId: newcomer.id, role: 'student', roles: ['http://purl.imsglobal.org/vocab/lis/v2/membership#Learner'] });
      await t.ctx.schools.placeCourse(school.tenantId, school.otherCourseId, { lmsKey: 'acct-7', name: 'Canvas sub-account 7' });
      await admin.post('/admin/schools/courses', { contextId: school.otherCourseId, schoolId: oak, _once: crypto.randomUUID() }).expect(303);
      await t.ctx.schools.placeCourse(school.tenantId, school.otherCourseId, { lmsKey: 'acct-7' });
      const lms = await schoolId('Canvas sub-account 7');
      expect((await t.ctx.schools.currentOf(school.tenantId, [newcomer.id])).get(newcomer.id)).to.deep.equal({ schoolId: lms, gradeLevel: null, startedOn: '2026-12-01' });
      expect(await t.ctx.schools.schoolOfCourse(school.tenantId, school.otherCourseId)).to.deep.equal({ schoolId: oak, source: 'admin' });
      expect((await t.ctx.schools.coursesAt(school.tenantId, oak)).map((c) => c.contextId)).to.deep.equal([school.otherCourseId]);
      await admin.post('/admin/schools/courses', { contextId: 'nope', schoolId: oak, _once: crypto.randomUUID() }).expect(400);
      expect(await audits('course_school')).to.have.length(1);
    });

    it('moves a student from a day: the old enrolment ends the day before; audited; a bad day is refused', async () => {
      const oak = await schoolId('Oak Elementary');
      const student = school.students[1].id;
      const bad = await admin.post('/admin/schools/moves', { studentId: student, schoolId: oak, day: '2026-02-30', gradeLevel: '', _once: crypto.randomUUID() }).expect(400);
      expect(bad.text).to.include('error-summary');
      await admin.post('/admin/schools/moves', { studentId: student, schoolId: oak, day: '2027-01-04', gradeLevel: '05', _once: crypto.randomUUID() }).expect(303);
      const history = await withTenant(school.tenantId, () => t.ctx.schools.historyOf(school.tenantId, student));
      expect(history.map((h) => [h.startedOn, h.endedOn, h.gradeLevel, h.source])).to.deep.equal([
        ['2026-11-20', '2027-01-03', '11', 'sis'],
        ['2027-01-04', null, '05', 'admin'],
      ]);
      expect(await audits('school_enrolment')).to.deep.equal([{ action: 'update' }]);
    });

    it('finds the student to move with a name search (GET, at most 20 matches), then shows the move form for the one chosen', async () => {
      const [amara, liam] = school.students;
      // No list of every student: a search form.
      const first = (await admin.get('/admin/schools').expect(200)).text;
      expect(first).to.include('name="q"').and.not.include('name="studentId"');
      // Part of a name, any case: the students with a school who match, each a link to the move form; an adult of the same name (the mentor, no school) is not listed.
      const found = decoded((await admin.get('/admin/schools').query({ q: 'okafor' }).expect(200)).text);
      expect(found).to.include(amara.name).and.not.include(liam.name).and.not.include('Grace Okafor');
      const link = /<a href="([^"]*student=[^"]*)">/.exec(found)![1]!;
      expect(new URL(link, 'http://x').searchParams.get('student')).to.equal(amara.id);
      const form = decoded((await admin.get(new URL(link, 'http://x').pathname).query({ student: amara.id, q: 'okafor' }).expect(200)).text);
      expect(form).to.include(`name="studentId" value="${amara.id}"`).and.include(`Moving ${amara.name}`);
      expect(decoded((await admin.get('/admin/schools').query({ q: 'nobody-like-this' }).expect(200)).text)).to.include('No student with a school has a name like that.');
      // A chosen id of no student with a school: 404.
      await admin.get('/admin/schools').query({ student: school.mentor.id }).expect(404);
      // 21 students match: the first 20 are listed, and the page says there are more.
      const pupils = [];
      for (let i = 0; i < 21; i++) pupils.push(await t.ctx.roster.upsertPerson(school.tenantId, { sub: `pupil-${i}-${crypto.randomUUID()}`, name: `Zed Pupil ${String(i).padStart(2, '0')}` }));
      await placeStudents(t.ctx.db, school.tenantId, ['Elm East', 'Elm West'], { a: pupils.map((p) => p.id), b: [] });
      const many = decoded((await admin.get('/admin/schools').query({ q: 'zed pupil' }).expect(200)).text);
      expect(many.match(/student=/g)).to.have.length(20);
      expect(many).to.include('Zed Pupil 19').and.include('More students match');
      expect(many).to.not.include('Zed Pupil 20');
    });

    it('imports a programs file all or nothing: a bad row writes nothing; blank leaves a program as it is', async () => {
      const upload = async (csv: string) =>
        request(t.app).post('/admin/schools/programs').query({ ltik: await ltikFor(t.ctx, school.admin, 'admin', school.advisoryId) }).set('Accept', 'text/html').attach('file', Buffer.from(csv), { filename: 'programs.csv', contentType: 'text/csv' });
      const refused = await upload('student_sis_id,english_learner,iep_504,frl\nS1001,yes,no,yes\nS1002,maybe,,\n');
      expect(refused.status).to.equal(422);
      expect(refused.text).to.include('Line 3');
      const ids = school.students.map((s) => s.id);
      expect((await t.ctx.schools.groupsOf(school.tenantId, ids)).get(ids[0]!)).to.deep.equal({ sex: 'female', race_ethnicity: 'hispanic_latino' });
      const first = await upload('student_sis_id,english_learner,iep_504,frl\nS1001,yes,no,yes\nS1002,no,,\n');
      expect(first.status).to.equal(200);
      const second = await upload('sourcedid,english_learner,iep_504,frl\nS1001,,yes,\n');
      expect(second.status).to.equal(200);
      const groups = await t.ctx.schools.groupsOf(school.tenantId, ids);
      expect(groups.get(ids[0]!)).to.deep.equal({ sex: 'female', race_ethnicity: 'hispanic_latino', english_learner: 'yes', iep_504: 'yes', frl: 'yes' });
      expect(groups.get(ids[1]!)).to.deep.equal({ sex: 'male', race_ethnicity: 'two_or_more', english_learner: 'no' });
      expect(await audits('student_programs')).to.have.length(2);
    });
  });
});
