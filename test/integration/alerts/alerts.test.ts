import { expect } from 'chai';
import { createTestApp, type TestApp } from '../../support/app.js';
import { ltikFor, asUser } from '../../support/school.js';
import { freePort } from '../../support/net.js';
import { startSmtp, readableMail, type ReceivedMail } from '../../support/smtp.js';
import { enterSystemScopeForTests } from '../../../src/db/tenant-scope.js';
import { SEND_JOB } from '../../../src/mail/mail.service.js';
import * as alertsRepo from '../../../src/alerts/alerts.repository.js';
import { seedAlertSchool, type AlertSchool } from './school.js';

type As = ReturnType<typeof asUser>;
const week1 = { 'answer.w1-proud': 'I fixed my bike', 'answer.w1-matters': 'My little sister', 'answer.w1-tech': 'The laptop is shared', 'answer.w1-space': 'Kitchen table' };

describe('alerts: raised with their cause, routed per category, e-mailed without record text, acknowledged and resolved', function () {
  this.timeout(30_000);
  let t: TestApp;
  let s: AlertSchool;
  let advisor: As;
  let student: As;
  let counsellor: As;
  let coordinator: As;
  let otherAdvisor: As;
  let admin: As;
  const received: ReceivedMail[] = [];
  let smtp: { close(): Promise<void> };

  before(async () => {
    enterSystemScopeForTests();
    const port = await freePort();
    smtp = await startSmtp(port, received);
    t = await createTestApp({ smtpUrl: `smtp://127.0.0.1:${port}` });
    t.clock.set(new Date('2026-03-20T15:00:00Z'));
    s = await seedAlertSchool(t);
    advisor = asUser(t.app, await ltikFor(t.ctx, s.advisor, 'advisor', s.advisoryId));
    student = asUser(t.app, await ltikFor(t.ctx, s.students[0], 'student', s.advisoryId));
    counsellor = asUser(t.app, await ltikFor(t.ctx, s.counsellor, 'advisor', s.otherCourseId));
    coordinator = asUser(t.app, await ltikFor(t.ctx, s.coordinator, 'advisor', s.otherCourseId));
    otherAdvisor = asUser(t.app, await ltikFor(t.ctx, s.otherAdvisor, 'advisor', s.otherCourseId));
    admin = asUser(t.app, await ltikFor(t.ctx, s.admin, 'admin', s.advisoryId));
  });
  after(async () => {
    await smtp.close();
    await t.ctx.shutdown?.();
  });

  const alertsOf = async (studentId: string) => (await alertsRepo.list(t.ctx.db, s.tenantId, { all: true }, '', 100)).filter((a) => a.studentId === studentId);

  it('a student marking housing "urgent" in prep alerts their navigator and the coordinator at once; a resubmit never duplicates it', async () => {
    const id = s.students[0].id;
    await student.post(`/students/${id}/checkins/prep`, { 'answer.w1-proud': 'We may lose our apartment', 'need.housing': 'urgent' }).expect(303);
    let rows = await alertsOf(id);
    expect(rows).to.have.length(1);
    expect(rows[0]).to.include({ kind: 'urgent_need', category: 'housing', state: 'open' });
    expect(rows[0]!.recipientIds).to.have.members([s.advisor.id, s.coordinator.id]);

    await student.post(`/students/${id}/checkins/prep`, { 'answer.w1-proud': 'We may lose our apartment', 'need.housing': 'urgent' }).expect(303);
    rows = await alertsOf(id);
    expect(rows, 'one open alert per student, kind and need').to.have.length(1);

    const page = await advisor.get('/alerts').expect(200);
    expect(page.text).to.contain(s.students[0].name).and.to.contain('Urgent need').and.to.contain('Housing');
    const co = await coordinator.get('/alerts').expect(200);
    expect(co.text).to.contain(s.students[0].name);
    // Not a recipient, not support staff: nothing of it.
    const other = await otherAdvisor.get('/alerts').expect(200);
    expect(other.text).not.to.contain(s.students[0].name);
    await student.get('/alerts').expect(403);
  });

  it('an urgent well-being need goes to the navigator and the counsellor; a concern alerts no one', async () => {
    const id = s.students[1].id;
    await advisor.post(`/students/${id}/checkins`, { date: '2026-03-20', format: 'in_person', attended: 'yes', wellbeing: '3', ...week1, 'need.wellbeing': 'urgent', 'need.technology': 'concern' }).expect(303);
    const rows = await alertsOf(id);
    expect(rows.map((a) => `${a.kind}:${a.category}`)).to.deep.equal(['urgent_need:wellbeing']);
    expect(rows[0]!.recipientIds).to.have.members([s.advisor.id, s.counsellor.id]);
  });

  it('a well-being rating of 1 alerts the navigator and the counsellor', async () => {
    const id = s.students[2].id;
    await advisor.post(`/students/${id}/checkins`, { date: '2026-03-20', format: 'in_person', attended: 'yes', wellbeing: '1', ...week1 }).expect(303);
    const rows = await alertsOf(id);
    expect(rows.map((a) => a.kind)).to.deep.equal(['wellbeing_low']);
    expect(rows[0]!.recipientIds).to.have.members([s.advisor.id, s.counsellor.id]);
  });

  it('need-to-know: a sensitive category shows only to recipients and support staff; the admin sees the alert without it', async () => {
    const adminPage = await admin.get('/alerts').expect(200);
    expect(adminPage.text).to.contain(s.students[1].name);
    expect(adminPage.text).not.to.contain('Mental health and well-being');
    // Housing is sensitive in the school's needs screener (though not in the alert routing's own list): hidden too.
    expect(adminPage.text).not.to.contain('Housing');
    expect(adminPage.text).to.contain('Category shown only to the adults it was routed to');
    // The admin oversees but does not act.
    expect(adminPage.text).not.to.contain('/acknowledge');
    const c = await counsellor.get('/alerts').expect(200);
    expect(c.text).to.contain('Mental health and well-being');
    // Links with the open count from the caseload and the admin home.
    const caseload = await advisor.get('/caseload').expect(200);
    expect(caseload.text).to.match(/Alerts \(3 waiting\)/);
    const home = await admin.get('/admin').expect(200);
    expect(home.text).to.match(/Alerts \(3 waiting\)/);
  });

  it('e-mails each recipient with an address: no student name, no record text, no category', async () => {
    // This school's mail only: another test file in the same worker may have left its own queued.
    await t.ctx.jobs.runDue([SEND_JOB], s.tenantId);
    const to = received.flatMap((m) => m.to);
    expect(to.filter((a) => a.startsWith('advisor-'))).to.have.length(3);
    expect(to.filter((a) => a.startsWith('coordinator-'))).to.have.length(1);
    expect(to.filter((a) => a.startsWith('counsellor-'))).to.have.length(2);
    expect(to.filter((a) => a.startsWith('other-'))).to.have.length(0);
    for (const m of received) {
      const text = readableMail(m.raw);
      expect(text).to.match(/Subject: (Urgent: a student needs an adult soon|A student needs your attention)/);
      expect(text).to.contain(new URL('/', t.config.baseUrl).toString());
      for (const st of s.students) expect(text).not.to.contain(st.name.split(' ')[0]!);
      for (const word of ['apartment', 'Housing', 'housing', 'well-being', 'Mental health', 'ltik']) expect(text).not.to.contain(word);
    }
  });

  it('acknowledge is one click, audited, and a second click changes nothing; resolve needs a note (400, nothing written), then a resolved alert says so', async () => {
    const [alert] = await alertsOf(s.students[0].id);
    const ack = await advisor.post(`/alerts/${alert!.id}/acknowledge`).expect(303);
    expect(ack.headers.location).to.contain('done=acknowledged');
    const again = await advisor.post(`/alerts/${alert!.id}/acknowledge`).expect(303);
    expect(again.headers.location).to.contain('done=alreadyAcknowledged');

    const blank = await advisor.post(`/alerts/${alert!.id}/resolve`, { note: '   ' }).expect(400);
    expect(blank.text).to.contain('error-summary').and.to.contain('Say what was done to resolve the alert');
    expect(blank.text).to.contain(`href="#alert-note-${alert!.id}"`);
    expect((await alertsOf(s.students[0].id))[0]!.state).to.equal('acknowledged');

    await advisor.post(`/alerts/${alert!.id}/resolve`, { note: 'Called the family; housing office appointment Monday' }).expect(303);
    const [done] = await alertsOf(s.students[0].id);
    expect(done).to.include({ state: 'resolved', resolvedBy: s.advisor.id, resolutionNote: 'Called the family; housing office appointment Monday' });
    const stale = await coordinator.post(`/alerts/${alert!.id}/resolve`, { note: 'me too' }).expect(303);
    expect(stale.headers.location).to.contain('done=alreadyResolved');
    const page = await coordinator.get('/alerts').query({ done: 'alreadyResolved' }).expect(200);
    expect(page.text).to.contain('This alert was already resolved: nothing changed.');

    const audit = await t.ctx.audit.list(s.tenantId, { studentId: s.students[0].id });
    expect(audit.filter((a) => a.entity === 'alert').map((a) => a.action)).to.include.members(['create', 'update', 'read']);
    expect(JSON.stringify(audit)).not.to.contain('housing office');
  });

  it('a stranger to the alert gets 404, whatever the id; a student 403', async () => {
    const [alert] = await alertsOf(s.students[2].id);
    await otherAdvisor.post(`/alerts/${alert!.id}/acknowledge`).expect(404);
    await otherAdvisor.post('/alerts/not-a-uuid/resolve', { note: 'x' }).expect(404);
    await admin.post(`/alerts/${alert!.id}/acknowledge`).expect(403);
    await student.post(`/alerts/${alert!.id}/acknowledge`).expect(404);
  });

  it('raiseOverdueReferral (for referrals): the owner and the coordinator, once per referral', async () => {
    const referralId = '5b0a3c2e-1111-4c1c-9d0e-000000000001';
    const id = await t.ctx.alerts.raiseOverdueReferral(s.tenantId, { studentId: s.students[1].id, referralId, category: 'food', ownerId: s.otherAdvisor.id });
    expect(id).to.be.a('string');
    expect(await t.ctx.alerts.raiseOverdueReferral(s.tenantId, { studentId: s.students[1].id, referralId, category: 'food', ownerId: s.otherAdvisor.id })).to.equal(null);
    const row = (await alertsOf(s.students[1].id)).find((a) => a.kind === 'overdue_referral')!;
    expect(row.recipientIds).to.have.members([s.otherAdvisor.id, s.coordinator.id]);
    const other = await otherAdvisor.get('/alerts').expect(200);
    expect(other.text).to.contain('Referral past its response time');
  });
});

