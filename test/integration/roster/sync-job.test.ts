import { expect } from 'chai';
import { createTestApp, type TestApp } from '../../support/app.js';
import { fakeServiceTenant } from '../../support/service-tenant.js';
import type { FakePlatform } from '../../support/fake-platform.js';
import { SYNC_JOB } from '../../../src/roster/sync.service.js';
import { openDatabase, type Database } from '../../../src/db/client.js';

const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/membership#';

describe('roster sync on the job queue', () => {
  // A database of its own: runDue works every due job, and the shared one holds other tests' jobs.
  let database: Database;
  let t: TestApp;
  let fp: FakePlatform;
  before(async () => {
    database = await openDatabase({});
    await database.migrate();
    t = await createTestApp({ jobRetryBaseSeconds: 60 }, { database });
  });
  after(async () => {
    await t.ctx.shutdown?.();
    await fp?.close();
    await database.close();
  });

  it('a launch that finds the roster stale runs the sync as the context\'s job; an LMS outage leaves it queued, retried with backoff until it succeeds', async () => {
    const made = await fakeServiceTenant(t);
    fp = made.fp;
    const tenantId = made.tenant.id;
    fp.members.set('adv', [{ user_id: 'u1', roles: [`${LIS}Learner`], name: 'Student One' }]);
    const context = await t.ctx.roster.upsertContext(tenantId, { contextId: 'adv', membershipsUrl: fp.membershipsUrl('adv') });
    const key = `${tenantId}/${context.id}`;

    // The LMS answers 503 to the first request and to each of the client's own retries.
    fp.failNext.push(...Array.from({ length: 4 }, () => ({ status: 503, retryAfter: '0' })));
    await t.ctx.rosterSync.syncIfStale(tenantId, context);
    await t.ctx.rosterSync.idle();
    const failed = await t.ctx.jobs.find(SYNC_JOB, key);
    expect(failed).to.include({ status: 'pending', attempts: 1, lastError: 'unavailable' });
    expect(failed!.runAfter.getTime() - t.clock.now().getTime()).to.equal(60_000);
    expect((await t.ctx.roster.findContext(tenantId, context.id))!.lastRosterSyncAt).to.equal(null);

    // Not due yet: nothing runs. After the backoff the worker runs it, and the roster arrives.
    expect(await t.ctx.jobs.runDue()).to.equal(0);
    t.clock.advance(60_000);
    expect(await t.ctx.jobs.runDue()).to.equal(1);
    expect(await t.ctx.jobs.find(SYNC_JOB, key)).to.include({ status: 'done' });
    const members = await t.ctx.roster.listMembers(tenantId, context.id, { status: 'active' });
    expect(members.map((m) => m.person.sub)).to.deep.equal(['u1']);
    const runs = await t.ctx.rosterSync.listRuns(tenantId, context.id);
    expect(runs.map((r) => [r.trigger, r.status])).to.deep.equal([['launch', 'succeeded'], ['launch', 'failed']]);
  });

  it('a refusal waiting will not cure (403: not granted) is recorded once and not retried', async () => {
    const made = await fakeServiceTenant(t);
    const tenantId = made.tenant.id;
    try {
      const context = await t.ctx.roster.upsertContext(tenantId, { contextId: 'adv', membershipsUrl: made.fp.membershipsUrl('adv') });
      made.fp.forbidden.add('/nrps/adv');
      await t.ctx.rosterSync.syncIfStale(tenantId, context);
      await t.ctx.rosterSync.idle();
      expect(await t.ctx.jobs.find(SYNC_JOB, `${tenantId}/${context.id}`)).to.include({ status: 'done' });
      const [run] = await t.ctx.rosterSync.listRuns(tenantId, context.id);
      expect(run).to.include({ status: 'failed' });
      expect(run!.error).to.match(/^not_granted/);
    } finally {
      await made.fp.close();
    }
  });

  it('a first launch waits (bounded) for the first sync another process holds as its job, and draws the roster once it is in', async () => {
    const made = await fakeServiceTenant(t);
    const other = await createTestApp({}, { database });
    try {
      const tenantId = made.tenant.id;
      made.fp.members.set('first', [{ user_id: 'u9', roles: [`${LIS}Learner`], name: 'Student Nine' }]);
      const context = await t.ctx.roster.upsertContext(tenantId, { contextId: 'first', membershipsUrl: made.fp.membershipsUrl('first') });
      // This process holds the course's roster.sync job and runs it once released.
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      const held = t.ctx.jobs.runNow(SYNC_JOB, `${tenantId}/${context.id}`, async () => {
        await released;
        return t.ctx.rosterSync.syncContext(tenantId, context.id, 'launch');
      });
      const started = performance.now();
      const waited = other.ctx.rosterSync.syncForLaunch(tenantId, context, 5000);
      setTimeout(release, 300);
      expect(await waited).to.equal('ready');
      expect(performance.now() - started).to.be.within(250, 4000);
      expect(await held).to.include({ status: 'succeeded' });
    } finally {
      await other.ctx.shutdown?.();
      await made.fp.close();
    }
  });
});
