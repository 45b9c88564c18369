import { expect } from 'chai';
import { withTenant } from '../../../src/db/tenant-scope.js';
import request from 'supertest';
import { createTestApp, type TestApp } from '../../support/app.js';
import type { AppUser, ToolRole } from '../../../src/auth/user.js';
import type { CaseloadRow } from '../../../src/caseload/caseload.service.js';
import { RESET_PATH } from '../../../src/sandbox/sandbox.routes.js';
import { validData } from '../../../src/web/forms.js';
import { asUser } from '../../support/school.js';

const ADVISORY_9A = [
  'Amara Okafor', 'Liam Nguyen', 'Sofia Hernández', 'Noah Patel', 'Zoe Kim', 'Mateo García',
  'Ava Thompson', 'Ethan Brooks', 'Maya Chen', 'Jackson Lee', 'Isabella Rossi', 'Owen Walsh',
];
const ALL = { sort: 'attention', show: 'all', status: '', q: '', view: '', page: 1 } as const;

describe('sandbox sample school: a term of history on first start', function () {
  this.timeout(60_000);
  // A port of its own keeps this test's sandbox tenant apart from others on the shared database.
  const port = 40000 + Math.floor(Math.random() * 20000);
  const baseUrl = `http://localhost:${port}`;
  const issuer = `http://127.0.0.1:${port}/sandbox`;
  let t: TestApp;

  before(async () => {
    t = await createTestApp({ sandbox: true, baseUrl });
  });

  async function tenantId(app: TestApp): Promise<string> {
    const tenants = (await app.ctx.platforms.list()).filter((x) => x.issuer === issuer);
    expect(tenants).to.have.length(1);
    return tenants[0]!.id;
  }

  /** The person as their launch from that course would make them. */
  async function userOf(app: TestApp, sub: string, courseId: string, role: ToolRole): Promise<AppUser> {
    const tid = await tenantId(app);
    const [person] = await app.ctx.roster.findPeopleBySub(tid, [sub]);
    const context = (await app.ctx.roster.listContexts(tid)).find((c) => c.contextId === courseId);
    expect(person, sub).to.not.equal(undefined);
    expect(context, courseId).to.not.equal(undefined);
    const user = await app.ctx.roster.userFromClaims({ tid, pid: person!.id, cid: context!.id, role });
    expect(user, `${sub} in ${courseId}`).to.not.equal(null);
    return user!;
  }

  const rivera = (app: TestApp) => userOf(app, 'sandbox-teacher-rivera', 'sandbox-adv-9a', 'advisor');
  const chen = (app: TestApp) => userOf(app, 'sandbox-teacher-chen', 'sandbox-adv-9b', 'advisor');

  /** What a restart or a reset must reproduce exactly, and nothing more. */
  const fingerprint = (rows: CaseloadRow[]) =>
    rows.map((r) => [r.name, r.plan.status, r.goals, r.lastCheckin, r.wellbeing, r.needs.map((n) => `${n.category}:${n.urgency}`), r.navigatorName]).sort();

  it('counts each of the district\'s two schools: the district view shows both side by side, each school view its students', async () => {
    const tid = await tenantId(t);
    const [dana] = await t.ctx.roster.findPeopleBySub(tid, ['sandbox-admin-whitfield']);
    const admin = asUser(t.app, await t.ctx.ltiks.issue({ tid, pid: dana!.id, cid: null, role: 'admin' }));
    const schools = await t.ctx.schools.list(tid);
    expect(schools.map((x) => x.name).sort()).to.deep.equal(['Lincoln High School', 'Riverside High School']);
    // The seed counted this week's figures as the nightly job does: 24 students between the two schools.
    const district = await admin.get('/district').expect(200);
    expect(district.text).to.contain('Lincoln High School').and.to.contain('Riverside High School');
    const adminUser = (await t.ctx.roster.userFromClaims({ tid, pid: dana!.id, cid: null, role: 'admin' }))!;
    const snapshots = await withTenant(tid, () => t.ctx.dashboards.district(adminUser));
    expect(snapshots.snapshots.reduce((n, x) => n + x.students, 0)).to.equal(24);
    for (const school of schools) {
      const page = await admin.get(`/schools/${school.id}`).expect(200);
      expect(page.text).to.contain(school.name).and.to.contain('Open needs by Grade');
      const list = await admin.get(`/schools/${school.id}/students?show=all`).expect(200);
      const onList = (list.text.match(/<th scope="row">/g) ?? []).length;
      const students = await t.ctx.schools.studentsAt(tid, school.id);
      expect(onList, school.name).to.equal(students.length);
      const csv = await admin.get(`/schools/${school.id}/students/export?show=all&format=csv`).expect(200);
      expect(csv.headers['content-type']).to.match(/^text\/csv/);
    }
    await admin.get('/schools/not-a-school').expect(404);
    await admin.get(`/schools/${schools[0]!.id}?group=bogus`).expect(400);
  });

  it('gives Ms. Rivera her 12 advisory students with plans, goals and check-ins in varied states, ranked with reasons', async () => {
    const { rows, total } = await t.ctx.caseload.list(await rivera(t), ALL);
    expect(total).to.equal(12);
    expect(rows.map((r) => r.name)).to.have.members(ADVISORY_9A);

    expect(new Set(rows.map((r) => r.plan.status))).to.deep.equal(new Set(['none', 'draft', 'active']));
    expect(rows.filter((r) => r.goals.active > 0).length, 'students with an active goal').to.be.at.least(3);
    expect(rows.some((r) => r.goals.achieved > 0), 'an achieved goal').to.equal(true);
    expect(rows.some((r) => r.goals.proposed > 0), 'a goal waiting for approval').to.equal(true);
    expect(rows.filter((r) => r.lastCheckin !== null).length, 'students checked in this term').to.equal(12);
    expect(rows.some((r) => r.overdue), 'a student missed the latest sessions').to.equal(true);
    expect(rows.some((r) => !r.overdue)).to.equal(true);
    expect(new Set(rows.map((r) => r.wellbeing)).size, 'varied well-being').to.be.at.least(3);

    // Needs attention first: the urgent (sensitive) well-being need raised at the last session leads.
    expect(rows[0]!.name).to.equal('Ethan Brooks');
    expect(rows[0]!.urgent).to.equal(true);
    expect(rows[0]!.reasons[0]).to.match(/^urgent mental and emotional well-being need raised/);
    expect(rows[0]!.needs.map((n) => n.sensitive)).to.deep.equal([true]);
    expect(rows.flatMap((r) => r.needs).filter((n) => n.urgency === 'concern').length, 'concerns raised').to.be.at.least(3);
    for (let i = 1; i < rows.length; i++) expect(rows[i - 1]!.score).to.be.at.least(rows[i]!.score);
    expect(rows.filter((r) => r.reasons.length > 0).length, 'students with a reason to look at them').to.be.at.least(6);
    const mateo = rows.find((r) => r.name === 'Mateo García')!;
    expect(mateo.reasons.join('; ')).to.match(/no check-in attended for \d+ days/);

    // A hand-off: Jackson's navigator is now Mr. Chen, and he trusts his coach.
    const jackson = rows.find((r) => r.name === 'Jackson Lee')!;
    expect(jackson).to.include({ navigatorName: 'Marcus Chen', preferredAdult: 'Coach Chen' });
  });

  it('wrote the history in the right voices and at past dates', async () => {
    const advisor = await rivera(t);
    const { rows } = await t.ctx.caseload.list(advisor, ALL);
    const amara = rows.find((r) => r.name === 'Amara Okafor')!;
    const plan = await t.ctx.plans.view(advisor, amara.id);
    expect(plan.status).to.equal('active');
    const strengths = plan.sections.flatMap((x) => x.fields).find((f) => f.key === 'strengths')!;
    expect(strengths.voices.map((v) => v.entry?.authorName)).to.deep.equal(['Amara Okafor', 'Elena Rivera']);
    expect(plan.comments.map((c) => c.authorName)).to.deep.equal(['Grace Okafor']);
    // Last school year's plan, linked from this year's page (the crawler reaches it by the link).
    expect(plan.earlierYears).to.have.length(1);
    const asRivera = asUser(t.app, await t.ctx.ltiks.issue({ tid: advisor.tenantId, pid: advisor.personId, cid: advisor.contextId, role: 'advisor' }));
    const page = await asRivera.get(`/students/${amara.id}/plan`).expect(200);
    const link = new RegExp(`href="(/students/${amara.id}/plan/years/${plan.earlierYears[0]}[^"]*)"`).exec(page.text);
    expect(link, 'a link to last year\'s plan').to.not.equal(null);
    const earlier = await asRivera.get(new URL(link![1]!.replace(/&amp;/g, '&'), 'http://x').pathname).expect(200);
    expect(earlier.text).to.contain('ready for a peer tutoring role');
    const history = await t.ctx.checkins.history(advisor, amara.id);
    expect(history.checkins).to.have.length(10);
    const dates = history.checkins.map((c) => Date.parse(c.date));
    expect(Math.max(...dates) - Math.min(...dates), 'ten weeks of sessions').to.be.at.least(60 * 86_400_000);
    const goals = await t.ctx.goals.list(advisor, amara.id);
    expect(goals.goals.map((g) => g.status).sort()).to.deep.equal(['achieved', 'active']);
    const detail = await t.ctx.goals.detail(advisor, amara.id, goals.goals.find((g) => g.status === 'active')!.id);
    expect(detail.steps.filter((x) => x.done)).to.have.length(2);
    expect(detail.steps.filter((x) => !x.done)).to.have.length(2);
    expect(detail.progress.map((p) => p.authorName)).to.include.members(['Amara Okafor', 'Elena Rivera']);
  });

  it('places the sample students in two schools, with one move and a few programs', async () => {
    const tid = await tenantId(t);
    const schools = await t.ctx.schools.list(tid);
    expect(schools.map((s) => s.name)).to.deep.equal(['Lincoln High School', 'Riverside High School']);
    const [lincoln, riverside] = schools;
    // 9A's twelve at Lincoln but the one who moved; 9B's twelve and the mover at Riverside; all in grade 09.
    const at = (id: string) => withTenant(tid, () => t.ctx.schools.studentsAt(tid, id));
    expect((await at(lincoln!.id)).map((s) => s.gradeLevel)).to.deep.equal(Array(11).fill('09'));
    expect(await at(riverside!.id)).to.have.length(13);
    const riversideNow = await at(riverside!.id);
    const firstDay = riversideNow.map((s) => s.startedOn).sort()[0];
    const moved = riversideNow.filter((s) => s.startedOn !== firstDay);
    expect(moved, 'the mover').to.have.length(1);
    expect((await t.ctx.schools.historyOf(tid, moved[0]!.studentId)).map((h) => h.schoolId)).to.deep.equal([lincoln!.id, riverside!.id]);
    const groups = await t.ctx.schools.groupsOf(tid, [...(await at(lincoln!.id)), ...riversideNow].map((s) => s.studentId));
    // The programs file names five students: frl yes for three, no for one, blank (not recorded) for one.
    expect([...groups.values()].map((g) => g.frl ?? '')).to.have.members(['yes', 'no', 'yes', 'yes', '']);
  });

  it('gives the school its supports: the starter catalogue, a community organisation for housing, a referral in service and one an automation drafted', async () => {
    const tid = await tenantId(t);
    const moore = await userOf(t, 'sandbox-counselor-moore', 'sandbox-adv-9a', 'advisor');
    expect(moore.staffRoles).to.have.members(['counsellor', 'coordinator']);
    const housing = (await t.ctx.supports.activeSupports(tid)).find((x) => x.starterKey === 'housing-liaison');
    expect(housing?.providerOrganisationId).to.be.a('string');
    expect((await t.ctx.providers.organisationsOf(tid)).map((o) => o.name)).to.deep.equal(['District family services']);
    const queue = await t.ctx.referrals.queue(moore, { page: 1 });
    expect(queue.rows.map((r) => [r.studentName, r.referral.state])).to.deep.equal([['Mateo García', 'in_service']]);
    // An automation drafted a technology referral for Amara: it waits in the queue for review, not as a referral.
    expect(queue.drafts.map((d) => [d.studentName, d.draft.category, d.draft.ruleName])).to.deep.equal([['Amara Okafor', 'technology', 'Technology need: draft a referral']]);
  });

  it('opens a belonging pulse today: Amara (the student launcher) is asked, three of each advisory answered, their indicators carry the score', async () => {
    const tid = await tenantId(t);
    const [window, ...others] = await t.ctx.surveys.windowsFor(tid);
    expect(others).to.have.length(0);
    expect(window).to.deep.include({ surveyId: 'belonging-pulse', state: 'open', schoolId: null });
    const amara = await userOf(t, 'sandbox-student-amara-okafor', 'sandbox-adv-9a', 'student');
    expect(await t.ctx.surveys.openFor(amara)).to.deep.equal([{ windowId: window!.id, title: 'Belonging pulse', closesOn: window!.closesOn, answered: false }]);
    const { rows } = await t.ctx.caseload.list(await rivera(t), ALL);
    const ids = rows.map((r) => r.id);
    expect((await t.ctx.surveys.resultsFor(tid, window!.id, ids))!.respondents).to.equal(3);
    // Liam answered 4, 5, 4, 3 and 2 on the reverse-scored safety item (6 - 2 = 4): 20 / 5 = 4.
    const liam = rows.find((r) => r.name === 'Liam Nguyen')!.id;
    expect((await t.ctx.indicators.summaryFor(tid, [liam])).get(liam)!.indicators!.pulse.latest!.score).to.equal(4);
  });

  it('gives Mr. Chen his own advisory, plus the student handed to him', async () => {
    const { rows } = await t.ctx.caseload.list(await chen(t), ALL);
    const names = rows.map((r) => r.name);
    expect(names).to.have.length(13);
    expect(names).to.include.members(['Aaliyah Johnson', 'Dev Sharma', 'Jackson Lee']);
    expect(names).to.not.include('Amara Okafor');
    expect(rows.find((r) => r.name === 'Jackson Lee')!.navigatorName).to.equal('You');
  });

  it('seeds once and a restart does not seed again', async () => {
    const seeded = t.logs.lines.filter((l) => l.msg === 'sandbox sample school seeded');
    expect(seeded).to.have.length(1);
    const before = fingerprint((await t.ctx.caseload.list(await rivera(t), ALL)).rows);
    const again = await createTestApp({ sandbox: true, baseUrl });
    expect(again.logs.lines.filter((l) => l.msg === 'sandbox sample school seeded'), 'a second seed').to.deep.equal([]);
    expect(fingerprint((await again.ctx.caseload.list(await rivera(again), ALL)).rows)).to.deep.equal(before);
    const advisor = await rivera(again);
    const amara = (await again.ctx.caseload.list(advisor, { ...ALL, q: 'Amara' })).rows[0]!;
    expect((await again.ctx.checkins.history(advisor, amara.id)).checkins).to.have.length(10);
    expect((await again.ctx.goals.list(advisor, amara.id)).goals).to.have.length(2);
  });

  it('offers the launchers and a reset button that wipes and reseeds without duplicates', async () => {
    const home = await request(t.app).get('/').expect(200);
    for (const label of ['Launch as teacher', 'Launch as second advisor', 'Launch as subject teacher', 'Launch as student', 'Launch as parent', 'Launch as counselor', 'Launch as admin', 'Launch as school leader (account)']) {
      expect(home.text).to.include(`>${label}</a>`);
    }
    expect(home.text).to.match(/<form method="post" action="\/sandbox-school\/reset" data-crawler="skip">/);

    const advisor = await rivera(t);
    const before = fingerprint((await t.ctx.caseload.list(advisor, ALL)).rows);
    const ava = (await t.ctx.caseload.list(advisor, { ...ALL, q: 'Ava' })).rows[0]!;
    await t.ctx.plans.comment(advisor, ava.id, validData({ text: 'Written after the seed: the reset must remove it' }));
    const oldTenant = await tenantId(t);

    const res = await request(t.app).post(RESET_PATH).set('Sec-Fetch-Site', 'same-origin').expect(303);
    expect(res.headers.location).to.equal('/?sandbox=reset');
    expect(await tenantId(t)).to.not.equal(oldTenant);
    const after = await t.ctx.caseload.list(await rivera(t), ALL);
    expect(after.total).to.equal(12);
    expect(fingerprint(after.rows)).to.deep.equal(before);
    const ava2 = after.rows.find((r) => r.name === 'Ava Thompson')!;
    const advisor2 = await rivera(t);
    expect((await t.ctx.plans.view(advisor2, ava2.id)).comments).to.deep.equal([]);

    const notice = await request(t.app).get('/').query({ sandbox: 'reset' }).expect(200);
    expect(notice.text).to.include('The sample school was reset');
    await request(t.app).post(RESET_PATH).set('Sec-Fetch-Site', 'cross-site').expect(403);
  });

  it('keeps the school\'s calendar (time zone, school year start) through a reset', async () => {
    await t.ctx.platforms.update(await tenantId(t), { timeZone: 'America/Chicago', schoolYearStart: '07-15' });
    await request(t.app).post(RESET_PATH).set('Sec-Fetch-Site', 'same-origin').expect(303);
    const fresh = await tenantId(t);
    expect(await t.ctx.platforms.timeZoneOf(fresh)).to.equal('America/Chicago');
    expect(await t.ctx.platforms.schoolYearStartOf(fresh)).to.equal('07-15');
    expect((await t.ctx.caseload.list(await rivera(t), ALL)).total).to.equal(12);
  });
});

