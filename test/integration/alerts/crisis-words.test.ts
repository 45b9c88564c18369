import { expect } from 'chai';
import { createTestApp, type TestApp } from '../../support/app.js';
import { ltikFor, asUser } from '../../support/school.js';
import { enterSystemScopeForTests } from '../../../src/db/tenant-scope.js';
import * as alertsRepo from '../../../src/alerts/alerts.repository.js';
import { crisisMatcher } from '../../../src/alerts/alerts.schemas.js';
import { seedAlertSchool, type AlertSchool } from './school.js';

type As = ReturnType<typeof asUser>;

describe('crisis words: matched whole, case- and accent-insensitive', () => {
  const matches = crisisMatcher(['suicide', 'kill myself', 'hacerme dano']);
  it('matches a word or phrase whatever its case, accents and punctuation', () => {
    expect(matches(['Sometimes I think about SUICÍDE.'])).to.equal(true);
    expect(matches(['I want to kill   myself'])).to.equal(true);
    expect(matches(['A veces quiero hacerme daño'])).to.equal(true);
  });
  it('never matches a word inside another word', () => {
    expect(matches(['The Suicidesquad movie was fun'])).to.equal(false);
    expect(matches(['skill myselfie'])).to.equal(false);
    expect(matches([''])).to.equal(false);
  });
});

describe('crisis words in what a student writes raise one alert, keeping none of the words', function () {
  this.timeout(30_000);
  let t: TestApp;
  let s: AlertSchool;
  let student: As;
  let student2: As;
  let advisor: As;

  before(async () => {
    enterSystemScopeForTests();
    t = await createTestApp();
    t.clock.set(new Date('2026-03-20T15:00:00Z'));
    s = await seedAlertSchool(t);
    student = asUser(t.app, await ltikFor(t.ctx, s.students[0], 'student', s.advisoryId));
    student2 = asUser(t.app, await ltikFor(t.ctx, s.students[1], 'student', s.advisoryId));
    advisor = asUser(t.app, await ltikFor(t.ctx, s.advisor, 'advisor', s.advisoryId));
  });
  after(async () => t.ctx.shutdown?.());

  const crisisOf = async (studentId: string) => (await alertsRepo.list(t.ctx.db, s.tenantId, { all: true }, '', 100)).filter((a) => a.studentId === studentId && a.kind === 'crisis_words');

  it('a prep answer with a crisis phrase alerts the navigator, the counsellor and social workers; a resubmit never duplicates it', async () => {
    const id = s.students[0].id;
    await student.post(`/students/${id}/checkins/prep`, { 'answer.w1-proud': 'Honestly I want to die some days' }).expect(303);
    let rows = await crisisOf(id);
    expect(rows).to.have.length(1);
    expect(rows[0]!.recipientIds).to.have.members([s.advisor.id, s.counsellor.id]);
    expect(rows[0]!.category).to.equal(null);
    await student.post(`/students/${id}/checkins/prep`, { 'answer.w1-proud': 'Honestly I want to die some days' }).expect(303);
    rows = await crisisOf(id);
    expect(rows).to.have.length(1);
    // Neither the alert, its audit rows nor the logs keep the words.
    expect(JSON.stringify(rows)).not.to.contain('die');
    const audit = await t.ctx.audit.list(s.tenantId, { studentId: id });
    expect(JSON.stringify(audit)).not.to.contain('want to die');
    expect(t.logs.text()).not.to.contain('want to die');
    const page = await advisor.get('/alerts').expect(200);
    expect(page.text).to.contain('Worrying words in the student').and.not.to.contain('want to die');
  });

  it('a word inside another word alerts no one', async () => {
    const id = s.students[1].id;
    await student2.post(`/students/${id}/checkins/prep`, { 'answer.w1-proud': 'We watched Suicidesquad and I learned to skill myselfie' }).expect(303);
    expect(await crisisOf(id)).to.have.length(0);
  });

  it('the student voice of the plan, a goal and its progress note alert too; an adult writing the same words does not', async () => {
    const id = s.students[1].id;
    await student2.post(`/students/${id}/plan/fields`, { section: 'about-me', voice: 'student', 'text.what-matters': 'Nothing. I think about suicide.', 'version.what-matters': '0' }).expect(303);
    expect((await crisisOf(id)).map((a) => a.dedupeKey)).to.have.length(1);
    const created = await student2.post(`/students/${id}/goals`, { category: 'academic', statement: 'Pass math so I do not hurt myself over it', measure: '', target: '', targetDate: '', why: '' }).expect(303);
    const goalId = /goals\/([0-9a-f-]{36})/.exec(created.headers.location!)![1]!;
    expect(await crisisOf(id)).to.have.length(2);
    await student2.post(`/students/${id}/goals/${goalId}/progress`, { date: '2026-03-19', value: '1', note: 'Me quiero morir' }).expect(303);
    expect(await crisisOf(id)).to.have.length(3);

    const id3 = s.students[2].id;
    await advisor.post(`/students/${id3}/plan/fields`, { section: 'needs-supports', voice: 'adult', 'text.adult-notes': 'Watch for talk of suicide', 'version.adult-notes': '0' }).expect(303);
    expect(await crisisOf(id3)).to.have.length(0);
  });
});