describe('resolving a need asks how, with a note, audited; its urgent alert resolves with it', function () {
  this.timeout(30_000);
  let t: TestApp;
  let s: AlertSchool;
  let advisor: As;

  before(async () => {
    enterSystemScopeForTests();
    t = await createTestApp();
    t.clock.set(new Date('2026-03-20T15:00:00Z'));
    s = await seedAlertSchool(t);
    advisor = asUser(t.app, await ltikFor(t.ctx, s.advisor, 'advisor', s.advisoryId));
  });
  after(async () => t.ctx.shutdown?.());

  it('refuses a resolve without how, or without a note unless no longer needed (400, nothing written); then stores how and the note', async () => {
    const id = s.students[0].id;
    await advisor.post(`/students/${id}/checkins`, { date: '2026-03-20', format: 'in_person', attended: 'yes', wellbeing: '3', ...week1, 'need.food': 'urgent' }).expect(303);
    const page = await advisor.get(`/students/${id}/checkins`).expect(200);
    const needId = /needs\/([0-9a-f-]{36})\/resolve/.exec(page.text)![1]!;
    expect(page.text).to.contain('Handled in conversation').and.to.contain('A referral was made').and.to.contain('No longer needed');

    const none = await advisor.post(`/students/${id}/checkins/needs/${needId}/resolve`, {}).expect(400);
    expect(none.text).to.contain('error-summary').and.to.contain('Choose how the need was resolved');
    const noNote = await advisor.post(`/students/${id}/checkins/needs/${needId}/resolve`, { how: 'referral_made', note: ' ' }).expect(400);
    expect(noNote.text).to.contain(`href="#need-note-${needId}"`);
    expect((await t.ctx.checkins.openNeeds(s.tenantId, [id])).get(id)).to.have.length(1);
    const [open] = (await alertsRepo.list(t.ctx.db, s.tenantId, { all: true }, '', 10)).filter((a) => a.studentId === id);
    expect(open).to.include({ kind: 'urgent_need', category: 'food', state: 'open' });

    await advisor.post(`/students/${id}/checkins/needs/${needId}/resolve`, { how: 'referral_made', note: 'Referred to the food bank' }).expect(303);
    expect((await t.ctx.checkins.openNeeds(s.tenantId, [id])).get(id)).to.equal(undefined);
    const adv = (await t.ctx.roster.userFromClaims({ tid: s.tenantId, pid: s.advisor.id, cid: s.advisoryId, role: 'advisor' }))!;
    const need = (await t.ctx.checkins.history(adv, id)).checkins[0]!.needs[0]!;
    expect(need).to.include({ resolution: 'referral_made', resolutionNote: 'Referred to the food bank', resolvedBy: s.advisor.id });
    const [alert] = (await alertsRepo.list(t.ctx.db, s.tenantId, { all: true }, '', 10)).filter((a) => a.studentId === id);
    expect(alert).to.include({ state: 'resolved', resolutionNote: 'Referred to the food bank' });
    const audit = await t.ctx.audit.list(s.tenantId, { studentId: id });
    expect(audit.some((a) => a.entity === 'need' && a.action === 'update' && a.entityId === needId)).to.equal(true);
    expect(audit.some((a) => a.entity === 'alert' && a.action === 'update')).to.equal(true);
    // Resolved already: a stale form is a clear 404, not a 5xx.
    await advisor.post(`/students/${id}/checkins/needs/${needId}/resolve`, { how: 'no_longer_needed' }).expect(404);
  });
});
