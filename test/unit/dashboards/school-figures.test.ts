import { expect } from 'chai';
import { bandsTable, byNavigator, coverageOf, groupBy, needsTable, referralFigures, seenBucket, tiersTable, type ReferralFacts, type StudentFacts } from '../../../src/dashboards/school-figures.js';
import { matcherOf, studentFilter } from '../../../src/dashboards/school-filters.js';

// Six students of one school on 2 December 2026, with a check-in cadence of 7 days; every figure below
// is counted by hand from this table.
const today = '2026-12-02';
const cadence = 7;
const n1 = '00000000-0000-4000-8000-000000000001';
const n2 = '00000000-0000-4000-8000-000000000002';
const student = (id: string, f: Partial<StudentFacts>): StudentFacts => ({ id, grade: null, advisoryId: null, navigatorIds: [], plan: 'none', lastSeenOn: null, needs: [], tier: null, groups: {}, ...f });
const need = (category: string) => ({ category, urgency: 'concern', sensitive: false });
const students = [
  student('A', { grade: '09', navigatorIds: [n1], plan: 'active', lastSeenOn: '2026-11-30', needs: [need('food')], tier: 1, groups: { frl: 'yes' } }),
  student('B', { grade: '09', navigatorIds: [n1], plan: 'draft', lastSeenOn: '2026-11-22', needs: [need('food'), need('housing')], tier: 2 }),
  student('C', { grade: '10' }),
  student('D', { grade: '10', navigatorIds: [n2], plan: 'active', lastSeenOn: '2026-11-18', tier: 1 }),
  student('E', { navigatorIds: [n1, n2], plan: 'active', lastSeenOn: '2026-11-25', needs: [need('housing')], tier: 3 }),
  student('F', { grade: '10', navigatorIds: [n2], plan: 'active', lastSeenOn: '2026-11-17', tier: 2 }),
];

