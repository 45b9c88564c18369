import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../support/app.js';
import { seedSchool, ltikFor, asUser, type SeededSchool } from '../../support/school.js';
import { placeStudents } from '../../support/school-places.js';
import { enterSystemScopeForTests } from '../../../src/db/tenant-scope.js';
import { queryRows } from '../../../src/db/client.js';
import { setStaffGrant } from '../../../src/roster/roster.repository.js';
import { supports } from '../../../src/supports/supports.tables.js';
import type { Person } from '../../../src/roster/roster.service.js';
import type { StaffRole } from '../../../src/auth/user.js';
import { decoded } from '../../support/html.js';

/**
 * Issue 12: staff roles hold at a school. A counsellor of school A sees nothing of school B's students:
 * not their records, not their referrals in the queue, not their alerts; alerts reach the staff of the
 * student's school only, and a referral's owner is chosen among them.
 */
describe('support staff scoped to their school', function () {
  this.timeout(120_000);
  let t: TestApp;
  let s: SeededSchool;
  let places: { a: string; b: string };
  let counsellorA: Person;
  let coordinatorA: Person;
  let coordinatorB: Person;
  const as = async (p: Person) => asUser(t.app, await ltikFor(t.ctx, p, 'advisor', null));
  const rows = <T extends Record<string, unknown>>(q: ReturnType<typeof sql>) => queryRows<T>(t.ctx.db, q);
  const atA = () => s.students[0];
  const atB = () => s.students[1];
  const referrals = new Map<string, string>();

  before(async () => {
    enterSystemScopeForTests();
    t = await createTestApp();
    s = await seedSchool(t.ctx);
    places = await placeStudents(t.ctx.db, s.tenantId, ['Aspen High', 'Birch Middle'], { a: [atA().id], b: [atB().id] });
    const u = randomUUID().slice(0, 8);
    const staff = async (name: string, role: StaffRole, schoolId: string) => {
      const p = await t.ctx.roster.upsertPerson(s.tenantId, { sub: `${name}-${u}`, name: `${name} ${u}`, email: `${name}-${u}@school.test` });
      await setStaffGrant(t.ctx.db, s.tenantId, p.id, { role, schoolId }, true);
      return p;
    };
    counsellorA = await staff('Cara-Aspen', 'counsellor', places.a);
    coordinatorA = await staff('Cole-Aspen', 'coordinator', places.a);
    coordinatorB = await staff('Bea-Birch', 'coordinator', places.b);
    const [housing] = await t.ctx.db
      .insert(supports)
      .values({ tenantId: s.tenantId, name: 'Family housing desk', provider: 'Provider', category: 'housing', tier: 2, cost: 'free', referral: 'internal', sensitive: false })
      .returning({ id: supports.id });
    // Their advisor refers both students; the owner is left to the default.
    const advisor = asUser(t.app, await ltikFor(t.ctx, s.advisor, 'advisor', s.advisoryId));
    for (const student of [atA(), atB()]) {
      const res = await advisor.post(`/students/${student.id}/referrals`, { support: housing!.id, reason: 'Needs a stable place to sleep', urgency: 'routine', owner: '' }).expect(303);
      referrals.set(student.id, new URL(res.headers.location as string, 'http://x').pathname.split('/').pop()!);
    }
  });
  after(async () => t.ctx.shutdown?.());

  it('opens the records of their school\'s students only (another school\'s, or a student of no known school: 404)', async () => {
    const counsellor = await as(counsellorA);
    await counsellor.get(`/students/${atA().id}/plan`).expect(200);
    await counsellor.get(`/students/${atB().id}/plan`).expect(404);
    await counsellor.get(`/students/${s.students[2].id}/plan`).expect(404);
    await counsellor.get(`/students/${atB().id}/referrals/${referrals.get(atB().id)}`).expect(404);
  });

  it('gives each referral an owner among the staff of the student\'s school', async () => {
    const owners = await rows<{ student_id: string; owner_id: string }>(sql`select student_id, owner_id from referrals where tenant_id = ${s.tenantId}`);
    expect(Object.fromEntries(owners.map((r) => [r.student_id, r.owner_id]))).to.deep.equal({ [atA().id]: coordinatorA.id, [atB().id]: coordinatorB.id });
  });

  it('lists only their school\'s referrals in the queue; an admin sees both', async () => {
    const queueOf = async (who: ReturnType<typeof asUser>) => decoded((await who.get('/referrals').expect(200)).text);
    const a = await queueOf(await as(counsellorA));
    expect(a).to.contain(atA().name).and.not.to.contain(atB().name);
    const b = await queueOf(await as(coordinatorB));
    expect(b).to.contain(atB().name).and.not.to.contain(atA().name);
    const admin = await queueOf(asUser(t.app, await ltikFor(t.ctx, s.admin, 'admin', s.advisoryId)));
    expect(admin).to.contain(atA().name).and.to.contain(atB().name);
  });

  it('routes an alert to the staff of the student\'s school, and lists and acts on it there only', async () => {
    for (const [student, owner] of [[atA(), coordinatorA], [atB(), coordinatorB]] as const) {
      await t.ctx.alerts.raiseOverdueReferral(s.tenantId, { studentId: student.id, referralId: referrals.get(student.id)!, category: 'housing', ownerId: owner.id });
    }
    const routed = await rows<{ student_id: string; person_id: string }>(sql`
      select a.student_id, r.person_id from alerts a join alert_recipients r on r.tenant_id = a.tenant_id and r.alert_id = a.id
      where a.tenant_id = ${s.tenantId} order by a.student_id, r.person_id`);
    // Owner and coordinators (config/alert-routing.json): each school's coordinator, never the other's.
    expect(routed.map((r) => [r.student_id, r.person_id])).to.have.deep.members([[atA().id, coordinatorA.id], [atB().id, coordinatorB.id]]);

    const counsellor = await as(counsellorA);
    const page = decoded((await counsellor.get('/alerts').expect(200)).text);
    expect(page).to.contain(atA().name).and.not.to.contain(atB().name);
    const [alertB] = await rows<{ id: string }>(sql`select id from alerts where tenant_id = ${s.tenantId} and student_id = ${atB().id}`);
    await counsellor.post(`/alerts/${alertB!.id}/acknowledge`).expect(404);
    const [alertA] = await rows<{ id: string }>(sql`select id from alerts where tenant_id = ${s.tenantId} and student_id = ${atA().id}`);
    await counsellor.post(`/alerts/${alertA!.id}/acknowledge`).expect(303);
    expect(await t.ctx.alerts.openCount({ ...(await t.ctx.roster.userFromClaims({ tid: s.tenantId, pid: coordinatorB.id, cid: null, role: 'advisor' }))! })).to.equal(1);
  });
});
