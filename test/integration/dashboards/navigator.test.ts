import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { inArray, sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../support/app.js';
import { seedSchool, ltikFor, asUser, type SeededSchool } from '../../support/school.js';
import { decoded } from '../../support/html.js';
import { enterSystemScopeForTests } from '../../../src/db/tenant-scope.js';
import { queryRows } from '../../../src/db/client.js';
import { memberships } from '../../../src/db/schema.js';
import { supports } from '../../../src/supports/supports.tables.js';
import type { AppUser, ToolRole } from '../../../src/auth/user.js';
import type { Person } from '../../../src/roster/roster.service.js';

const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/membership#';
const DAY = 86_400_000;
// Wednesday 18 March 2026, 15:00 at the school (UTC: the test school has not set a zone). Cadence: 7 days.
const NOW = new Date('2026-03-18T15:00:00Z');

/** One section of the page (its heading's id), up to the next section. */
function section(html: string, id: string): string {
  const start = html.indexOf(`aria-labelledby="${id}"`);
  expect(start, id).to.be.greaterThan(-1);
  return html.slice(start, html.indexOf('</section>', start));
}
const countOf = (html: string, key: string) => Number(new RegExp(`data-count="${key}">(\\d+)<`).exec(html)?.[1]);
/** Which of these people a piece of the page names, in the order it names them. */
const named = (html: string, people: Person[]) => people.filter((p) => html.includes(p.name)).sort((a, b) => html.indexOf(a.name) - html.indexOf(b.name)).map((p) => p.name);

/**
 * The navigator view over HTTP: an advisor with two advisories and a student assigned from a third
 * (another advisor's), check-ins on known days, needs (one sensitive, one resolved), referrals in every state.
 */
describe('navigator view (/navigator)', function () {
  // About forty writes over HTTP and through the services before the first page: a shared 2-core machine needs the room.
  this.timeout(120_000);
  let t: TestApp;
  let s: SeededSchool;
  let s4: Person, s5: Person, s6: Person, s7: Person;
  let coordinator: Person, counsellor: Person, subjectTeacher: Person, olu: Person;
  let advisoryB: string, advisoryC: string;
  let html: string;

  const rows = <T>(q: ReturnType<typeof sql>) => queryRows<T>(t.ctx.db, q);
  const at = (iso: string) => t.clock.set(new Date(iso));
  /** A launched user at the clock's time (an ltik from "later" is refused while the clock is behind it). */
  const as = async (p: Person, role: ToolRole, contextId: string | null) => asUser(t.app, await ltikFor(t.ctx, p, role, contextId));
  const appUser = (p: Person, role: ToolRole, contextId: string | null): AppUser => ({ tenantId: p.tenantId, personId: p.id, name: p.name, role, contextId, contextTitle: '', contextKind: contextId ? 'advisory' : null, menteeIds: [] });
  const ada = () => appUser(s.advisor, 'advisor', s.advisoryId);

  async function attended(p: Person, date: string, by = ada()) {
    at(`${date}T12:00:00Z`);
    await t.ctx.checkins.recordAll(by, { date, format: 'in_person', sharedNote: '', rows: [{ studentId: p.id, attended: true, wellbeing: 3 }] });
  }
  /** A missed meeting on `date`, raising needs (`need.<category>`: concern or urgent). */
  async function missed(p: Person, date: string, needs: Record<string, string> = {}, by = ada()) {
    at(`${date}T13:00:00Z`);
    await t.ctx.checkins.record(by, p.id, { date, format: 'in_person', attended: 'no', ...needs });
  }
  async function support(name: string, category: string, sensitive = false): Promise<string> {
    const [row] = await t.ctx.db.insert(supports).values({ tenantId: s.tenantId, name, provider: 'Provider', category: category as 'housing', tier: 2, cost: 'free', referral: 'internal', sensitive }).returning({ id: supports.id });
    return row!.id;
  }
  /** A referral made at `when` by `by`; returns its page's path. */
  async function refer(by: () => Promise<ReturnType<typeof asUser>>, p: Person, when: string, form: Record<string, string>): Promise<string> {
    at(when);
    const res = await (await by()).post(`/students/${p.id}/referrals`, { reason: 'Needs support', urgency: 'routine', ...form }).expect(303);
    return new URL(res.headers.location as string, 'http://x').pathname;
  }
  async function step(path: string, action: string, form: Record<string, string>, when: string) {
    at(when);
    await (await as(coordinator, 'advisor', null)).post(`${path}/${action}`, form).expect(303);
  }

  before(async () => {
    enterSystemScopeForTests();
    t = await createTestApp({}, { now: NOW });
    at('2026-02-01T09:00:00Z');
    s = await seedSchool(t.ctx);
    const u = randomUUID().slice(0, 8);
    const person = (sub: string, name: string) => t.ctx.roster.upsertPerson(s.tenantId, { sub: `${sub}-${u}`, name: `${name} ${u}` });
    const member = (contextId: string, personId: string, role: ToolRole, lis: string) => t.ctx.roster.upsertMembership(s.tenantId, { contextId, personId, role, roles: [`${LIS}${lis}`], mentees: [] });
    // Ada's second advisory (s4, s5); Olu's advisory (s6, s7), from which s6 is assigned to Ada.
    advisoryB = (await t.ctx.roster.upsertContext(s.tenantId, { contextId: `advisory-b-${u}`, title: `Advisory 9C ${u}`, placementKind: 'advisory' })).id;
    advisoryC = (await t.ctx.roster.upsertContext(s.tenantId, { contextId: `advisory-c-${u}`, title: `Advisory 9D ${u}`, placementKind: 'advisory' })).id;
    s4 = await person('s4', 'Bea Bianchi');
    s5 = await person('s5', 'Caleb Cho');
    s6 = await person('s6', 'Dina Diaz');
    s7 = await person('s7', 'Emil Eriksen');
    olu = await person('olu', 'Olu Okoro');
    coordinator = await person('coord', 'Cora Coordinator');
    counsellor = await person('couns', 'Cal Counsellor');
    subjectTeacher = await person('teach', 'Pat Park');
    await member(advisoryB, s.advisor.id, 'advisor', 'Instructor');
    await member(advisoryB, s4.id, 'student', 'Learner');
    await member(advisoryB, s5.id, 'student', 'Learner');
    await member(advisoryC, olu.id, 'advisor', 'Instructor');
    await member(advisoryC, s6.id, 'student', 'Learner');
    await member(advisoryC, s7.id, 'student', 'Learner');
    await member(s.otherCourseId, subjectTeacher.id, 'advisor', 'Instructor');
    await rows(sql`update people set staff_roles = '{coordinator}', staff_grants = '[{"role":"coordinator","schoolId":null}]' where id = ${coordinator.id}`);
    await rows(sql`update people set staff_roles = '{counsellor}', staff_grants = '[{"role":"counsellor","schoolId":null}]' where id = ${counsellor.id}`);
    // Everyone joined a month before now (the "never met" count runs from joining).
    await t.ctx.db.update(memberships).set({ createdAt: new Date(NOW.getTime() - 30 * DAY) }).where(inArray(memberships.contextId, [s.advisoryId, advisoryB, advisoryC]));
    await t.ctx.navigators.assign({ tenantId: s.tenantId, studentId: s6.id, navigatorId: s.advisor.id, assignedBy: s.admin.id });
    await rows(sql`update navigator_assignments set assigned_at = ${new Date(NOW.getTime() - 20 * DAY).toISOString()} where student_id = ${s6.id}`);

    const [s1, s2, s3] = s.students;
    // Weeks count from each student's first check-in (config/checkin-script.json weekFrom).
    await attended(s1, '2026-03-04'); // first; week 3 starts 03-18
    await attended(s1, '2026-03-16'); // 2 days ago: seen, but not yet this week -> due
    await attended(s2, '2026-03-10'); // week 2 started 03-17 -> due; 8 days > 7 -> not seen
    await missed(s2, '2026-03-10', { 'need.housing': 'urgent' }); // sensitive, urgent, raised by Ada
    await attended(s3, '2026-03-17'); // week 1, met -> not due, seen
    at('2026-03-17T10:00:00Z');
    await t.ctx.checkins.savePrep(appUser(s3, 'student', s.advisoryId), s3.id, { 'need.technology': 'concern' }); // raised by the student
    // s4: never met, joined 30 days ago -> due and not seen.
    await attended(s5, '2026-03-02'); // week 3 starts 03-16
    await missed(s5, '2026-03-16'); // absent: still due, 16 days unseen
    await attended(s6, '2026-03-11'); // week 2 starts 03-18 -> due; exactly 7 days: within the cadence
    await missed(s6, '2026-03-11', { 'need.food': 'concern' }); // sensitive concern
    await missed(s1, '2026-03-16', { 'need.academic': 'concern' });
    const [academic] = await rows<{ id: string }>(sql`select id from checkin_needs where student_id = ${s1.id} and category = 'academic'`);
    at('2026-03-17T09:00:00Z');
    await t.ctx.checkins.resolveNeed(ada(), s1.id, academic!.id, { success: true, data: { how: 'no_longer_needed', note: '' } } as never);
    await missed(s7, '2026-03-16', { 'need.wellbeing': 'urgent' }, appUser(olu, 'advisor', advisoryC)); // Olu's student: never Ada's

    const housing = await support('Family housing desk', 'housing');
    const counselling = await support('Teen counselling centre', 'wellbeing', true);
    const asAda = () => as(s.advisor, 'advisor', s.advisoryId);
    await refer(asAda, s1, '2026-03-12T10:00:00Z', { support: housing }); // routine, due end of Mon 03-16: overdue
    const r3 = await refer(asAda, s4, '2026-03-12T11:00:00Z', { support: housing });
    await step(r3, 'respond', { answer: 'accept', version: '1' }, '2026-03-13T10:00:00Z'); // accepted: waiting to start
    const r4 = await refer(asAda, s5, '2026-03-12T12:00:00Z', { support: housing });
    await step(r4, 'respond', { answer: 'accept', version: '1' }, '2026-03-13T11:00:00Z');
    await step(r4, 'start', { version: '2' }, '2026-03-14T11:00:00Z'); // in service: not waiting
    const r5 = await refer(asAda, s6, '2026-03-12T13:00:00Z', { support: housing });
    await step(r5, 'respond', { answer: 'decline', declineReason: 'Full this term', version: '1' }, '2026-03-13T12:00:00Z'); // declined: not waiting
    await refer(() => as(olu, 'advisor', advisoryC), s7, '2026-03-12T14:00:00Z', { support: housing }); // Olu's student
    await refer(asAda, s2, '2026-03-18T09:00:00Z', { support: counselling, urgency: 'urgent' }); // sensitive, Ada referred: she sees it
    await refer(() => as(coordinator, 'advisor', null), s3, '2026-03-18T10:00:00Z', { support: counselling }); // sensitive, not Ada's: arranged
    at(NOW.toISOString());
    html = decoded((await (await asAda()).get('/navigator').expect(200)).text);
  });
  after(async () => t.ctx.shutdown?.());

  const everyone = () => [...s.students, s4, s5, s6, s7, s.other.student];

  it('is reachable from the advisor home, and counts every student navigated: two advisories and one assigned', async () => {
    const home = decoded((await (await as(s.advisor, 'advisor', s.advisoryId)).get('/caseload').expect(200)).text);
    expect(home).to.contain('/navigator?');
    expect(html).to.contain('You navigate 6 students.');
  });

  it('check-ins due this week: everyone without an attended check-in in their own week, by name', () => {
    const due = section(html, 'nv-due');
    expect(countOf(due, 'due')).to.equal(5);
    const [s1, s2] = s.students;
    expect(named(due, everyone())).to.deep.equal([s1.name, s2.name, s4.name, s5.name, s6.name].sort((a, b) => a.localeCompare(b)));
    // s1's third week and s6's second both begin today; s2's second began yesterday.
    expect(due).to.contain('week 3 <span class="muted">(since Mar 18, 2026)').and.to.contain('week 2 <span class="muted">(since Mar 17, 2026)');
    expect(due).to.contain(`/students/${s4.id}/checkins?ltik=`).and.to.contain(`/students/${s4.id}/checkins/new?ltik=`);
  });

  it('not seen within the cadence: as the caseload counts overdue, never met first, then the longest', async () => {
    const unseen = section(html, 'nv-not-seen');
    expect(countOf(unseen, 'notSeen')).to.equal(3);
    expect(named(unseen, everyone())).to.deep.equal([s4.name, s5.name, s.students[1].name]);
    expect(unseen).to.contain('not met yet, on your caseload for 30 days').and.to.contain('no check-in attended for 16 days').and.to.contain('no check-in attended for 8 days');
    // The same students the caseload's own "overdue" filter keeps (its students on this page: both advisories and the assigned one).
    const caseload = decoded((await (await as(s.advisor, 'advisor', s.advisoryId)).get('/caseload').query({ show: 'overdue' }).expect(200)).text);
    expect(named(caseload, everyone()).sort()).to.deep.equal([s4.name, s5.name, s.students[1].name].sort());
  });

  it('open needs: one per category, urgent first then the oldest, sensitive ones to those allowed, resolved ones gone', () => {
    const needs = section(html, 'nv-needs');
    expect(countOf(needs, 'needs')).to.equal(3);
    expect(named(needs, everyone())).to.deep.equal([s.students[1].name, s6.name, s.students[2].name]);
    expect(needs).to.contain('Housing (urgent)').and.to.contain('Food (concern)').and.to.contain('by the student').and.to.contain(`by ${s.advisor.name}`);
    expect(needs).not.to.contain('Academic').and.not.to.contain('Well-being');
    expect(needs).to.contain(`/students/${s6.id}/plan?ltik=`);
  });

  it('referrals waiting: requested or accepted, overdue first then soonest due; need-to-know hides what another adult referred', () => {
    const waiting = section(html, 'nv-referrals');
    expect(countOf(waiting, 'referrals')).to.equal(4);
    expect(named(waiting, everyone())).to.deep.equal([s.students[0].name, s4.name, s.students[1].name, s.students[2].name]);
    expect(waiting.match(/Overdue/g)).to.have.length(1);
    expect(waiting).to.contain('Teen counselling centre').and.to.contain('A support was arranged');
    expect(waiting).to.match(new RegExp(`/students/${s.students[0].id}/referrals/[0-9a-f-]{36}\\?ltik=`));
  });

  it('never shows another advisor\'s students, and audits one read naming the students shown', async () => {
    expect(html).not.to.contain(s7.name).and.not.to.contain(s.other.student.name);
    const [event] = await rows<{ id: string }>(sql`select id from audit_events where tenant_id = ${s.tenantId} and entity = 'navigator_view' and actor_id = ${s.advisor.id}`);
    const students = await rows<{ student_id: string }>(sql`select student_id from audit_event_students where event_id = ${event!.id}`);
    expect(students.map((r) => r.student_id).sort()).to.deep.equal([...s.students, s4, s5, s6].map((p) => p.id).sort());
    // Olu sees his own: s7 (and s6, still in his advisory), never Ada's advisories.
    const his = decoded((await (await as(olu, 'advisor', advisoryC)).get('/navigator').expect(200)).text);
    expect(his).to.contain(s7.name);
    for (const p of [...s.students, s4, s5]) expect(his).not.to.contain(p.name);
  });

  it('refuses students and families (403), and an advisor who navigates nobody; support staff without a caseload get a kind empty page', async () => {
    at(NOW.toISOString());
    await (await as(s.students[0], 'student', s.advisoryId)).get('/navigator').expect(403);
    await (await as(s.mentor, 'family', s.advisoryId)).get('/navigator').expect(403);
    await (await as(subjectTeacher, 'advisor', s.otherCourseId)).get('/navigator').expect(403);
    const staff = decoded((await (await as(counsellor, 'guest', null)).get('/navigator').expect(200)).text);
    expect(staff).to.contain("You don't navigate any students yet");
    expect(staff).to.contain('Everyone has had their check-in this week');
    for (const p of everyone()) expect(staff).not.to.contain(p.name);
    expect(decoded((await (await as(counsellor, 'guest', null)).get('/home').expect(200)).text)).to.contain('/navigator?');
  });

  it('shows a user of another tenant none of this school', async () => {
    const other = decoded((await (await as(s.other.advisor, 'advisor', s.other.contextId)).get('/navigator').expect(200)).text);
    expect(other).to.contain(s.other.student.name);
    for (const p of [...s.students, s4, s5, s6, s7]) expect(other).not.to.contain(p.name);
  });

  it('speaks Spanish', async () => {
    const inSpanish = asUser(t.app, await t.ctx.ltiks.issue({ tid: s.tenantId, pid: s.advisor.id, cid: s.advisoryId, role: 'advisor', loc: 'es' }));
    const es = decoded((await inSpanish.get('/navigator').expect(200)).text);
    expect(es).to.contain('Vista del referente').and.to.contain('Usted orienta a 6 estudiantes.').and.to.contain('Reuniones de seguimiento pendientes esta semana');
    expect(es).to.contain('aún sin reunirse, asignado desde hace 30 días').and.to.contain('Derivaciones en espera');
  });
});
