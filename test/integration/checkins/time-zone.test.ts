import { expect } from 'chai';
import { createTestApp, type TestApp } from '../../support/app.js';
import { seedSchool, ltikFor, asUser, type SeededSchool } from '../../support/school.js';
import { caseloadQuery } from '../../../src/caseload/caseload.schemas.js';

const week1 = { 'answer.w1-proud': 'I fixed my bike', 'answer.w1-matters': 'My little sister', 'answer.w1-tech': 'The laptop is shared', 'answer.w1-space': 'Kitchen table' };

/** A school in Los Angeles: its "today" is the day there, not in UTC. */
describe('check-ins in the school\'s time zone', () => {
  let t: TestApp;
  let s: SeededSchool;
  // 23:00 on Monday 9 March in Los Angeles (PDT, UTC-7): already Tuesday the 10th in UTC.
  const lateEvening = new Date('2026-03-10T06:00:00Z');
  const advisorAt = async (at: Date) => {
    t.clock.set(at);
    return asUser(t.app, await ltikFor(t.ctx, s.advisor, 'advisor', s.advisoryId));
  };
  const advisorUser = async () => (await t.ctx.roster.userFromClaims({ tid: s.tenantId, pid: s.advisor.id, cid: s.advisoryId, role: 'advisor' }))!;
  const checkinsOf = async (studentId: string) => (await t.ctx.checkins.history(await advisorUser(), studentId)).checkins;

  before(async () => {
    t = await createTestApp();
    t.clock.set(new Date('2026-03-03T18:00:00Z'));
    s = await seedSchool(t.ctx);
    await t.ctx.platforms.update(s.tenantId, { timeZone: 'America/Los_Angeles' });
    // The first check-in, on Tuesday the 3rd, starts week 1: the 9th is still week 1, the 10th is week 2.
    const advisor = await advisorAt(new Date('2026-03-03T18:00:00Z'));
    await advisor.post(`/students/${s.students[0].id}/checkins`, { date: '2026-03-03', format: 'in_person', attended: 'yes', wellbeing: '4', ...week1 }).expect(303);
  });

  it('the recording form offers the school\'s today, and a check-in recorded then counts for that day and its week', async () => {
    const advisor = await advisorAt(lateEvening);
    const form = await advisor.get(`/students/${s.students[0].id}/checkins/new`).expect(200);
    expect(form.text).to.match(/id="checkin-date" name="date" value="2026-03-09"/);
    // Week 1's questions are the ones asked (in UTC it would be week 2, whose required questions these do not answer).
    expect(await t.ctx.checkins.today(s.tenantId)).to.equal('2026-03-09');
    expect((await t.ctx.checkins.recordForm(await advisorUser(), s.students[0].id)).prompts.week).to.equal(1);
    const date = /id="checkin-date" name="date" value="([0-9-]+)"/.exec(form.text)![1]!;
    await advisor.post(`/students/${s.students[0].id}/checkins`, { date, format: 'video', attended: 'yes', wellbeing: '3', ...week1 }).expect(303);
    const [latest] = await checkinsOf(s.students[0].id);
    expect(latest).to.include({ date: '2026-03-09', week: 1 });
  });

  it('a check-in recorded at 22:00 in Los Angeles counts for that local day, even when UTC is already in the next week', async () => {
    const student = s.students[1].id;
    // Week 1 starts on Monday 2 March (10:00 there), so it runs to Sunday the 8th.
    const monday = await advisorAt(new Date('2026-03-02T18:00:00Z'));
    await monday.post(`/students/${student}/checkins`, { date: '2026-03-02', format: 'in_person', attended: 'yes', wellbeing: '4', ...week1 }).expect(303);
    // 22:00 on Sunday 8 March in Los Angeles (PDT since 02:00 that day, UTC-7) is 05:00 on Monday the 9th in UTC.
    const sundayNight = await advisorAt(new Date('2026-03-09T05:00:00Z'));
    expect(await t.ctx.checkins.today(s.tenantId)).to.equal('2026-03-08');
    const form = await sundayNight.get(`/students/${student}/checkins/new`).expect(200);
    const date = /id="checkin-date" name="date" value="([0-9-]+)"/.exec(form.text)![1]!;
    expect(date).to.equal('2026-03-08');
    await sundayNight.post(`/students/${student}/checkins`, { date, format: 'video', attended: 'yes', wellbeing: '3', ...week1 }).expect(303);
    const [latest] = await checkinsOf(student);
    expect(latest, 'still week 1 there (week 2 in UTC)').to.include({ date: '2026-03-08', week: 1 });
  });

  it('the caseload counts days since that check-in in the school\'s days', async () => {
    t.clock.set(new Date('2026-03-17T06:00:00Z')); // 23:00 on the 16th in Los Angeles: 7 days after the 9th, not 8
    const adv = (await t.ctx.roster.userFromClaims({ tid: s.tenantId, pid: s.advisor.id, cid: s.advisoryId, role: 'advisor' }))!;
    const { rows } = await t.ctx.caseload.list(adv, caseloadQuery.parse({}));
    const row = rows.find((r) => r.id === s.students[0].id)!;
    expect(row).to.include({ lastCheckin: '2026-03-09', daysSinceCheckin: 7 });
  });

  it('the advisory\'s quick record offers the school\'s today too', async () => {
    const advisor = await advisorAt(lateEvening);
    const form = await advisor.get('/caseload/checkins/new').expect(200);
    expect(form.text).to.match(/id="quick-date" name="date" value="2026-03-09"/);
  });

  it('a school that has not set its zone counts days in UTC', async () => {
    await t.ctx.platforms.update(s.tenantId, { timeZone: null });
    try {
      t.clock.set(lateEvening);
      expect(await t.ctx.checkins.today(s.tenantId)).to.equal('2026-03-10');
    } finally {
      await t.ctx.platforms.update(s.tenantId, { timeZone: 'America/Los_Angeles' });
    }
  });
});
