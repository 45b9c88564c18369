import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import request from 'supertest';
import { createTestApp, type TestApp } from '../../support/app.js';
import { seedSchool, ltikFor, asUser, type SeededSchool } from '../../support/school.js';
import { placeStudents } from '../../support/school-places.js';
import { decoded } from '../../support/html.js';
import { enterSystemScopeForTests } from '../../../src/db/tenant-scope.js';
import { queryRows } from '../../../src/db/client.js';
import { setStaffGrant } from '../../../src/roster/roster.repository.js';
import { schoolEnrolments } from '../../../src/schools/schools.tables.js';
import { studentIndicators, tierDecisions } from '../../../src/indicators/indicators.tables.js';
import { supports } from '../../../src/supports/supports.tables.js';
import type { AppUser, StaffRole, ToolRole } from '../../../src/auth/user.js';
import type { Person } from '../../../src/roster/roster.service.js';

const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/membership#';
// Wednesday 18 March 2026, 15:00 at the school (UTC: the test tenant sets no zone). Cadence: 7 days
// (config/defaults.json), so "seen" = last attended on or after 03-11; "not seen in 2 weeks" = before
// 03-04 or never (03-04 itself, exactly 14 days, is not yet "not seen").
const NOW = new Date('2026-03-18T15:00:00Z');

/** One section of the page (its heading's id), up to the section's end. */
function section(html: string, id: string): string {
  const start = html.indexOf(`aria-labelledby="${id}"`);
  expect(start, id).to.be.greaterThan(-1);
  return html.slice(start, html.indexOf('</section>', start));
}
/** The data table beside a chart (report-table.hbs): its body rows as [row header, ...cells]. */
function dataTable(html: string): string[][] {
  const start = html.indexOf('<details class="report-data">');
  expect(start).to.be.greaterThan(-1);
  const body = html.slice(html.indexOf('<tbody>', start), html.indexOf('</tbody>', start));
  return [...body.matchAll(/<tr>(.*?)<\/tr>/gs)].map((m) => [...m[1]!.matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/gs)].map((c) => c[1]!.trim()));
}
/** The rows of the first table (after a marker) as [row header, ...cells]. */
function tableAfter(html: string, marker: string): string[][] {
  const start = html.indexOf(marker);
  expect(start, marker).to.be.greaterThan(-1);
  const body = html.slice(html.indexOf('<tbody>', start), html.indexOf('</tbody>', start));
  return [...body.matchAll(/<tr>(.*?)<\/tr>/gs)].map((m) => [...m[1]!.matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/gs)].map((c) => c[1]!.replace(/<[^>]+>/g, '').trim()));
}

/**
 * The school view over HTTP (issue 12), on one school with a population small enough to count by hand:
 * 12 students in grade 09 (Ada's advisory), 11 in grade 10 (Ben's advisory) and 3 in grade 11 (no
 * advisory). With a minimum group size of 10, grade 11 (3) is hidden as small, and, as one hidden group
 * would be given away by subtraction from the school's total, the smallest shown group, grade 10 (11),
 * is hidden too (3 + 11 = 14 >= 10: stable). Only grade 09's numbers are shown by grade.
 */
