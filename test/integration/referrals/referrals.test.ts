import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../support/app.js';
import { seedSchool, ltikFor, asUser, type SeededSchool } from '../../support/school.js';
import { enterSystemScopeForTests } from '../../../src/db/tenant-scope.js';
import { queryRows } from '../../../src/db/client.js';
import { decoded } from '../../support/html.js';
import { supports } from '../../../src/supports/supports.tables.js';
import type { Person } from '../../../src/roster/roster.service.js';
import { createReferralsService, type OverdueReferral } from '../../../src/referrals/referrals.service.js';
import { loadReferralsConfig, referralRulesKind } from '../../../src/referrals/referrals.schemas.js';

// Friday 6 March 2026, 10:00 at the school (UTC: the test school has not set a zone).
const FRIDAY = new Date('2026-03-06T10:00:00Z');
const END_OF_MONDAY = '2026-03-09T23:59:59.999Z';
const END_OF_TUESDAY = '2026-03-10T23:59:59.999Z';

/** The referral loop over HTTP: need -> referral -> accepted -> in service -> closed; decline; the calendar; overdue; consent; need-to-know. */
describe('referrals', function () {
  let t: TestApp;
  let s: SeededSchool;
  let coordinator: Person;
  let counsellor: Person;
  let admin: ReturnType<typeof asUser>;
  let advisor: ReturnType<typeof asUser>;
  let coord: ReturnType<typeof asUser>;
  let student: ReturnType<typeof asUser>;
  let family: ReturnType<typeof asUser>;
  let otherAdvisor: ReturnType<typeof asUser>;
  let housing: string;
  let counselling: string;
  const studentId = () => s.students[0].id;

  const rows = <T>(q: ReturnType<typeof sql>) => queryRows<T>(t.ctx.db, q);
  const referral = async (id: string) => (await rows<{ state: string; due_at: Date; version: number; held_for_consent: boolean; overdue_alerted_at: Date | null; sessions_count: number; minutes_total: number; closed_outcome: string | null }>(sql`select * from referrals where id = ${id}`))[0]!;
  const count = async (table: string) => Number((await rows<{ n: string }>(sql`select count(*) as n from ${sql.raw(table)} where tenant_id = ${s.tenantId}`))[0]!.n);
  const latestId = async () => (await rows<{ id: string }>(sql`select id from referrals where tenant_id = ${s.tenantId} order by created_at desc, id desc limit 1`))[0]!.id;
  const idFromLocation = (location: string) => new URL(location, 'http://x').pathname.split('/').pop()!;

  async function support(name: string, category: string, opts: { sensitive?: boolean; external?: boolean } = {}): Promise<string> {
    const [row] = await t.ctx.db
      .insert(supports)
      .values({ tenantId: s.tenantId, name, provider: 'Provider', category: category as 'housing', tier: 2, cost: 'free', referral: opts.external ? 'external' : 'internal', sensitive: opts.sensitive ?? false })
      .returning({ id: supports.id });
    return row!.id;
  }

  async function refer(as: ReturnType<typeof asUser>, form: Record<string, string>): Promise<string> {
    const res = await as.post(`/students/${studentId()}/referrals`, { reason: 'Needs a stable place to sleep', urgency: 'routine', ...form }).expect(303);
    return idFromLocation(res.headers.location as string);
  }

  before(async () => {
    enterSystemScopeForTests();
    t = await createTestApp({}, { now: FRIDAY });
    t.clock.set(FRIDAY);
    s = await seedSchool(t.ctx);
    const u = randomUUID().slice(0, 8);
    coordinator = await t.ctx.roster.upsertPerson(s.tenantId, { sub: `coord-${u}`, name: `Cora Coordinator ${u}` });
    counsellor = await t.ctx.roster.upsertPerson(s.tenantId, { sub: `couns-${u}`, name: `Cal Counsellor ${u}` });
    await rows(sql`update people set staff_roles = '{coordinator}', staff_grants = '[{"role":"coordinator","schoolId":null}]', email = ${`cora-${u}@school.test`} where id = ${coordinator.id}`);
    await rows(sql`update people set staff_roles = '{counsellor}', staff_grants = '[{"role":"counsellor","schoolId":null}]' where id = ${counsellor.id}`);
    await rows(sql`update people set email = ${`ada-${u}@school.test`} where id = ${s.advisor.id}`);
    admin = asUser(t.app, await ltikFor(t.ctx, s.admin, 'admin', s.advisoryId));
    advisor = asUser(t.app, await ltikFor(t.ctx, s.advisor, 'advisor', s.advisoryId));
    coord = asUser(t.app, await ltikFor(t.ctx, coordinator, 'advisor', null));
    student = asUser(t.app, await ltikFor(t.ctx, s.students[0], 'student', s.advisoryId));
    family = asUser(t.app, await ltikFor(t.ctx, s.mentor, 'family', s.advisoryId));
    otherAdvisor = asUser(t.app, await ltikFor(t.ctx, s.otherAdvisor, 'advisor', s.otherCourseId));
    housing = await support('Family housing desk', 'housing');
    counselling = await support('Teen counselling centre', 'wellbeing', { sensitive: true, external: true });
  });
  after(async () => t.ctx.shutdown?.());

  it('is reachable: the supports tab, the queue from the caseload and the admin home, the calendar from the admin home', async () => {
    expect(decoded((await advisor.get(`/students/${studentId()}/plan`).expect(200)).text)).to.contain(`/students/${studentId()}/supports?`);
    expect(decoded((await admin.get('/admin').expect(200)).text)).to.contain('/referrals?').and.to.contain('/admin/calendar?');
    expect(decoded((await coord.get('/caseload').expect(200)).text)).to.contain('/referrals?');
    await advisor.get('/referrals').expect(403);
    await student.get('/referrals').expect(403);
  });

  it('refuses a bad referral form with its error summary and writes nothing', async () => {
    const before = await count('referrals');
    const bad = await advisor.post(`/students/${studentId()}/referrals`, { support: 'nope', reason: '', urgency: 'whenever' }).expect(400);
    expect(bad.text).to.contain('class="error-summary"').and.to.contain('href="#r-support"').and.to.contain('href="#r-reason"');
    expect(await count('referrals')).to.equal(before);
    await advisor.post(`/students/${studentId()}/referrals`, { support: housing, reason: 'x', urgency: 'urgent', owner: s.admin.id }).expect(400);
    expect(await count('referrals')).to.equal(before);
    // A student and a stranger never refer.
    await student.post(`/students/${studentId()}/referrals`, { support: housing, reason: 'x', urgency: 'urgent' }).expect(403);
    await otherAdvisor.post(`/students/${studentId()}/referrals`, { support: housing, reason: 'x', urgency: 'urgent' }).expect(404);
  });

  it('runs the whole loop from a need: urgent on a Friday is due Monday; accepted, in service with a session, closed completed; every step timed and mailed', async () => {
    await student.post(`/students/${studentId()}/checkins/prep`, { 'need.housing': 'urgent' }).expect(303);
    const [need] = await rows<{ id: string }>(sql`select id from checkin_needs where student_id = ${studentId()} and category = 'housing'`);
    const checkins = decoded((await advisor.get(`/students/${studentId()}/checkins`).expect(200)).text);
    expect(checkins).to.contain(`/students/${studentId()}/referrals/new?need=${need!.id}`);
    const form = decoded((await advisor.get(`/students/${studentId()}/referrals/new`).query({ need: need!.id }).expect(200)).text);
    expect(form).to.contain(`value="${housing}" selected`).and.to.contain('value="urgent" checked').and.to.contain(`value="${coordinator.id}" selected`);

    const once = randomUUID();
    const body = { support: housing, reason: 'Family lost their flat', urgency: 'urgent', need: need!.id, source: 'need', owner: '', _once: once };
    await advisor.post(`/students/${studentId()}/referrals`, body).expect(303);
    await advisor.post(`/students/${studentId()}/referrals`, body).expect(303);
    const [made] = await rows<{ id: string; n: string }>(sql`select id, count(*) over () as n from referrals where tenant_id = ${s.tenantId} and need_id = ${need!.id}`);
    expect(Number(made!.n)).to.equal(1);
    const id = made!.id;
    let r = await referral(id);
    expect(r.state).to.equal('requested');
    expect(new Date(r.due_at).toISOString()).to.equal(END_OF_MONDAY);
    const [owner] = await rows<{ owner_id: string; source: string }>(sql`select owner_id, source from referrals where id = ${id}`);
    expect(owner).to.deep.equal({ owner_id: coordinator.id, source: 'prep' });

    const url = `/students/${studentId()}/referrals/${id}`;
    t.clock.advance(3600_000);
    await coord.post(`${url}/respond`, { answer: 'accept', version: '1' }).expect(303);
    // The same answer again from the stale page: a 409, nothing written.
    const stale = await coord.post(`${url}/respond`, { answer: 'accept', version: '1' }).expect(409);
    expect(stale.text).to.contain('cannot take that step now');
    await coord.post(`${url}/close`, { version: '1', outcome: 'completed' }).expect(409);
    t.clock.advance(60_000);
    await coord.post(`${url}/start`, { version: '2' }).expect(303);
    t.clock.advance(60_000);
    await coord.post(`${url}/session`, { version: '3', date: '2026-03-06', minutes: 'forty' }).expect(400);
    await coord.post(`${url}/session`, { version: '3', date: '2026-03-06', minutes: '45' }).expect(303);
    t.clock.advance(60_000);
    await coord.post(`${url}/close`, { version: '4', outcome: 'completed', note: 'Housed with an aunt' }).expect(303);
    r = await referral(id);
    expect(r).to.include({ state: 'closed', closed_outcome: 'completed', sessions_count: 1, minutes_total: 45 });

    const events = await rows<{ kind: string; at: Date; by_person_id: string }>(sql`select kind, at, by_person_id from referral_events where referral_id = ${id} order by at, id`);
    expect(events.map((e) => e.kind)).to.deep.equal(['created', 'accepted', 'started', 'session', 'closed']);
    expect(events.every((e) => e.at !== null && e.by_person_id)).to.equal(true);
    const page = decoded((await advisor.get(url).expect(200)).text);
    expect(page).to.contain('Service started').and.to.contain('Housed with an aunt').and.to.contain('Family housing desk');

    // Mail: each state change to the referrer and the owner (both have addresses), the state only.
    const mail = await rows<{ params: { state: string }; recipient: string }>(sql`select params, recipient from mail_outbox where tenant_id = ${s.tenantId} and template = 'referral.updated'`);
    expect(mail.map((m) => m.params.state).sort()).to.deep.equal(['accepted', 'accepted', 'closed', 'closed', 'in_service', 'in_service', 'requested', 'requested']);
    expect(JSON.stringify(mail)).to.not.contain('housing').and.to.not.contain('Family lost');

    expect((await t.ctx.referrals.connectionsFor(s.tenantId, [studentId(), s.students[1].id])).get(studentId())).to.equal(1);
    // The supports tab counts the connection for the adults; the plan offers a referral to those who may make one.
    expect(decoded((await advisor.get(`/students/${studentId()}/supports`).expect(200)).text)).to.contain('1 connection to a service');
    expect(decoded((await student.get(`/students/${studentId()}/supports`).expect(200)).text)).to.not.contain('connection');
    expect(decoded((await advisor.get(`/students/${studentId()}/plan`).expect(200)).text)).to.contain(`/students/${studentId()}/referrals/new?from=plan`);
    expect(decoded((await family.get(`/students/${studentId()}/plan`).expect(200)).text)).to.not.contain('/referrals/new');
    const audits = await rows<{ action: string; entity: string }>(sql`select action, entity from audit_events where tenant_id = ${s.tenantId} and entity = 'referral'`);
    expect(audits.map((a) => a.action)).to.include.members(['create', 'update', 'read']);
  });

  it('declines with a reason (a decline without one is a 400, nothing written)', async () => {
    const id = await refer(advisor, { support: housing });
    const url = `/students/${studentId()}/referrals/${id}`;
    const bad = await coord.post(`${url}/respond`, { answer: 'decline', version: '1', declineReason: '' }).expect(400);
    expect(bad.text).to.contain('class="error-summary"');
    expect((await referral(id)).state).to.equal('requested');
    await coord.post(`${url}/respond`, { answer: 'decline', version: '1', declineReason: 'Waiting list is full' }).expect(303);
    expect((await referral(id)).state).to.equal('declined');
    // The advisor who referred may not answer.
    const another = await refer(advisor, { support: housing });
    await advisor.post(`/students/${studentId()}/referrals/${another}/respond`, { answer: 'accept', version: '1' }).expect(403);
  });

  it('counts response times on the calendar: a closed Monday moves an urgent Friday referral to Tuesday', async () => {
    await admin.post('/admin/calendar', { name: '', from: '2026-03-09' }).expect(400);
    await admin.post('/admin/calendar', { name: 'Teacher day', from: '2026-03-09', to: '' }).expect(303);
    expect((await admin.get('/admin/calendar').expect(200)).text).to.contain('Teacher day');
    const id = await refer(advisor, { support: housing, urgency: 'urgent' });
    expect(new Date((await referral(id)).due_at).toISOString()).to.equal(END_OF_TUESDAY);
    const routine = await refer(advisor, { support: housing, urgency: 'routine' });
    expect(new Date((await referral(routine)).due_at).toISOString()).to.equal('2026-03-11T23:59:59.999Z');
    // The closed day is a version of the school calendar document (school_holidays holds only what came before it), removed by its date.
    const closed = async () => Number((await rows<{ n: string }>(sql`select jsonb_array_length(body->'holidays') as n from config_versions where tenant_id = ${s.tenantId} and kind = 'school-calendar' and state = 'published'`))[0]!.n);
    expect(await closed()).to.equal(1);
    await advisor.post('/admin/calendar/2026-03-09/remove').expect(403);
    await admin.post('/admin/calendar/2026-03-09/remove').expect(303);
    await admin.post('/admin/calendar/2026-03-09/remove').expect(404);
    expect(await closed()).to.equal(0);
  });

  /** The app's referrals service with a hook that records what it is told, and a small queue page. */
  const withHook = (told: [string, OverdueReferral[]][]) =>
    createReferralsService({ ...t.ctx, checkins: t.ctx.checkins, config: { ...loadReferralsConfig(), queuePageSize: 10 }, rules: () => Promise.resolve(referralRulesKind(loadReferralsConfig()).shipped()), onOverdue: (tenantId, list) => Promise.resolve(void told.push([tenantId, list])) });

  it('marks an overdue referral once, tells the hook once, and the queue shows it overdue', async () => {
    t.clock.set(new Date('2026-03-12T09:00:00Z'));
    const told: [string, OverdueReferral[]][] = [];
    const service = withHook(told);
    const marked = await service.scanOverdue();
    expect(marked).to.be.greaterThan(0);
    const ours = told.filter(([tenantId]) => tenantId === s.tenantId).flatMap(([, list]) => list);
    expect(ours.length).to.be.greaterThan(0);
    expect(Object.keys(ours[0]!)).to.not.include('reason');
    expect(await service.scanOverdue()).to.equal(0);
    expect(await t.ctx.referrals.scanOverdue()).to.equal(0);
    const [n] = await rows<{ n: string }>(sql`select count(*) as n from referrals where tenant_id = ${s.tenantId} and state = 'requested' and overdue_alerted_at is null`);
    expect(Number(n!.n)).to.equal(0);
    try {
      const later = asUser(t.app, await ltikFor(t.ctx, coordinator, 'advisor', null));
      const queue = (await later.get('/referrals').query({ overdue: '1' }).expect(200)).text;
      expect(queue).to.contain('class="overdue"');
    } finally {
      t.clock.set(FRIDAY);
    }
  });

  it('holds a referral needing consent, releases it on consent, hides it again on revoke; providers see only theirs', async () => {
    const org = randomUUID();
    const otherOrg = randomUUID();
    const id = await refer(coord, { support: counselling, reason: 'Low mood for weeks' });
    expect((await referral(id)).held_for_consent).to.equal(true);
    await t.ctx.referrals.assignOrganisation(s.tenantId, id, org);
    expect(await t.ctx.referrals.forOrganisation(s.tenantId, org)).to.deep.equal([]);

    await advisor.post(`/students/${studentId()}/consents`, { giver: 'nobody', method: 'paper', givenOn: '2026-03-06' }).expect(400);
    await advisor.post(`/students/${studentId()}/consents`, { giver: 'parent', method: 'paper', givenOn: '2026-03-06' }).expect(303);
    expect((await referral(id)).held_for_consent).to.equal(false);
    const seen = await t.ctx.referrals.forOrganisation(s.tenantId, org);
    expect(seen).to.have.length(1);
    expect(seen[0]).to.include({ id, support: 'Teen counselling centre', urgency: 'routine', state: 'requested', reason: 'Low mood for weeks' });
    expect(seen[0]!.student.firstName).to.equal('Amara');
    expect(seen[0]!.student.lastInitial).to.match(/^[A-Z0-9]\.$/);
    expect(Object.keys(seen[0]!)).to.not.include('category');

    expect((await t.ctx.referrals.organisationReferral(s.tenantId, org, randomUUID(), id)).id).to.equal(id);
    for (const [o, rid] of [[otherOrg, id], [org, randomUUID()], [org, 'not-an-id']] as const) {
      try {
        await t.ctx.referrals.organisationReferral(s.tenantId, o, randomUUID(), rid);
        expect.fail('should be a 404');
      } catch (err) {
        expect((err as { status?: number }).status).to.equal(404);
      }
    }
    const account = randomUUID();
    await t.ctx.referrals.organisationTransition(s.tenantId, org, account, id, 'respond', { answer: 'accept', version: String((await referral(id)).version) });
    expect((await referral(id)).state).to.equal('accepted');
    const [byProvider] = await rows<{ by_provider_account_id: string }>(sql`select by_provider_account_id from referral_events where referral_id = ${id} and kind = 'accepted'`);
    expect(byProvider!.by_provider_account_id).to.equal(account);

    const [consent] = await rows<{ id: string }>(sql`select id from referral_consents where student_id = ${studentId()}`);
    await advisor.post(`/students/${studentId()}/consents/${consent!.id}/revoke`).expect(303);
    expect((await referral(id)).held_for_consent).to.equal(true);
    expect(await t.ctx.referrals.forOrganisation(s.tenantId, org)).to.deep.equal([]);
    const kinds = (await rows<{ kind: string }>(sql`select kind from referral_events where referral_id = ${id} order by at, id`)).map((e) => e.kind);
    expect(kinds).to.include.members(['held', 'released', 'revoked']);
    const consentAudits = await rows<{ action: string }>(sql`select action from audit_events where tenant_id = ${s.tenantId} and entity = 'referral_consent'`);
    expect(consentAudits.map((a) => a.action)).to.have.members(['create', 'update']);
  });

  it('consent for one referral releases that referral only, and its page offers the form to those who may record it', async () => {
    const org = randomUUID();
    const a = await refer(coord, { support: counselling, reason: 'Panic attacks' });
    const b = await refer(coord, { support: counselling, reason: 'Sleep problems' });
    for (const id of [a, b]) await t.ctx.referrals.assignOrganisation(s.tenantId, id, org);
    expect((await referral(a)).held_for_consent).to.equal(true);
    const page = decoded((await coord.get(`/students/${studentId()}/referrals/${a}`).expect(200)).text);
    expect(page).to.contain(`/students/${studentId()}/referrals/${a}/consent?`);
    await coord.post(`/students/${studentId()}/referrals/${a}/consent`, { giver: 'guardian', method: 'verbal', givenOn: 'yesterday' }).expect(400);
    await coord.post(`/students/${studentId()}/referrals/${a}/consent`, { giver: 'guardian', method: 'verbal', givenOn: '2026-03-06' }).expect(303);
    expect((await referral(a)).held_for_consent).to.equal(false);
    expect((await referral(b)).held_for_consent).to.equal(true);
    expect((await t.ctx.referrals.forOrganisation(s.tenantId, org)).map((r) => r.id)).to.deep.equal([a]);
    // A student or family member never records consent here.
    await family.post(`/students/${studentId()}/consents`, { giver: 'parent', method: 'online', givenOn: '2026-03-06' }).expect(403);
  });

  it('need-to-know: an advisor who did not refer, the admin and family see "a support was arranged"; the student sees it in plain words', async () => {
    const page = (as: ReturnType<typeof asUser>) => as.get(`/students/${studentId()}/supports`).expect(200).then((r) => decoded(r.text));
    for (const who of [advisor, admin, family]) {
      const text = await page(who);
      expect(text).to.contain('A support was arranged');
      expect(text).to.not.contain('Teen counselling centre').and.to.not.contain('Low mood');
    }
    // By default (familyView arrangedOnly) family see no support by name, sensitive or not.
    expect(await page(family)).to.not.contain('Family housing desk');
    const own = await page(student);
    expect(own).to.contain('We asked Teen counselling centre to help you').and.to.not.contain('Low mood');
    const staff = await page(coord);
    expect(staff).to.contain('Teen counselling centre');
    // The detail page hides the same for the advisor; the queue hides it for the admin.
    const [sensitive] = await rows<{ id: string }>(sql`select id from referrals where tenant_id = ${s.tenantId} and sensitive order by created_at limit 1`);
    const detail = decoded((await advisor.get(`/students/${studentId()}/referrals/${sensitive!.id}`).expect(200)).text);
    expect(detail).to.contain('A support was arranged').and.to.not.contain('Low mood').and.to.not.contain('Teen counselling');
    const queue = decoded((await admin.get('/referrals').expect(200)).text);
    expect(queue).to.contain('A support was arranged').and.to.not.contain('Teen counselling');
    await otherAdvisor.get(`/students/${studentId()}/supports`).expect(404);
    await family.get(`/students/${s.students[1].id}/supports`).expect(404);
  });

  it("follows the school's published referral rules: families see non-sensitive supports by name once the admin publishes it", async () => {
    const page = () => family.get(`/students/${studentId()}/supports`).expect(200).then((r) => decoded(r.text));
    expect(await page()).to.not.contain('Family housing desk');
    const adminUser = (await t.ctx.roster.userFromClaims({ tid: s.tenantId, pid: s.admin.id, cid: null, role: 'admin' }))!;
    const kind = referralRulesKind(loadReferralsConfig());
    const draft = await t.ctx.configuration.saveDraft(adminUser, kind.id, { body: { ...kind.shipped(), familyView: 'nonSensitiveByName' }, edits: null });
    // A draft changes nothing.
    expect(await page()).to.not.contain('Family housing desk');
    await t.ctx.configuration.publish(adminUser, kind.id, draft.version);
    const shown = await page();
    expect(shown).to.contain('Family housing desk').and.to.not.contain('Teen counselling centre');
    // Restoring the shipped rules hides it again.
    await t.ctx.configuration.restore(adminUser, kind.id, 0);
    expect(await page()).to.not.contain('Family housing desk');
  });

  it('pages the queue one state after another, waiting ones first, with counts per state', async () => {
    for (let i = 0; i < 12; i++) await refer(advisor, { support: housing, reason: `Queue ${i}` });
    const user = (await t.ctx.roster.userFromClaims({ tid: s.tenantId, pid: coordinator.id, cid: null, role: 'advisor' }))!;
    const service = withHook([]);
    const first = await service.queue(user, { page: 1 });
    const second = await service.queue(user, { page: 2 });
    const total = [...first.counts.values()].reduce((a, b) => a + b, 0);
    expect(first.matched).to.equal(total);
    expect(first.pages).to.equal(Math.ceil(total / 10));
    expect(first.rows).to.have.length(10);
    const states = [...first.rows, ...second.rows].map((r) => r.referral.state);
    expect(states.slice(0, first.counts.get('requested'))).to.satisfy((l: string[]) => l.every((x) => x === 'requested'));
    const ids = [...first.rows, ...second.rows].map((r) => r.referral.id);
    expect(new Set(ids).size).to.equal(ids.length);
    const requested = await service.queue(user, { page: 1, state: 'requested' });
    expect(requested.rows.every((r) => r.referral.state === 'requested')).to.equal(true);
    const dues = requested.rows.map((r) => r.referral.dueAt.getTime());
    expect(dues).to.deep.equal([...dues].sort((a, b) => a - b));
  });

  it('shows current load per support in the catalogue', async () => {
    const text = decoded((await admin.get('/admin/supports').expect(200)).text);
    expect(text).to.contain('Current load');
    const load = await t.ctx.referrals.loadBySupport(s.tenantId);
    expect(load.get(counselling)).to.equal(1);
    expect(await latestId()).to.be.a('string');
  });

  it("answers a kind of support by its own standard once the school publishes one: housing the same day, counselling by the urgency's", async () => {
    const adminUser = (await t.ctx.roster.userFromClaims({ tid: s.tenantId, pid: s.admin.id, cid: null, role: 'admin' }))!;
    const kind = referralRulesKind(loadReferralsConfig());
    const draft = await t.ctx.configuration.saveDraft(adminUser, kind.id, { body: { ...kind.shipped(), categoryResponseDays: [{ category: 'housing', urgent: 0, routine: 1 }] }, edits: null });
    await t.ctx.configuration.publish(adminUser, kind.id, draft.version);
    // Another student of the advisory, so the tests before keep their referrals to themselves.
    const referOther = async (support: string, urgency: string) =>
      idFromLocation((await advisor.post(`/students/${s.students[1].id}/referrals`, { reason: 'Asked for help', urgency, support }).expect(303)).headers.location as string);
    // Friday: housing urgent is due the same day, routine the next school day (Monday); counselling keeps urgent's one day (Monday).
    expect(new Date((await referral(await referOther(housing, 'urgent'))).due_at).toISOString()).to.equal('2026-03-06T23:59:59.999Z');
    expect(new Date((await referral(await referOther(housing, 'routine'))).due_at).toISOString()).to.equal('2026-03-09T23:59:59.999Z');
    expect(new Date((await referral(await referOther(counselling, 'urgent'))).due_at).toISOString()).to.equal('2026-03-09T23:59:59.999Z');
    await t.ctx.configuration.restore(adminUser, kind.id, 0);
  });
});
