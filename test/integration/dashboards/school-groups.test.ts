import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { createTestApp, type TestApp } from '../../support/app.js';
import { seedSchool, ltikFor, asUser, type SeededSchool } from '../../support/school.js';
import { placeStudents } from '../../support/school-places.js';
import { decoded } from '../../support/html.js';
import { enterSystemScopeForTests } from '../../../src/db/tenant-scope.js';
import { setStaffGrant } from '../../../src/roster/roster.repository.js';
import { schoolEnrolments, studentGroups } from '../../../src/schools/schools.tables.js';
import { studentIndicators } from '../../../src/indicators/indicators.tables.js';
import { surveyResponses, surveyWindows } from '../../../src/surveys/surveys.tables.js';
import type { AppUser, StaffRole, ToolRole } from '../../../src/auth/user.js';
import type { Person } from '../../../src/roster/roster.service.js';
import { customFieldValues } from '../../../src/custom-fields/custom-fields.tables.js';
import { loadShippedFields } from '../../../src/custom-fields/custom-fields.kind.js';

const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/membership#';
// Wednesday 18 March 2026 at the school (UTC). Minimum group size 5 (the floor), so the school stays small enough to count by hand.
const NOW = new Date('2026-03-18T15:00:00Z');

/** One section of the page (its heading's id), up to the section's end. */
function section(html: string, id: string): string {
  const start = html.indexOf(`aria-labelledby="${id}"`);
  expect(start, id).to.be.greaterThan(-1);
  return html.slice(start, html.indexOf('</section>', start));
}
/** The body rows of the first table after a marker, as [row header, ...cells], tags stripped. */
function tableAfter(html: string, marker: string): string[][] {
  const start = html.indexOf(marker);
  expect(start, marker).to.be.greaterThan(-1);
  const body = html.slice(html.indexOf('<tbody>', start), html.indexOf('</tbody>', start));
  return [...body.matchAll(/<tr>(.*?)<\/tr>/gs)].map((m) => [...m[1]!.matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/gs)].map((c) => c[1]!.replace(/<[^>]+>/g, '').trim()));
}
/** The links of the first table after a marker, as [row header, cell index, path and query]. */
function linksAfter(html: string, marker: string): { row: string; cell: number; href: URL }[] {
  const start = html.indexOf(marker);
  const body = html.slice(html.indexOf('<tbody>', start), html.indexOf('</tbody>', start));
  return [...body.matchAll(/<tr>(.*?)<\/tr>/gs)].flatMap((m) => {
    const cells = [...m[1]!.matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/gs)].map((c) => c[1]!);
    const row = cells[0]!.replace(/<[^>]+>/g, '').trim();
    return cells.flatMap((c, i) =>
      [...c.matchAll(/href="([^"]+)"/g)].map((h) => {
        const href = new URL(h[1]!.replace(/&amp;/g, '&'), 'http://x');
        href.searchParams.delete('ltik'); // the page's own launch token: the test's agent adds its reader's
        return { row, cell: i, href };
      }),
    );
  });
}

/**
 * Indicator bands, needs and the belonging pulse by a grouping on the school view (issue 12), on a school
 * of 19 counted by hand: grade 09 A1-A6, grade 10 B1-B6, grade 11 C1-C5, grade 12 D1-D2. Minimum 5.
 * Free or reduced-price meals: yes A1-A4, B1-B3 (7); no A5-A6, B4-B6, C1-C5 (10); not recorded D1-D2 (2).
 *
 * By grade, grade 12 (2) is hidden as small; alone it would be the school's total less grades 09-11, so
 * grade 11 (5, the smallest shown) is hidden as its complement (2 + 5 = 7 >= 5: stable).
 * By meals, "not recorded" (2) is small and "yes" (7) its complement: only "no" (10) is shown.
 */
