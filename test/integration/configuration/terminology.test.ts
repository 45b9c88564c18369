import { expect } from 'chai';
import { createTestApp, type TestApp } from '../../support/app.js';
import { seedSchool, ltikFor, asUser, type SeededSchool } from '../../support/school.js';
import { configFormOf, decoded } from '../../support/html.js';
import { enterSystemScopeForTests } from '../../../src/db/tenant-scope.js';
import { supports } from '../../../src/supports/supports.tables.js';

const EDITOR = '/admin/configuration/terminology';

/**
 * Terminology (issue 14 item 3): a school that calls its navigators "mentors" publishes the word once
 * and every page its people open says it, in English and in Spanish; another school, served by the same
 * process a moment later, keeps "navigator"; a word that could break a sentence is refused in place.
 */
describe('terminology: what a school calls its navigators', function () {
  this.timeout(120_000);
  let t: TestApp;
  let s: SeededSchool;
  let admin: ReturnType<typeof asUser>;

  before(async () => {
    t = await createTestApp();
    s = await seedSchool(t.ctx);
    admin = asUser(t.app, await ltikFor(t.ctx, s.admin, 'admin', s.advisoryId));
  });
  after(async () => t.ctx.shutdown?.());

  it('published, the school\'s pages say its word in both languages; another school keeps the shipped one', async () => {
    const advisor = asUser(t.app, await ltikFor(t.ctx, s.advisor, 'advisor', s.advisoryId));
    const inSpanish = asUser(t.app, await t.ctx.ltiks.issue({ tid: s.tenantId, pid: s.advisor.id, cid: s.advisoryId, role: 'advisor', loc: 'es' }));
    const other = asUser(t.app, await ltikFor(t.ctx, s.other.advisor, 'advisor', s.other.contextId));
    expect(decoded((await advisor.get('/navigator').expect(200)).text)).to.contain('Navigator view');

    const form = configFormOf(decoded((await admin.get(EDITOR).expect(200)).text));
    expect(form).to.include({ 'f.navigator.one': 'navigator', 'f.navigator.es.one': 'referente' });
    await admin.post(`${EDITOR}/draft`, { ...form, 'f.navigator.one': 'success coach', 'f.navigator.other': 'success coaches', 'f.navigator.es.one': 'mentor', 'f.navigator.es.other': 'mentores' }).expect(303);
    await admin.post(`${EDITOR}/publish`, { version: '1' }).expect(303);

    const english = decoded((await advisor.get('/navigator').expect(200)).text);
    expect(english).to.contain('Success coach view').and.not.to.contain('Navigator view');
    expect(decoded((await inSpanish.get('/navigator').expect(200)).text)).to.contain('Vista del mentor').and.not.to.contain('Vista del referente');
    // The same process, the same texts' caches: the other school still says navigator.
    expect(decoded((await other.get('/navigator').expect(200)).text)).to.contain('Navigator view').and.not.to.contain('Success coach');
    // An automation's choice names the school's word with its article.
    expect(decoded((await admin.get('/admin/automations/new').expect(200)).text)).to.contain('Assign a success coach');
  });

  it("renames goals' statuses and referrals' steps as the school words them, in both languages; what each means stays", async () => {
    const advisor = asUser(t.app, await ltikFor(t.ctx, s.advisor, 'advisor', s.advisoryId));
    const inSpanish = asUser(t.app, await t.ctx.ltiks.issue({ tid: s.tenantId, pid: s.advisor.id, cid: s.advisoryId, role: 'advisor', loc: 'es' }));
    const other = asUser(t.app, await ltikFor(t.ctx, s.other.advisor, 'advisor', s.other.contextId));
    const student = s.students[1]!.id;
    await advisor.post(`/students/${student}/goals`, { category: 'academic', statement: 'Read twenty minutes a night', measure: 'Reading log', target: '5 nights a week', targetDate: '2026-06-01', why: 'To enjoy reading' }).expect(303);
    const goals = `/students/${student}/goals`;
    expect(decoded((await advisor.get(goals).expect(200)).text)).to.contain('Active');

    const form = configFormOf(decoded((await admin.get(EDITOR).expect(200)).text));
    expect(form).to.include({ 'f.goalStatuses.active.label': 'Active', 'f.referralStates.in_service.label': 'In service' });
    await admin.post(`${EDITOR}/draft`, { ...form, 'f.goalStatuses.active.label': 'Under way', 'f.goalStatuses.active.es': 'En marcha' }).expect(303);
    const version = /name="version" value="(\d+)"/.exec(decoded((await admin.get(EDITOR).expect(200)).text))![1]!;
    await admin.post(`${EDITOR}/publish`, { version }).expect(303);

    const english = decoded((await advisor.get(goals).expect(200)).text);
    expect(english).to.contain('Under way');
    expect(decoded((await inSpanish.get(goals).expect(200)).text)).to.contain('En marcha');
    // Another school, the same process a moment later: the shipped label.
    const otherGoals = decoded((await other.get(`/students/${s.other.student.id}/goals`).expect(200)).text);
    expect(otherGoals).not.to.contain('Under way');
    // A label with markup is refused in place.
    const refused = decoded((await admin.post(`${EDITOR}/draft`, { ...form, 'f.goalStatuses.active.label': '<i>Active</i>' }).expect(400)).text);
    expect(refused).to.contain('value="&lt;i&gt;Active&lt;/i&gt;"');
  });

  it("renames the plain words a student reads of their referral's step, apart from the adults' label", async () => {
    enterSystemScopeForTests();
    const [support] = await t.ctx.db.insert(supports).values({ tenantId: s.tenantId, name: 'Tutoring hub', provider: 'Provider', category: 'academic', tier: 2, cost: 'free', referral: 'internal', sensitive: false }).returning({ id: supports.id });
    const studentId = s.students[2]!.id;
    const advisor = asUser(t.app, await ltikFor(t.ctx, s.advisor, 'advisor', s.advisoryId));
    const student = asUser(t.app, await ltikFor(t.ctx, s.students[2]!, 'student', s.advisoryId));
    await advisor.post(`/students/${studentId}/referrals`, { support: support!.id, reason: 'Wants help with algebra', urgency: 'routine' }).expect(303);
    const supportsTab = `/students/${studentId}/supports`;
    expect(decoded((await student.get(supportsTab).expect(200)).text)).to.contain('Asked for, waiting for an answer');

    const form = configFormOf(decoded((await admin.get(EDITOR).expect(200)).text));
    expect(form).to.include({ 'f.studentReferralStates.requested.label': 'Asked for, waiting for an answer' });
    await admin.post(`${EDITOR}/draft`, { ...form, 'f.studentReferralStates.requested.label': 'Sent to the team, they will answer soon' }).expect(303);
    const version = /name="version" value="(\d+)"/.exec(decoded((await admin.get(EDITOR).expect(200)).text))![1]!;
    await admin.post(`${EDITOR}/publish`, { version }).expect(303);

    expect(decoded((await student.get(supportsTab).expect(200)).text)).to.contain('Sent to the team, they will answer soon').and.not.to.contain('Asked for, waiting');
    // The adults keep their own short label for the same step.
    expect(decoded((await advisor.get(supportsTab).expect(200)).text)).to.contain('Requested').and.not.to.contain('Sent to the team');
  });

  it('agrees Spanish articles with a feminine word: "la mentora", "de la mentora", "una mentora"', async () => {
    const inSpanish = asUser(t.app, await t.ctx.ltiks.issue({ tid: s.tenantId, pid: s.advisor.id, cid: s.advisoryId, role: 'advisor', loc: 'es' }));
    const adminInSpanish = asUser(t.app, await t.ctx.ltiks.issue({ tid: s.tenantId, pid: s.admin.id, cid: s.advisoryId, role: 'admin', loc: 'es' }));
    const form = configFormOf(decoded((await admin.get(EDITOR).expect(200)).text));
    await admin.post(`${EDITOR}/draft`, { ...form, 'f.navigator.es.one': 'mentora', 'f.navigator.es.other': 'mentoras', 'f.navigator.es.feminine': 'on' }).expect(303);
    const version = /name="version" value="(\d+)"/.exec(decoded((await admin.get(EDITOR).expect(200)).text))![1]!;
    await admin.post(`${EDITOR}/publish`, { version }).expect(303);
    const page = decoded((await inSpanish.get('/navigator').expect(200)).text);
    expect(page).to.contain('Vista de la mentora').and.not.to.contain('Vista del mentora');
    expect(decoded((await adminInSpanish.get('/admin/automations/new').expect(200)).text)).to.contain('Asignar una mentora').and.to.contain('Las mentoras del estudiante');
  });

  it('refuses a word with markup or digits, in place with the input kept, and saves nothing', async () => {
    const form = configFormOf(decoded((await admin.get(EDITOR).expect(200)).text));
    const res = await admin.post(`${EDITOR}/draft`, { ...form, 'f.navigator.one': '<b>coach</b>', 'f.navigator.es.other': 'mentor2' }).expect(400);
    const html = decoded(res.text);
    expect(html).to.contain('value="&lt;b&gt;coach&lt;/b&gt;"').and.to.contain('value="mentor2"');
    expect(decoded((await asUser(t.app, await ltikFor(t.ctx, s.advisor, 'advisor', s.advisoryId)).get('/navigator').expect(200)).text)).to.contain('Success coach view');
  });

  it("previews a draft in its own words, not those in force: the navigator's heading, goals' statuses and referrals' steps, as the adults and as the student read them", async () => {
    const form = configFormOf(decoded((await admin.get(EDITOR).expect(200)).text));
    expect(form).to.include({ 'f.navigator.one': 'success coach', 'f.goalStatuses.active.label': 'Under way' });
    const renamed = { 'f.navigator.one': 'mentor', 'f.navigator.other': 'mentors', 'f.navigator.es.one': 'tutor', 'f.navigator.es.other': 'tutores', 'f.goalStatuses.active.label': 'In progress', 'f.goalStatuses.active.es': 'En curso', 'f.referralStates.in_service.label': 'Getting support', 'f.studentReferralStates.requested.label': 'Waiting to hear back' };
    await admin.post(`${EDITOR}/draft`, { ...form, ...renamed }).expect(303);
    const version = /name="version" value="(\d+)"/.exec(decoded((await admin.get(EDITOR).expect(200)).text))![1]!;
    const preview = (agent: ReturnType<typeof asUser>, as: string) => agent.get(`${EDITOR}/preview`).query({ version, as });

    const adults = decoded((await preview(admin, 'adult').expect(200)).text);
    expect(adults).to.contain('<h1 id="preview-title">Mentor for Sample Student</h1>').and.to.contain('Mentor now:').and.to.contain('>In progress</span>').and.to.contain('Getting support');
    expect(adults).not.to.contain('Success coach').and.not.to.contain('success coach').and.not.to.contain('Under way');
    const student = decoded((await preview(admin, 'student').expect(200)).text);
    expect(student).to.contain('>In progress</span>').and.to.contain('Waiting to hear back').and.to.contain('class="goal-list"').and.to.contain('class="referral-list"');
    expect(student).not.to.contain('Sent to the team').and.not.to.contain('Under way').and.not.to.contain('Getting support');
    const inSpanish = asUser(t.app, await t.ctx.ltiks.issue({ tid: s.tenantId, pid: s.admin.id, cid: s.advisoryId, role: 'admin', loc: 'es' }));
    const spanish = decoded((await preview(inSpanish, 'adult').expect(200)).text);
    expect(spanish).to.contain('En curso').and.to.match(/Tutor\b/).and.not.to.contain('En marcha').and.not.to.match(/\bMentor\b/);

    // The words in force are as they were, on the pages people open after the preview.
    const advisor = asUser(t.app, await ltikFor(t.ctx, s.advisor, 'advisor', s.advisoryId));
    expect(decoded((await advisor.get('/navigator').expect(200)).text)).to.contain('Success coach view').and.not.to.contain('Mentor');
    expect(decoded((await advisor.get(`/students/${s.students[1]!.id}/goals`).expect(200)).text)).to.contain('Under way').and.not.to.contain('In progress');

    await preview(admin, 'family').expect(400);
    await admin.get(`${EDITOR}/preview`).query({ version, as: 'adult', part: '1' }).expect(400);
    await preview(advisor, 'adult').expect(403);
  });
});
