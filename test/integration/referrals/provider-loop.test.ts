import { expect } from 'chai';
import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../support/app.js';
import { seedSchool, ltikFor, asUser, type SeededSchool } from '../../support/school.js';
import { enterSystemScopeForTests } from '../../../src/db/tenant-scope.js';
import { queryRows } from '../../../src/db/client.js';
import { decoded } from '../../support/html.js';
import { SEND_JOB } from '../../../src/mail/mail.service.js';
import { supports } from '../../../src/supports/supports.tables.js';

type Agent = ReturnType<typeof request.agent>;
const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
const versionOf = (html: string) => /name="version" value="(\d+)"/.exec(html)?.[1] ?? '';

/**
 * The loop with an outside organisation: a referral to a support the catalogue gives to a community
 * organisation is e-mailed to its people as a sign-in link (no word of the referral); they answer,
 * serve and close it on /provider, seeing only their own referrals' minimum fields.
 */
describe('referrals with a community provider', function () {
  let t: TestApp;
  let s: SeededSchool;
  let coord: ReturnType<typeof asUser>;
  let admin: ReturnType<typeof asUser>;
  let foodBank: string;
  let otherOrg: string;
  let mealPacks: string;
  let referralId: string;
  const rows = <T>(q: ReturnType<typeof sql>) => queryRows<T>(t.ctx.db, q);
  const studentId = () => s.students[0].id;

  async function organisation(name: string): Promise<string> {
    await admin.post('/admin/providers/organisations', { name }).expect(303);
    return (await rows<{ id: string }>(sql`select id from provider_organisations where tenant_id = ${s.tenantId} and name = ${name}`))[0]!.id;
  }

  // Messages kept before the step under test: the test clock stands still, so their sent times tie with the new ones'.
  let keptBefore = new Set<string>();
  /** The newest kept message to `to` since `keptBefore`, with its link as a path and query. */
  async function mailTo(to: string) {
    await t.ctx.jobs.runDue([SEND_JOB]);
    const message = (await t.ctx.mail.keptMessages(500)).find((m) => m.to === to && !keptBefore.has(m.id));
    expect(message, `a message to ${to}`).to.not.equal(undefined);
    const url = new URL(/https?:\/\/\S+/.exec(message!.text)![0]);
    return { path: url.pathname, query: Object.fromEntries(url.searchParams), text: `${message!.subject}\n${message!.text}` };
  }

  async function signedInVia(link: { path: string; query: Record<string, string> }): Promise<Agent> {
    const agent = request.agent(t.app);
    const page = await agent.get(link.path).query(link.query).expect(200);
    await agent.post(link.path).type('form').send({ ...link.query, _csrf: csrfOf(page.text) }).expect(303);
    return agent;
  }

  async function step(agent: Agent, action: string, form: Record<string, string>) {
    const page = await agent.get(`/provider/referrals/${referralId}`).expect(200);
    return agent.post(`/provider/referrals/${referralId}/${action}`).type('form').send({ ...form, version: versionOf(page.text), _csrf: csrfOf(page.text) });
  }

  before(async () => {
    enterSystemScopeForTests();
    t = await createTestApp();
    s = await seedSchool(t.ctx);
    const u = randomUUID().slice(0, 8);
    const coordinator = await t.ctx.roster.upsertPerson(s.tenantId, { sub: `coord-${u}`, name: `Cora Coordinator ${u}` });
    await rows(sql`update people set staff_roles = '{coordinator}', staff_grants = '[{"role":"coordinator","schoolId":null}]' where id = ${coordinator.id}`);
    coord = asUser(t.app, await ltikFor(t.ctx, coordinator, 'advisor', null));
    admin = asUser(t.app, await ltikFor(t.ctx, s.admin, 'admin', s.advisoryId));
    foodBank = await organisation('Eastside Food Bank');
    otherOrg = await organisation('Northside Clinic');
    for (const [org, email] of [[foodBank, 'rosa@foodbank.test'], [otherOrg, 'nils@clinic.test']] as const) {
      await admin.post('/admin/providers/accounts', { organisationId: org, name: email.split('@')[0]!, email }).expect(303);
    }
    const [row] = await t.ctx.db
      .insert(supports)
      .values({ tenantId: s.tenantId, name: 'Weekend meal packs', provider: 'Eastside Food Bank', category: 'food', tier: 2, cost: 'free', referral: 'external', providerOrganisationId: foodBank })
      .returning({ id: supports.id });
    mealPacks = row!.id;
  });
  after(async () => t.ctx.shutdown?.());

  it('sends the referral to the support\'s organisation once a parent consents, and e-mails its people a sign-in link with no word of the referral', async () => {
    const res = await coord.post(`/students/${studentId()}/referrals`, { support: mealPacks, reason: 'Nothing to eat at weekends', urgency: 'urgent' }).expect(303);
    referralId = new URL(res.headers.location as string, 'http://x').pathname.split('/').pop()!;
    const [r] = await rows<{ provider_organisation_id: string; held_for_consent: boolean }>(sql`select provider_organisation_id, held_for_consent from referrals where id = ${referralId}`);
    expect(r!.provider_organisation_id).to.equal(foodBank);
    // Nothing leaves the school before a parent's consent: held, and no mail to the organisation.
    expect(r!.held_for_consent).to.equal(true);
    await t.ctx.jobs.runDue([SEND_JOB]);
    const kept = await t.ctx.mail.keptMessages(500);
    expect(kept.filter((m) => m.to === 'rosa@foodbank.test' && m.text.includes('referral-link'))).to.have.length(0);
    keptBefore = new Set(kept.map((m) => m.id));
    await coord.post(`/students/${studentId()}/referrals/${referralId}/consent`, { giver: 'parent', method: 'verbal', givenOn: '2026-03-06' }).expect(303);
    const mail = await mailTo('rosa@foodbank.test');
    expect(mail.path).to.equal('/provider/referral-link');
    for (const word of [s.students[0].name, 'Amara', 'Nothing to eat', 'meal', 'food']) expect(mail.text.toLowerCase()).to.not.contain(word.toLowerCase());
    const toClinic = (await t.ctx.mail.keptMessages(500)).filter((m) => m.to === 'nils@clinic.test' && m.text.includes('referral-link'));
    expect(toClinic).to.have.length(0);
  });

  it('the provider signs in from the link, sees the minimum, answers, serves and closes it; the school sees the loop closed', async () => {
    const agent = await signedInVia(await mailTo('rosa@foodbank.test'));
    const home = decoded((await agent.get('/provider').expect(200)).text);
    expect(home).to.contain('Weekend meal packs').and.to.contain(`/provider/referrals/${referralId}`);
    const page = decoded((await agent.get(`/provider/referrals/${referralId}`).expect(200)).text);
    expect(page).to.contain('Amara').and.to.contain('Nothing to eat at weekends');
    // First name and last initial only; no category, no advisor, no other record.
    expect(page).to.not.contain(s.students[0].name).and.to.not.contain(s.advisor.name);
    expect((await agent.post(`/provider/referrals/${referralId}/respond`).type('form').send({ answer: 'accept', version: '1' })).status).to.equal(403);
    const bad = await step(agent, 'respond', { answer: 'decline', declineReason: '' });
    expect(bad.status).to.equal(400);
    expect(bad.text).to.contain('class="error-summary"');
    expect((await step(agent, 'respond', { answer: 'accept' })).status).to.equal(303);
    expect((await step(agent, 'start', {})).status).to.equal(303);
    expect((await step(agent, 'session', { date: '2026-03-07', minutes: '45' })).status).to.equal(303);
    expect((await step(agent, 'close', { outcome: 'completed', note: 'Packs every Friday until June' })).status).to.equal(303);
    const [r] = await rows<{ state: string; closed_outcome: string; sessions_count: number }>(sql`select state, closed_outcome, sessions_count from referrals where id = ${referralId}`);
    expect(r).to.deep.include({ state: 'closed', closed_outcome: 'completed', sessions_count: 1 });
    const events = await rows<{ kind: string; by_provider_account_id: string | null }>(sql`select kind, by_provider_account_id from referral_events where referral_id = ${referralId} order by at, kind`);
    expect(events.filter((e) => e.by_provider_account_id !== null)).to.have.length(4);
    const audited = await rows<{ action: string; actor_role: string }>(sql`select action, actor_role from audit_events where tenant_id = ${s.tenantId} and entity = 'referral' and entity_id = ${referralId} and actor_role = 'provider'`);
    expect(audited.map((a) => a.action)).to.include('read').and.to.include('update');
    const school = decoded((await coord.get(`/students/${studentId()}/referrals/${referralId}`).expect(200)).text);
    expect(school).to.contain('Closed').and.to.contain('Packs every Friday until June');
  });

  it('another organisation\'s people, and guessed ids, get a 404; an ltik opens nothing there', async () => {
    await t.ctx.providers.requestLink(s.tenantId, 'nils@clinic.test');
    const clinic = await signedInVia(await mailTo('nils@clinic.test'));
    expect(decoded((await clinic.get('/provider').expect(200)).text)).to.not.contain('Weekend meal packs');
    await clinic.get(`/provider/referrals/${referralId}`).expect(404);
    await clinic.get(`/provider/referrals/${randomUUID()}`).expect(404);
    await clinic.get('/provider/referrals/not-an-id').expect(404);
    const page = await clinic.get('/provider').expect(200);
    await clinic.post(`/provider/referrals/${referralId}/close`).type('form').send({ outcome: 'moved', version: '9', _csrf: csrfOf(page.text) }).expect(404);
    await coord.get(`/provider/referrals/${referralId}`).expect(401);
  });
});
