import { expect } from 'chai';
import { eq } from 'drizzle-orm';
import { referralConsents } from '../../../src/referrals/referrals.tables.js';
import { createTestApp, type TestApp } from '../../support/app.js';
import { seedSchool, ltikFor, asUser, type SeededSchool } from '../../support/school.js';

/**
 * Consent recorded before anything else read the school's referral rules (their configuration document
 * is not cached yet in this process): the rules are read before the consent's transaction, so on the
 * embedded database, whose one connection the transaction holds, the save does not wait for itself.
 */
describe('referrals: consent as the first thing a fresh process does', function () {
  this.timeout(60_000);
  let t: TestApp;
  let s: SeededSchool;

  before(async () => {
    t = await createTestApp({}, { now: new Date('2026-03-09T15:00:00Z') });
    s = await seedSchool(t.ctx);
  });
  after(async () => t.ctx.shutdown?.());

  it('records a standing consent and revokes it, each answering at once', async () => {
    const advisor = asUser(t.app, await ltikFor(t.ctx, s.advisor, 'advisor', s.advisoryId));
    const student = s.students[0].id;
    await advisor.post(`/students/${student}/consents`, { giver: 'parent', method: 'paper', givenOn: '2026-03-06' }).timeout(10_000).expect(303);
    const [consent] = await t.ctx.db.select().from(referralConsents).where(eq(referralConsents.studentId, student));
    expect(consent?.giver).to.equal('parent');
    await advisor.post(`/students/${student}/consents/${consent!.id}/revoke`).timeout(10_000).expect(303);
    const [revoked] = await t.ctx.db.select().from(referralConsents).where(eq(referralConsents.id, consent!.id));
    expect(revoked?.revokedAt).to.not.equal(null);
  });
});
