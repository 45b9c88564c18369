import { expect } from 'chai';
import { and, eq } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../support/app.js';
import { seedSchool, type SeededSchool } from '../../support/school.js';
import { checkins } from '../../../src/checkins/checkins.tables.js';
import { auditEvents } from '../../../src/audit/audit.tables.js';
import { RETENTION_JOB, retentionKind, yearsBefore } from '../../../src/records-requests/retention.js';
import type { AppUser } from '../../../src/auth/user.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../../src/web/config.js';
import { customFieldRevisions, customFieldValues } from '../../../src/custom-fields/custom-fields.tables.js';

/**
 * Retention (issue 14 item 7): the nightly job empties the words of check-ins older than the district's
 * setting (a configuration document, seven years shipped), keeps the check-ins themselves, and follows a
 * newly published setting.
 */
describe('retention: old check-in words emptied, check-ins kept', function () {
  this.timeout(120_000);
  let t: TestApp;
  let s: SeededSchool;
  const TODAY = new Date('2026-12-03T15:00:00Z');

  const checkin = async (date: string) => {
    const [row] = await t.ctx.db
      .insert(checkins)
      .values({ tenantId: s.tenantId, studentId: s.students[0].id, recordedBy: s.advisor.id, date, format: 'in_person', attended: true, week: 3, wellbeing: 4, answers: [{ id: 'w3-goal', text: 'Finish the essay' }] as never, sharedNote: 'Shared words', adultNote: 'Adult words' })
      .returning({ id: checkins.id });
    return row!.id;
  };
  const rowOf = async (id: string) => (await t.ctx.db.select().from(checkins).where(eq(checkins.id, id)))[0]!;

  before(async () => {
    t = await createTestApp({}, { now: TODAY });
    s = await seedSchool(t.ctx);
  });
  after(async () => t.ctx.shutdown?.());

  it('works out the same day years before, a leap day included', () => {
    expect(yearsBefore('2026-12-03', 7)).to.equal('2019-12-03');
    expect(yearsBefore('2028-02-29', 1)).to.equal('2027-02-28');
  });

  it('empties the words of check-ins older than seven years and keeps the rest; a new setting is followed the next night', async () => {
    const eightYears = await checkin('2018-11-20');
    const sixYears = await checkin('2020-11-20');
    const lastWeek = await checkin('2026-11-26');
    await t.ctx.retention.jobHandlers[RETENTION_JOB]!(s.tenantId);

    const old = await rowOf(eightYears);
    expect([old.answers, old.sharedNote, old.adultNote]).to.deep.equal([[], '', '']);
    // The check-in itself stays: its day, attendance and well-being still count.
    expect([old.date, old.attended, old.wellbeing]).to.deep.equal(['2018-11-20', true, 4]);
    for (const id of [sixYears, lastWeek]) expect((await rowOf(id)).adultNote).to.equal('Adult words');
    const audits = await t.ctx.db.select().from(auditEvents).where(and(eq(auditEvents.tenantId, s.tenantId), eq(auditEvents.entity, 'checkin_retention')));
    expect(audits).to.have.length(1);
    expect(audits[0]!.actorId).to.equal(null);

    // The district keeps words five years from now on.
    const admin = (await t.ctx.roster.userFromClaims({ tid: s.tenantId, pid: s.admin.id, cid: null, role: 'admin' })) as AppUser;
    const draft = await t.ctx.configuration.saveDraft(admin, retentionKind.id, { body: { checkinTextYears: 5 }, edits: null });
    await t.ctx.configuration.publish(admin, retentionKind.id, draft.version);
    await t.ctx.retention.jobHandlers[RETENTION_JOB]!(s.tenantId);
    expect((await rowOf(sixYears)).adultNote).to.equal('');
    expect((await rowOf(lastWeek)).adultNote).to.equal('Adult words');
    // Nothing left to empty: a run changes nothing and writes no entry.
    await t.ctx.retention.jobHandlers[RETENTION_JOB]!(s.tenantId);
    expect(await t.ctx.db.select().from(auditEvents).where(and(eq(auditEvents.tenantId, s.tenantId), eq(auditEvents.entity, 'checkin_retention')))).to.have.length(2);
    expect(await t.ctx.db.select().from(checkins).where(eq(checkins.studentId, s.students[0].id))).to.have.length(3);
  });

  it("empties the words of the school's own fields on old check-ins, with their history; choices and newer words stay", async () => {
    const old = await checkin('2018-10-01');
    const recent = await checkin('2026-10-01');
    const note = { key: 'follow-up-note', label: 'Follow-up note', type: 'long', edit: ['adult'], see: ['adult'] };
    const admin = (await t.ctx.roster.userFromClaims({ tid: s.tenantId, pid: s.admin.id, cid: null, role: 'admin' })) as AppUser;
    const shipped = JSON.parse(readFileSync(path.join(projectRoot, 'config', 'custom-fields.json'), 'utf8')) as { layouts: { object: string; sections: { fields: unknown[] }[] }[] };
    shipped.layouts.find((l) => l.object === 'checkin')!.sections[0]!.fields.push(note);
    const draft = await t.ctx.configuration.saveDraft(admin, 'custom-fields', { body: shipped, edits: null });
    await t.ctx.configuration.publish(admin, 'custom-fields', draft.version);
    const advisor = (await t.ctx.roster.userFromClaims({ tid: s.tenantId, pid: s.advisor.id, cid: null, role: 'advisor' })) as AppUser;
    for (const id of [old, recent]) {
      await t.ctx.customFields.save(advisor, { object: 'checkin', studentId: s.students[0].id, recordId: id }, { reads: 'adult', writes: 'adult' }, { text: { 'follow-up-note': 'Words about the family', location: 'office' }, version: { 'follow-up-note': '0', location: '0' } });
    }
    await t.ctx.retention.jobHandlers[RETENTION_JOB]!(s.tenantId);
    const valuesOf = async (id: string) => Object.fromEntries((await t.ctx.db.select().from(customFieldValues).where(eq(customFieldValues.recordId, id))).map((v) => [v.fieldKey, v.value]));
    expect(await valuesOf(old)).to.deep.equal({ location: 'office' });
    expect(await valuesOf(recent)).to.deep.equal({ 'follow-up-note': 'Words about the family', location: 'office' });
    const history = await t.ctx.db.select().from(customFieldRevisions).where(eq(customFieldRevisions.recordId, old));
    expect(history.map((h) => h.fieldKey)).to.deep.equal(['location']);
  });
});
