import { expect } from 'chai';
import { createTestApp, type TestApp } from '../../support/app.js';
import { ltikFor, asUser } from '../../support/school.js';
import { freePort } from '../../support/net.js';
import { startSmtp, readableMail, type ReceivedMail } from '../../support/smtp.js';
import { enterSystemScopeForTests } from '../../../src/db/tenant-scope.js';
import { SEND_JOB } from '../../../src/mail/mail.service.js';
import { DIGEST_JOB, nextDigestAt } from '../../../src/alerts/digest.js';
import { seedAlertSchool, type AlertSchool } from './school.js';

describe('daily digest for navigators', function () {
  this.timeout(30_000);
  let t: TestApp;
  let s: AlertSchool;
  const received: ReceivedMail[] = [];
  let smtp: { close(): Promise<void> };
  // Monday 23 March 2026; the school's zone is UTC until someone sets it.
  const monday = (time: string) => new Date(`2026-03-23T${time}:00Z`);

  before(async () => {
    enterSystemScopeForTests();
    const port = await freePort();
    smtp = await startSmtp(port, received);
    t = await createTestApp({ smtpUrl: `smtp://127.0.0.1:${port}` });
    t.clock.set(monday('06:00'));
    s = await seedAlertSchool(t);
    const student = asUser(t.app, await ltikFor(t.ctx, s.students[0], 'student', s.advisoryId));
    await student.post(`/students/${s.students[0].id}/checkins/prep`, { 'need.housing': 'urgent' }).expect(303);
    await t.ctx.jobs.runDue([SEND_JOB]);
    received.length = 0;
  });
  after(async () => {
    await smtp.close();
    await t.ctx.shutdown?.();
  });

  const digestsTo = () => received.filter((m) => readableMail(m.raw).includes('Subject: Your day in Success Plans')).flatMap((m) => m.to);

  it('goes out at 07:00 school time on weekdays: the next one after Friday morning is Monday 07:00', () => {
    expect(nextDigestAt(new Date('2026-03-20T08:00:00Z'), 'UTC').toISOString()).to.equal('2026-03-23T07:00:00.000Z');
    expect(nextDigestAt(monday('06:59'), 'UTC').toISOString()).to.equal('2026-03-23T07:00:00.000Z');
    expect(nextDigestAt(new Date('2026-03-23T07:00:00Z'), 'America/Los_Angeles').toISOString()).to.equal('2026-03-23T14:00:00.000Z');
  });

  it('before 07:00 nothing is sent; at 07:00 each navigator with something waiting gets one mail of counts, never twice that day', async () => {
    await t.ctx.jobs.enqueue(DIGEST_JOB, s.tenantId, t.clock.now(), s.tenantId);
    await t.ctx.jobs.runDue([DIGEST_JOB]);
    expect(await t.ctx.digest.sendFor(s.tenantId)).to.equal(0);

    t.clock.set(monday('07:05'));
    expect(await t.ctx.digest.sendFor(s.tenantId)).to.be.greaterThan(0);
    await t.ctx.jobs.enqueue(DIGEST_JOB, s.tenantId, t.clock.now(), s.tenantId);
    await t.ctx.jobs.runDue([DIGEST_JOB]);
    expect(await t.ctx.digest.sendFor(s.tenantId)).to.equal(0);
    await t.ctx.jobs.runDue([SEND_JOB]);
    const to = digestsTo();
    expect(to.filter((a) => a.startsWith('advisor-')), 'the navigator, once').to.have.length(1);
    expect(to.filter((a) => a.startsWith('coordinator-')), 'the coordinator holds the alert too').to.have.length(1);
    expect(to.filter((a) => a.startsWith('other-')), 'nothing waiting: no mail').to.have.length(0);
    const text = readableMail(received.find((m) => m.to[0]!.startsWith('advisor-') && m.raw.includes('Your day'))!.raw);
    expect(text).to.contain('Open alerts: 1').and.to.contain('Referrals waiting for you: 0').and.to.match(/Check-ins due this week: \d+/);
    for (const st of s.students) expect(text).not.to.contain(st.name.split(' ')[0]!);
    expect(text).not.to.contain('Housing');
  });

  it('the next day brings the next digest; a Saturday brings none', async () => {
    received.length = 0;
    t.clock.set(new Date('2026-03-24T07:30:00Z'));
    expect(await t.ctx.digest.sendFor(s.tenantId)).to.be.greaterThan(0);
    t.clock.set(new Date('2026-03-28T09:00:00Z'));
    expect(await t.ctx.digest.sendFor(s.tenantId)).to.equal(0);
  });
});
