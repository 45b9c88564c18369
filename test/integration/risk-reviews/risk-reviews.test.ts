import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../support/app.js';
import { seedSchool, ltikFor, asUser, type SeededSchool } from '../../support/school.js';
import { placeStudents } from '../../support/school-places.js';
import { decoded } from '../../support/html.js';
import { setStaffGrant } from '../../../src/roster/roster.repository.js';
import { riskReviewDecisions, riskReviewItems, riskReviewNotes } from '../../../src/risk-reviews/risk-reviews.tables.js';
import { studentIndicators } from '../../../src/indicators/indicators.tables.js';
import { goals, goalSteps } from '../../../src/goals/goals.tables.js';
import { supports } from '../../../src/supports/supports.tables.js';
import { referrals } from '../../../src/referrals/referrals.tables.js';
import { auditEvents } from '../../../src/audit/audit.tables.js';
import { t as text } from '../../../src/web/i18n.js';
import type { StaffRole, ToolRole } from '../../../src/auth/user.js';
import type { Person } from '../../../src/roster/roster.service.js';

type Agent = ReturnType<typeof asUser>;

const idFrom = (location: string) => /risk-reviews\/([0-9a-f-]{36})/.exec(location)![1]!;

/**
 * Risk review over HTTP (issue 13, item 3): an agenda built from the school's data, adult-only notes
 * under the no-lost-edits rule, decisions that create the plan action, referral or navigator change
 * they name, and open decisions rolling into the next meeting.
 */
