import { expect } from 'chai';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { startTool, type RunningTool } from '../../support/tool-server.js';
import { startSimulator, connectTool, type RunningSimulator } from '../../support/simulator.js';
import { LtiAgent } from '../../support/lti-agent.js';
import { LIS } from '../../support/launch-fixture.js';
import { tempDir, writeZip } from '../../support/imports/files.js';
import { schoology } from '../../../src/lti/families/schoology.js';
import { queryRows } from '../../../src/db/client.js';
import { systemActor } from '../../../src/audit/audit.service.js';
import { withTenant } from '../../../src/db/tenant-scope.js';
import { placeCourse } from '../../../src/schools/schools.repository.js';

const manifest = ['propertyName,value', 'manifest.version,1.0', 'oneroster.version,1.2', 'file.orgs,bulk', 'file.classes,bulk', ...['academicSessions', 'users', 'enrollments', 'demographics', 'lineItems', 'results'].map((f) => `file.${f},absent`)].join('\n');
const orgs = 'sourcedId,status,dateLastModified,name,type\nORG1,,,Lincoln High School,school\nORG2,,,Riverside Middle School,school\nD1,,,Sample District,district\n';
const classesHeader = 'sourcedId,status,dateLastModified,title,courseSourcedId,classType,schoolSourcedId,termSourcedIds';

/**
 * Issue 12: where a course's school comes from. A Schoology launch names the course's building (the
 * custom parameter the install guide has the admin add); a OneRoster import says which school a class
 * is at, and a launch whose course carries that class's sourcedId (lis course_section_sourcedid) is
 * placed there, whichever comes first. An admin's placement stands against both; the SIS's against the LMS's.
 */
