import { expect } from 'chai';
import { createTestApp, type TestApp } from '../../support/app.js';
import { fakeServiceTenant } from '../../support/service-tenant.js';
import type { FakeMember, FakePlatform } from '../../support/fake-platform.js';
import type { Tenant } from '../../../src/platforms/platforms.service.js';
import { NRPS_MEDIA_TYPE } from '../../../src/lti/services/nrps.js';
import { acquireLease, releaseLease } from '../../../src/roster/sync.repository.js';

const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/membership#';
const students = (n: number, prefix = 's'): FakeMember[] =>
  Array.from({ length: n }, (_, i) => ({ user_id: `${prefix}${i}`, roles: [`${LIS}Learner`], name: `Student ${i}` }));

describe('roster sync (NRPS) against a fake platform', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });

  for (const profile of [
    { family: 'canvas' as const, pageSize: 50, requireAccept: false },
    { family: 'schoology' as const, pageSize: 100, requireAccept: true },
  ]) {
    describe(`${profile.family}-shaped`, () => {
      let tenant: Tenant;
      let fp: FakePlatform;
      let contextId: string;
      before(async () => {
        ({ tenant, fp } = await fakeServiceTenant(t, { family: profile.family }));
        fp.pageSize = profile.pageSize;
        fp.requireNrpsAccept = profile.requireAccept;
        const ctx = await t.ctx.roster.upsertContext(tenant.id, { contextId: 'advisory-1', title: 'Advisory', membershipsUrl: fp.membershipsUrl('advisory-1') });
        contextId = ctx.id;
      });
      after(() => fp.close());

      it(`fetches every page (${profile.pageSize} a page), upserts people and memberships, records the run`, async () => {
        fp.members.set('advisory-1', [{ user_id: 't1', roles: [`${LIS}Instructor`], name: 'Teacher One' }, ...students(2 * profile.pageSize + 7)]);
        const summary = await t.ctx.rosterSync.syncContext(tenant.id, contextId, 'manual');
        expect(summary).to.include({ status: 'succeeded', pages: 3, members: 2 * profile.pageSize + 8, added: 2 * profile.pageSize + 8, updated: 0, deactivated: 0, error: null });
        const calls = fp.requests.filter((r) => r.path === '/nrps/advisory-1');
        expect(calls).to.have.length(3);
        expect(calls[0]!.query.limit).to.equal(String(profile.pageSize));
        for (const c of calls) expect(c.headers.accept).to.equal(NRPS_MEDIA_TYPE);
        const members = await t.ctx.roster.listMembers(tenant.id, contextId, { status: 'active' });
        expect(members).to.have.length(2 * profile.pageSize + 8);
        expect(members.find((m) => m.person.sub === 't1')!.membership.role).to.equal('advisor');
        expect(members.find((m) => m.person.sub === 's0')!.membership.role).to.equal('student');
        const [run] = await t.ctx.rosterSync.listRuns(tenant.id, contextId);
        expect(run).to.include({ status: 'succeeded', trigger: 'manual', pages: 3, added: 2 * profile.pageSize + 8, error: null });
        expect(run!.finishedAt).to.be.instanceOf(Date);
        expect((await t.ctx.roster.findContext(tenant.id, contextId))!.lastRosterSyncAt).to.be.instanceOf(Date);
      });

      it('a second sync with nothing changed changes nothing', async () => {
        const summary = await t.ctx.rosterSync.syncContext(tenant.id, contextId, 'manual');
        expect(summary).to.include({ status: 'succeeded', added: 0, updated: 0, deactivated: 0 });
      });

      it('members who left become inactive and keep their rows; a role change is an update; returning members come back', async () => {
        const before = fp.members.get('advisory-1')!;
        const leaver = before[1]!;
        const leaverPerson = (await t.ctx.roster.findPeopleBySub(tenant.id, [leaver.user_id]))[0]!;
        fp.members.set('advisory-1', [
          ...before.filter((m) => m.user_id !== leaver.user_id).map((m) => (m.user_id === 's1' ? { ...m, roles: [`${LIS}Instructor#TeachingAssistant`, `${LIS}Instructor`] } : m)),
          { user_id: 'new-1', roles: [`${LIS}Learner`] },
        ]);
        const summary = await t.ctx.rosterSync.syncContext(tenant.id, contextId, 'schedule');
        expect(summary).to.include({ status: 'succeeded', added: 1, updated: 1, deactivated: 1 });
        const m = await t.ctx.roster.findMembership(tenant.id, contextId, leaverPerson.id);
        expect(m!.status).to.equal('inactive');
        expect(await t.ctx.roster.findPerson(tenant.id, leaverPerson.id)).to.not.equal(undefined);

        fp.members.set('advisory-1', [...fp.members.get('advisory-1')!, leaver]);
        const back = await t.ctx.rosterSync.syncContext(tenant.id, contextId, 'schedule');
        expect(back).to.include({ added: 0, updated: 1, deactivated: 0 });
        expect((await t.ctx.roster.findMembership(tenant.id, contextId, leaverPerson.id))!.status).to.equal('active');
      });
    });
  }

  describe('failures, locking and triggers', () => {
    let tenant: Tenant;
    let fp: FakePlatform;
    let contextId: string;
    before(async () => {
      ({ tenant, fp } = await fakeServiceTenant(t));
      fp.members.set('c', students(120));
      contextId = (await t.ctx.roster.upsertContext(tenant.id, { contextId: 'c', title: 'Advisory C', membershipsUrl: fp.membershipsUrl('c') })).id;
    });
    after(() => fp.close());
    /** The course as a launch would hand it over: as stored now. */
    const storedContext = async () => (await t.ctx.roster.findContext(tenant.id, contextId))!;

    it('concurrent syncs of one context: one runs, the other is skipped', async () => {
      const [a, b] = await Promise.all([
        t.ctx.rosterSync.syncContext(tenant.id, contextId, 'manual'),
        t.ctx.rosterSync.syncContext(tenant.id, contextId, 'manual'),
      ]);
      expect([a.status, b.status].sort()).to.deep.equal(['skipped', 'succeeded']);
      expect(fp.requests.filter((r) => r.path === '/nrps/c' && r.query.offset === undefined)).to.have.length(1);
      // The lease is released: the next sync runs.
      expect((await t.ctx.rosterSync.syncContext(tenant.id, contextId, 'manual')).status).to.equal('succeeded');
    });

    it('another process holding the lease makes a sync skip; an expired lease is taken over', async () => {
      expect(await acquireLease(t.ctx.db, tenant.id, contextId, 'other-process', 60_000)).to.equal(true);
      expect((await t.ctx.rosterSync.syncContext(tenant.id, contextId, 'manual')).status).to.equal('skipped');
      await releaseLease(t.ctx.db, tenant.id, contextId, 'other-process');
      // A process that died while holding the lease: its time ran out.
      expect(await acquireLease(t.ctx.db, tenant.id, contextId, 'dead-process', -1000)).to.equal(true);
      expect((await t.ctx.rosterSync.syncContext(tenant.id, contextId, 'manual')).status).to.equal('succeeded');
    });

    it('keeps what only a launch can tell: institution roles, mentees, unenrolled administrators', async () => {
      const admin = await t.ctx.roster.upsertPerson(tenant.id, { sub: 'acct-admin' });
      await t.ctx.roster.upsertMembership(tenant.id, { contextId, personId: admin.id, roles: ['http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator'], role: 'admin' });
      const teacherAdmin = await t.ctx.roster.upsertPerson(tenant.id, { sub: 'teacher-admin' });
      await t.ctx.roster.upsertMembership(tenant.id, { contextId, personId: teacherAdmin.id, roles: [`${LIS}Instructor`, 'http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator'], role: 'admin' });
      const parent = await t.ctx.roster.upsertPerson(tenant.id, { sub: 'parent-1' });
      await t.ctx.roster.upsertMembership(tenant.id, { contextId, personId: parent.id, roles: [`${LIS}Mentor`], role: 'family', mentees: ['some-student-person-id'] });
      fp.members.set('c', [...students(120), { user_id: 'teacher-admin', roles: [`${LIS}Instructor`] }, { user_id: 'parent-1', roles: [`${LIS}Mentor`] }]);
      const summary = await t.ctx.rosterSync.syncContext(tenant.id, contextId, 'manual');
      expect(summary.status).to.equal('succeeded');
      expect(await t.ctx.roster.findMembership(tenant.id, contextId, admin.id)).to.include({ status: 'active', role: 'admin' });
      expect(await t.ctx.roster.findMembership(tenant.id, contextId, teacherAdmin.id)).to.include({ status: 'active', role: 'admin' });
      const p = await t.ctx.roster.findMembership(tenant.id, contextId, parent.id);
      expect(p).to.include({ status: 'active', role: 'family' });
      expect(p!.mentees).to.deep.equal(['some-student-person-id']);
      fp.members.set('c', students(120));
    });

    it('a refused NRPS call (403) fails the run with not_granted and writes nothing', async () => {
      const before = await t.ctx.roster.listMembers(tenant.id, contextId, { status: 'active' });
      fp.forbidden.add('/nrps/c');
      fp.members.set('c', students(3));
      const summary = await t.ctx.rosterSync.syncContext(tenant.id, contextId, 'manual');
      fp.forbidden.clear();
      expect(summary.status).to.equal('failed');
      expect(summary.error).to.match(/^not_granted/);
      const [run] = await t.ctx.rosterSync.listRuns(tenant.id, contextId);
      expect(run).to.include({ status: 'failed' });
      expect(run!.error).to.match(/^not_granted/);
      expect(await t.ctx.roster.listMembers(tenant.id, contextId, { status: 'active' })).to.have.length(before.length);
      fp.members.set('c', students(120));
    });

    it('a page failing halfway (500 every retry) writes nothing and records unavailable', async () => {
      fp.members.set('c', students(120, 'x'));
      // Page 1 succeeds, then page 2 fails on every attempt.
      fp.failOn = (r) => (r.path === '/nrps/c' && r.query.offset ? 500 : undefined);
      const summary = await t.ctx.rosterSync.syncContext(tenant.id, contextId, 'manual');
      fp.failOn = undefined;
      expect(summary.status).to.equal('failed');
      expect(summary.error).to.match(/^unavailable/);
      expect(await t.ctx.roster.findPeopleBySub(tenant.id, ['x0'])).to.have.length(0);
      fp.members.set('c', students(120));
    });

    it('syncIfStale: syncs in the background when stale, not again while fresh; logs no names', async () => {
      t.clock.advance(2 * t.config.rosterSyncMaxAgeMinutes * 60_000);
      const calls = () => fp.requests.filter((r) => r.path === '/nrps/c' && r.query.offset === undefined).length;
      const n = calls();
      await t.ctx.rosterSync.syncIfStale(tenant.id, await storedContext());
      await t.ctx.rosterSync.idle();
      expect(calls()).to.equal(n + 1);
      const [run] = await t.ctx.rosterSync.listRuns(tenant.id, contextId);
      expect(run).to.include({ trigger: 'launch', status: 'succeeded' });
      await t.ctx.rosterSync.syncIfStale(tenant.id, await storedContext());
      await t.ctx.rosterSync.idle();
      expect(calls()).to.equal(n + 1);
      expect(t.logs.text()).not.to.contain('Student 1');
    });

    it('syncIfStale after a failed run waits a while before asking the platform again', async () => {
      const calls = () => fp.requests.filter((r) => r.path === '/nrps/c' && r.query.offset === undefined).length;
      t.clock.advance(2 * t.config.rosterSyncMaxAgeMinutes * 60_000);
      fp.forbidden.add('/nrps/c');
      await t.ctx.rosterSync.syncIfStale(tenant.id, await storedContext());
      await t.ctx.rosterSync.idle();
      const n = calls();
      expect((await t.ctx.rosterSync.listRuns(tenant.id, contextId, 1))[0]).to.include({ trigger: 'launch', status: 'failed' });
      t.clock.advance(60_000);
      await t.ctx.rosterSync.syncIfStale(tenant.id, await storedContext());
      await t.ctx.rosterSync.idle();
      expect(calls()).to.equal(n);
      fp.forbidden.clear();
      t.clock.advance(11 * 60_000);
      await t.ctx.rosterSync.syncIfStale(tenant.id, await storedContext());
      await t.ctx.rosterSync.idle();
      expect((await t.ctx.rosterSync.listRuns(tenant.id, contextId, 1))[0]).to.include({ trigger: 'launch', status: 'succeeded' });
    });

    it('syncAll walks every known context (here: of this tenant)', async () => {
      const summaries = await t.ctx.rosterSync.syncAll('schedule', { tenantId: tenant.id });
      const runs = await t.ctx.rosterSync.listRuns(tenant.id, contextId, 1);
      expect(summaries.length).to.be.greaterThan(0);
      expect(runs[0]).to.include({ trigger: 'schedule' });
    });
  });
});
