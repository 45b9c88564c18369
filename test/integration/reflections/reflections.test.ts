import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { createTestApp, type TestApp } from '../../support/app.js';
import { seedSchool, ltikFor, asUser, type SeededSchool } from '../../support/school.js';
import { placeStudents } from '../../support/school-places.js';
import { decoded } from '../../support/html.js';
import { enterSystemScopeForTests } from '../../../src/db/tenant-scope.js';
import { setStaffGrant } from '../../../src/roster/roster.repository.js';
import type { AppUser, StaffRole } from '../../../src/auth/user.js';
import type { Person } from '../../../src/roster/roster.service.js';

/** Expects a promise to be refused with an HTTP status. */
async function refused(p: Promise<unknown>, status: number): Promise<void> {
  try {
    await p;
  } catch (err) {
    expect((err as { status?: number }).status).to.equal(status);
    return;
  }
  expect.fail(`should be refused with ${status}`);
}

/**
 * Reflection cycles (issue 13, item 2) on a school of the seeded advisory's three students: a card
 * attached on the cycle's day holds the school view's figures for that day (the page's own numbers),
 * and shows today's beside them once the school has moved on.
 */
describe('reflections: cycles, look-for ratings and evidence cards', function () {
  this.timeout(120_000);
  let t: TestApp;
  let s: SeededSchool;
  let places: { a: string; b: string };
  let counsellorA: AppUser, counsellorB: AppUser, admin: AppUser, advisor: AppUser;
  let counsellorPerson: Person;
  const at = (iso: string) => t.clock.set(new Date(iso));
  const staffUser = (p: Person, role: StaffRole, schoolId: string): AppUser => ({ tenantId: p.tenantId, personId: p.id, name: p.name, role: 'advisor', contextId: null, contextTitle: '', contextKind: null, menteeIds: [], staffGrants: [{ role, schoolId }] });

  async function seen(date: string, students: Person[]) {
    at(`${date}T12:00:00Z`);
    await t.ctx.checkins.recordAll(advisor, { date, format: 'in_person', sharedNote: '', rows: students.map((p) => ({ studentId: p.id, attended: true, wellbeing: 3 })) });
  }

  before(async () => {
    enterSystemScopeForTests();
    t = await createTestApp({}, { now: new Date('2026-10-14T15:00:00Z') });
    s = await seedSchool(t.ctx);
    const u = randomUUID().slice(0, 8);
    places = await placeStudents(t.ctx.db, s.tenantId, [`Aspen High ${u}`, `Birch Middle ${u}`], { a: s.students.map((p) => p.id), b: [] });
    const staff = async (name: string, role: StaffRole, schoolId: string) => {
      const p = await t.ctx.roster.upsertPerson(s.tenantId, { sub: `${name}-${u}`, name: `${name} ${u}`, email: `${name}-${u}@school.test` });
      await setStaffGrant(t.ctx.db, s.tenantId, p.id, { role, schoolId }, true);
      return p;
    };
    counsellorPerson = await staff('Cara', 'counsellor', places.a);
    counsellorA = staffUser(counsellorPerson, 'counsellor', places.a);
    counsellorB = staffUser(await staff('Bea', 'counsellor', places.b), 'counsellor', places.b);
    admin = { tenantId: s.tenantId, personId: s.admin.id, name: s.admin.name, role: 'admin', contextId: null, contextTitle: '', contextKind: null, menteeIds: [] };
    advisor = { tenantId: s.tenantId, personId: s.advisor.id, name: s.advisor.name, role: 'advisor', contextId: s.advisoryId, contextTitle: '', contextKind: 'advisory', menteeIds: [] };
    await seen('2026-10-12', [s.students[0]]);
    at('2026-10-14T15:00:00Z');
  });
  after(async () => t.ctx.shutdown?.());

  it('freezes a card with the school view page\'s figures for the cycle\'s day, and shows today\'s beside it later', async () => {
    const cycle = await t.ctx.reflections.startCycle(counsellorA, places.a, 'Spring reflection');
    expect(cycle.heldOn).to.equal('2026-10-14');
    const card = await t.ctx.reflections.attachCard(counsellorA, cycle.id, 'relationships', 'coverage');
    expect(card.day).to.equal('2026-10-14');
    // The same computation as the page: compared with the service's figures and with the page's text.
    expect(card.figures).to.deep.equal((await t.ctx.schoolView.evidence(counsellorA, places.a, 'coverage')).figures);
    expect(card.figures).to.deep.include({ kind: 'coverage' });
    const frozen = (card.figures as { coverage: { students: number; seenWithinCadence: number } }).coverage;
    expect(frozen).to.include({ students: 3, seenWithinCadence: 1 });
    const page = decoded((await (await asUser(t.app, await ltikFor(t.ctx, counsellorPerson, 'advisor', null))).get(`/schools/${places.a}`).expect(200)).text);
    const figure = page.slice(page.indexOf('data-figure="seenWithinCadence"'));
    expect(figure.slice(0, figure.indexOf('</div>')).replace(/<[^>]+>/g, ' ')).to.contain('1 of 3 (33.3%)');

    // Two days on, two more students have been seen: the card keeps its day's figures, "now" has moved.
    await seen('2026-10-16', [s.students[1], s.students[2]]);
    at('2026-10-16T15:00:00Z');
    const later = await t.ctx.reflections.cycle(counsellorA, cycle.id);
    expect(later.cards).to.have.length(1);
    expect(later.cards[0]!.figures).to.deep.equal(card.figures);
    expect(later.cards[0]!.now.day).to.equal('2026-10-16');
    expect(later.cards[0]!.now.figures).to.deep.include({ kind: 'coverage' });
    expect((later.cards[0]!.now.figures as { coverage: { seenWithinCadence: number } }).coverage.seenWithinCadence).to.equal(3);
  });

  it('rates a look-for on the fixed scale and refuses an unknown look-for or rating (400)', async () => {
    const cycle = await t.ctx.reflections.startCycle(counsellorA, places.a, 'Ratings');
    await t.ctx.reflections.rate(counsellorA, cycle.id, 'relationships.with-students.known-adult', 'emerging');
    await t.ctx.reflections.rate(counsellorA, cycle.id, 'relationships.with-students.known-adult', 'in_place');
    expect((await t.ctx.reflections.cycle(counsellorA, cycle.id)).ratings.get('relationships.with-students.known-adult')).to.equal('in_place');
    await refused(t.ctx.reflections.rate(counsellorA, cycle.id, 'relationships.with-students.nothing', 'emerging'), 400);
    await refused(t.ctx.reflections.rate(counsellorA, cycle.id, 'relationships.with-students.known-adult', 'excellent'), 400);
    await refused(t.ctx.reflections.attachCard(counsellorA, cycle.id, 'nothing', 'coverage'), 400);
  });

  it('co-edits reflections by the conflict rule: a stale save of the same component is kept back, another component is saved', async () => {
    const cycle = await t.ctx.reflections.startCycle(counsellorA, places.a, 'Co-editing');
    expect((await t.ctx.reflections.saveReflections(counsellorA, cycle.id, [{ key: 'relationships', text: 'First words', version: 0 }])).saved).to.deep.equal(['relationships']);
    // A second editor loaded the page before that save (version 0): their relationships words conflict, their data words land.
    const second = await t.ctx.reflections.saveReflections(counsellorA, cycle.id, [
      { key: 'relationships', text: 'Other words', version: 0 },
      { key: 'data', text: 'Data words', version: 0 },
    ]);
    expect(second.saved).to.deep.equal(['data']);
    expect(second.conflicts).to.deep.equal([{ key: 'relationships', yours: 'Other words', theirs: 'First words', version: 1 }]);
    // Saving again from the conflict page carries the new version: a deliberate overwrite.
    expect((await t.ctx.reflections.saveReflections(counsellorA, cycle.id, [{ key: 'relationships', text: 'Other words', version: 1 }])).saved).to.deep.equal(['relationships']);
    const view = await t.ctx.reflections.cycle(counsellorA, cycle.id);
    expect(view.reflections.get('relationships')).to.include({ text: 'Other words', version: 2 });
    expect(view.reflections.get('data')).to.include({ text: 'Data words', version: 1 });
    await refused(t.ctx.reflections.saveReflections(counsellorA, cycle.id, [{ key: 'nothing', text: 'x', version: 0 }]), 400);
  });

  it('compares the team\'s cycles over the year: each look-for\'s rating per cycle, oldest first', async () => {
    const first = (await t.ctx.reflections.compare(counsellorA, places.a)).cycles.length;
    at('2026-11-18T15:00:00Z');
    const autumn = await t.ctx.reflections.startCycle(counsellorA, places.a, 'November');
    await t.ctx.reflections.rate(counsellorA, autumn.id, 'mindsets.voice.asked', 'strong');
    at('2026-10-14T15:00:00Z');
    const compared = await t.ctx.reflections.compare(counsellorA, places.a);
    expect(compared.cycles.map((c) => c.heldOn).at(-1)).to.equal('2026-11-18');
    expect(compared.cycles).to.have.length(first + 1);
    const asked = compared.lookFors.find((l) => l.key === 'mindsets.voice.asked')!;
    expect(asked.ratings.at(-1)).to.equal('strong');
    expect(compared.lookFors[0]!.key).to.equal('relationships.team-itself.norms');
    await refused(t.ctx.reflections.compare(counsellorB, places.a), 403);
  });

  it('lets the school\'s team work a cycle, the admins read it only, and no one of another school (403), an unknown id 404', async () => {
    const cycle = await t.ctx.reflections.startCycle(counsellorA, places.a, 'Who');
    const read = await t.ctx.reflections.cycle(admin, cycle.id);
    expect(read.can).to.include({ view: true, edit: false });
    await refused(t.ctx.reflections.rate(admin, cycle.id, 'data.current.fresh', 'strong'), 403);
    await refused(t.ctx.reflections.cycle(counsellorB, cycle.id), 403);
    await refused(t.ctx.reflections.startCycle(counsellorB, places.a, 'Not mine'), 403);
    await refused(t.ctx.reflections.cycle(counsellorA, randomUUID()), 404);
  });

  it('lets the district team attach a card of a school it names; a school team cannot start the district\'s cycle', async () => {
    await refused(t.ctx.reflections.startCycle(counsellorA, null, 'District'), 403);
    const leader = await t.ctx.roster.upsertPerson(s.tenantId, { sub: `dl-${randomUUID().slice(0, 8)}`, name: 'Dee District' });
    await setStaffGrant(t.ctx.db, s.tenantId, leader.id, { role: 'district_leader', schoolId: null }, true);
    const district: AppUser = { ...staffUser(leader, 'district_leader', places.a), staffGrants: [{ role: 'district_leader', schoolId: null }] };
    const cycle = await t.ctx.reflections.startCycle(district, null, 'District spring');
    const card = await t.ctx.reflections.attachCard(district, cycle.id, 'data', 'checkin-cadence', places.a);
    expect(card.schoolId).to.equal(places.a);
    expect(card.figures).to.deep.equal((await t.ctx.schoolView.evidence(district, places.a, 'checkin-cadence')).figures);
    await refused(t.ctx.reflections.attachCard(district, cycle.id, 'data', 'checkin-cadence'), 400);
  });
});
