import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../support/app.js';
import { seedSchool, ltikFor, asUser, type SeededSchool } from '../../support/school.js';
import { enterSystemScopeForTests } from '../../../src/db/tenant-scope.js';
import { queryRows } from '../../../src/db/client.js';
import { decoded } from '../../support/html.js';
import { placeStudents } from '../../support/school-places.js';

/** Staff roles: given and taken back by the school's admin on /admin/staff; the person's next request carries them. */
describe('staff roles', function () {
  let t: TestApp;
  let school: SeededSchool;
  let admin: ReturnType<typeof asUser>;
  const asOther = async () => asUser(t.app, await ltikFor(t.ctx, school.otherAdvisor, 'advisor', school.otherCourseId));
  const audits = async () => queryRows<{ action: string; entity_id: string }>(t.ctx.db, sql`select action, entity_id from audit_events where tenant_id = ${school.tenantId} and entity = 'staff_role'`);

  before(async () => {
    enterSystemScopeForTests();
    t = await createTestApp();
    school = await seedSchool(t.ctx);
    admin = asUser(t.app, await ltikFor(t.ctx, school.admin, 'admin', school.advisoryId));
  });
  after(async () => t.ctx.shutdown?.());

  it('is linked from the admin home and offers the school\'s adults, not its students', async () => {
    expect(decoded((await admin.get('/admin').expect(200)).text)).to.contain('/admin/staff?');
    const page = decoded((await admin.get('/admin/staff').expect(200)).text);
    expect(page).to.contain(school.otherAdvisor.name).and.to.contain(school.advisor.name);
    expect(page).not.to.contain(school.students[0].name);
  });

  it('a counsellor opens any student\'s plan of the school, and loses it when the role is taken back', async () => {
    const plan = `/students/${school.students[1].id}/plan`;
    await (await asOther()).get(plan).expect(404);
    await admin.post('/admin/staff', { person: school.otherAdvisor.id, role: 'counsellor', school: 'all', change: 'grant' }).expect(303);
    await admin.post('/admin/staff', { person: school.otherAdvisor.id, role: 'counsellor', school: 'all', change: 'grant' }).expect(303);
    const roles = await queryRows<{ staff_roles: string[] }>(t.ctx.db, sql`select staff_roles from people where id = ${school.otherAdvisor.id}`);
    expect(roles[0]!.staff_roles).to.deep.equal(['counsellor']);
    await (await asOther()).get(plan).expect(200);
    expect(decoded((await admin.get('/admin/staff').expect(200)).text)).to.contain('Counsellor');
    await admin.post('/admin/staff', { person: school.otherAdvisor.id, role: 'counsellor', school: 'all', change: 'revoke' }).expect(303);
    await (await asOther()).get(plan).expect(404);
    expect((await audits()).filter((a) => a.entity_id === school.otherAdvisor.id)).to.have.length(3);
  });

  it('refuses a bad form with a 400 page and a student or another school\'s person with a 404, writing nothing', async () => {
    const bad = await admin.post('/admin/staff', { person: 'nobody', role: 'wizard', school: 'all', change: 'grant' }).expect(400);
    expect(bad.text).to.contain('class="error-summary"');
    await admin.post('/admin/staff', { person: school.other.advisor.id, role: 'counsellor', school: 'all', change: 'grant' }).expect(404);
    const other = await queryRows<{ staff_roles: string[] }>(t.ctx.db, sql`select staff_roles from people where id = ${school.other.advisor.id}`);
    expect(other[0]!.staff_roles).to.deep.equal([]);
  });

  it('is the admins\' only: an advisor is refused', async () => {
    const advisor = asUser(t.app, await ltikFor(t.ctx, school.advisor, 'advisor', school.advisoryId));
    await advisor.get('/admin/staff').expect(403);
    await advisor.post('/admin/staff', { person: school.advisor.id, role: 'coordinator', school: 'all', change: 'grant' }).expect(403);
  });

  describe('at a school', () => {
    let places: { a: string; b: string };
    const grants = async (id: string) => (await queryRows<{ staff_roles: string[]; staff_grants: unknown }>(t.ctx.db, sql`select staff_roles, staff_grants from people where id = ${id}`))[0]!;

    before(async () => {
      school = await seedSchool(t.ctx);
      admin = asUser(t.app, await ltikFor(t.ctx, school.admin, 'admin', school.advisoryId));
      places = await placeStudents(t.ctx.db, school.tenantId, ['Aspen High', 'Birch Middle'], { a: [school.students[0].id], b: [school.students[1].id] });
    });

    it('gives a role at one school: its students\' records open, the other school\'s stay closed; the page names the school', async () => {
      const page = decoded((await admin.get('/admin/staff').expect(200)).text);
      expect(page).to.contain('<option value="' + places.a + '">Aspen High</option>').and.to.contain('<option value="all">All schools</option>');
      await admin.post('/admin/staff', { person: school.otherAdvisor.id, role: 'counsellor', school: places.a, change: 'grant' }).expect(303);
      expect(await grants(school.otherAdvisor.id)).to.deep.equal({ staff_roles: ['counsellor'], staff_grants: [{ role: 'counsellor', schoolId: places.a }] });
      const other = await asOther();
      await other.get(`/students/${school.students[0].id}/plan`).expect(200);
      await other.get(`/students/${school.students[1].id}/plan`).expect(404);
      // No school known for the third student: only staff of every school reach them.
      await other.get(`/students/${school.students[2].id}/plan`).expect(404);
      expect(decoded((await admin.get('/admin/staff').expect(200)).text)).to.contain('Counsellor at Aspen High');
    });

    it('keeps "All schools" for district leaders once the district has schools, and refuses a school not the district\'s', async () => {
      const all = await admin.post('/admin/staff', { person: school.otherAdvisor.id, role: 'school_leader', school: 'all', change: 'grant' }).expect(400);
      expect(decoded(all.text)).to.contain('only a district leader holds a role at all schools');
      const stranger = await admin.post('/admin/staff', { person: school.otherAdvisor.id, role: 'school_leader', school: '00000000-0000-4000-8000-000000000000', change: 'grant' }).expect(400);
      expect(decoded(stranger.text)).to.contain('Choose one of the district');
      await admin.post('/admin/staff', { person: school.otherAdvisor.id, role: 'district_leader', school: 'all', change: 'grant' }).expect(303);
      await admin.post('/admin/staff', { person: school.otherAdvisor.id, role: 'counsellor', school: places.b, change: 'grant' }).expect(303);
      expect(await grants(school.otherAdvisor.id)).to.deep.equal({
        staff_roles: ['counsellor', 'district_leader'],
        staff_grants: [{ role: 'counsellor', schoolId: places.a }, { role: 'district_leader', schoolId: null }, { role: 'counsellor', schoolId: places.b }],
      });
    });

    it('takes back one grant, leaving the others; the roles list follows', async () => {
      await admin.post('/admin/staff', { person: school.otherAdvisor.id, role: 'counsellor', school: places.a, change: 'revoke' }).expect(303);
      expect(await grants(school.otherAdvisor.id)).to.deep.equal({
        staff_roles: ['counsellor', 'district_leader'],
        staff_grants: [{ role: 'district_leader', schoolId: null }, { role: 'counsellor', schoolId: places.b }],
      });
      const other = await asOther();
      await other.get(`/students/${school.students[0].id}/plan`).expect(404);
      await other.get(`/students/${school.students[1].id}/plan`).expect(200);
      await admin.post('/admin/staff', { person: school.otherAdvisor.id, role: 'counsellor', school: places.b, change: 'revoke' }).expect(303);
      expect(await grants(school.otherAdvisor.id)).to.deep.equal({ staff_roles: ['district_leader'], staff_grants: [{ role: 'district_leader', schoolId: null }] });
      // 1 + 2 + 2 grants and revokes above, each audited; the refused ones wrote nothing.
      expect((await audits()).filter((a) => a.entity_id === school.otherAdvisor.id)).to.have.length(5);
    });
  });
});