describe('school view (/schools/:schoolId)', function () {
  this.timeout(180_000);
  let t: TestApp;
  let s: SeededSchool;
  let places: { a: string; b: string };
  let ada: Person, ben: Person;
  let counsellorA: Person, counsellorB: Person, leaderA: Person, coordinatorA: Person;
  const g9: Person[] = [];
  const g10: Person[] = [];
  const g11: Person[] = [];
  let html: string;

  const rows = <T>(q: ReturnType<typeof sql>) => queryRows<T>(t.ctx.db, q);
  const at = (iso: string) => t.clock.set(new Date(iso));
  const as = async (p: Person, role: ToolRole = 'advisor', contextId: string | null = null) => asUser(t.app, await ltikFor(t.ctx, p, role, contextId));
  const appUser = (p: Person, contextId: string): AppUser => ({ tenantId: p.tenantId, personId: p.id, name: p.name, role: 'advisor', contextId, contextTitle: '', contextKind: 'advisory', menteeIds: [] });
  const names = (ps: Person[]) => ps.map((p) => p.name).sort((a, b) => a.localeCompare(b));
  let adaUser: AppUser, benUser: AppUser;

  async function attended(by: AppUser, date: string, ps: Person[]) {
    at(`${date}T12:00:00Z`);
    await t.ctx.checkins.recordAll(by, { date, format: 'in_person', sharedNote: '', rows: ps.map((p) => ({ studentId: p.id, attended: true, wellbeing: 3 })) });
  }
  /** A missed meeting on 03-17 raising needs (`need.<category>`), which stay open. */
  async function needs(by: AppUser, p: Person, categories: string[]) {
    at('2026-03-17T13:00:00Z');
    await t.ctx.checkins.record(by, p.id, { date: '2026-03-17', format: 'in_person', attended: 'no', ...Object.fromEntries(categories.map((c) => [`need.${c}`, 'concern'])) });
  }

  before(async () => {
    enterSystemScopeForTests();
    t = await createTestApp({}, { now: NOW, wiring: { minimumGroupSize: async () => 10 } });
    at('2026-02-01T09:00:00Z');
    s = await seedSchool(t.ctx);
    const u = randomUUID().slice(0, 8);
    const person = (sub: string, name: string) => t.ctx.roster.upsertPerson(s.tenantId, { sub: `${sub}-${u}`, name: `${name} ${u}` });
    const member = (contextId: string, personId: string, role: ToolRole, lis: string) => t.ctx.roster.upsertMembership(s.tenantId, { contextId, personId, role, roles: [`${LIS}${lis}`], mentees: [] });
    const advisory9 = (await t.ctx.roster.upsertContext(s.tenantId, { contextId: `adv9-${u}`, title: `Advisory 9A ${u}`, placementKind: 'advisory' })).id;
    const advisory10 = (await t.ctx.roster.upsertContext(s.tenantId, { contextId: `adv10-${u}`, title: `Advisory 10A ${u}`, placementKind: 'advisory' })).id;
    ada = await person('ada', 'Ada Navigator');
    ben = await person('ben', 'Ben Navigator');
    await member(advisory9, ada.id, 'advisor', 'Instructor');
    await member(advisory10, ben.id, 'advisor', 'Instructor');
    const pad = (n: number) => String(n).padStart(2, '0');
    for (let i = 1; i <= 12; i++) g9.push(await person(`g9-${i}`, `Nine ${pad(i)}`));
    for (let i = 1; i <= 11; i++) g10.push(await person(`g10-${i}`, `Ten ${pad(i)}`));
    for (let i = 1; i <= 3; i++) g11.push(await person(`g11-${i}`, `Eleven ${pad(i)}`));
    for (const p of g9) await member(advisory9, p.id, 'student', 'Learner');
    for (const p of g10) await member(advisory10, p.id, 'student', 'Learner');
    // School A holds the 26; school B none (its counsellor is the outsider).
    places = await placeStudents(t.ctx.db, s.tenantId, [`Aspen High ${u}`, `Birch Middle ${u}`], { a: [], b: [] });
    const graded = [...g9.map((p) => [p, '09'] as const), ...g10.map((p) => [p, '10'] as const), ...g11.map((p) => [p, '11'] as const)];
    await t.ctx.db.insert(schoolEnrolments).values(graded.map(([p, gradeLevel]) => ({ tenantId: s.tenantId, studentId: p.id, schoolId: places.a, gradeLevel, startedOn: '2025-08-20', source: 'admin' as const })));
    // Explicit assignments replace the advisory's navigator: Ten 11 moves to Ada; Eleven 01 is Ada's; Eleven 02 and 03 have no one.
    await t.ctx.navigators.assign({ tenantId: s.tenantId, studentId: g10[10]!.id, navigatorId: ada.id, assignedBy: s.admin.id });
    await t.ctx.navigators.assign({ tenantId: s.tenantId, studentId: g11[0]!.id, navigatorId: ada.id, assignedBy: s.admin.id });

    const staff = async (name: string, role: StaffRole, schoolId: string) => {
      const p = await t.ctx.roster.upsertPerson(s.tenantId, { sub: `${name}-${u}`, name: `${name} ${u}`, email: `${name}-${u}@school.test` });
      await setStaffGrant(t.ctx.db, s.tenantId, p.id, { role, schoolId }, true);
      return p;
    };
    counsellorA = await staff('Cara-Aspen', 'counsellor', places.a);
    coordinatorA = await staff('Cole-Aspen', 'coordinator', places.a);
    counsellorB = await staff('Bea-Birch', 'counsellor', places.b);
    leaderA = await staff('Lee-Aspen', 'school_leader', places.a);

    adaUser = appUser(ada, advisory9);
    benUser = appUser(ben, advisory10);
    // Seen within 7 days: Nine 01-06 (03-16), Ten 01-03 (03-12) = 9.
    // 8-14 days: Nine 07-08 (03-09), Ten 04 (03-05), Ten 05 (03-04, exactly 14 days) = 4.
    // Not seen in 2 weeks: Nine 09 (03-03, 15 days), Nine 10-12, Ten 06-11, Eleven 01-03 (never) = 13.
    await attended(adaUser, '2026-03-03', [g9[8]!]);
    await attended(adaUser, '2026-03-09', g9.slice(6, 8));
    await attended(adaUser, '2026-03-16', g9.slice(0, 6));
    await attended(benUser, '2026-03-04', [g10[4]!]);
    await attended(benUser, '2026-03-05', [g10[3]!]);
    await attended(benUser, '2026-03-12', g10.slice(0, 3));
    // Open needs: Nine 01 food + academic, Nine 02 academic, Nine 03 wellbeing, Nine 10 wellbeing, Nine 11 technology;
    // Ten 01 academic, Ten 06 wellbeing; Eleven 01 academic (Ada's by assignment).
    await needs(adaUser, g9[0]!, ['food', 'academic']);
    await needs(adaUser, g9[1]!, ['academic']);
    await needs(adaUser, g9[2]!, ['wellbeing']);
    await needs(adaUser, g9[9]!, ['wellbeing']);
    await needs(adaUser, g9[10]!, ['technology']);
    await needs(benUser, g10[0]!, ['academic']);
    await needs(benUser, g10[5]!, ['wellbeing']);
    await needs(adaUser, g11[0]!, ['academic']);
    // Active plans: Nine 01-05 and Ten 01-02 = 7 of 26.
    at('2026-03-17T15:00:00Z');
    for (const [by, p] of [...g9.slice(0, 5).map((p) => [adaUser, p] as const), ...g10.slice(0, 2).map((p) => [benUser, p] as const)]) {
      expect(await t.ctx.plans.setStatus(by, p.id, { success: true, data: { status: 'active', version: 0 } }), p.name).to.equal(true);
    }
    // Tiers (stored suggestions; Nine 10's is overridden to 2 by a decision). Grade 09: tier 3 Nine 01-02, tier 2 Nine 03
    // and 10, tier 1 Nine 04-09, none Nine 11-12. Grade 10: tier 1 Ten 01-05, tier 2 Ten 06. Grade 11: tier 3 Eleven 01.
    const tiers: [Person, number][] = [[g9[0]!, 3], [g9[1]!, 3], [g9[2]!, 2], ...g9.slice(3, 10).map((p) => [p, 1] as [Person, number]), ...g10.slice(0, 5).map((p) => [p, 1] as [Person, number]), [g10[5]!, 2], [g11[0]!, 3]];
    await t.ctx.db.insert(studentIndicators).values(tiers.map(([p, tier]) => ({ tenantId: s.tenantId, studentId: p.id, asOf: '2026-03-17', indicators: { bands: {} } as never, suggestedTier: tier, reasons: [] })));
    await t.ctx.db.insert(tierDecisions).values({ tenantId: s.tenantId, studentId: g9[9]!.id, tier: 2, suggestedTier: 1, kind: 'override', reason: 'Seen struggling', decidedBy: ada.id });

    // Referrals: housing for Nine 01 (03-12 10:00, accepted 24 h later: on time) and Nine 02 (03-12 11:00, never
    // answered, due end of Monday 03-16: overdue); food for Nine 03 (03-16 09:00, accepted at 15:00: 6 h).
    const support = async (name: string, category: string) => {
      const [row] = await t.ctx.db.insert(supports).values({ tenantId: s.tenantId, name: `${name} ${u}`, provider: 'Provider', category: category as 'housing', tier: 2, cost: 'free', referral: 'internal', sensitive: false }).returning({ id: supports.id });
      return row!.id;
    };
    const housing = await support('Family housing desk', 'housing');
    const food = await support('Food pantry', 'food');
    const refer = async (p: Person, when: string, supportId: string) => {
      at(when);
      const res = await (await as(ada, 'advisor', advisory9)).post(`/students/${p.id}/referrals`, { support: supportId, reason: 'Needs support', urgency: 'routine', owner: '' }).expect(303);
      return new URL(res.headers.location as string, 'http://x').pathname;
    };
    const accept = async (path: string, when: string) => {
      at(when);
      await (await as(coordinatorA)).post(`${path}/respond`, { answer: 'accept', version: '1' }).expect(303);
    };
    await accept(await refer(g9[0]!, '2026-03-12T10:00:00Z', housing), '2026-03-13T10:00:00Z');
    await refer(g9[1]!, '2026-03-12T11:00:00Z', housing);
    await accept(await refer(g9[2]!, '2026-03-16T09:00:00Z', food), '2026-03-16T15:00:00Z');

    at(NOW.toISOString());
    html = decoded((await (await as(counsellorA)).get(`/schools/${places.a}`).expect(200)).text);
  });
  after(async () => t.ctx.shutdown?.());

  it('shows coverage as counts and percents of the 26 students', () => {
    const coverage = section(html, 'sv-coverage');
    const figure = (key: string) => {
      const start = coverage.indexOf(`data-figure="${key}"`);
      expect(start, key).to.be.greaterThan(-1);
      return coverage.slice(start, coverage.indexOf('</div>', start)).replace(/<[^>]+>/g, ' ');
    };
    // With a navigator: 12 + 11 (Ten 11 by assignment, still one) + Eleven 01 = 24 of 26 = 92.3%.
    expect(figure('withNavigator')).to.contain('24 of 26 (92.3%)');
    // Active plan: 7 of 26 = 26.9%.
    expect(figure('activePlan')).to.contain('7 of 26 (26.9%)');
    // Seen within 7 days: 9 of 26 = 34.6%.
    expect(figure('seenWithinCadence')).to.contain('9 of 26 (34.6%)');
    // Not seen in 2 weeks: 13 of 26 = 50%.
    expect(figure('notSeen2Weeks')).to.contain('13 of 26 (50%)');
  });

  it('counts each navigator\'s caseload', () => {
    const table = tableAfter(section(html, 'sv-coverage'), '<caption>');
    // Ada: Nine 01-12 + Ten 11 + Eleven 01 = 14; active plans Nine 01-05 = 5; seen Nine 01-06 = 6;
    // not seen Nine 09-12, Ten 11, Eleven 01 = 6. Ben: Ten 01-10 = 10; plans 2; seen Ten 01-03 = 3; not seen Ten 06-10 = 5.
    expect(table).to.deep.equal([
      [ada.name, '14', '5', '6', '6'],
      [ben.name, '10', '2', '3', '5'],
    ]);
  });

  it('shows the needs heat map\'s table with grades 10 and 11 hidden, and the school-wide totals', () => {
    const needs = section(html, 'sv-needs');
    // Columns: technology, workspace, food, housing, academic, wellbeing, enrichment, health, family.
    // Grade 11 is hidden as small (3 < 10), grade 10 as its complement (else 26 - 12 - 11 would give grade 11 away).
    expect(dataTable(needs)).to.deep.equal([
      ['Grade 9', '1', '0', '1', '0', '2', '2', '0', '0', '0'],
      ['Grade 10', ...Array<string>(9).fill('hidden')],
      ['Grade 11', ...Array<string>(9).fill('fewer than 10')],
    ]);
    const totals = needs.slice(needs.indexOf('school-need-totals')).replace(/<[^>]+>/g, '');
    // Whole school: technology 1, food 1, academic 4 (Nine 01, 02, Ten 01, Eleven 01), well-being 3 (Nine 03, 10, Ten 06).
    expect(totals).to.contain('Technology and internet: 1').and.contain('Food: 1').and.contain('Academic engagement: 4').and.contain('Mental and emotional well-being: 3').and.contain('Housing: 0');
  });

  it('shows the tiers by grade with grades 10 and 11 hidden', () => {
    const tiers = section(html, 'sv-tiers');
    // Columns: tier 1, 2, 3, none. Grade 09 (12): tier 1 six (Nine 04-09), tier 2 two (Nine 03, and Nine 10 by
    // decision over its suggested 1), tier 3 two (Nine 01-02), none two (Nine 11-12).
    expect(dataTable(tiers)).to.deep.equal([
      ['Grade 9', '6', '2', '2', '2'],
      ['Grade 10', ...Array<string>(4).fill('hidden')],
      ['Grade 11', ...Array<string>(4).fill('fewer than 10')],
    ]);
    expect(tiers).to.contain('fewer than 10');
  });

  it('groups the tiers by advisory on request, with students of no advisory as "not recorded"', async () => {
    const byAdvisory = decoded((await (await as(counsellorA)).get(`/schools/${places.a}?group=advisory`).expect(200)).text);
    // 9A holds grade 09 (12, as above); 10A Ten 01-11 (an assignment does not move a student out of their advisory: 11);
    // no advisory: Eleven 01-03 (3), hidden as small, so 10A is hidden as its complement.
    const rows = dataTable(section(byAdvisory, 'sv-tiers'));
    expect(rows.map((r) => r.slice(1).join(' '))).to.deep.equal(['6 2 2 2', 'hidden hidden hidden hidden', 'fewer than 10 fewer than 10 fewer than 10 fewer than 10']);
    expect(rows.map((r) => r[0]!.replace(/ [0-9a-f]{8}$/, ''))).to.deep.equal(['Advisory 9A', 'Advisory 10A', 'Not recorded']);
  });

  it('shows referrals by category against the response standard', () => {
    const table = tableAfter(section(html, 'sv-referrals'), '<caption>');
    // Category, made, open, on time / answered, overdue, median hours.
    expect(table).to.deep.equal([
      ['Food', '1', '1', '1 / 1', '0', '6'],
      ['Housing', '2', '2', '1 / 1', '1', '24'],
    ]);
  });

  it('gives a reflection\'s evidence cards the page\'s figures for the same day, suppressed the same way', async () => {
    const counsellor: AppUser = { tenantId: s.tenantId, personId: counsellorA.id, name: counsellorA.name, role: 'advisor', contextId: null, contextTitle: '', contextKind: null, menteeIds: [], staffGrants: [{ role: 'counsellor', schoolId: places.a }] };
    const card = (kind: Parameters<typeof t.ctx.schoolView.evidence>[2]) => t.ctx.schoolView.evidence(counsellor, places.a, kind);
    const coverage = await card('coverage');
    expect(coverage.day).to.equal('2026-03-18');
    expect(coverage.figures).to.deep.equal({ kind: 'coverage', coverage: { students: 26, withNavigator: 24, activePlan: 7, seenWithinCadence: 9, notSeen2Weeks: 13 } });
    // The page's seen (9) and not seen (13); the 4 between are Nine 07-08, Ten 04 and Ten 05.
    expect((await card('checkin-cadence')).figures).to.deep.equal({ kind: 'checkin-cadence', cadenceDays: 7, students: 26, seenWithinCadence: 9, lapsed: 4, notSeen2Weeks: 13 });
    const shown = (n: number) => ({ shown: n });
    expect((await card('tiers-by-grade')).figures).to.deep.equal({
      kind: 'tiers-by-grade',
      columns: ['1', '2', '3', 'none'],
      rows: [
        { key: '09', cells: [shown(6), shown(2), shown(2), shown(2)] },
        { key: '10', cells: Array(4).fill({ suppressed: true, reason: 'complementary' }) },
        { key: '11', cells: Array(4).fill({ suppressed: true, reason: 'small' }) },
      ],
    });
    const referrals = (await card('referral-response')).figures;
    expect(referrals.kind === 'referral-response' && referrals.referrals.map((r) => [r.category, r.made, r.respondedOnTime, r.responded, r.overdue, r.medianHoursToRespond])).to.deep.equal([
      ['food', 1, 1, 1, 0, 6],
      ['housing', 2, 1, 1, 1, 24],
    ]);
    // No pulse window has opened at this school: the page shows none, and so does the card.
    expect((await card('pulse-by-group')).figures).to.deep.equal({ kind: 'pulse-by-group', pulse: null });
  });

  it('refuses an evidence card to a counsellor of another school', async () => {
    const outsider: AppUser = { tenantId: s.tenantId, personId: counsellorB.id, name: counsellorB.name, role: 'advisor', contextId: null, contextTitle: '', contextKind: null, menteeIds: [], staffGrants: [{ role: 'counsellor', schoolId: places.b }] };
    try {
      await t.ctx.schoolView.evidence(outsider, places.a, 'coverage');
      expect.fail('should refuse');
    } catch (err) {
      expect((err as { status?: number }).status).to.equal(403);
    }
  });

  it('lists exactly the students not seen in two weeks, and exports the same names (CSV, XLSX)', async () => {
    const expected = names([...g9.slice(8), ...g10.slice(5), ...g11]);
    expect(expected).to.have.length(13);
    const counsellor = await as(counsellorA);
    const list = decoded((await counsellor.get(`/schools/${places.a}/students?show=not_seen_2w`).expect(200)).text);
    const listed = [...list.matchAll(/<tr><th scope="row">(.*?)<\/th>/g)].map((m) => m[1]);
    expect(listed).to.deep.equal(expected);
    const ltik = await ltikFor(t.ctx, counsellorA, 'advisor', null);
    const csv = await request(t.app).get(`/schools/${places.a}/students/export`).query({ ltik, show: 'not_seen_2w', format: 'csv' }).expect(200);
    const records = parse(csv.text.replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[];
    expect(records.map((r) => Object.values(r)[0])).to.deep.equal(expected);
    const xlsx = await request(t.app)
      .get(`/schools/${places.a}/students/export`)
      .query({ ltik, show: 'not_seen_2w', format: 'xlsx' })
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    const book = new ExcelJS.Workbook();
    const file = xlsx.body as Buffer;
    await book.xlsx.load(file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer);
    const sheet = book.worksheets[0]!;
    expect(sheet.actualRowCount).to.equal(expected.length + 1);
    expect(sheet.getColumn(1).values.slice(2)).to.deep.equal(expected);
  });

  it('lets a counsellor of the school see it, not one of another school, nor an advisor without a grant', async () => {
    await (await as(counsellorA)).get(`/schools/${places.a}`).expect(200);
    await (await as(counsellorB)).get(`/schools/${places.a}`).expect(403);
    await (await as(counsellorB)).get(`/schools/${places.a}/students`).expect(403);
    await (await as(ada, 'advisor', null)).get(`/schools/${places.a}`).expect(403);
    await (await as(ada, 'advisor', null)).get(`/schools/${places.a}/students/export?format=csv`).expect(403);
  });

  it('lets a leader see the view and the lists, but not who is behind a sensitive need', async () => {
    const leader = await as(leaderA);
    const view = decoded((await leader.get(`/schools/${places.a}`).expect(200)).text);
    expect(view).to.contain('24 of 26 (92.3%)');
    await leader.get(`/schools/${places.a}/students?show=no_navigator`).expect(200);
    await leader.get(`/schools/${places.a}/students?show=need&category=academic`).expect(200);
    await leader.get(`/schools/${places.a}/students?show=need&category=wellbeing`).expect(403);
    const list = decoded((await (await as(counsellorA)).get(`/schools/${places.a}/students?show=need&category=wellbeing`).expect(200)).text);
    expect([...list.matchAll(/<tr><th scope="row">(.*?)<\/th>/g)].map((m) => m[1])).to.deep.equal(names([g9[2]!, g9[9]!, g10[5]!]));
    const noNavigator = decoded((await leader.get(`/schools/${places.a}/students?show=no_navigator`).expect(200)).text);
    expect([...noNavigator.matchAll(/<tr><th scope="row">(.*?)<\/th>/g)].map((m) => m[1])).to.deep.equal(names(g11.slice(1)));
  });

  it('records an audit event for each view and list', async () => {
    const before = await rows<{ entity: string; n: number }>(sql`select entity, count(*)::int as n from audit_events where tenant_id = ${s.tenantId} and action = 'read' and entity in ('school_view', 'school_students') group by entity`);
    const count = (r: typeof before, e: string) => r.find((x) => x.entity === e)?.n ?? 0;
    const leader = await as(leaderA);
    await leader.get(`/schools/${places.a}`).expect(200);
    await leader.get(`/schools/${places.a}/students?show=all`).expect(200);
    const after = await rows<{ entity: string; n: number }>(sql`select entity, count(*)::int as n from audit_events where tenant_id = ${s.tenantId} and action = 'read' and entity in ('school_view', 'school_students') group by entity`);
    expect(count(after, 'school_view')).to.equal(count(before, 'school_view') + 1);
    expect(count(after, 'school_students')).to.equal(count(before, 'school_students') + 1);
  });

  it('answers a query it cannot understand with a 400 page', async () => {
    const counsellor = await as(counsellorA);
    const bogus = await counsellor.get(`/schools/${places.a}?group=bogus`).expect(400);
    expect(bogus.text).to.contain('<html');
    await counsellor.get(`/schools/${places.a}/students?show=everyone`).expect(400);
    await counsellor.get(`/schools/${places.a}/students/export?format=pdf`).expect(400);
  });
});
