import { expect } from 'chai';
import { createTestApp, type TestApp } from '../../support/app.js';
import { seedSchool, ltikFor, asUser, type SeededSchool } from '../../support/school.js';
import { decoded } from '../../support/html.js';
import { RECOMPUTE_JOB } from '../../../src/indicators/indicators.service.js';

const order = (html: string, names: string[]) => names.filter((n) => html.includes(n)).sort((a, b) => html.indexOf(a) - html.indexOf(b));
/** The table row of one student. */
const rowOf = (html: string, name: string) => {
  const at = html.indexOf(`>${name}</a></th>`);
  return at < 0 ? '' : html.slice(html.lastIndexOf('<tr>', at), html.indexOf('</tr>', at));
};
/** The card of one student. */
const cardOf = (html: string, name: string) => html.slice(html.indexOf(name), html.indexOf('</li>', html.indexOf(name)));

/** The school days (Mon-Fri) of the four weeks up to Friday 2026-03-20. */
const schoolDays: string[] = [];
for (let d = new Date('2026-02-23T00:00:00Z'); d <= new Date('2026-03-20T00:00:00Z'); d = new Date(d.getTime() + 86_400_000)) {
  if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6) schoolDays.push(d.toISOString().slice(0, 10));
}

/** Issue 10 item 5: the caseload with indicator badges, the tier, sorting by tier, and "needs attention" from the indicators. */
describe('caseload: indicators (badges, tier, needs attention)', () => {
  let t: TestApp;
  let s: SeededSchool;
  let advisor: ReturnType<typeof asUser>;
  let names: [string, string, string];

  before(async function () {
    this.timeout(120_000);
    t = await createTestApp();
    t.clock.set(new Date('2026-03-20T15:00:00Z'));
    s = await seedSchool(t.ctx);
    advisor = asUser(t.app, await ltikFor(t.ctx, s.advisor, 'advisor', s.advisoryId));
    const [s1, s2, s3] = s.students;
    names = [s1.name, s2.name, s3.name];
    // s1 missed 5 of 20 school days (75%: off track, chronic absence); s2 and s3 came every day.
    const absent = new Set(schoolDays.slice(-5));
    await t.ctx.studentData.upsertAttendance(s.tenantId, 'csv', [
      ...schoolDays.map((day) => ({ personId: s1.id, day, status: absent.has(day) ? ('absent' as const) : ('present' as const) })),
      ...[s2, s3].flatMap((p) => schoolDays.map((day) => ({ personId: p.id, day, status: 'present' as const }))),
    ]);
    // s2 fails two courses; s3 does well.
    await t.ctx.studentData.upsertCourseScores(s.tenantId, 'canvas', [
      { personId: s2.id, courseKey: 'alg-1', courseTitle: 'Algebra I', currentScore: 52 },
      { personId: s2.id, courseKey: 'bio-1', courseTitle: 'Biology', currentScore: 55 },
      { personId: s3.id, courseKey: 'alg-1', courseTitle: 'Algebra I', currentScore: 91 },
    ]);
    // The writes queued one debounced recompute for the school: run it as the queue would.
    expect(await t.ctx.jobs.find(RECOMPUTE_JOB, s.tenantId)).to.not.equal(undefined);
    await t.ctx.indicators.jobHandlers[RECOMPUTE_JOB]!(s.tenantId);
  });

  it('shows attendance, behaviour and grades badges with the band in words, and the tier, in the table', async () => {
    const res = await advisor.get('/caseload').query({ layout: 'table' }).expect(200);
    const html = decoded(res.text);
    const headings = [...html.matchAll(/<th scope="col"[^>]*>([\s\S]*?)<\/th>/g)].map((m) => m[1]!.replace(/<[^>]+>/g, '').trim());
    expect(headings.slice(0, 6)).to.deep.equal(['Student (order by this column)', 'Why here (order by this column)', 'Attendance', 'Behavior', 'Grades', 'Tier (order by this column)']);
    const r1 = rowOf(html, names[0]);
    expect(r1).to.contain('<span class="visually-hidden">Attendance: </span><span class="indicator-value">75% attended</span> <span class="indicator-band">(off track)</span>');
    expect(r1).to.match(/class="badge indicator-badge bad level-3" data-indicator="attendance" data-band="off-track"/);
    expect(r1).to.contain('Tier 3 <span class="tier-state">(suggested)</span>');
    const r2 = rowOf(html, names[1]);
    expect(r2).to.contain('lowest 52%').and.contain('(off track)').and.contain('Tier 3');
    const r3 = rowOf(html, names[2]);
    expect(r3).to.contain('100% attended').and.contain('(on track)').and.contain('lowest 91%').and.contain('Tier 1');
    expect(r3).to.match(/class="badge indicator-badge good level-0" data-indicator="grades"/);
    // No grade for s1: said in words, not a blank.
    expect(r1).to.match(/data-indicator="grades"><span class="visually-hidden">Course grades: <\/span>no recent data<\/span>/);
  });

  it('shows the same on the cards, each badge named', async () => {
    const res = await advisor.get('/caseload').query({ layout: 'cards' }).expect(200);
    const card = cardOf(decoded(res.text), names[0]);
    expect(card).to.contain('<dt>Indicators</dt>').and.contain('<span class="indicator-name">Attendance:</span> <span class="indicator-value">75% attended</span>');
    expect(card).to.contain('<dt>Tier</dt>').and.contain('Tier 3');
  });

  it('says why a student needs attention from the indicators: chronic absence, failing courses, an off-track band, the tier', async () => {
    const res = await advisor.get('/caseload').query({ layout: 'table' }).expect(200);
    const html = decoded(res.text);
    const r1 = rowOf(html, names[0]);
    expect(r1).to.contain('<li>chronic absence: missed 25% of school days this year</li>').and.contain('<li>Attendance: 75% attended lately (off track)</li>').and.contain('<li>tier 3 (suggested)</li>');
    const r2 = rowOf(html, names[1]);
    expect(r2).to.contain('<li>courses failing now: 2</li>').and.contain('<li>Course grades: lowest 52% (off track)</li>');
    expect(rowOf(html, names[2])).to.contain('nothing pressing');
    // Needs attention first: the two flagged students before the one on track.
    expect(order(html, names).at(-1)).to.equal(names[2]);
  });

  it('sorts by tier (highest first) from the form and the column heading, and says so', async () => {
    const res = await advisor.get('/caseload').query({ layout: 'table', sort: 'tier' }).expect(200);
    const html = decoded(res.text);
    expect(order(html, names).at(-1)).to.equal(names[2]);
    expect(html).to.match(/<th scope="col" class="col-tier" aria-sort="descending">/);
    expect(html).to.contain('<option value="tier" selected>Highest tier first</option>');
    expect(html).to.contain('3 students, ordered by: Highest tier first');
    // A confirmed tier 1 for s1 (an override, with a reason) moves them below s2.
    await advisor.post(`/students/${s.students[0].id}/data/tier`, { tier: '1', reason: 'Absences were a hospital stay, now back' }).expect(303);
    const after = decoded((await advisor.get('/caseload').query({ layout: 'table', sort: 'tier' }).expect(200)).text);
    expect(order(after, names)[0]).to.equal(names[1]);
    expect(rowOf(after, names[0])).to.contain('Tier 1 <span class="tier-state">(set by an adult)</span>');
  });

  it('speaks Spanish: badges, bands and reasons', async () => {
    const ltik = await t.ctx.ltiks.issue({ tid: s.tenantId, pid: s.advisor.id, cid: s.advisoryId, role: 'advisor', loc: 'es' });
    const es = decoded((await asUser(t.app, ltik).get('/caseload').query({ layout: 'table' }).expect(200)).text);
    expect(es).to.contain('<th scope="col" class="col-attendance">Asistencia</th>').and.contain('(fuera de rumbo)').and.contain('ausentismo crónico');
  });
  it('words a student\'s indicators anew once they are recomputed (the words are kept per computation)', async () => {
    const before = rowOf(decoded((await advisor.get('/caseload').query({ layout: 'table' }).expect(200)).text), names[2]);
    expect(before).to.contain('lowest 91%').and.contain('Tier 1');
    await t.ctx.studentData.upsertCourseScores(s.tenantId, 'canvas', [{ personId: s.students[2].id, courseKey: 'alg-1', courseTitle: 'Algebra I', currentScore: 48 }]);
    t.clock.set(new Date('2026-03-20T15:05:00Z'));
    await t.ctx.indicators.jobHandlers[RECOMPUTE_JOB]!(s.tenantId);
    const after = rowOf(decoded((await advisor.get('/caseload').query({ layout: 'table' }).expect(200)).text), names[2]);
    expect(after).to.contain('lowest 48%').and.not.contain('lowest 91%');
  });
});