describe('risk-review meetings', function () {
  this.timeout(120_000);
  let t: TestApp;
  let s: SeededSchool;
  let places: { a: string; b: string };
  let counsellorA: Person, coordinatorA: Person;
  let cara: Agent, cody: Agent, bea: Agent, admin: Agent, student: Agent;
  let flagged: Person, calm: Person;
  let goalId: string, supportId: string, meetingId: string;

  before(async () => {
    // Enrolments start 2026-08-20 (placeStudents): the meeting is in the school year after.
    t = await createTestApp({}, { now: new Date('2026-09-15T15:00:00Z') });
    s = await seedSchool(t.ctx);
    const u = randomUUID().slice(0, 8);
    [flagged, calm] = [s.students[0], s.students[1]];
    places = await placeStudents(t.ctx.db, s.tenantId, [`Aspen High ${u}`, `Birch Middle ${u}`], { a: [flagged.id, calm.id, s.students[2].id], b: [] });
    const staff = async (name: string, role: StaffRole, schoolId: string | null) => {
      const p = await t.ctx.roster.upsertPerson(s.tenantId, { sub: `${name}-${u}`, name: `${name} ${u}` });
      await setStaffGrant(t.ctx.db, s.tenantId, p.id, { role, schoolId }, true);
      return p;
    };
    counsellorA = await staff('Cara-Aspen', 'counsellor', places.a);
    coordinatorA = await staff('Cody-Aspen', 'coordinator', places.a);
    const counsellorB = await staff('Bea-Birch', 'counsellor', places.b);
    const as = async (p: Person, role: ToolRole = 'advisor', contextId: string | null = null) => asUser(t.app, await ltikFor(t.ctx, p, role, contextId));
    cara = await as(counsellorA);
    cody = await as(coordinatorA, 'guest');
    bea = await as(counsellorB);
    admin = await as(s.admin, 'admin', s.advisoryId);
    student = await as(flagged, 'student', s.advisoryId);
    // The flagged student is at tier 3 with an active goal; the calm one at tier 1.
    await t.ctx.db.insert(studentIndicators).values([
      { tenantId: s.tenantId, studentId: flagged.id, asOf: '2026-09-14', indicators: { bands: {} } as never, suggestedTier: 3, reasons: [] },
      { tenantId: s.tenantId, studentId: calm.id, asOf: '2026-09-14', indicators: { bands: {}, attendance: { year: { percent: 88 }, recent: { percent: 97 } } } as never, suggestedTier: 1, reasons: [] },
      // Tier 1, but attending less lately: 96% this year (on track), 85% in the recent window (at risk).
      { tenantId: s.tenantId, studentId: s.students[2].id, asOf: '2026-09-14', indicators: { bands: {}, attendance: { year: { percent: 96 }, recent: { percent: 85 } }, behaviour: { year: { percent: 0 }, recent: { percent: 0 } } } as never, suggestedTier: 1, reasons: [] },
    ]);
    const [goal] = await t.ctx.db
      .insert(goals)
      .values({ tenantId: s.tenantId, studentId: flagged.id, category: 'academic', statement: 'Pass all classes this term', status: 'active', createdBy: s.advisor.id, createdByRole: 'advisor', updatedBy: s.advisor.id })
      .returning({ id: goals.id });
    goalId = goal!.id;
    const [support] = await t.ctx.db
      .insert(supports)
      .values({ tenantId: s.tenantId, name: `Tutoring ${u}`, provider: 'Aspen', category: 'academic' as 'housing', tier: 2, cost: 'free', referral: 'internal', sensitive: false })
      .returning({ id: supports.id });
    supportId = support!.id;
  });

  const itemsOf = (id: string) => t.ctx.db.select().from(riskReviewItems).where(eq(riskReviewItems.meetingId, id));
  const decisionsOf = (id: string) => t.ctx.db.select().from(riskReviewDecisions).where(eq(riskReviewDecisions.meetingId, id));

  it('is linked from the school view, and a new meeting builds its agenda from the data: the tier-3 student (never met: not seen either), the one whose attendance is falling, not the tier-1 one', async () => {
    expect(decoded((await cara.get(`/schools/${places.a}`).expect(200)).text)).to.contain(`/schools/${places.a}/risk-reviews`);
    const list = decoded((await cara.get(`/schools/${places.a}/risk-reviews`).expect(200)).text);
    expect(list).to.contain('name="_once"').and.to.contain(text('riskReviews.index.new'));
    const created = await cara.post(`/schools/${places.a}/risk-reviews`, { heldOn: '2026-09-15', _once: randomUUID() }).expect(303);
    meetingId = idFrom(created.headers.location!);
    const items = await itemsOf(meetingId);
    // The calm student is attending more lately (88% -> 97%): not falling.
    expect(items.map((i) => [i.studentId, i.reasons]).sort()).to.deep.equal([[flagged.id, ['tier3', 'not_seen']], [s.students[2].id, ['falling_indicator']]].sort());
    const page = decoded((await cara.get(`/risk-reviews/${meetingId}`).expect(200)).text);
    expect(page).to.contain(flagged.name).and.to.contain(text('riskReviews.reasons.tier3')).and.not.to.contain(calm.name);
    expect(page).to.contain(`/students/${flagged.id}/plan`);
    // Reading the notes is audited, with the students the page showed.
    const reads = await t.ctx.db.select().from(auditEvents).where(and(eq(auditEvents.tenantId, s.tenantId), eq(auditEvents.entity, 'risk_review_note'), eq(auditEvents.action, 'read')));
    expect(reads.length).to.be.greaterThan(0);
  });

  it('a bad day is a 400 with the error summary and nothing created', async () => {
    const res = decoded((await cara.post(`/schools/${places.a}/risk-reviews`, { heldOn: '2026-02-31', _once: randomUUID() }).expect(400)).text);
    expect(res).to.match(/class="error-summary"[\s\S]*href="#meeting-day"/);
  });

  it('records who attended, from the school staff only', async () => {
    await cara.post(`/risk-reviews/${meetingId}/attendance`, { [`attendee.${counsellorA.id}`]: '1', [`attendee.${coordinatorA.id}`]: '1' }).expect(303);
    expect(decoded((await cara.get(`/risk-reviews/${meetingId}`).expect(200)).text)).to.contain(counsellorA.name).and.to.contain(coordinatorA.name);
    await cara.post(`/risk-reviews/${meetingId}/attendance`, { [`attendee.${s.students[2].id}`]: '1' }).expect(400);
  });

  it('notes: a save over someone else\'s newer notes of the same student is a 409 that keeps theirs', async () => {
    await cara.post(`/risk-reviews/${meetingId}/notes`, { student: flagged.id, text: 'Cara: missing mornings since February', version: '0' }).expect(303);
    const res = decoded((await cody.post(`/risk-reviews/${meetingId}/notes`, { student: flagged.id, text: 'Cody: works nights', version: '0' }).expect(409)).text);
    expect(res).to.contain('Cara: missing mornings since February').and.to.contain('Cody: works nights');
    const [note] = await t.ctx.db.select().from(riskReviewNotes).where(eq(riskReviewNotes.meetingId, meetingId));
    expect(note!.text).to.equal('Cara: missing mornings since February');
    // Saving again with the version now saved is a deliberate overwrite.
    await cody.post(`/risk-reviews/${meetingId}/notes`, { student: flagged.id, text: 'Cody: merged', version: String(note!.version) }).expect(303);
    // A student not on the agenda has no notes here.
    await cara.post(`/risk-reviews/${meetingId}/notes`, { student: calm.id, text: 'x', version: '0' }).expect(400);
  });

  it('a decision creates the plan action and the referral it names, once however often the form is resubmitted', async () => {
    await cara.post(`/risk-reviews/${meetingId}/decisions`, { student: flagged.id, kind: 'plan_action', summary: 'Meet with the math tutor twice a week', owner: counsellorA.id, due: '2026-10-01', _once: randomUUID() }).expect(303);
    const once = randomUUID();
    const referralForm = { student: flagged.id, kind: 'referral', summary: 'Tutoring for algebra', owner: coordinatorA.id, support: supportId, urgency: 'routine', _once: once };
    const first = await cara.post(`/risk-reviews/${meetingId}/decisions`, referralForm).expect(303);
    const again = await cara.post(`/risk-reviews/${meetingId}/decisions`, referralForm).expect(303);
    expect(again.headers.location).to.equal(first.headers.location);
    const decisions = await decisionsOf(meetingId);
    expect(decisions.map((d) => d.kind).sort()).to.deep.equal(['plan_action', 'referral']);
    const steps = await t.ctx.db.select().from(goalSteps).where(eq(goalSteps.goalId, goalId));
    expect(steps.map((x) => x.text)).to.deep.equal(['Meet with the math tutor twice a week']);
    expect(decisions.find((d) => d.kind === 'plan_action')!.createdRecordId).to.equal(steps[0]!.id);
    const made = await t.ctx.db.select().from(referrals).where(and(eq(referrals.tenantId, s.tenantId), eq(referrals.studentId, flagged.id)));
    expect(made).to.have.length(1);
    expect(made[0]!.supportId).to.equal(supportId);
    expect(decisions.find((d) => d.kind === 'referral')!.createdRecordId).to.equal(made[0]!.id);
    // The student's plan shows the step like any other.
    expect(decoded((await cara.get(`/students/${flagged.id}/goals/${goalId}`).expect(200)).text)).to.contain('Meet with the math tutor twice a week');
  });

  it('a decision without words, or for a referral without a support, is refused (400) and nothing is written', async () => {
    const before = (await decisionsOf(meetingId)).length;
    const res = decoded((await cara.post(`/risk-reviews/${meetingId}/decisions`, { student: flagged.id, kind: 'follow_up', summary: ' ', owner: counsellorA.id, _once: randomUUID() }).expect(400)).text);
    expect(res).to.contain('class="error-summary"').and.to.contain(text('riskReviews.errors.summaryEmpty'));
    await cara.post(`/risk-reviews/${meetingId}/decisions`, { student: flagged.id, kind: 'referral', summary: 'Some help', owner: counsellorA.id, _once: randomUUID() }).expect(400);
    expect((await decisionsOf(meetingId)).length).to.equal(before);
  });

  it('an unfinished decision appears on the next meeting\'s agenda, to be marked done or not done', async () => {
    const next = idFrom((await cara.post(`/schools/${places.a}/risk-reviews`, { heldOn: '2026-09-29', _once: randomUUID() }).expect(303)).headers.location!);
    const items = await itemsOf(next);
    expect(items.find((i) => i.studentId === flagged.id)!.reasons).to.deep.equal(['tier3', 'not_seen', 'open_decision']);
    const page = decoded((await cara.get(`/risk-reviews/${next}`).expect(200)).text);
    expect(page).to.contain(text('riskReviews.decisions.earlier')).and.to.contain('Meet with the math tutor twice a week').and.to.contain(text('riskReviews.decisions.markNotDone'));
    const [earlier] = (await decisionsOf(meetingId)).filter((d) => d.kind === 'plan_action');
    await cara.post(`/risk-reviews/${next}/decisions/${earlier!.id}/settle`, { status: 'not_done', version: String(earlier!.version) }).expect(303);
    // A second mark from the same (now stale) page is refused, not applied.
    await cody.post(`/risk-reviews/${next}/decisions/${earlier!.id}/settle`, { status: 'done', version: String(earlier!.version) }).expect(409);
    const [settled] = await t.ctx.db.select().from(riskReviewDecisions).where(eq(riskReviewDecisions.id, earlier!.id));
    expect([settled!.status, settled!.settledIn]).to.deep.equal(['not_done', next]);
    expect(decoded((await cara.get(`/risk-reviews/${next}`).expect(200)).text)).to.contain(text('riskReviews.statuses.not_done'));
  });

  it('only the school\'s staff take part: another school\'s staff and students are refused; admins read and write nothing', async () => {
    await bea.get(`/risk-reviews/${meetingId}`).expect(403);
    await bea.get(`/schools/${places.a}/risk-reviews`).expect(403);
    await student.get(`/risk-reviews/${meetingId}`).expect(403);
    // Admins read the agenda but are not the school's support staff: no link into a student's record from it.
    expect(decoded((await admin.get(`/risk-reviews/${meetingId}`).expect(200)).text)).to.not.contain(`/students/${flagged.id}/plan`);
    await admin.post(`/risk-reviews/${meetingId}/notes`, { student: flagged.id, text: 'admin', version: '9' }).expect(403);
    await cara.get(`/risk-reviews/${randomUUID()}`).expect(404);
  });
});