describe('sandbox sample school: written in the school\'s days, not UTC\'s', function () {
  this.timeout(180_000);
  const port = 40000 + Math.floor(Math.random() * 20000);
  const issuer = `http://127.0.0.1:${port}/sandbox`;
  let t: TestApp;

  before(async () => {
    // 22:00 on Friday 31 July in Los Angeles: already Saturday 1 August, a new school year, in UTC.
    t = await createTestApp({ sandbox: true, baseUrl: `http://localhost:${port}` }, { now: new Date('2026-08-01T05:00:00Z') });
  });
  after(async () => {
    await t.ctx.shutdown?.();
  });

  it('keeps the school year and the weekly sessions on the school\'s calendar', async () => {
    const [tenant] = (await t.ctx.platforms.list()).filter((x) => x.issuer === issuer);
    expect(tenant!.timeZone).to.equal('America/Los_Angeles');
    const tid = tenant!.id;
    const [person] = await t.ctx.roster.findPeopleBySub(tid, ['sandbox-teacher-rivera']);
    const context = (await t.ctx.roster.listContexts(tid)).find((c) => c.contextId === 'sandbox-adv-9a');
    const advisor = (await t.ctx.roster.userFromClaims({ tid, pid: person!.id, cid: context!.id, role: 'advisor' }))!;
    const amara = (await t.ctx.caseload.list(advisor, { ...ALL, q: 'Amara' })).rows[0]!;
    // In UTC the year would have begun today, leaving no history to write.
    expect((await t.ctx.plans.view(advisor, amara.id)).schoolYear).to.equal('2025-2026');
    const dates = (await t.ctx.checkins.history(advisor, amara.id)).checkins.map((c) => c.date).sort();
    expect(dates).to.have.length(10);
    // The latest session two school days back from Friday the 31st: Wednesday the 29th (UTC's Saturday would give Thursday).
    expect(dates.at(-1)).to.equal('2026-07-29');
    for (const d of dates) expect([0, 6], d).to.not.include(new Date(`${d}T00:00:00Z`).getUTCDay());
  });
});
