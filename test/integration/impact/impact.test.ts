import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../support/app.js';
import { seedSchool, ltikFor, asUser, type SeededSchool } from '../../support/school.js';
import { enterSystemScopeForTests } from '../../../src/db/tenant-scope.js';
import { queryRows } from '../../../src/db/client.js';
import { decoded } from '../../support/html.js';
import { supports } from '../../../src/supports/supports.tables.js';
import { referrals } from '../../../src/referrals/referrals.tables.js';
import type { Person } from '../../../src/roster/roster.service.js';
import type { StaffRole } from '../../../src/auth/user.js';
import { setStaffGrant } from '../../../src/roster/roster.repository.js';
import { placeStudents } from '../../support/school-places.js';

// Friday 6 March 2026, 10:00 at the school (UTC: the test school has not set a zone). School year from 1 August 2025.
const TODAY = new Date('2026-03-06T10:00:00Z');
// Both groups start service on Monday 12 January 2026: with every weekday a school day (each student has an
// attendance record on every weekday from 1 December), the 20 school days before are Mon 15 Dec..Fri 9 Jan
// and the 20 from the anchor on are Mon 12 Jan..Fri 6 Feb.
const ANCHOR = new Date('2026-01-12T15:00:00Z');
const BEFORE_FROM = '2025-12-15';
const AFTER_FROM = '2026-01-12';
// Served on Monday 23 February: only 10 school days since (23 Feb..6 Mar), so too recent to compare.
const RECENT = new Date('2026-02-23T15:00:00Z');

/** Every weekday from `from` to `to` (inclusive). */
function weekdays(from: string, to: string): string[] {
  const days: string[] = [];
  for (let d = Date.parse(`${from}T00:00:00Z`); d <= Date.parse(`${to}T00:00:00Z`); d += 86_400_000) {
    const day = new Date(d);
    if (day.getUTCDay() !== 0 && day.getUTCDay() !== 6) days.push(day.toISOString().slice(0, 10));
  }
  return days;
}
const ALL_DAYS = weekdays('2025-12-01', '2026-03-06');
const BEFORE_DAYS = weekdays(BEFORE_FROM, '2026-01-09');
const AFTER_DAYS = weekdays(AFTER_FROM, '2026-02-06');

/** The cells of one measure's row in a group's table, as read. */
function rowOf(section: string, label: string): string[] {
  const row = new RegExp(`<th scope="row">${label.replace(/[()%]/g, '\\$&')}</th>(.*?)</tr>`, 's').exec(section);
  expect(row, label).to.not.equal(null);
  return [...row![1]!.matchAll(/<td>(.*?)<\/td>/g)].map((m) => m[1]!);
}
/** The card of one support or strategy on the page, by its heading. */
function groupOf(html: string, title: string): string {
  const cards = html.split('<section class="card impact-group"').slice(1);
  const card = cards.find((c) => c.includes(`-title">${title}`));
  expect(card, title).to.not.equal(undefined);
  return card!.split('</section>')[0]!;
}

/**
 * Which supports worked (issue 12 item 7), over HTTP on a seeded school with a fixed clock: the figures
 * are worked out by hand below from the attendance, incidents and course points written for each student.
 */