describe('school view by group: indicator bands, needs and the pulse', function () {
  this.timeout(180_000);
  let t: TestApp;
  let s: SeededSchool;
  let places: { a: string; b: string };
  let counsellor: Person, leader: Person, nia: Person;
  const st: Record<string, Person> = {};
  let byGrade: string;
  let byMeals: string;

  const as = async (p: Person, role: ToolRole = 'advisor', contextId: string | null = null) => asUser(t.app, await ltikFor(t.ctx, p, role, contextId));
  const names = (ids: string[]) => ids.map((id) => st[id]!.name).sort((a, b) => a.localeCompare(b));
  const listed = (html: string) => [...html.matchAll(/<tr><th scope="row">(.*?)<\/th>/g)].map((m) => m[1]);

  before(async () => {
    enterSystemScopeForTests();
    t = await createTestApp({}, { now: NOW, wiring: { minimumGroupSize: async () => 5 } });
    t.clock.set(new Date('2026-02-01T09:00:00Z'));
    s = await seedSchool(t.ctx);
    const u = randomUUID().slice(0, 8);
    const grades: [string, string, number][] = [['A', '09', 6], ['B', '10', 6], ['C', '11', 5], ['D', '12', 2]];
    for (const [letter, , n] of grades) for (let i = 1; i <= n; i++) st[`${letter}${i}`] = await t.ctx.roster.upsertPerson(s.tenantId, { sub: `${letter}${i}-${u}`, name: `Student ${letter}${i} ${u}` });
    places = await placeStudents(t.ctx.db, s.tenantId, [`Aspen High ${u}`, `Birch Middle ${u}`], { a: [], b: [] });
    await t.ctx.db.insert(schoolEnrolments).values(Object.entries(st).map(([key, p]) => ({ tenantId: s.tenantId, studentId: p.id, schoolId: places.a, gradeLevel: grades.find((g) => g[0] === key[0])![1], startedOn: '2025-08-20', source: 'admin' as const })));
    const meals: Record<string, string> = { A1: 'yes', A2: 'yes', A3: 'yes', A4: 'yes', B1: 'yes', B2: 'yes', B3: 'yes', A5: 'no', A6: 'no', B4: 'no', B5: 'no', B6: 'no', C1: 'no', C2: 'no', C3: 'no', C4: 'no', C5: 'no' };
    await t.ctx.db.insert(studentGroups).values(Object.entries(meals).map(([key, value]) => ({ tenantId: s.tenantId, studentId: st[key]!.id, dimension: 'frl', value, source: 'admin' as const })));

    // Attendance bands (stored indicators): A6 never computed, B6 computed without an attendance band.
    const attendance: Record<string, string | null> = {
      A1: 'on-track', A2: 'on-track', A3: 'watch', A4: 'at-risk', A5: 'off-track',
      B1: 'on-track', B2: 'on-track', B3: 'on-track', B4: 'watch', B5: 'watch', B6: null,
      C1: 'on-track', C2: 'on-track', C3: 'on-track', C4: 'at-risk', C5: 'off-track',
      D1: 'off-track', D2: 'at-risk',
    };
    await t.ctx.db.insert(studentIndicators).values(
      Object.entries(attendance).map(([key, band]) => ({ tenantId: s.tenantId, studentId: st[key]!.id, asOf: '2026-03-17', indicators: { bands: { attendance: band, behaviour: null, grades: null, wellbeing: null } } as never, suggestedTier: 1, reasons: [] })),
    );

    // Needs, raised at a missed meeting by Nia (navigator of these six by assignment): food A1, A5, B4, C1;
    // well-being (a sensitive category) A5, C2, D1.
    const advisory = (await t.ctx.roster.upsertContext(s.tenantId, { contextId: `adv-${u}`, title: `Advisory ${u}`, placementKind: 'advisory' })).id;
    nia = await t.ctx.roster.upsertPerson(s.tenantId, { sub: `nia-${u}`, name: `Nia Navigator ${u}` });
    await t.ctx.roster.upsertMembership(s.tenantId, { contextId: advisory, personId: nia.id, role: 'advisor', roles: [`${LIS}Instructor`], mentees: [] });
    const niaUser: AppUser = { tenantId: s.tenantId, personId: nia.id, name: nia.name, role: 'advisor', contextId: advisory, contextTitle: '', contextKind: 'advisory', menteeIds: [] };
    const needs: Record<string, string[]> = { A1: ['food'], A5: ['food', 'wellbeing'], B4: ['food'], C1: ['food'], C2: ['wellbeing'], D1: ['wellbeing'] };
    t.clock.set(new Date('2026-03-17T13:00:00Z'));
    for (const [key, categories] of Object.entries(needs)) {
      await t.ctx.navigators.assign({ tenantId: s.tenantId, studentId: st[key]!.id, navigatorId: nia.id, assignedBy: s.admin.id });
      await t.ctx.checkins.record(niaUser, st[key]!.id, { date: '2026-03-17', format: 'in_person', attended: 'no', ...Object.fromEntries(categories.map((c) => [`need.${c}`, 'concern'])) });
    }

    // Pulse windows, latest first: one for every school not open yet (ignored), one open at school B (not this
    // school's), and this school's, closed on 03-13: the one the view shows.
    const window = async (opensOn: string, closesOn: string, schoolId: string | null) =>
      (await t.ctx.db.insert(surveyWindows).values({ tenantId: s.tenantId, surveyId: 'belonging-pulse', opensOn, closesOn, schoolId, createdBy: s.admin.id }).returning({ id: surveyWindows.id }))[0]!.id;
    await window('2026-04-01', '2026-04-10', null);
    const elsewhere = await window('2026-03-10', '2026-03-25', places.b);
    const ours = await window('2026-03-02', '2026-03-13', places.a);
    // Answers (4-5 favourable, 1-3 not; the safety item is worded the other way: 1-2 favourable). Respondents:
    // A1-A6, B1-B5, C1-C4 (C4 skips the energy item); nobody in grade 12. B6 and C5 did not answer.
    const [part, adult, classmates, energy, safety] = ['bp-part-of-school', 'bp-adult-to-ask', 'bp-classmates', 'bp-energy', 'bp-worried-safety'];
    const answers: Record<string, Record<string, number>> = {
      A1: { [part!]: 5, [adult!]: 4, [classmates!]: 4, [energy!]: 4, [safety!]: 1 },
      A2: { [part!]: 4, [adult!]: 4, [classmates!]: 5, [energy!]: 5, [safety!]: 2 },
      A3: { [part!]: 4, [adult!]: 5, [classmates!]: 4, [energy!]: 3, [safety!]: 1 },
      A4: { [part!]: 4, [adult!]: 4, [classmates!]: 3, [energy!]: 2, [safety!]: 1 },
      A5: { [part!]: 3, [adult!]: 4, [classmates!]: 2, [energy!]: 1, [safety!]: 2 },
      A6: { [part!]: 2, [adult!]: 3, [classmates!]: 1, [energy!]: 3, [safety!]: 4 },
      B1: { [part!]: 5, [adult!]: 5, [classmates!]: 4, [energy!]: 4, [safety!]: 2 },
      B2: { [part!]: 4, [adult!]: 4, [classmates!]: 3, [energy!]: 3, [safety!]: 1 },
      B3: { [part!]: 3, [adult!]: 4, [classmates!]: 2, [energy!]: 2, [safety!]: 2 },
      B4: { [part!]: 2, [adult!]: 4, [classmates!]: 3, [energy!]: 3, [safety!]: 5 },
      B5: { [part!]: 1, [adult!]: 2, [classmates!]: 1, [energy!]: 2, [safety!]: 4 },
      C1: { [part!]: 5, [adult!]: 5, [classmates!]: 3, [energy!]: 4, [safety!]: 1 },
      C2: { [part!]: 3, [adult!]: 4, [classmates!]: 2, [energy!]: 5, [safety!]: 3 },
      C3: { [part!]: 2, [adult!]: 4, [classmates!]: 3, [energy!]: 3, [safety!]: 3 },
      C4: { [part!]: 2, [adult!]: 3, [classmates!]: 1, [safety!]: 3 },
    };
    await t.ctx.db.insert(surveyResponses).values(Object.entries(answers).map(([key, a]) => ({ tenantId: s.tenantId, windowId: ours, studentId: st[key]!.id, answers: a, answeredAt: new Date('2026-03-05T12:00:00Z') })));
    // Every student answered the other school's window favourably: counted here, it would show.
    await t.ctx.db.insert(surveyResponses).values(Object.values(st).map((p) => ({ tenantId: s.tenantId, windowId: elsewhere, studentId: p.id, answers: { [part!]: 5, [adult!]: 5, [classmates!]: 5, [energy!]: 5, [safety!]: 1 }, answeredAt: new Date('2026-03-11T12:00:00Z') })));

    const staff = async (name: string, role: StaffRole) => {
      const p = await t.ctx.roster.upsertPerson(s.tenantId, { sub: `${name}-${u}`, name: `${name} ${u}`, email: `${name}-${u}@school.test` });
      await setStaffGrant(t.ctx.db, s.tenantId, p.id, { role, schoolId: places.a }, true);
      return p;
    };
    counsellor = await staff('Cara', 'counsellor');
    leader = await staff('Lee', 'school_leader');
    t.clock.set(NOW);
    const c = await as(counsellor);
    byGrade = decoded((await c.get(`/schools/${places.a}`).expect(200)).text);
    byMeals = decoded((await c.get(`/schools/${places.a}?group=frl`).expect(200)).text);
  });
  after(async () => t.ctx.shutdown?.());

  const hidden = (n: number) => Array<string>(n).fill('hidden');
  const fewer = (n: number) => Array<string>(n).fill('fewer than 5');

  it('counts attendance bands by grade, grade 12 hidden as small and grade 11 as its complement', () => {
    // Columns: students, on track, watch, at risk, off track, no band yet.
    expect(tableAfter(section(byGrade, 'sv-bands-attendance'), '<caption>')).to.deep.equal([
      ['Grade 9', '6', '2', '1', '1', '1', '1'], // A1-A2, A3, A4, A5; A6 never computed
      ['Grade 10', '6', '3', '2', '0', '0', '1'], // B1-B3, B4-B5; B6 without a band
      ['Grade 11', ...hidden(6)], // alone, grade 12 would be 19 less grades 9-11
      ['Grade 12', ...fewer(6)],
      ['All students', '19', '8', '3', '3', '3', '2'], // on track A1-2 B1-3 C1-3; watch A3 B4-5; at risk A4 C4 D2; off track A5 C5 D1; none A6 B6
    ]);
    // The stacked chart beside it leaves the hidden groups' bars out and names why.
    expect(section(byGrade, 'sv-bands-attendance')).to.contain('<svg').and.contain('fewer than 5');
  });

  it('counts attendance bands by meals, showing only "no" (10)', () => {
    expect(tableAfter(section(byMeals, 'sv-bands-attendance'), '<caption>')).to.deep.equal([
      ['No', '10', '3', '2', '1', '2', '2'], // on track C1-C3; watch B4-B5; at risk C4; off track A5, C5; none A6, B6
      ['Yes', ...hidden(6)], // alone, "not recorded" (2) would be 19 less 10 less 7
      ['Not recorded', ...fewer(6)],
      ['All students', '19', '8', '3', '3', '3', '2'],
    ]);
  });

  it('links every shown band count to exactly its students, and no hidden one', async () => {
    const links = linksAfter(section(byMeals, 'sv-bands-attendance'), '<caption>');
    expect(links.map((l) => l.row)).to.not.include('Yes').and.not.include('Not recorded');
    const offTrackNo = links.find((l) => l.row === 'No' && l.cell === 5)!.href;
    expect(Object.fromEntries(offTrackNo.searchParams)).to.include({ show: 'band', indicator: 'attendance', band: 'off-track', dimension: 'frl', value: 'no' });
    const c = await as(counsellor);
    const list = decoded((await c.get(`${offTrackNo.pathname}?${offTrackNo.searchParams}`).expect(200)).text);
    expect(listed(list)).to.deep.equal(names(['A5', 'C5']));
    const gradeLinks = linksAfter(section(byGrade, 'sv-bands-attendance'), '<caption>');
    const onTrack9 = gradeLinks.find((l) => l.row === 'Grade 9' && l.cell === 2)!.href;
    expect(listed(decoded((await c.get(`${onTrack9.pathname}?${onTrack9.searchParams}`).expect(200)).text))).to.deep.equal(names(['A1', 'A2']));
    const noBand = gradeLinks.find((l) => l.row === 'All students' && l.cell === 6)!.href;
    expect(listed(decoded((await c.get(`${noBand.pathname}?${noBand.searchParams}`).expect(200)).text))).to.deep.equal(names(['A6', 'B6']));
    await c.get(`/schools/${places.a}/students?show=band&indicator=attendance&band=Off%20Track`).expect(400);
    await c.get(`/schools/${places.a}/students?show=band&indicator=mood&band=watch`).expect(400);
  });

  it('counts needs by meals, with sensitive categories listed only for those who may see who', async () => {
    // Columns: students, then technology, workspace, food, housing, academic, well-being, enrichment, health, family.
    const rows = tableAfter(section(byMeals, 'sv-needs'), 'school-behind');
    expect(rows).to.deep.equal([
      ['No', '10', '0', '0', '3', '0', '0', '2', '0', '0', '0'], // food A5, B4, C1; well-being A5, C2
      ['Yes', ...hidden(10)],
      ['Not recorded', ...fewer(10)],
      ['All students', '19', '0', '0', '4', '0', '0', '3', '0', '0', '0'], // food + A1; well-being + D1
    ]);
    const linksTo = (html: string, category: string) => linksAfter(section(html, 'sv-needs'), 'school-behind').filter((l) => l.href.searchParams.get('category') === category);
    expect(linksTo(byMeals, 'wellbeing').map((l) => l.row)).to.deep.equal(['No', 'All students']);
    const food = linksAfter(section(byMeals, 'sv-needs'), 'school-behind').find((l) => l.row === 'No' && l.href.searchParams.get('category') === 'food')!.href;
    expect(listed(decoded((await (await as(counsellor)).get(`${food.pathname}?${food.searchParams}`).expect(200)).text))).to.deep.equal(names(['A5', 'B4', 'C1']));
    // A leader sees the same counts, but no link behind the sensitive categories (food and well-being among them).
    const asLeader = decoded((await (await as(leader)).get(`/schools/${places.a}?group=frl`).expect(200)).text);
    expect(tableAfter(section(asLeader, 'sv-needs'), 'school-behind')).to.deep.equal(rows);
    expect(linksTo(asLeader, 'wellbeing')).to.deep.equal([]);
    expect(linksTo(asLeader, 'food')).to.deep.equal([]);
    expect(linksTo(asLeader, 'academic').map((l) => l.row)).to.deep.equal(['No', 'All students']);
  });

  it('shows the pulse of this school\'s latest window as favourable shares by grade, small groups and their complement hidden', () => {
    const pulse = section(byGrade, 'sv-pulse');
    expect(pulse).to.contain('Belonging pulse (closed)');
    // Columns: answered, then the five statements. A group's size is its fewest answers to a statement: grade 11
    // has 3 (C4 skipped the energy one), grade 12 none; both under 5, and together 3, which the school's figures
    // less grades 9 and 10 would give away: grade 10 (5, the smallest shown) is hidden with them.
    expect(tableAfter(pulse, '<caption>')).to.deep.equal([
      ['Grade 9', '6', '67% (4 of 6)', '83% (5 of 6)', '50% (3 of 6)', '33% (2 of 6)', '83% (5 of 6)'],
      ['Grade 10', ...hidden(6)],
      ['Grade 11', ...fewer(6)],
      ['Grade 12', ...fewer(6)],
      // part of school A1-A4 B1-B2 C1 = 7/15; adult A1-A5 B1-B4 C1-C3 = 12/15; classmates A1-A3 B1 = 4/15;
      // energy A1-A2 B1 C1-C2 = 5/14 (C4 skipped it); safety (disagreeing) A1-A5 B1-B3 C1 = 9/15.
      ['All students', '15', '47% (7 of 15)', '80% (12 of 15)', '27% (4 of 15)', '36% (5 of 14)', '60% (9 of 15)'],
    ]);
    // Pulse answers are never listed by student: no link in the table.
    expect(pulse.slice(pulse.indexOf('<table'), pulse.indexOf('</table>'))).to.not.contain('<a ');
  });

  it('shows the pulse by meals with the same rule, a tie hiding the first listed group', () => {
    // No: A5, A6, B4, B5, C1-C4 answered (8), but only 7 the energy statement (C4): size 7. Yes: A1-A4, B1-B3 (7).
    // Not recorded: nobody (0, small), so the smaller shown group is hidden as its complement: a tie at 7,
    // the first listed ("No") goes. Shown, "Yes": part A1-A4 B1-B2 = 6/7; adult all 7; classmates A1-A3 B1 = 4/7;
    // energy A1-A2 B1 = 3/7; safety (disagreeing) all 7.
    expect(tableAfter(section(byMeals, 'sv-pulse'), '<caption>')).to.deep.equal([
      ['No', ...hidden(6)],
      ['Yes', '7', '86% (6 of 7)', '100% (7 of 7)', '57% (4 of 7)', '43% (3 of 7)', '100% (7 of 7)'],
      ['Not recorded', ...fewer(6)],
      ['All students', '15', '47% (7 of 15)', '80% (12 of 15)', '27% (4 of 15)', '36% (5 of 14)', '60% (9 of 15)'],
    ]);
  });

  it('shows a leader the same pulse shares', async () => {
    const asLeader = decoded((await (await as(leader)).get(`/schools/${places.a}`).expect(200)).text);
    expect(tableAfter(section(asLeader, 'sv-pulse'), '<caption>')).to.deep.equal(tableAfter(section(byGrade, 'sv-pulse'), '<caption>'));
  });
  it("groups the figures by a student field of the school's own (pick one), counted, hidden and listed as a subgroup is", async () => {
    // The school adds "Program" to its students: AVID A1-A4, B1-B3 (7); early college A5-A6, B4-B6, C1-C5 (10); none D1-D2 (2).
    const admin: AppUser = { tenantId: s.tenantId, personId: s.admin.id, name: s.admin.name, role: 'admin', contextId: null, contextTitle: '', contextKind: 'advisory', menteeIds: [] };
    const doc = loadShippedFields();
    const studentLayout = doc.layouts.find((l) => l.object === 'student')!;
    studentLayout.sections[0]!.fields.push({ key: 'program', label: 'Program', type: 'picklist', options: [{ value: 'avid', label: 'AVID' }, { value: 'early-college', label: 'Early college' }], edit: ['adult'], see: ['adult'], translations: { es: { label: 'Programa' } } });
    const draft = await t.ctx.configuration.saveDraft(admin, 'custom-fields', { body: doc, edits: null });
    await t.ctx.configuration.publish(admin, 'custom-fields', draft.version);
    const program: Record<string, string> = { A1: 'avid', A2: 'avid', A3: 'avid', A4: 'avid', B1: 'avid', B2: 'avid', B3: 'avid', A5: 'early-college', A6: 'early-college', B4: 'early-college', B5: 'early-college', B6: 'early-college', C1: 'early-college', C2: 'early-college', C3: 'early-college', C4: 'early-college', C5: 'early-college' };
    await t.ctx.db.insert(customFieldValues).values(Object.entries(program).map(([key, value]) => ({ tenantId: s.tenantId, studentId: st[key]!.id, object: 'student', recordId: st[key]!.id, fieldKey: 'program', value, authorId: s.admin.id })));

    const c = await as(counsellor);
    expect(byGrade).not.to.contain('value="field.program"');
    const page = decoded((await c.get(`/schools/${places.a}?group=field.program`).expect(200)).text);
    expect(page).to.contain('<option value="field.program" selected>Program</option>');
    // The same students as "meals" above, under the field's own words.
    expect(tableAfter(section(page, 'sv-bands-attendance'), '<caption>')).to.deep.equal([
      ['AVID', ...hidden(6)],
      ['Early college', '10', '3', '2', '1', '2', '2'],
      ['Not recorded', ...fewer(6)],
      ['All students', '19', '8', '3', '3', '3', '2'],
    ]);
    const offTrack = linksAfter(section(page, 'sv-bands-attendance'), '<caption>').find((l) => l.row === 'Early college' && l.cell === 5)!.href;
    expect(Object.fromEntries(offTrack.searchParams)).to.include({ dimension: 'field.program', value: 'early-college' });
    const list = decoded((await c.get(`${offTrack.pathname}?${offTrack.searchParams}`).expect(200)).text);
    expect(listed(list)).to.deep.equal(names(['A5', 'C5']));
    expect(list).to.contain('Program: Early college');
    // A field the school does not have (or a malformed one) is no error: the page groups by grade, or says what it cannot answer.
    expect(decoded((await c.get(`/schools/${places.a}?group=field.shoe-size`).expect(200)).text)).to.contain('<option value="grade" selected>');
    await c.get(`/schools/${places.a}?group=field.<b>`).expect(400);
  });
});
