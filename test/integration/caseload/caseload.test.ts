import { expect } from 'chai';
import { eq } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../support/app.js';
import { memberships } from '../../../src/db/schema.js';
import { seedSchool, ltikFor, asUser, type SeededSchool } from '../../support/school.js';

const DAY = 86_400_000;
const iso = (d: Date) => d.toISOString().slice(0, 10);

/** The order the students' names appear in on the page. */
function order(html: string, names: string[]): string[] {
  return names.filter((n) => html.includes(n)).sort((a, b) => html.indexOf(a) - html.indexOf(b));
}

describe('caseload (advisor home)', () => {
  let t: TestApp;
  let s: SeededSchool;
  let advisor: ReturnType<typeof asUser>;
  const now = new Date('2026-03-20T15:00:00Z');

  before(async () => {
    t = await createTestApp();
    t.clock.set(now);
    s = await seedSchool(t.ctx);
    // The students joined the advisory a month before "now".
    await t.ctx.db.update(memberships).set({ createdAt: new Date(now.getTime() - 30 * DAY) }).where(eq(memberships.contextId, s.advisoryId));
    advisor = asUser(t.app, await ltikFor(t.ctx, s.advisor, 'advisor', s.advisoryId));
    const [s1, s2, s3] = s.students;
    const answers = { 'answer.w1-proud': 'x', 'answer.w1-matters': 'x', 'answer.w1-tech': 'x', 'answer.w1-space': 'x' };
    const record = (studentId: string, date: string, form: Record<string, string> = {}, as = advisor) =>
      as.post(`/students/${studentId}/checkins`, { date, format: 'in_person', attended: 'yes', ...answers, ...form }).expect(303);
    // s1: last met 12 days ago. s2: urgent housing need raised 3 days ago. s3: met today.
    await record(s1.id, iso(new Date(now.getTime() - 12 * DAY)));
    t.clock.set(new Date(now.getTime() - 3 * DAY));
    // A session of that day: an ltik issued "later" (at now) is refused while the clock is behind it.
    const advisorThen = asUser(t.app, await ltikFor(t.ctx, s.advisor, 'advisor', s.advisoryId));
    await record(s2.id, iso(new Date(now.getTime() - 3 * DAY)), { 'need.housing': 'urgent' }, advisorThen);
    t.clock.set(now);
    await record(s3.id, iso(now), { format: 'video', wellbeing: '4' });
    // A missed meeting is not a check-in: s1 stays overdue.
    await record(s1.id, iso(now), { attended: 'no' });
  });

  it('lists every student of the advisory with plan status, goals, last check-in and open needs', async () => {
    const res = await advisor.get('/caseload').expect(200);
    for (const st of s.students) expect(res.text).to.contain(st.name);
    expect(res.text).to.contain('no plan');
    expect(res.text).to.contain('0 active, 0 achieved');
    expect(res.text).to.contain('Housing (urgent)');
    expect(res.text).to.contain(`Mar 20, 2026`);
  });

  it('orders by who needs attention first and says why', async () => {
    const res = await advisor.get('/caseload').expect(200);
    const [s1, s2, s3] = s.students.map((p) => p.name);
    expect(order(res.text, [s1!, s2!, s3!])).to.deep.equal([s2, s1, s3]);
    expect(res.text).to.contain('urgent housing need raised 3 days ago');
    expect(res.text).to.contain('no check-in attended for 12 days');
    expect(res.text).to.contain('missed the last check-in');
    expect(res.text).to.contain('no plan 30 days after joining');
  });

  it('marks a check-in overdue after the cadence, and filters on it', async () => {
    const res = await advisor.get('/caseload').query({ show: 'overdue' }).expect(200);
    expect(res.text).to.contain(s.students[0].name);
    expect(res.text).not.to.contain(s.students[1].name); // 3 days ago: within the 7-day cadence
    expect(res.text).not.to.contain(s.students[2].name);
    const urgent = await advisor.get('/caseload').query({ show: 'urgent' }).expect(200);
    expect(urgent.text).to.contain(s.students[1].name).and.not.to.contain(s.students[0].name);
  });

  it('uses the configured cadence', async () => {
    const strict = await createTestApp({ checkinCadenceDays: 2 });
    strict.clock.set(now);
    const res = await asUser(strict.app, await ltikFor(strict.ctx, s.advisor, 'advisor', s.advisoryId)).get('/caseload').query({ show: 'overdue' }).expect(200);
    expect(res.text).to.contain(s.students[1].name);
    expect(res.text).to.contain('no check-in attended for 3 days');
  });

  it('sorts by name and searches by name', async () => {
    const res = await advisor.get('/caseload').query({ sort: 'name' }).expect(200);
    const names = s.students.map((p) => p.name);
    expect(order(res.text, names)).to.deep.equal([...names].sort((a, b) => a.localeCompare(b)));
    const one = await advisor.get('/caseload').query({ q: 'liam' }).expect(200);
    expect(one.text).to.contain(s.students[1].name).and.not.to.contain(s.students[0].name);
    expect(one.text).to.contain('Showing 1 of 3');
  });

  it('is the advisor home only: students, family and other tenants are refused', async () => {
    await asUser(t.app, await ltikFor(t.ctx, s.students[0], 'student', s.advisoryId)).get('/caseload').expect(403);
    await asUser(t.app, await ltikFor(t.ctx, s.mentor, 'family', s.advisoryId)).get('/caseload').expect(403);
    const other = await asUser(t.app, await ltikFor(t.ctx, s.other.advisor, 'advisor', s.other.contextId)).get('/caseload').expect(200);
    for (const st of s.students) expect(other.text).not.to.contain(st.name);
    const otherCourse = await asUser(t.app, await ltikFor(t.ctx, s.otherAdvisor, 'advisor', s.otherCourseId)).get('/caseload').query({ view: 'caseload' }).expect(200);
    for (const st of s.students) expect(otherCourse.text).not.to.contain(st.name);
  });

  describe('navigator assignment', () => {
    it('defaults to the advisory teacher', async () => {
      const res = await advisor.get(`/caseload/students/${s.students[2].id}/navigator`).expect(200);
      expect(res.text).to.contain(s.advisor.name).and.to.contain('by default');
    });

    it('reassigns to another advisor of the school, audited; the new navigator gets the student on their caseload', async () => {
      const st = s.students[2];
      await advisor.post(`/caseload/students/${st.id}/navigator`, { navigatorId: s.otherAdvisor.id }).expect(303);
      const other = asUser(t.app, await ltikFor(t.ctx, s.otherAdvisor, 'advisor', s.otherCourseId));
      const theirs = await other.get('/caseload').query({ view: 'caseload' }).expect(200);
      expect(theirs.text).to.contain(st.name).and.not.to.contain(s.students[0].name);
      const mine = await advisor.get('/caseload').expect(200);
      expect(mine.text).to.contain(st.name).and.to.contain(s.otherAdvisor.name);
      const audit = await t.ctx.audit.list(s.tenantId, { studentId: st.id });
      expect(audit.some((a) => a.entity === 'navigator_assignment' && a.action === 'update' && a.actorId === s.advisor.id)).to.equal(true);
    });

    it('refuses a navigator who is not an advisor of the school, and writes nothing', async () => {
      const st = s.students[0];
      await advisor.post(`/caseload/students/${st.id}/navigator`, { navigatorId: s.students[1].id }).expect(400);
      await advisor.post(`/caseload/students/${st.id}/navigator`, { navigatorId: s.other.advisor.id }).expect(400);
      const bad = await advisor.post(`/caseload/students/${st.id}/navigator`, { navigatorId: 'nobody' }).expect(400);
      expect(bad.text).to.contain('Choose an advisor');
      expect(await t.ctx.navigators.activeAssignments(s.tenantId, st.id)).to.have.length(0);
    });

    it('records the student\'s preferred adult and shows it on the caseload', async () => {
      await advisor.post(`/caseload/students/${s.students[0].id}/preferred-adult`, { preferredAdult: 'Coach Lee' }).expect(303);
      const res = await advisor.get('/caseload').expect(200);
      expect(res.text).to.contain('trusts Coach Lee');
      const [a] = await t.ctx.navigators.activeAssignments(s.tenantId, s.students[0].id);
      expect(a!.navigatorId).to.equal(s.advisor.id);
    });

    it('is refused to an advisor with no tie to the student and to another tenant (404)', async () => {
      const stranger = asUser(t.app, await ltikFor(t.ctx, s.otherAdvisor, 'advisor', s.otherCourseId));
      await stranger.post(`/caseload/students/${s.students[0].id}/navigator`, { navigatorId: s.otherAdvisor.id }).expect(404);
      const other = asUser(t.app, await ltikFor(t.ctx, s.other.advisor, 'advisor', s.other.contextId));
      await other.get(`/caseload/students/${s.students[0].id}/navigator`).expect(404);
      const student = asUser(t.app, await ltikFor(t.ctx, s.students[0], 'student', s.advisoryId));
      await student.post(`/caseload/students/${s.students[0].id}/navigator`, { navigatorId: s.otherAdvisor.id }).expect(403);
    });
  });
});
