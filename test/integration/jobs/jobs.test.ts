import { expect } from 'chai';
import type { Database } from '../../../src/db/client.js';
import { createJobQueue, type JobQueue } from '../../../src/jobs/jobs.service.js';
import { createLogger } from '../../../src/web/logger.js';
import { TestClock } from '../../support/clock.js';
import { testDatabase } from '../../support/db.js';

/** Resolves when told to: a job that stays running until the test lets it finish. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe('jobs: the durable queue in PostgreSQL', () => {
  // The shared test database (PostgreSQL when DATABASE_URL is set): a queue claims only the types it registered, all t.* here.
  let database: Database;
  let clock: TestClock;
  const queues: JobQueue[] = [];
  /** A queue as one process has it; several on one database are several processes. */
  const queue = (o: { leaseMs?: number; maxAttempts?: number; retryBaseMs?: number; pollMs?: number } = {}) => {
    const q = createJobQueue({ db: database.db, clock, logger: createLogger('silent'), pollMs: o.pollMs ?? 60_000, leaseMs: o.leaseMs ?? 60_000, maxAttempts: o.maxAttempts ?? 3, retryBaseMs: o.retryBaseMs ?? 10_000 });
    queues.push(q);
    return q;
  };

  before(async () => {
    database = await testDatabase();
    clock = new TestClock();
  });
  after(async () => {
    for (const q of queues) await q.stop();
  });

  it('enqueueing one key many times while pending makes one run, at the earliest time asked', async () => {
    const q = queue();
    const ran: string[] = [];
    q.register('t.dedupe', async (key) => void ran.push(key));
    const t0 = clock.now().getTime();
    await q.enqueue('t.dedupe', 'course-1', new Date(t0 + 60_000));
    await q.enqueue('t.dedupe', 'course-1', new Date(t0 + 90_000));
    await q.enqueue('t.dedupe', 'course-1', new Date(t0 + 120_000));
    await q.enqueue('t.dedupe', 'course-2', new Date(t0 + 60_000));
    expect(await q.runDue()).to.equal(0);
    clock.advance(60_000);
    expect(await q.runDue()).to.equal(2);
    expect(ran.sort()).to.deep.equal(['course-1', 'course-2']);
    expect(await q.find('t.dedupe', 'course-1')).to.include({ status: 'done', attempts: 0, lastError: null });
    clock.advance(120_000);
    expect(await q.runDue()).to.equal(0);
  });

  it('two workers never run the same key at once; a key enqueued during its run runs once more afterwards', async () => {
    const a = queue();
    const b = queue();
    const g = gate();
    let running = 0;
    let most = 0;
    let runs = 0;
    const handler = async () => {
      running++;
      runs++;
      most = Math.max(most, running);
      if (runs === 1) await g.opened;
      running--;
    };
    a.register('t.exclusive', handler);
    b.register('t.exclusive', handler);
    await a.enqueue('t.exclusive', 'k', clock.now());
    const first = a.runDue();
    while (runs === 0) await new Promise((r) => setTimeout(r, 5));
    // Changed while running: queued for after the run, not handed to the other worker now.
    await b.enqueue('t.exclusive', 'k', clock.now());
    expect(await b.runDue()).to.equal(0);
    expect(await b.runNow('t.exclusive', 'k', handler)).to.equal(null);
    g.open();
    expect(await first).to.be.at.least(1);
    await b.runDue();
    expect(runs).to.equal(2);
    expect(most).to.equal(1);
    expect(await a.find('t.exclusive', 'k')).to.include({ status: 'done' });
  });

  it('concurrent claims of many due jobs by two workers run each job exactly once', async () => {
    const a = queue();
    const b = queue();
    const seen: string[] = [];
    const handler = async (key: string) => {
      seen.push(key);
      await new Promise((r) => setTimeout(r, 2));
    };
    a.register('t.many', handler);
    b.register('t.many', handler);
    for (let i = 0; i < 20; i++) await a.enqueue('t.many', `k${i}`, clock.now());
    const [na, nb] = await Promise.all([a.runDue(), b.runDue()]);
    expect(na + nb).to.equal(20);
    expect(new Set(seen).size).to.equal(20);
    expect(seen).to.have.length(20);
  });

  it('a job that fails is retried later with backoff, its error class recorded, and given up after maxAttempts', async () => {
    const q = queue({ maxAttempts: 3, retryBaseMs: 10_000 });
    let calls = 0;
    q.register('t.flaky', async () => {
      calls++;
      throw Object.assign(new Error('LMS said no, with a body that must not be stored'), { kind: 'unavailable' });
    });
    await q.enqueue('t.flaky', 'k', clock.now());
    await q.runDue();
    let row = (await q.find('t.flaky', 'k'))!;
    expect(row).to.include({ status: 'pending', attempts: 1, lastError: 'unavailable' });
    expect(row.runAfter.getTime() - clock.now().getTime()).to.equal(10_000);
    expect(await q.runDue()).to.equal(0);
    clock.advance(10_000);
    await q.runDue();
    row = (await q.find('t.flaky', 'k'))!;
    expect(row).to.include({ status: 'pending', attempts: 2 });
    expect(row.runAfter.getTime() - clock.now().getTime()).to.equal(20_000);
    clock.advance(20_000);
    await q.runDue();
    expect(calls).to.equal(3);
    expect(await q.find('t.flaky', 'k')).to.include({ status: 'failed', attempts: 3, lastError: 'unavailable' });
    // A new change starts it over.
    await q.enqueue('t.flaky', 'k', clock.now());
    expect(await q.find('t.flaky', 'k')).to.include({ status: 'pending', attempts: 0 });
  });

  it('a failing job recovers: retried later, then done', async () => {
    const q = queue({ retryBaseMs: 5_000 });
    let calls = 0;
    q.register('t.recovers', async () => {
      if (++calls === 1) throw new TypeError('boom');
    });
    await q.enqueue('t.recovers', 'k', clock.now());
    await q.runDue();
    expect(await q.find('t.recovers', 'k')).to.include({ status: 'pending', lastError: 'TypeError' });
    clock.advance(5_000);
    await q.runDue();
    expect(calls).to.equal(2);
    expect(await q.find('t.recovers', 'k')).to.include({ status: 'done', lastError: null });
  });

  it('survives a restart: a job whose worker died is taken over once the lease runs out', async () => {
    const dead = queue({ leaseMs: 30_000 });
    const g = gate();
    dead.register('t.lease', () => g.opened);
    await dead.enqueue('t.lease', 'k', clock.now());
    void dead.runDue();
    while ((await dead.find('t.lease', 'k'))?.status !== 'running') await new Promise((r) => setTimeout(r, 5));
    // The process is gone; a new one starts.
    const next = queue({ leaseMs: 30_000 });
    let ran = 0;
    next.register('t.lease', async () => void ran++);
    expect(await next.runDue()).to.equal(0);
    clock.advance(30_001);
    expect(await next.runDue()).to.equal(1);
    expect(ran).to.equal(1);
    expect(await next.find('t.lease', 'k')).to.include({ status: 'done' });
    g.open();
  });

  it('the worker loop runs due jobs until stopped, and never after', async () => {
    const q = queue({ pollMs: 20 });
    let ran = 0;
    q.register('t.loop', async () => void ran++);
    await q.enqueue('t.loop', 'a', clock.now());
    q.start();
    for (let i = 0; i < 100 && ran === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(ran).to.equal(1);
    await q.stop();
    await q.enqueue('t.loop', 'b', clock.now());
    await new Promise((r) => setTimeout(r, 100));
    expect(ran).to.equal(1);
    expect(await q.find('t.loop', 'b')).to.include({ status: 'pending' });
  });
  it('a started worker runs a job queued here when it falls due, not at its next poll', async () => {
    // A poll an hour apart: only the wake can run these jobs within the test.
    const q = queue({ pollMs: 3_600_000 });
    const ran: string[] = [];
    q.register('t.wake', async (key) => void ran.push(key));
    q.start();
    const until = async (n: number) => {
      for (let i = 0; i < 200 && ran.length < n; i++) await new Promise((r) => setTimeout(r, 10));
    };
    // Let the first round (nothing due) finish, then queue one due now.
    await new Promise((r) => setTimeout(r, 50));
    await q.enqueue('t.wake', 'now', clock.now());
    await until(1);
    expect(ran).to.deep.equal(['now']);
    // One due in 200 ms (the test's clock is moved on as real time passes).
    await q.enqueue('t.wake', 'soon', new Date(clock.now().getTime() + 200));
    clock.advance(200);
    await until(2);
    expect(ran).to.deep.equal(['now', 'soon']);
    await q.stop();
  });
  it('runDue with types runs only those types\' due jobs', async () => {
    const q = queue();
    const ran: string[] = [];
    q.register('t.only-a', async (key) => void ran.push(`a:${key}`));
    q.register('t.only-b', async (key) => void ran.push(`b:${key}`));
    await q.enqueue('t.only-a', '1', clock.now());
    await q.enqueue('t.only-b', '1', clock.now());
    expect(await q.runDue(['t.only-a', 't.unregistered'])).to.equal(1);
    expect(ran).to.deep.equal(['a:1']);
    expect(await q.runDue(['t.only-b'])).to.equal(1);
    expect(ran).to.deep.equal(['a:1', 'b:1']);
  });
  it('enqueueAll queues many keys in one go, merging with a pending one as enqueue does', async () => {
    const q = queue();
    const ran: string[] = [];
    q.register('t.many', async (key) => void ran.push(key));
    const t0 = clock.now().getTime();
    await q.enqueue('t.many', 'early', new Date(t0));
    await q.enqueueAll('t.many', [{ key: 'early', tenantId: null }, { key: 'b', tenantId: null }, { key: 'c,"d"', tenantId: null }], new Date(t0 + 60_000));
    expect(await q.runDue(['t.many'])).to.equal(1);
    expect(ran).to.deep.equal(['early']);
    clock.advance(60_000);
    expect(await q.runDue(['t.many'])).to.equal(2);
    expect(ran.slice(1).sort()).to.deep.equal(['b', 'c,"d"']);
  });
});
