import { expect } from 'chai';
import { openDatabase, type Database } from '../../../src/db/client.js';
import { createApp, type App } from '../../../src/web/app.js';
import { createLogger } from '../../../src/web/logger.js';
import { systemClock } from '../../../src/web/clock.js';
import { testConfig } from '../../support/app.js';
import { fakeServiceTenant } from '../../support/service-tenant.js';
import type { FakePlatform } from '../../support/fake-platform.js';

describe('roster sync scheduler', () => {
  // A database of its own: the scheduler walks every context it knows, and the shared one holds other tests' platforms.
  let database: Database;
  let app: App;
  let fp: FakePlatform;

  before(async () => {
    database = await openDatabase({});
    await database.migrate();
    // 0.005 minutes = 300 ms between rounds.
    app = await createApp({ config: testConfig({ rosterSyncIntervalMinutes: 0.005 }), database, clock: systemClock, logger: createLogger('silent') });
  });
  after(async () => {
    await app.ctx.shutdown?.();
    await fp?.close();
    await database.close();
  });

  it('syncs every known context each interval, and stops with ctx.shutdown', async () => {
    const made = await fakeServiceTenant(app);
    fp = made.fp;
    fp.members.set('a', [{ user_id: 'u1', roles: ['http://purl.imsglobal.org/vocab/lis/v2/membership#Learner'] }]);
    fp.members.set('b', [{ user_id: 'u2', roles: ['http://purl.imsglobal.org/vocab/lis/v2/membership#Learner'] }]);
    const a = await app.ctx.roster.upsertContext(made.tenant.id, { contextId: 'a', membershipsUrl: fp.membershipsUrl('a') });
    const b = await app.ctx.roster.upsertContext(made.tenant.id, { contextId: 'b', membershipsUrl: fp.membershipsUrl('b') });
    app.ctx.rosterSync.startScheduler();
    await new Promise((r) => setTimeout(r, 900));
    await app.ctx.shutdown?.();
    const runsA = await app.ctx.rosterSync.listRuns(made.tenant.id, a.id);
    const runsB = await app.ctx.rosterSync.listRuns(made.tenant.id, b.id);
    expect(runsA.length).to.be.at.least(1);
    expect(runsB.length).to.be.at.least(1);
    expect(runsA.every((r) => r.trigger === 'schedule' && r.status === 'succeeded')).to.equal(true);
    // Stopped: no further rounds.
    const calls = fp.requests.length;
    await new Promise((r) => setTimeout(r, 700));
    expect(fp.requests.length).to.equal(calls);
  });
});
