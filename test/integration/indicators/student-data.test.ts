import { expect } from 'chai';
import { createTestApp, type TestApp } from '../../support/app.js';
import { seedSchool, ltikFor, asUser, type SeededSchool } from '../../support/school.js';
import { RECOMPUTE_JOB } from '../../../src/indicators/indicators.service.js';
import { addDays } from '../../../src/web/days.js';

/** Weekdays from `from` to `to`. */
function weekdays(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) if (![0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay())) out.push(d);
  return out;
}

describe('indicators: from the student-data feature to the caseload summary and the panel', () => {
  let t: TestApp;
  let s: SeededSchool;
  const now = new Date('2026-03-20T15:00:00Z');
  const today = '2026-03-20';

  before(async () => {
    t = await createTestApp();
    t.clock.set(now);
    s = await seedSchool(t.ctx);
  });

  it('a write to a student\'s data queues the recompute; the job stores attendance, behaviour and grades with the tier and its reasons', async () => {
    const amara = s.students[0].id;
    const liam = s.students[1].id;
    const recent = weekdays(addDays(today, -29), today); // 22 school days
    const year = weekdays('2026-01-05', today);
    await t.ctx.studentData.upsertAttendance(s.tenantId, 'csv', [
      ...year.map((day) => ({ personId: amara, day, status: recent.slice(0, 4).includes(day) ? ('absent' as const) : ('present' as const) })),
      ...year.map((day) => ({ personId: liam, day, status: 'present' as const })),
    ]);
    await t.ctx.studentData.upsertIncidents(s.tenantId, 'csv', [{ personId: amara, externalId: 'inc-1', day: recent[5]!, category: 'disruption', severity: 'moderate', suspensionDays: 1 }]);
    await t.ctx.studentData.upsertCourseScores(s.tenantId, 'canvas', [
      { personId: amara, courseKey: 'alg-1', courseTitle: 'Algebra I', currentScore: 52.5 },
      { personId: amara, courseKey: 'bio', courseTitle: 'Biology', currentScore: 88 },
      { personId: liam, courseKey: 'alg-1', courseTitle: 'Algebra I', currentScore: 93 },
    ]);
    const job = await t.ctx.jobs.find(RECOMPUTE_JOB, s.tenantId);
    expect(job, 'the writes queued a recompute').to.not.equal(undefined);
    await t.ctx.indicators.jobHandlers[RECOMPUTE_JOB]!(s.tenantId);

    const summaries = await t.ctx.indicators.summaryFor(s.tenantId, [amara, liam]);
    const a = summaries.get(amara)!;
    expect(a.tier).to.equal(3);
    expect(a.reasons).to.deep.equal([
      'suspended 1 day in the last 30',
      '3 indicators at risk or off track at once',
      'attended 81.8% of days in the last 30 (at risk)',
      'an incident on 4.5% of school days in the last 30 days, 1 day (at risk)',
      'failing 1 course (below 60%)',
      'lowest current score 52.5% in Algebra I (off track)',
    ]);
    expect(a.badges.map((b) => b.band)).to.deep.equal(['at-risk', 'at-risk', 'off-track', null]);
    const l = summaries.get(liam)!;
    expect(l).to.deep.include({ tier: 1, reasons: ['no indicator raises a flag in the last 30 days'] });
    expect(l.badges.map((b) => b.value)).to.deep.equal(['100% attended', 'incidents on 0% of days', 'lowest 93%', 'no recent data']);
  });

  it('the panel shows the courses, the GPA estimate and the weekly attendance trend; its row-by-row computation agrees with the job\'s SQL counts', async () => {
    const ids = [s.students[0].id, s.students[1].id];
    const byJob = await t.ctx.indicators.summaryFor(s.tenantId, ids);
    const advisor = asUser(t.app, await ltikFor(t.ctx, s.advisor, 'advisor', s.advisoryId));
    const res = await advisor.get(`/students/${s.students[0].id}/data`).expect(200);
    expect(res.text).to.contain('Algebra I').and.to.contain('52.5%').and.to.contain('failing');
    expect(res.text).to.contain('GPA estimate: 1.5');
    expect(res.text).to.contain('81.8% attended (18 of 22 school days)');
    expect(res.text).to.contain('<title id="trend-attendancePercent-title">');
    expect(res.text).to.match(/<path d="M[\d.]+ [\d.]+L/);
    await advisor.get(`/students/${s.students[1].id}/data`).expect(200);
    const byPanel = await t.ctx.indicators.summaryFor(s.tenantId, ids);
    for (const id of ids) expect({ ...byPanel.get(id)!, computedAt: null }).to.deep.equal({ ...byJob.get(id)!, computedAt: null });
    // The Spanish panel: numbers and band labels in Spanish.
    const es = await asUser(t.app, await t.ctx.ltiks.issue({ tid: s.tenantId, pid: s.advisor.id, cid: s.advisoryId, role: 'advisor', loc: 'es' })).get(`/students/${s.students[0].id}/data`).expect(200);
    expect(es.text).to.contain('asistió al 81.8% de los días en los últimos 30 (en riesgo)');
  });

  it('recomputing the whole tenant covers every student the indicators know, in batches', async () => {
    const before = (await t.ctx.indicators.summaryFor(s.tenantId, [s.students[0].id])).get(s.students[0].id)!.computedAt!;
    t.clock.set(new Date(now.getTime() + 3600_000));
    expect(await t.ctx.indicators.recomputeTenant(s.tenantId)).to.equal(2);
    const after = (await t.ctx.indicators.summaryFor(s.tenantId, [s.students[0].id])).get(s.students[0].id)!.computedAt!;
    expect(after.getTime()).to.be.greaterThan(before.getTime());
  });

  it('a course that ended is left out of the indicators (the job\'s SQL and the panel alike); reported again, it counts again', async () => {
    const amara = s.students[0].id;
    const advisor = asUser(t.app, await ltikFor(t.ctx, s.advisor, 'advisor', s.advisoryId));
    expect(await t.ctx.studentData.endCourseScores(s.tenantId, 'canvas', { personId: amara, courseKey: 'alg-1' })).to.equal(1);
    await t.ctx.indicators.jobHandlers[RECOMPUTE_JOB]!(s.tenantId);
    const ended = (await t.ctx.indicators.summaryFor(s.tenantId, [amara])).get(amara)!;
    expect(ended.reasons.join(' | ')).to.not.contain('Algebra I').and.to.not.contain('failing');
    const panel = await advisor.get(`/students/${amara}/data`).expect(200);
    expect(panel.text).to.contain('Biology').and.to.not.contain('Algebra I');
    expect({ ...(await t.ctx.indicators.summaryFor(s.tenantId, [amara])).get(amara)!, computedAt: null }).to.deep.equal({ ...ended, computedAt: null });

    await t.ctx.studentData.upsertCourseScores(s.tenantId, 'canvas', [{ personId: amara, courseKey: 'alg-1', courseTitle: 'Algebra I', currentScore: 52.5 }]);
    await t.ctx.indicators.jobHandlers[RECOMPUTE_JOB]!(s.tenantId);
    expect((await t.ctx.indicators.summaryFor(s.tenantId, [amara])).get(amara)!.reasons).to.include('lowest current score 52.5% in Algebra I (off track)');
  });
});
