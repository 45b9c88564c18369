import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../support/app.js';
import { seedSchool, type SeededSchool } from '../../support/school.js';
import { placeStudents } from '../../support/school-places.js';
import { enterSystemScopeForTests } from '../../../src/db/tenant-scope.js';
import { queryRows } from '../../../src/db/client.js';
import { gatherSchoolFacts, type SchoolFactSources } from '../../../src/dashboards/school-facts.js';
import { createStudentFacts, type StudentFactReads } from '../../../src/dashboards/student-facts.js';
import { keepFacts, keptFacts } from '../../../src/dashboards/dashboards.repository.js';
import type { StudentFacts } from '../../../src/dashboards/school-figures.js';
import type { AppUser } from '../../../src/auth/user.js';
import type { Person } from '../../../src/roster/roster.service.js';

const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/membership#';

/**
 * The school view's kept facts (src/dashboards/student-facts.ts, migration 0038): a second view reads
 * them instead of the features' rows, and every kind of write the view counts makes the written
 * student's facts stale, so the next view shows it, computing that student alone. Each case writes
 * through the feature's service where one exists, else as the feature's own repository or an import
 * would (the trigger is what is tested: any statement counts).
 */
describe('school view: kept facts', function () {
  this.timeout(120_000);
  let t: TestApp;
  let s: SeededSchool;
  let school: string;
  let ada: Person, bo: Person, cy: Person;
  let advisor: AppUser;
  /** The ids each read of the features was asked for, newest last. */
  const asked: string[][] = [];
  let sources: SchoolFactSources;
  let reads: StudentFactReads;

  const rows = <T>(q: ReturnType<typeof sql>) => queryRows<T>(t.ctx.db, q);
  const facts = async (): Promise<Map<string, StudentFacts>> => new Map((await gatherSchoolFacts(sources, s.tenantId, school, { withBands: true })).students.map((f) => [f.id, f]));
  /** Views once and says whom the features were read for (sorted names). */
  async function recomputedBy(write: () => Promise<unknown>): Promise<{ names: string[]; after: Map<string, StudentFacts> }> {
    await write();
    asked.length = 0;
    const after = await facts();
    const byId = new Map([ada, bo, cy].map((p) => [p.id, p.name]));
    return { names: [...new Set(asked.flat())].map((id) => byId.get(id) ?? id).sort(), after };
  }

  before(async () => {
    enterSystemScopeForTests();
    t = await createTestApp({}, { now: new Date('2026-03-18T15:00:00Z') });
    s = await seedSchool(t.ctx);
    [ada, bo, cy] = s.students;
    ({ a: school } = await placeStudents(t.ctx.db, s.tenantId, [`Kept ${randomUUID()}`, `Other ${randomUUID()}`], { a: [ada.id, bo.id, cy.id], b: [] }, '2025-08-20'));
    advisor = { tenantId: s.tenantId, personId: s.advisor.id, name: s.advisor.name, role: 'advisor', contextId: s.advisoryId, contextTitle: '', contextKind: 'advisory', menteeIds: [] };
    // The app's sources, with each per-student read counting whom it was asked for.
    const app = t.ctx.schoolFacts;
    const counted = <F extends (tenantId: string, ids: string[], ...rest: never[]) => Promise<unknown>>(read: F): F =>
      ((tenantId: string, ids: string[], ...rest: never[]) => {
        asked.push([...ids]);
        return read(tenantId, ids, ...rest);
      }) as F;
    reads = {
      groupsOf: counted(app.groupsOf),
      assignedNavigatorsOf: counted(app.assignedNavigatorsOf),
      advisoryIdsOf: counted(app.advisoryIdsOf),
      planStatusFor: counted(app.planStatusFor),
      lastAttendedOn: counted(app.lastAttendedOn),
      openNeeds: counted(app.openNeeds),
      standingOf: counted(app.standingOf),
      referralsSince: counted(app.referralsSince),
    };
    sources = { ...app, ...reads, studentFacts: createStudentFacts(t.ctx.db, reads) };
  });
  after(async () => t.ctx.shutdown?.());

  it('computes every student at the first view, then reads them all kept', async () => {
    asked.length = 0;
    const first = await facts();
    expect([...new Set(asked.flat())]).to.have.members([ada.id, bo.id, cy.id]);
    expect(first.get(ada.id)).to.include({ advisoryId: s.advisoryId, plan: 'none', lastSeenOn: null, tier: null });
    expect(first.get(ada.id)!.navigatorIds).to.deep.equal([s.advisor.id]);
    const { names, after } = await recomputedBy(async () => undefined);
    expect(names).to.deep.equal([]);
    expect([...after.values()]).to.deep.equal([...first.values()]);
  });

  it('another process reads the kept facts from the database, computing none', async () => {
    const other = { ...sources, studentFacts: createStudentFacts(t.ctx.db, reads) };
    asked.length = 0;
    const theirs = (await gatherSchoolFacts(other, s.tenantId, school, { withBands: true })).students;
    expect(asked).to.deep.equal([]);
    expect(theirs).to.deep.equal([...(await facts()).values()]);
  });

  it('a check-in recorded through the service: that student alone, seen that day', async () => {
    const { names, after } = await recomputedBy(() => t.ctx.checkins.recordAll(advisor, { date: '2026-03-17', format: 'in_person', sharedNote: '', rows: [{ studentId: ada.id, attended: true, wellbeing: 3 }] }));
    expect(names).to.deep.equal([ada.name]);
    expect(after.get(ada.id)!.lastSeenOn).to.equal('2026-03-17');
    expect(after.get(bo.id)!.lastSeenOn).to.equal(null);
  });

  it('a need raised, then resolved', async () => {
    let r = await recomputedBy(() => t.ctx.checkins.record(advisor, bo.id, { date: '2026-03-18', format: 'in_person', attended: 'no', 'need.food': 'concern' }));
    expect(r.names).to.deep.equal([bo.name]);
    expect(r.after.get(bo.id)!.needs.map((n) => n.category)).to.deep.equal(['food']);
    r = await recomputedBy(() => rows(sql`update checkin_needs set resolved_at = now() where tenant_id = ${s.tenantId} and student_id = ${bo.id}`));
    expect(r.names).to.deep.equal([bo.name]);
    expect(r.after.get(bo.id)!.needs).to.deep.equal([]);
  });

  it('a plan started, and a year later the kept status is stale for everyone', async () => {
    const r = await recomputedBy(() => rows(sql`insert into plans (tenant_id, student_id, school_year, status) values (${s.tenantId}, ${cy.id}, '2025-2026', 'active')`));
    expect(r.names).to.deep.equal([cy.name]);
    expect(r.after.get(cy.id)!.plan).to.equal('active');
    t.clock.set(new Date('2026-08-03T15:00:00Z'));
    try {
      const next = await recomputedBy(async () => undefined);
      expect(next.names).to.deep.equal([ada.name, bo.name, cy.name].sort());
      expect(next.after.get(cy.id)!.plan).to.equal('none');
    } finally {
      t.clock.set(new Date('2026-03-18T15:00:00Z'));
      // The rows now hold next year's facts (this process still has this year's in memory): this year's again.
      await rows(sql`update school_view_students set computed_version = null where tenant_id = ${s.tenantId}`);
      await facts();
    }
  });

  it('a navigator assigned, then the advisory left: navigators and advisory follow', async () => {
    let r = await recomputedBy(() => t.ctx.navigators.assign({ tenantId: s.tenantId, studentId: ada.id, navigatorId: s.otherAdvisor.id, assignedBy: s.admin.id }));
    expect(r.names).to.deep.equal([ada.name]);
    expect(r.after.get(ada.id)!.navigatorIds).to.deep.equal([s.otherAdvisor.id]);
    r = await recomputedBy(() => t.ctx.roster.upsertMembership(s.tenantId, { contextId: s.advisoryId, personId: bo.id, role: 'student', roles: [`${LIS}Learner`], mentees: [], status: 'inactive' }));
    expect(r.names).to.deep.equal([bo.name]);
    expect(r.after.get(bo.id)).to.include({ advisoryId: null });
    expect(r.after.get(bo.id)!.navigatorIds).to.deep.equal([]);
  });

  it('an advisor joining the advisory is read per view, with nothing recomputed', async () => {
    const r = await recomputedBy(() => t.ctx.roster.upsertMembership(s.tenantId, { contextId: s.advisoryId, personId: s.mentor.id, role: 'advisor', roles: [`${LIS}Instructor`], mentees: [] }));
    expect(r.names).to.deep.equal([]);
    expect(r.after.get(cy.id)!.navigatorIds).to.have.members([s.advisor.id, s.mentor.id]);
    await t.ctx.roster.upsertMembership(s.tenantId, { contextId: s.advisoryId, personId: s.mentor.id, role: 'advisor', roles: [`${LIS}Instructor`], mentees: [], status: 'inactive' });
  });

  it('the advisory becoming a subject course: its students lose it', async () => {
    const kind = (k: string) => rows(sql`update contexts set kind = ${k} where tenant_id = ${s.tenantId} and id = ${s.advisoryId}`);
    const r = await recomputedBy(() => kind('subject'));
    // Every student membership counts, the inactive one (Bo left) too: more than needed, never less.
    expect(r.names).to.deep.equal([ada.name, bo.name, cy.name].sort());
    expect(r.after.get(cy.id)).to.include({ advisoryId: null });
    await kind('advisory');
    await facts();
  });

  it('a tier decided, indicators recomputed, a subgroup recorded', async () => {
    let r = await recomputedBy(() => t.ctx.indicators.recomputeStudents(s.tenantId, [cy.id]));
    expect(r.names).to.deep.equal([cy.name]);
    expect(r.after.get(cy.id)!.tier).to.be.oneOf([1, 2, 3]);
    expect(r.after.get(cy.id)!.bands).to.not.deep.equal({});
    r = await recomputedBy(() => t.ctx.indicators.recomputeStudents(s.tenantId, [cy.id]));
    expect(r.names, 'a recompute that changes no band or tier').to.deep.equal([]);
    r = await recomputedBy(() => rows(sql`insert into tier_decisions (tenant_id, student_id, tier, suggested_tier, kind, reason, decided_by) values (${s.tenantId}, ${cy.id}, 3, 1, 'override', 'team', ${s.admin.id})`));
    expect(r.names).to.deep.equal([cy.name]);
    expect(r.after.get(cy.id)!.tier).to.equal(3);
    r = await recomputedBy(() => rows(sql`update student_groups set value = value where tenant_id = ${s.tenantId}`));
    expect(r.names, 'an update that changes nothing the view reads').to.deep.equal([]);
    r = await recomputedBy(() => rows(sql`insert into student_groups (tenant_id, student_id, dimension, value, source) values (${s.tenantId}, ${ada.id}, 'meals', 'yes', 'admin')`));
    expect(r.names).to.deep.equal([ada.name]);
    expect(r.after.get(ada.id)!.groups).to.deep.equal({ meals: 'yes' });
  });

  it('a referral made, then responded to', async () => {
    const [support] = await rows<{ id: string }>(sql`insert into supports (tenant_id, name, provider, category, tier, cost, referral, sensitive) values (${s.tenantId}, 'Tutoring', 'School', 'tutoring', 2, 'free', 'internal', false) returning id`);
    let r = await recomputedBy(() =>
      rows(sql`insert into referrals (tenant_id, student_id, support_id, category, sensitive, reason, urgency, source, referred_by, owner_id, state, due_at)
        values (${s.tenantId}, ${cy.id}, ${support!.id}, 'tutoring', false, 'Reason', 'routine', 'direct', ${s.advisor.id}, ${s.advisor.id}, 'requested', '2026-03-25T12:00:00Z')`),
    );
    expect(r.names).to.deep.equal([cy.name]);
    const referrals = async () => (await gatherSchoolFacts(sources, s.tenantId, school)).referrals.map((f) => ({ studentId: f.studentId, state: f.state, respondedAt: f.respondedAt }));
    expect(await referrals()).to.deep.equal([{ studentId: cy.id, state: 'requested', respondedAt: null }]);
    r = await recomputedBy(() => rows(sql`update referrals set state = 'accepted', responded_at = '2026-03-18T10:00:00Z' where tenant_id = ${s.tenantId} and student_id = ${cy.id}`));
    expect(r.names).to.deep.equal([cy.name]);
    expect(await referrals()).to.deep.equal([{ studentId: cy.id, state: 'accepted', respondedAt: new Date('2026-03-18T10:00:00Z') }]);
  });

  it('keeps facts that a write committed after their versions were read as stale, never current', async () => {
    const boOf = async () => (await keptFacts(t.ctx.db, s.tenantId, t.ctx.schools.studentsAtQuery(s.tenantId, school, '2026-03-18'), { withFacts: true })).find((k) => k.studentId === bo.id);
    const before = await boOf();
    // A write commits while the facts are being computed...
    await rows(sql`insert into checkins (tenant_id, student_id, date, format, attended, week, recorded_by) values (${s.tenantId}, ${bo.id}, '2026-03-16', 'in_person', true, 30, ${s.advisor.id})`);
    // ...and the facts computed before it are kept at the version read before.
    await keepFacts(t.ctx.db, s.tenantId, [{ studentId: bo.id, version: before!.version, facts: before!.facts! }]);
    const kept = await boOf();
    expect(kept!.computedVersion).to.equal(before!.version);
    expect(kept!.version).to.be.greaterThan(kept!.computedVersion!);
    const r = await recomputedBy(async () => undefined);
    expect(r.names).to.deep.equal([bo.name]);
    expect(r.after.get(bo.id)!.lastSeenOn).to.equal('2026-03-16');
  });

  it('a student placed at the school, then moved away, is counted from the day of each', async () => {
    const dee = await t.ctx.roster.upsertPerson(s.tenantId, { sub: `dee-${randomUUID()}`, name: 'Dee Student' });
    await rows(sql`insert into school_enrolments (tenant_id, student_id, school_id, grade_level, started_on, source) values (${s.tenantId}, ${dee.id}, ${school}, '10', '2026-03-18', 'admin')`);
    expect((await facts()).get(dee.id)).to.include({ grade: '10', plan: 'none' });
    await rows(sql`update school_enrolments set ended_on = '2026-03-17' where tenant_id = ${s.tenantId} and student_id = ${dee.id}`);
    expect((await facts()).has(dee.id)).to.equal(false);
  });

  it("forgets with the student: deleting a person leaves no kept row, and deleting a tenant's rows adds none", async () => {
    const other = await t.ctx.roster.upsertPerson(s.tenantId, { sub: `gone-${randomUUID()}`, name: 'Gone Student' });
    await rows(sql`insert into checkins (tenant_id, student_id, date, format, attended, week, recorded_by) values (${s.tenantId}, ${other.id}, '2026-03-16', 'in_person', true, 30, ${s.advisor.id})`);
    expect(await rows(sql`select 1 from school_view_students where tenant_id = ${s.tenantId} and student_id = ${other.id}`)).to.have.length(1);
    await rows(sql`delete from people where tenant_id = ${s.tenantId} and id = ${other.id}`);
    expect(await rows(sql`select 1 from school_view_students where tenant_id = ${s.tenantId} and student_id = ${other.id}`)).to.have.length(0);
  });
});