describe('impact: which supports worked', function () {
  let t: TestApp;
  let s: SeededSchool;
  let tutoring: string;
  let mentoring: string;
  const people: Record<string, Person> = {};
  const rows = <T>(q: ReturnType<typeof sql>) => queryRows<T>(t.ctx.db, q);

  async function person(key: string, name: string, staffRole?: string): Promise<Person> {
    const p = await t.ctx.roster.upsertPerson(s.tenantId, { sub: `${key}-${randomUUID().slice(0, 8)}`, name });
    // staff_grants is the truth (staff_roles follows it): a role held at every school.
    if (staffRole) await rows(sql`update people set staff_roles = ${`{${staffRole}}`}, staff_grants = ${JSON.stringify([{ role: staffRole, schoolId: null }])}::jsonb where id = ${p.id}`);
    return p;
  }
  async function support(name: string, category: 'tutoring' | 'mentoring'): Promise<string> {
    const [row] = await t.ctx.db.insert(supports).values({ tenantId: s.tenantId, name, provider: 'School', category, tier: 2, cost: 'free', referral: 'internal', sensitive: false }).returning({ id: supports.id });
    return row!.id;
  }
  async function refer(student: Person, supportId: string, category: string, servedAt: Date | null) {
    await t.ctx.db.insert(referrals).values({
      tenantId: s.tenantId, studentId: student.id, supportId, category, sensitive: false, reason: 'Needs help', urgency: 'routine', source: 'direct',
      referredBy: s.advisor.id, ownerId: s.advisor.id, state: servedAt ? 'in_service' : 'accepted', dueAt: new Date('2026-01-09T23:59:59Z'), servedAt,
      createdAt: new Date('2026-01-05T12:00:00Z'),
    });
  }
  /** Attendance on every weekday, absent on the first `absentBefore` days of the before window and the first `absentAfter` of the after window. */
  async function attendance(student: Person, absentBefore: number, absentAfter: number) {
    const absent = new Set([...BEFORE_DAYS.slice(0, absentBefore), ...AFTER_DAYS.slice(0, absentAfter)]);
    await t.ctx.studentData.upsertAttendance(s.tenantId, 'manual', ALL_DAYS.map((day) => ({ personId: student.id, day, status: absent.has(day) ? 'absent' : 'present' })));
  }
  async function incidentsOn(student: Person, days: string[]) {
    await t.ctx.studentData.upsertIncidents(s.tenantId, 'manual', days.map((day, i) => ({ personId: student.id, externalId: `${student.id}-${i}`, day, category: 'disruption', severity: 'minor' })));
  }
  async function tier(student: Person, n: number) {
    await rows(sql`insert into tier_decisions (tenant_id, student_id, tier, suggested_tier, kind, decided_by, decided_at) values (${s.tenantId}, ${student.id}, ${n}, ${n}, 'confirm', ${s.admin.id}, '2025-11-20T12:00:00Z')`);
  }
  async function coursePoint(student: Person, day: string, score: number) {
    await rows(sql`insert into course_score_days (tenant_id, person_id, source, course_key, day, current_score) values (${s.tenantId}, ${student.id}, 'manual', 'algebra', ${day}, ${score})`);
  }

  before(async function () {
    this.timeout(120_000);
    enterSystemScopeForTests();
    // A minimum group size of 3 (the reports library's setting stands in): the tutoring groups (3 and 3) show, the mentoring ones (1 and 1) do not.
    t = await createTestApp({}, { now: TODAY, wiring: { minimumGroupSize: () => Promise.resolve(3) } });
    t.clock.set(TODAY);
    s = await seedSchool(t.ctx);
    tutoring = await support('After-school maths tutoring', 'tutoring');
    mentoring = await support('Peer mentoring', 'mentoring');
    const [s1, s2, s3] = s.students;
    Object.assign(people, { s1, s2, s3 });
    for (const [key, name] of [['s4', 'Recent Served'], ['c1', 'Cato One'], ['c2', 'Cleo Two'], ['c3', 'Cruz Three'], ['s5', 'Mentee Five'], ['x', 'Xavi Tier3']] as const) people[key] = await person(key, name);
    people.counsellor = await person('couns', 'Cal Counsellor', 'counsellor');
    people.district = await person('district', 'Dana District', 'district_leader');

    // Tier 2 at the anchor: the served S1-S4 and the comparison C1-C3. Tier 3: S5 (mentored) and X.
    for (const k of ['s1', 's2', 's3', 's4', 'c1', 'c2', 'c3']) await tier(people[k]!, 2);
    for (const k of ['s5', 'x']) await tier(people[k]!, 3);

    // Days absent in the before / after windows (of 20 school days each):
    // S1 4/0 -> 80% / 100%; S2 6/2 -> 70% / 90%; S3 2/2 -> 90% / 90%.
    // C1 4/4 -> 80% / 80%; C2 2/4 -> 90% / 80%; C3 0/2 -> 100% / 90%. S4, S5, X: none.
    const absences: Record<string, [number, number]> = { s1: [4, 0], s2: [6, 2], s3: [2, 2], s4: [0, 0], c1: [4, 4], c2: [2, 4], c3: [0, 2], s5: [0, 0], x: [0, 0] };
    for (const [k, [b, a]] of Object.entries(absences)) await attendance(people[k]!, b, a);
    // Incidents (per 100 school days = incidents / 20 x 100):
    // S1 2 before (10), 0 after (0); S2 1 (5) and 1 (5); S3 none.
    // C1 1 (5) and 1 (5); C2 none; C3 0 before, 2 after (10).
    await incidentsOn(people.s1!, ['2025-12-16', '2026-01-06']);
    await incidentsOn(people.s2!, ['2025-12-17', '2026-01-20']);
    await incidentsOn(people.c1!, ['2025-12-18', '2026-01-21']);
    await incidentsOn(people.c3!, ['2026-01-22', '2026-02-03']);
    // Courses below 60 at each window's end (the latest point in the window): S1 50 on 20 Dec (1 failing), 70 on 2 Feb (0);
    // C1 70 on 18 Dec (0), 55 on 3 Feb (1). Nobody else has course points (no data: left out of that measure's means).
    await coursePoint(people.s1!, '2025-12-20', 50);
    await coursePoint(people.s1!, '2026-02-02', 70);
    await coursePoint(people.c1!, '2025-12-18', 70);
    await coursePoint(people.c1!, '2026-02-03', 55);

    for (const k of ['s1', 's2', 's3']) await refer(people[k]!, tutoring, 'tutoring', ANCHOR);
    await refer(people.s4!, tutoring, 'tutoring', RECENT);
    // Accepted but never in service: C2 is still a comparison student.
    await refer(people.c2!, tutoring, 'tutoring', null);
    await refer(people.s5!, mentoring, 'mentoring', ANCHOR);
  });
  after(async () => t.ctx.shutdown?.());

  const page = async (who: Person, role: 'admin' | 'advisor' | 'student' | 'family', query = '') =>
    asUser(t.app, await ltikFor(t.ctx, who, role, role === 'admin' || role === 'student' || role === 'family' ? s.advisoryId : null)).get(`/impact${query}`);

  it('shows the tutoring figures worked out by hand, with the caveat', async () => {
    const res = await page(s.admin, 'admin');
    expect(res.status).to.equal(200);
    const html = decoded(res.text);
    expect(html).to.contain('They do not show that the support caused the change');
    const card = groupOf(html, 'After-school maths tutoring');
    // Served with both windows complete: S1, S2, S3; S4 too recent; comparison: C1, C2, C3 (S5 and X are tier 3).
    expect(card).to.match(/Students served \(both windows complete\)<\/dt><dd>3</);
    expect(card).to.match(/Comparison students \(same tier, not served\)<\/dt><dd>3</);
    // One too recent: under the minimum of 3, so it reads "fewer than 3".
    expect(card).to.match(/Started too recently to compare<\/dt><dd>fewer than 3</);
    // Attendance. Served: before (80 + 70 + 90) / 3 = 80; after (100 + 90 + 90) / 3 = 93.33 -> 93.3; change +13.3.
    // Comparison (each served student's comparison mean is the same, all anchored on 12 Jan):
    // before (80 + 90 + 100) / 3 = 90; after (80 + 80 + 90) / 3 = 83.33 -> 83.3; change -6.67 -> -6.7.
    // Difference in change: 13.33 - (-6.67) = 20.
    expect(rowOf(card, 'Attendance (% of school days)')).to.deep.equal(['80', '93.3', '+13.3', '90', '83.3', '−6.7', '+20']);
    // Incidents per 100 school days. Served: before (10 + 5 + 0) / 3 = 5; after (0 + 5 + 0) / 3 = 1.67 -> 1.7; change -3.33 -> -3.3.
    // Comparison: before (5 + 0 + 0) / 3 = 1.67 -> 1.7; after (5 + 0 + 10) / 3 = 5; change +3.33 -> +3.3. Difference -6.67 -> -6.7.
    expect(rowOf(card, 'Incidents per 100 school days')).to.deep.equal(['5', '1.7', '−3.3', '1.7', '5', '+3.3', '−6.7']);
    // Courses failing: served S1 only, 1 -> 0 (change -1); comparison C1 only, 0 -> 1 (change +1); difference -2.
    expect(rowOf(card, "Courses below the passing score at the window's end")).to.deep.equal(['1', '0', '−1', '0', '1', '+1', '−2']);
    // No check-in ratings: no data.
    expect(rowOf(card, 'Check-in well-being (1 to 5)')).to.deep.equal(Array(7).fill('no data'));
    // The strategy (every tutoring support) holds the same students, so the same figures.
    expect(rowOf(groupOf(html, 'Tutoring'), 'Attendance (% of school days)')).to.deep.equal(['80', '93.3', '+13.3', '90', '83.3', '−6.7', '+20']);
  });

  it('suppresses a group under the minimum: counts read "fewer than", and no figure is shown', async () => {
    const html = decoded((await page(s.admin, 'admin')).text);
    const card = groupOf(html, 'Peer mentoring');
    expect(card).to.match(/Students served \(both windows complete\)<\/dt><dd>fewer than 3</);
    expect(card).to.contain('Too few students to show figures');
    expect(card).to.not.contain('<table');
    // Nothing but the minimum itself: no figure, no percentage, no change.
    const text = card.slice(card.indexOf('>') + 1).replace(/<[^>]+>/g, ' ');
    expect(text.replace(/fewer than 3|at least 3/g, '')).to.not.match(/\d/);
  });

  it('filters by kind of support and by period, and records one aggregate read in the audit log', async () => {
    const before = await rows<{ n: number }>(sql`select count(*)::int as n from audit_events where tenant_id = ${s.tenantId} and entity = 'impact_report'`);
    const html = decoded((await page(s.admin, 'admin', '?category=mentoring&period=last90')).text);
    expect(html).to.contain('Peer mentoring').and.not.to.contain('After-school maths tutoring');
    expect(html).to.contain('<option value="last90" selected>');
    const after = await rows<{ n: number; students: number }>(sql`select count(*)::int as n, (select count(*)::int from audit_event_students where tenant_id = ${s.tenantId}) as students from audit_events where tenant_id = ${s.tenantId} and entity = 'impact_report'`);
    expect(after[0]!.n).to.equal(before[0]!.n + 1);
    expect(after[0]!.students).to.equal(0);
  });

  it('reads in the reader\'s language: the caveat and the figures in Spanish', async () => {
    const admin = asUser(t.app, await t.ctx.ltiks.issue({ tid: s.tenantId, pid: s.admin.id, cid: null, role: 'admin', loc: 'es' }));
    const html = decoded((await admin.get('/impact').expect(200)).text);
    expect(html).to.contain('No muestran que el apoyo causara el cambio');
    // Numbers as the tool's Spanish (es-US) writes them: a decimal point.
    expect(rowOf(groupOf(html, 'After-school maths tutoring'), 'Asistencia (% de días lectivos)')).to.deep.equal(['80', '93.3', '+13.3', '90', '83.3', '−6.7', '+20']);
    expect(groupOf(html, 'Peer mentoring')).to.contain('menos de 3');
  });

  it('is for support staff, leaders and admins, linked from the supports catalogue for them only', async () => {
    expect((await page(s.students[0], 'student')).status).to.equal(403);
    expect((await page(s.mentor, 'family')).status).to.equal(403);
    expect((await page(s.advisor, 'advisor')).status).to.equal(403);
    expect((await page(people.counsellor!, 'advisor')).status).to.equal(200);
    expect((await page(people.district!, 'advisor')).status).to.equal(200);
    const catalogueOf = async (who: Person) => decoded((await asUser(t.app, await ltikFor(t.ctx, who, 'advisor', null)).get('/supports').expect(200)).text);
    expect(await catalogueOf(people.counsellor!)).to.contain('/impact?');
    expect(await catalogueOf(s.advisor)).to.not.contain('/impact?');
  });

  it("reads over the reader's schools: a school-B student's support does not count for a school-A reader", async () => {
    // School A: the tutored students and their comparison students; school B: the mentored S5 and X (tier 3).
    const ids = (keys: string[]) => keys.map((k) => people[k]!.id);
    const places = await placeStudents(t.ctx.db, s.tenantId, ['Aspen High', 'Birch Middle'], { a: ids(['s1', 's2', 's3', 's4', 'c1', 'c2', 'c3']), b: ids(['s5', 'x']) }, '2025-08-20');
    const staffAt = async (key: string, role: StaffRole, schoolIds: string[]) => {
      const p = await person(key, `Staff ${key}`);
      for (const schoolId of schoolIds) await setStaffGrant(t.ctx.db, s.tenantId, p.id, { role, schoolId }, true);
      return p;
    };
    const counsellorA = await staffAt('couns-a', 'counsellor', [places.a]);
    const counsellorB = await staffAt('couns-b', 'counsellor', [places.b]);
    const leaderAB = await staffAt('lead-ab', 'school_leader', [places.a, places.b]);
    const html = async (who: Person, query = '') => {
      const res = await page(who, 'advisor', query);
      expect(res.status, `${who.name}${query}`).to.equal(200);
      return decoded(res.text);
    };

    // Counsellor of A: the tutoring figures, as worked out by hand (every student of them is at A); S5's mentoring is B's: not counted.
    const a = await html(counsellorA);
    expect(rowOf(groupOf(a, 'After-school maths tutoring'), 'Attendance (% of school days)')).to.deep.equal(['80', '93.3', '+13.3', '90', '83.3', '−6.7', '+20']);
    expect(a).to.not.contain('Peer mentoring').and.not.to.contain('-title">Mentoring');
    expect(a).to.contain('Students at: Aspen High').and.not.to.contain('name="school"');
    // Counsellor of B: the other way round.
    const b = await html(counsellorB);
    expect(b).to.contain('Peer mentoring').and.not.to.contain('After-school maths tutoring');
    // A's counsellor cannot pick B.
    expect((await page(counsellorA, 'advisor', `?school=${places.b}`)).status).to.equal(403);

    // A leader of both: all of theirs by default, or one of them.
    const both = await html(leaderAB);
    expect(both).to.contain('<option value="" selected>All my schools</option>').and.to.contain(`<option value="${places.b}">Birch Middle</option>`);
    expect(both).to.contain('Peer mentoring').and.to.contain('After-school maths tutoring');
    const onlyB = await html(leaderAB, `?school=${places.b}`);
    expect(onlyB).to.contain(`<option value="${places.b}" selected>Birch Middle</option>`);
    expect(onlyB).to.contain('Peer mentoring').and.not.to.contain('After-school maths tutoring');

    // The district leader of every school: the whole district by default, any school to pick.
    const district = await html(people.district!);
    expect(district).to.contain('<option value="" selected>Every school</option>').and.to.contain(`<option value="${places.a}">Aspen High</option>`);
    expect(district).to.contain('Peer mentoring').and.to.contain('After-school maths tutoring');
    expect(await html(people.district!, `?school=${places.a}`)).to.not.contain('Peer mentoring');
    // A school id of no school of the tenant: 404.
    expect((await page(people.district!, 'advisor', `?school=${randomUUID()}`)).status).to.equal(404);

    // S5 moves from B to A on 1 February, after their mentoring began (12 January) at B: it stays B's.
    await rows(sql`update school_enrolments set ended_on = '2026-01-31' where tenant_id = ${s.tenantId} and student_id = ${people.s5!.id}`);
    await rows(sql`insert into school_enrolments (tenant_id, student_id, school_id, started_on, source) values (${s.tenantId}, ${people.s5!.id}, ${places.a}, '2026-02-01', 'admin')`);
    expect(await html(counsellorB)).to.contain('Peer mentoring');
    expect(await html(counsellorA)).to.not.contain('Peer mentoring');
  });
});