describe("a launched course's school: Schoology's building, the SIS's class, the admin", function () {
  this.timeout(120_000);
  let tool: RunningTool;
  let lms: RunningSimulator;
  let clientId: string;
  let tenantId: string;
  let dir: string;
  let remove: () => Promise<void>;
  let n = 0;
  const added = new Set<string>();

  before(async () => {
    tool = await startTool();
    lms = await startSimulator('schoology');
    // The parameters the tool's install guide has the Schoology admin add to the app.
    ({ clientId, tenant: { id: tenantId } } = await connectTool(lms.sim, { baseUrl: tool.baseUrl, platforms: tool.t.ctx.platforms }, { name: 'Schoology district', family: 'schoology', customParameters: { ...schoology.linkCustom } }));
    lms.sim.addUser({ sub: 'teacher-1', name: 'Tess Teacher', roles: [] });
    ({ dir, remove } = await tempDir());
  });
  after(async () => {
    await remove();
    await lms.close();
    await tool.close();
  });

  /** A course of the simulated Schoology, launched once by its teacher; its context id in the tool. */
  async function launchCourse(id: string, course: { buildingId?: string; sisId?: string }): Promise<string> {
    if (!added.has(id)) {
      added.add(id);
      lms.sim.addCourse({ id, label: id, title: `Course ${id}`, ...course });
      lms.sim.enroll(id, 'teacher-1', [`${LIS}membership#Instructor`]);
    }
    const res = await new LtiAgent({}).launch(lms.sim.launchUrl({ clientId, userSub: 'teacher-1', courseId: id }));
    expect(res.status, res.body).to.equal(200);
    const context = (await tool.t.ctx.roster.listContexts(tenantId)).find((c) => c.contextId === id);
    return context!.id;
  }
  const schoolOf = async (contextId: string) => {
    const [row] = await queryRows<{ name: string; source: string; lms_key: string | null; sis_key: string | null }>(
      tool.t.ctx.db,
      sql`select s.name, c.source, s.lms_key, s.sis_key from course_schools c join schools s on s.tenant_id = c.tenant_id and s.id = c.school_id where c.tenant_id = ${tenantId} and c.context_id = ${contextId}`,
    );
    return row;
  };
  async function importClasses(classes: string[]) {
    const file = await writeZip(path.join(dir, `export-${++n}.zip`), { 'manifest.csv': manifest, 'orgs.csv': orgs, 'classes.csv': [classesHeader, ...classes].join('\n') });
    const out = await tool.t.ctx.dataImports.importFile({ tenantId, kind: 'oneroster', trigger: 'cli', file: { path: file }, actor: systemActor(tenantId) });
    expect(out.status, JSON.stringify(out.report.listed)).to.equal('imported');
  }

  it("places a Schoology course in its building's school, made on first sight and named by its id", async () => {
    const course = await launchCourse('sgy-1', { buildingId: '5171921' });
    expect(await schoolOf(course)).to.deep.equal({ name: '5171921', source: 'lms', lms_key: '5171921', sis_key: null });
    // A second course of the same building joins the same school.
    const other = await launchCourse('sgy-2', { buildingId: '5171921' });
    expect(await schoolOf(other)).to.deep.equal({ name: '5171921', source: 'lms', lms_key: '5171921', sis_key: null });
    const [{ schools }] = await queryRows<{ schools: number }>(tool.t.ctx.db, sql`select count(*)::int as schools from schools where tenant_id = ${tenantId}`);
    expect(schools).to.equal(1);
  });

  it('gives a deep-linked link the building parameter itself (Schoology sends the app\'s only on its placements)', async () => {
    await launchCourse('sgy-dl', { buildingId: '5171921' });
    const agent = new LtiAgent({});
    const picker = await agent.launch(lms.sim.launchUrl({ clientId, userSub: 'teacher-1', courseId: 'sgy-dl', messageType: 'LtiDeepLinkingRequest' }));
    expect(picker.status, picker.body).to.equal(200);
    await agent.post(new URL(picker.url).origin + new URL(picker.url).pathname, { ltik: picker.ltik!, choice: 'advisory' });
    expect(lms.sim.deepLinkResponses.at(-1)!.contentItems[0]).to.deep.include({ custom: { building_id: '$com.schoology.Context.Building.id', advisory: 'true' } });
  });

  it('places nothing when Schoology left the building variable unfilled', async () => {
    const course = await launchCourse('sgy-nobuilding', {});
    expect(await schoolOf(course)).to.equal(undefined);
  });

  it("import first: a launch whose course carries a class's sourcedId is placed in the class's school, over its building", async () => {
    await importClasses(['CLS-A,,,Algebra I,CRS-ALG,scheduled,ORG2,T1', 'CLS-DISTRICT,,,Online,CRS-ON,scheduled,D1,T1']);
    const course = await launchCourse('sgy-a', { buildingId: '5171921', sisId: 'CLS-A' });
    expect(await schoolOf(course)).to.deep.equal({ name: 'Riverside Middle School', source: 'sis', lms_key: null, sis_key: 'ORG2' });
    // A class at an org that is not a school (the district) places nothing: the building does.
    const online = await launchCourse('sgy-online', { buildingId: '5171921', sisId: 'CLS-DISTRICT' });
    expect(await schoolOf(online)).to.deep.include({ source: 'lms', lms_key: '5171921' });
  });

  it('launch first: a later import moves the launched course to its class\'s school; later launches leave it there', async () => {
    const course = await launchCourse('sgy-c', { buildingId: '5171921', sisId: 'CLS-C' });
    expect(await schoolOf(course)).to.deep.include({ source: 'lms', lms_key: '5171921' });
    await importClasses(['CLS-C,,,Chemistry,CRS-CHEM,scheduled,ORG1,T1']);
    expect(await schoolOf(course)).to.deep.equal({ name: 'Lincoln High School', source: 'sis', lms_key: null, sis_key: 'ORG1' });
    await launchCourse('sgy-c', {});
    expect(await schoolOf(course)).to.deep.include({ source: 'sis', sis_key: 'ORG1' });
    // The SIS moving the class moves the course.
    await importClasses(['CLS-C,,,Chemistry,CRS-CHEM,scheduled,ORG2,T1']);
    expect(await schoolOf(course)).to.deep.include({ source: 'sis', sis_key: 'ORG2' });
  });

  it("an import that places a launched course enrols its students who have no school at the course's", async () => {
    lms.sim.addUser({ sub: 'student-e', name: 'Eva Student', roles: [] });
    added.add('sgy-e');
    lms.sim.addCourse({ id: 'sgy-e', label: 'sgy-e', title: 'Course sgy-e', sisId: 'CLS-E' });
    lms.sim.enroll('sgy-e', 'teacher-1', [`${LIS}membership#Instructor`]);
    lms.sim.enroll('sgy-e', 'student-e', [`${LIS}membership#Learner`]);
    const course = await launchCourse('sgy-e', {});
    await tool.t.ctx.rosterSync.syncContext(tenantId, course, 'manual');
    const [student] = await tool.t.ctx.roster.findPeopleBySub(tenantId, ['student-e']);
    // No building, no class known yet: no school for the course or its student.
    expect(await schoolOf(course)).to.equal(undefined);
    expect((await tool.t.ctx.schools.currentOf(tenantId, [student!.id])).size).to.equal(0);
    await importClasses(['CLS-E,,,Economics,CRS-ECON,scheduled,ORG1,T1']);
    expect(await schoolOf(course)).to.deep.include({ source: 'sis', sis_key: 'ORG1' });
    const [lincoln] = await queryRows<{ id: string }>(tool.t.ctx.db, sql`select id from schools where tenant_id = ${tenantId} and sis_key = 'ORG1'`);
    expect((await tool.t.ctx.schools.currentOf(tenantId, [student!.id])).get(student!.id)).to.deep.include({ schoolId: lincoln!.id });
  });

  it("an admin's placement stands against the SIS's import and the launch", async () => {
    const course = await launchCourse('sgy-d', { buildingId: '5171921', sisId: 'CLS-D' });
    const [lincoln] = await queryRows<{ id: string }>(tool.t.ctx.db, sql`select id from schools where tenant_id = ${tenantId} and sis_key = 'ORG1'`);
    await withTenant(tenantId, () => placeCourse(tool.t.ctx.db, tenantId, course, lincoln!.id, 'admin'));
    await importClasses(['CLS-D,,,Drama,CRS-DRAMA,scheduled,ORG2,T1']);
    expect(await schoolOf(course)).to.deep.include({ source: 'admin', sis_key: 'ORG1' });
    await launchCourse('sgy-d', {});
    expect(await schoolOf(course)).to.deep.include({ source: 'admin', sis_key: 'ORG1' });
  });
});
