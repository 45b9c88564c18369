import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import request from 'supertest';
import { createTestApp, type TestApp } from '../../support/app.js';
import { freePort } from '../../support/net.js';
import { startSmtp as startSmtpServer, readableMail, type ReceivedMail } from '../../support/smtp.js';
import { render, SEND_JOB } from '../../../src/mail/mail.service.js';
import { labelOf } from '../../../src/web/i18n.js';
import { HttpError } from '../../../src/web/errors.js';
import type { MailParams } from '../../../src/mail/mail.templates.js';
import { seedSchool, ltikFor, asUser } from '../../support/school.js';
import { configFormOf, decoded as decodedHtml } from '../../support/html.js';

type Received = ReceivedMail;

/** A real SMTP server on loopback that keeps what it accepts; refuses mailboxes named nobody@ for good (550). */
const startSmtp = (port: number, received: Received[]) => startSmtpServer(port, received, (address) => address.startsWith('nobody@'));
const readable = readableMail;

async function addTenant(t: TestApp) {
  const issuer = `https://lms-${randomUUID()}.example`;
  const tenant = await t.ctx.platforms.addManual({ name: 'Test LMS', issuer, clientId: 'c-1', authLoginUrl: `${issuer}/auth`, accessTokenUrl: `${issuer}/token`, jwksUrl: `${issuer}/jwks`, deploymentIds: ['dep-1'] });
  return tenant.id;
}

const waiting = (count: number): MailParams<'tool.waiting'> => ({ count });