describe('school view figures', () => {
  it('sorts a last check-in into within the cadence, later, or not in two weeks (edges included)', () => {
    expect(seenBucket('2026-11-25', today, cadence)).to.equal('within'); // exactly 7 days
    expect(seenBucket('2026-11-24', today, cadence)).to.equal('lapsed');
    expect(seenBucket('2026-11-18', today, cadence)).to.equal('lapsed'); // exactly 14 days
    expect(seenBucket('2026-11-17', today, cadence)).to.equal('not_seen_2w');
    expect(seenBucket(null, today, cadence)).to.equal('not_seen_2w');
  });

  it('counts coverage: an adult, an active plan, seen within the cadence, not seen in two weeks', () => {
    expect(coverageOf(students, today, cadence)).to.deep.equal({ students: 6, withNavigator: 5, activePlan: 4, seenWithinCadence: 2, notSeen2Weeks: 2 });
  });

  it('counts each navigator’s caseload, a shared student in both', () => {
    expect(byNavigator(students, today, cadence)).to.deep.equal([
      { navigatorId: n1, students: 3, withNavigator: 3, activePlan: 2, seenWithinCadence: 2, notSeen2Weeks: 0 },
      { navigatorId: n2, students: 3, withNavigator: 3, activePlan: 3, seenWithinCadence: 1, notSeen2Weeks: 1 },
    ]);
  });

  it('makes the needs heat map by grade, students without a grade last', () => {
    const table = needsTable(groupBy(students, (s) => s.grade), ['food', 'housing']);
    expect(table.rows).to.deep.equal([
      { key: '09', base: 2, cells: [2, 1] },
      { key: '10', base: 3, cells: [0, 0] },
      { key: 'none', base: 1, cells: [0, 1] },
    ]);
    expect(table.total).to.deep.equal({ base: 6, cells: [2, 2] });
  });

  it('counts tiers by grade, with students not yet tiered', () => {
    const table = tiersTable(groupBy(students, (s) => s.grade));
    expect(table.columns).to.deep.equal(['1', '2', '3', 'none']);
    expect(table.rows.map((r) => [r.key, ...r.cells])).to.deep.equal([
      ['09', 1, 1, 0, 0],
      ['10', 1, 1, 0, 1],
      ['none', 0, 0, 1, 0],
    ]);
    expect(table.total.cells).to.deep.equal([2, 2, 1, 1]);
  });

  it('counts an indicator\'s bands by a subgroup, students without a band (or without indicators) under "none"', () => {
    const banded = [
      student('A', { groups: { frl: 'yes' }, bands: { attendance: 'on-track', grades: 'watch' } }),
      student('B', { groups: { frl: 'yes' }, bands: { attendance: 'at-risk', grades: null } }),
      student('C', { groups: { frl: 'no' }, bands: { attendance: 'on-track' } }),
      student('D', { groups: { frl: 'no' }, bands: { attendance: null } }),
      student('E', {}),
    ];
    const table = bandsTable(groupBy(banded, (s) => s.groups.frl ?? null), 'attendance', ['on-track', 'watch', 'at-risk', 'off-track']);
    expect(table.columns).to.deep.equal(['on-track', 'watch', 'at-risk', 'off-track', 'none']);
    expect(table.rows.map((r) => [r.key, r.base, ...r.cells])).to.deep.equal([
      ['no', 2, 1, 0, 0, 0, 1],
      ['yes', 2, 1, 0, 1, 0, 0],
      ['none', 1, 0, 0, 0, 0, 1],
    ]);
    expect(table.total).to.deep.equal({ base: 5, cells: [2, 0, 1, 0, 2] });
    expect(bandsTable(groupBy(banded, () => 'all'), 'grades', ['on-track', 'watch']).total.cells).to.deep.equal([0, 1, 4]);
    const ids = (q: Record<string, string>) => banded.filter(matcherOf(studentFilter.parse(q), today, cadence)).map((s) => s.id);
    expect(ids({ show: 'band', indicator: 'attendance', band: 'on-track', dimension: 'frl', value: 'no' })).to.deep.equal(['C']);
    expect(ids({ show: 'band', indicator: 'attendance', band: 'none' })).to.deep.equal(['D', 'E']);
    expect(ids({ show: 'band', band: 'on-track' })).to.deep.equal([]);
  });

  it('measures referrals against the response standard per category', () => {
    const at = (s: string) => new Date(s);
    const referrals: ReferralFacts[] = [
      { studentId: 'A', category: 'food', state: 'accepted', createdAt: at('2026-11-20T10:00Z'), dueAt: at('2026-11-23T23:00Z'), respondedAt: at('2026-11-21T10:00Z') },
      { studentId: 'B', category: 'food', state: 'requested', createdAt: at('2026-11-25T10:00Z'), dueAt: at('2026-11-26T23:00Z'), respondedAt: null },
      { studentId: 'E', category: 'food', state: 'in_service', createdAt: at('2026-11-10T00:00Z'), dueAt: at('2026-11-12T00:00Z'), respondedAt: at('2026-11-13T12:00Z') },
      { studentId: 'B', category: 'housing', state: 'requested', createdAt: at('2026-12-02T09:00Z'), dueAt: at('2026-12-03T23:00Z'), respondedAt: null },
    ];
    expect(referralFigures(referrals, at('2026-12-02T12:00Z'))).to.deep.equal([
      { category: 'food', made: 3, byState: { accepted: 1, requested: 1, in_service: 1 }, responded: 2, respondedOnTime: 1, overdue: 1, medianHoursToRespond: 54 },
      { category: 'housing', made: 1, byState: { requested: 1 }, responded: 0, respondedOnTime: 0, overdue: 0, medianHoursToRespond: null },
    ]);
  });

  it('lists the students behind a number with the facts that counted it', () => {
    const ids = (q: Record<string, string>) => students.filter(matcherOf(studentFilter.parse(q), today, cadence)).map((s) => s.id);
    expect(ids({ show: 'not_seen_2w' })).to.deep.equal(['C', 'F']);
    expect(ids({ show: 'need', category: 'food' })).to.deep.equal(['A', 'B']);
    expect(ids({ show: 'tier', tier: 'none' })).to.deep.equal(['C']);
    expect(ids({ show: 'no_active_plan', grade: '10' })).to.deep.equal(['C']);
    expect(ids({ show: 'all', dimension: 'frl', value: 'none' })).to.deep.equal(['B', 'C', 'D', 'E', 'F']);
    expect(ids({ show: 'seen_within', navigator: n2 })).to.deep.equal(['E']);
  });

  it('refuses a filter it does not know', () => {
    expect(studentFilter.safeParse({ show: 'everyone' }).success).to.equal(false);
    expect(studentFilter.safeParse({ show: 'tier', tier: '4' }).success).to.equal(false);
    expect(studentFilter.safeParse({ show: 'band', indicator: 'mood', band: 'watch' }).success).to.equal(false);
    expect(studentFilter.safeParse({ show: 'band', indicator: 'attendance', band: 'On Track' }).success).to.equal(false);
  });
});
