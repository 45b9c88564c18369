import { expect } from 'chai';
import { and, eq } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../support/app.js';
import { seedSchool, ltikFor, asUser, type SeededSchool } from '../../support/school.js';
import { memberships } from '../../../src/db/schema.js';

const DAY = 86_400_000;
const iso = (d: Date) => d.toISOString().slice(0, 10);
const order = (html: string, names: string[]) => names.filter((n) => html.includes(n)).sort((a, b) => html.indexOf(a) - html.indexOf(b));
/** The caseload card of one student. */
const card = (html: string, name: string) => html.slice(html.indexOf(name), html.indexOf('</li>', html.indexOf(name)));

/** Issue 7 item 12, seen from the caseload page. */
describe('caseload: needs-attention order', () => {
  let t: TestApp;
  let s: SeededSchool;
  let advisor: ReturnType<typeof asUser>;
  const now = new Date('2026-03-20T15:00:00Z');
  const answers = { 'answer.w1-proud': 'x', 'answer.w1-matters': 'x', 'answer.w1-tech': 'x', 'answer.w1-space': 'x' };
  const joined = (studentId: string, at: Date) =>
    t.ctx.db.update(memberships).set({ createdAt: at }).where(and(eq(memberships.contextId, s.advisoryId), eq(memberships.personId, studentId)));

  beforeEach(async function () {
    this.timeout(120_000);
    t ??= await createTestApp();
    t.clock.set(now);
    s = await seedSchool(t.ctx);
    advisor = asUser(t.app, await ltikFor(t.ctx, s.advisor, 'advisor', s.advisoryId));
  });
  const record = (studentId: string, date: Date, form: Record<string, string> = {}) =>
    advisor.post(`/students/${studentId}/checkins`, { date: iso(date), format: 'in_person', attended: 'yes', ...answers, ...form }).expect(303);

  it('on day one nobody is "none yet · overdue"', async () => {
    for (const st of s.students) await joined(st.id, now);
    const res = await advisor.get('/caseload').expect(200);
    for (const st of s.students) expect(card(res.text, st.name)).to.contain('none yet').and.not.to.contain('overdue');
    const overdue = await advisor.get('/caseload').query({ show: 'overdue' }).expect(200);
    for (const st of s.students) expect(overdue.text).not.to.contain(st.name);
    // Once the cadence has passed since joining, a student never met is overdue.
    t.clock.set(new Date(now.getTime() + 8 * DAY));
    const later = await asUser(t.app, await ltikFor(t.ctx, s.advisor, 'advisor', s.advisoryId)).get('/caseload').expect(200);
    expect(card(later.text, s.students[0].name)).to.contain('overdue').and.contain('no check-in since joining 8 days ago');
  });

  it('an absent student does not count as checked in, and the absence is a reason', async () => {
    const [s1, s2] = s.students;
    for (const st of s.students) await joined(st.id, new Date(now.getTime() - 30 * DAY));
    await record(s1.id, new Date(now.getTime() - 10 * DAY), { wellbeing: '4' });
    await record(s1.id, now, { attended: 'no' });
    await record(s2.id, now, { wellbeing: '4' });
    const res = await advisor.get('/caseload').expect(200);
    expect(card(res.text, s1.name)).to.contain('overdue').and.contain('missed the last check-in').and.contain('no check-in attended for 10 days');
    expect(card(res.text, s2.name)).not.to.contain('overdue');
    expect(order(res.text, [s1.name, s2.name])).to.deep.equal([s1.name, s2.name]);
  });

  it('a well-being of 1 ranks above 2', async () => {
    const [s1, s2, s3] = s.students;
    for (const st of s.students) await joined(st.id, new Date(now.getTime() - 3 * DAY));
    // Names would put s1 first on a tie; well-being must decide.
    await record(s1.id, now, { wellbeing: '2' });
    await record(s2.id, now, { wellbeing: '1' });
    await record(s3.id, now, { wellbeing: '5' });
    const res = await advisor.get('/caseload').expect(200);
    expect(order(res.text, [s1.name, s2.name, s3.name])).to.deep.equal([s2.name, s1.name, s3.name]);
    expect(card(res.text, s2.name)).to.contain('well-being 1/5 at the last check-in');
  });
});