describe('mail: outgoing e-mail through SMTP, from the durable queue', function () {
  this.timeout(20_000);

  describe('with SMTP_URL set', () => {
    let t: TestApp;
    let port: number;
    let tenantId: string;
    const received: Received[] = [];
    let smtp: { close(): Promise<void> } | undefined;

    before(async () => {
      port = await freePort();
      smtp = await startSmtp(port, received);
      t = await createTestApp({ smtpUrl: `smtp://127.0.0.1:${port}`, mailFrom: 'Success Plans <plans@tool.example>' });
      tenantId = await addTenant(t);
    });
    after(async () => {
      await smtp?.close();
      await t.ctx.shutdown?.();
    });

    it('delivers a queued message to the recipient with the template\'s subject and body, a link into the tool and no record text', async () => {
      // A student of the school with a name: nothing of theirs may reach the message.
      await t.ctx.roster.upsertPerson(tenantId, { sub: `s-${randomUUID()}`, name: 'Sam Quietstudent' });
      received.length = 0;
      const id = await t.ctx.mail.queueNow({ tenantId, to: 'pat.navigator@school.example', template: 'tool.waiting', params: waiting(3) });
      expect((await t.ctx.mail.find(tenantId, id))?.status).to.equal('queued');
      await t.ctx.jobs.runDue([SEND_JOB], tenantId);
      expect(received).to.have.length(1);
      const got = received[0]!;
      expect(got.to).to.deep.equal(['pat.navigator@school.example']);
      const text = readable(got.raw);
      const expected = render('tool.waiting', { count: 3 }, 'en', t.config.baseUrl);
      expect(text).to.contain(`Subject: ${expected.subject}`);
      expect(expected.subject).to.equal('3 things are waiting for you in Success Plans');
      expect(text).to.contain('To: pat.navigator@school.example');
      expect(text).to.contain('From: Success Plans <plans@tool.example>');
      expect(text).to.contain(expected.text.trim());
      expect(text).to.contain(new URL('/', t.config.baseUrl).toString());
      expect(text).not.to.contain('Quietstudent');
      expect(text).not.to.contain('ltik');
      const row = await t.ctx.mail.find(tenantId, id);
      expect(row).to.include({ status: 'sent', attempts: 1, lastError: null, deliveredBy: 'smtp' });
      expect(row?.smtpMessageId).to.match(new RegExp(`^<${id}@`));
      expect(text).to.contain(`Message-ID: ${row!.smtpMessageId}`);
    });

    it('words the message in the recipient\'s language when it is known', async () => {
      received.length = 0;
      await t.ctx.mail.queueNow({ tenantId, to: 'ana@school.example', template: 'tool.waiting', params: waiting(1), locale: 'es' });
      await t.ctx.jobs.runDue([SEND_JOB], tenantId);
      expect(received).to.have.length(1);
      const decoded = readable(received[0]!.raw);
      expect(decoded).to.contain('Tiene 1 elemento pendiente en Success Plans');
    });

    it("words a message in its school's terms when it goes out: the family hears of the school's word for a navigator, a referrer of its label for the step", async () => {
      const s = await seedSchool(t.ctx);
      const admin = asUser(t.app, await ltikFor(t.ctx, s.admin, 'admin', s.advisoryId));
      const editor = '/admin/configuration/terminology';
      const form = configFormOf(decodedHtml((await admin.get(editor).expect(200)).text));
      await admin.post(`${editor}/draft`, { ...form, 'f.navigator.one': 'mentor', 'f.navigator.other': 'mentors', 'f.navigator.es.one': 'tutor', 'f.navigator.es.other': 'tutores', 'f.referralStates.accepted.label': 'Taken on' }).expect(303);
      await admin.post(`${editor}/publish`, { version: '1' }).expect(303);

      received.length = 0;
      const family = (tenant: string, locale: 'en' | 'es') => t.ctx.mail.queueNow({ tenantId: tenant, to: `family-${locale}@home.example`, template: 'family.update', params: {}, locale });
      await family(s.tenantId, 'en');
      await family(s.tenantId, 'es');
      await t.ctx.mail.queueNow({ tenantId: s.tenantId, to: 'referrer@school.example', template: 'referral.updated', params: { state: 'accepted' } });
      await family(tenantId, 'en');
      await t.ctx.jobs.runDue([SEND_JOB], s.tenantId);
      await t.ctx.jobs.runDue([SEND_JOB], tenantId);
      const texts = received.map((m) => ({ to: m.to[0], text: readable(m.raw) }));
      const to = (address: string) => texts.filter((m) => m.to === address).map((m) => m.text);
      expect(to('family-en@home.example')[0]).to.contain("contact your child's mentor.");
      expect(to('family-es@home.example')[0]).to.contain('con el tutor de su hijo o hija');
      expect(to('referrer@school.example')[0]).to.contain('is now: Taken on.');
      // Another school, worded by the same process a moment later: the shipped word.
      expect(to('family-en@home.example')[1]).to.contain("contact your child's navigator.").and.not.to.contain('mentor');
    });

    it('SMTP down: the job fails and is retried with backoff; once the server is back the message is delivered exactly once', async () => {
      await smtp!.close();
      smtp = undefined;
      received.length = 0;
      const id = await t.ctx.mail.queueNow({ tenantId, to: 'lee@school.example', template: 'tool.waiting', params: waiting(2) });
      const key = `${tenantId}/${id}`;
      await t.ctx.jobs.runDue([SEND_JOB], tenantId);
      expect(await t.ctx.jobs.find(SEND_JOB, key)).to.include({ status: 'pending', attempts: 1, lastError: 'smtp_unavailable' });
      expect(await t.ctx.mail.find(tenantId, id)).to.include({ status: 'queued', attempts: 1, lastError: 'smtp_unavailable' });
      // Not before its backoff (jobRetryBaseSeconds), however often the worker looks.
      t.clock.advance(30_000);
      expect(await t.ctx.jobs.runDue([SEND_JOB], tenantId)).to.equal(0);
      t.clock.advance(30_000);
      expect(await t.ctx.jobs.runDue([SEND_JOB], tenantId)).to.equal(1);
      expect(await t.ctx.mail.find(tenantId, id)).to.include({ status: 'queued', attempts: 2 });

      smtp = await startSmtp(port, received);
      t.clock.advance(120_000);
      expect(await t.ctx.jobs.runDue([SEND_JOB], tenantId)).to.equal(1);
      expect(received).to.have.length(1);
      expect(received[0]!.to).to.deep.equal(['lee@school.example']);
      expect(await t.ctx.mail.find(tenantId, id)).to.include({ status: 'sent', attempts: 3, deliveredBy: 'smtp' });

      // The job run again (a crash before it was marked done, an enqueue of the same key): nothing is sent twice.
      await t.ctx.jobs.enqueue(SEND_JOB, key, t.clock.now(), tenantId);
      expect(await t.ctx.jobs.runDue([SEND_JOB], tenantId)).to.equal(1);
      expect(received).to.have.length(1);
    });

    it('a mailbox the server refuses for good (550) marks the message failed without retrying it', async () => {
      received.length = 0;
      const id = await t.ctx.mail.queueNow({ tenantId, to: 'nobody@school.example', template: 'tool.waiting', params: waiting(1) });
      await t.ctx.jobs.runDue([SEND_JOB], tenantId);
      expect(received).to.have.length(0);
      expect(await t.ctx.mail.find(tenantId, id)).to.include({ status: 'failed', attempts: 1, lastError: 'smtp_rejected' });
      expect(await t.ctx.jobs.find(SEND_JOB, `${tenantId}/${id}`)).to.include({ status: 'done' });
    });

    it('refuses a bad address, or parameters the template does not take, when queueing, and writes nothing', async () => {
      for (const to of ['not-an-address', 'a@b.example, c@d.example', 'x@school.example\r\nBcc: all@school.example', '']) {
        const err = await t.ctx.mail.queueNow({ tenantId, to, template: 'tool.waiting', params: waiting(1) }).catch((e: unknown) => e);
        expect(err, to).to.be.instanceOf(HttpError).and.include({ status: 400, code: 'bad_address' });
        expect((err as HttpError).detail).to.equal('That e-mail address is not valid: give one address such as name@example.edu.');
      }
      // Free text cannot ride along: a template's parameters are a strict schema of numbers, ids and choices.
      const loose = { count: 1, note: 'Student said something private' } as unknown as MailParams<'tool.waiting'>;
      const err = await t.ctx.mail.queueNow({ tenantId, to: 'ok@school.example', template: 'tool.waiting', params: loose }).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(HttpError).and.include({ status: 400, code: 'bad_mail_params' });
      expect(await t.ctx.jobs.runDue([SEND_JOB], tenantId)).to.equal(0);
    });

    it('queues in the caller\'s transaction: a write that rolls back leaves neither a message nor a job', async () => {
      let id: string | undefined;
      const { withTenant } = await import('../../../src/db/tenant-scope.js');
      await withTenant(tenantId, () =>
        t.ctx.db.transaction(async (tx) => {
          id = await t.ctx.mail.queue(tx, { tenantId, to: 'rolled@school.example', template: 'tool.waiting', params: waiting(1) });
          tx.rollback();
        }),
      ).catch(() => undefined);
      expect(id).to.be.a('string');
      expect(await t.ctx.mail.find(tenantId, id!)).to.equal(undefined);
      expect(await t.ctx.jobs.find(SEND_JOB, `${tenantId}/${id}`)).to.equal(undefined);
    });
  });

  describe('without SMTP_URL outside production (the sandbox)', () => {
    let t: TestApp;
    let tenantId: string;
    before(async () => {
      t = await createTestApp({ smtpUrl: undefined });
      tenantId = await addTenant(t);
    });
    after(async () => {
      await t.ctx.shutdown?.();
    });

    it('keeps each message and shows it on /sandbox/outbox with its recipient, subject and body', async () => {
      const id = await t.ctx.mail.queueNow({ tenantId, to: 'kim@school.example', template: 'tool.waiting', params: waiting(4) });
      await t.ctx.jobs.runDue([SEND_JOB]);
      expect(await t.ctx.mail.find(tenantId, id)).to.include({ status: 'sent', deliveredBy: 'kept' });
      const res = await request(t.app).get('/sandbox/outbox').expect(200);
      expect(res.text).to.contain('Sandbox outbox').and.to.contain('kim@school.example').and.to.contain('4 things are waiting for you in Success Plans');
      expect(res.text).to.contain('You have 4 items waiting for you in Success Plans.');
    });
  });

  describe('without SMTP_URL in production', () => {
    let t: TestApp;
    let tenantId: string;
    before(async () => {
      t = await createTestApp({ env: 'production', smtpUrl: undefined });
      tenantId = await addTenant(t);
    });
    after(async () => {
      await t.ctx.shutdown?.();
    });

    it('holds the message queued and tells the admins mail is not configured; there is no outbox page', async () => {
      const id = await t.ctx.mail.queueNow({ tenantId, to: 'max@school.example', template: 'tool.waiting', params: waiting(1) });
      await t.ctx.jobs.runDue([SEND_JOB]);
      expect(await t.ctx.mail.find(tenantId, id)).to.include({ status: 'queued', attempts: 1, lastError: 'mail_not_configured' });
      const job = await t.ctx.jobs.find(SEND_JOB, `${tenantId}/${id}`);
      expect(job).to.include({ status: 'pending', lastError: 'mail_not_configured', tenantId });
      expect(labelOf('jobs.error', job!.lastError!)).to.equal('E-mail is not configured: set SMTP_URL (the message stays queued)');
      expect(t.logs.text()).to.contain('SMTP_URL is not set');
      await request(t.app).get('/sandbox/outbox').expect(404);
    });

    it('mail held until the queue gave up goes out once SMTP_URL is set and the tool starts again, exactly once', async () => {
      const id = await t.ctx.mail.queueNow({ tenantId, to: 'held@school.example', template: 'tool.waiting', params: waiting(2) });
      for (let i = 0; i < t.config.jobMaxAttempts + 1; i++) {
        await t.ctx.jobs.runDue([SEND_JOB]);
        t.clock.advance(2 * 60 * 60_000);
      }
      expect(await t.ctx.jobs.find(SEND_JOB, `${tenantId}/${id}`)).to.include({ status: 'failed', lastError: 'mail_not_configured' });
      expect(await t.ctx.mail.resumeHeld()).to.equal(0);
      await t.ctx.shutdown?.();

      // The same school's database, the tool started again with SMTP_URL.
      const port = await freePort();
      const received: Received[] = [];
      const smtp = await startSmtp(port, received);
      const again = await createTestApp({ smtpUrl: `smtp://127.0.0.1:${port}` });
      try {
        expect(await again.ctx.mail.resumeHeld()).to.be.at.least(1);
        await again.ctx.jobs.runDue([SEND_JOB]);
        expect(received.filter((m) => m.to.includes('held@school.example'))).to.have.length(1);
        expect(await again.ctx.mail.find(tenantId, id)).to.include({ status: 'sent', deliveredBy: 'smtp' });
        expect(await again.ctx.mail.resumeHeld()).to.equal(0);
      } finally {
        await again.ctx.shutdown?.();
        await smtp.close();
      }
    });
  });
});
