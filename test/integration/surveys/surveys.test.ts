import { expect } from 'chai';
import { placeStudents } from '../../support/school-places.js';
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../support/app.js';
import { seedSchool, ltikFor, asUser, type SeededSchool } from '../../support/school.js';
import { surveyResponses } from '../../../src/db/schema.js';
import { RECOMPUTE_JOB } from '../../../src/indicators/indicators.service.js';

type As = ReturnType<typeof asUser>;

/** Issue 12 item 6: the belonging pulse, from the admin's window to the student's answers to their indicators. */
describe('surveys: the belonging pulse', () => {
  let t: TestApp;
  let s: SeededSchool;
  let admin: As;
  let advisor: As;
  let student: As;
  let second: As;
  let mentor: As;
  let windowId: string;
  const now = new Date('2026-03-20T15:00:00Z');
  const ADMIN = '/admin/surveys';

  before(async () => {
    t = await createTestApp();
    t.clock.set(now);
    s = await seedSchool(t.ctx);
    admin = asUser(t.app, await ltikFor(t.ctx, s.admin, 'admin', s.advisoryId));
    advisor = asUser(t.app, await ltikFor(t.ctx, s.advisor, 'advisor', s.advisoryId));
    student = asUser(t.app, await ltikFor(t.ctx, s.students[0], 'student', s.advisoryId));
    second = asUser(t.app, await ltikFor(t.ctx, s.students[1], 'student', s.advisoryId));
    mentor = asUser(t.app, await ltikFor(t.ctx, s.mentor, 'family', s.advisoryId));
  });

  const rowsOf = (studentId: string) => t.ctx.db.select().from(surveyResponses).where(and(eq(surveyResponses.tenantId, s.tenantId), eq(surveyResponses.studentId, studentId)));
  const window = { surveyId: 'belonging-pulse', opensOn: '2026-03-16', closesOn: '2026-03-27', schoolId: '' };

  describe('windows (admins)', () => {
    it('the admin home links to the page; only admins open it', async () => {
      expect((await admin.get('/admin').expect(200)).text).to.contain('/admin/surveys');
      await advisor.get(ADMIN).expect(403);
      await student.get(ADMIN).expect(403);
    });

    it('refuses a last day before the first, and a school id that is none, with the error summary', async () => {
      const res = await admin.post(ADMIN, { ...window, closesOn: '2026-03-15' }).expect(400);
      expect(res.text).to.contain('The last day must be on or after the day it opens').and.to.contain('href="#window-closes"');
      const bad = await admin.post(ADMIN, { ...window, schoolId: 'north' }).expect(400);
      expect(bad.text).to.contain('Choose one of the district’s schools, or every school');
    });

    it('adds a window (audited), then refuses one that meets it for the same survey and school', async () => {
      await admin.post(ADMIN, window).expect(303);
      const list = await t.ctx.surveys.windowsFor(s.tenantId);
      expect(list.map((w) => [w.surveyId, w.opensOn, w.closesOn, w.schoolId, w.state])).to.deep.equal([['belonging-pulse', '2026-03-16', '2026-03-27', null, 'open']]);
      windowId = list[0]!.id;
      const audit = await t.ctx.audit.list(s.tenantId, {});
      expect(audit.some((a) => a.entity === 'survey_window' && a.action === 'create' && a.entityId === windowId)).to.equal(true);
      // A window for one school meets the every-school window on 2026-03-27.
      const north = (await placeStudents(t.ctx.db, s.tenantId, ['North High', 'South High'], { a: [], b: [] })).a;
      const clash = await admin.post(ADMIN, { ...window, opensOn: '2026-03-27', closesOn: '2026-04-03', schoolId: north }).expect(400);
      expect(clash.text).to.contain('This survey is already open for this school from 2026-03-16 to 2026-03-27');
      // The day after it is free.
      await admin.post(ADMIN, { ...window, opensOn: '2026-03-28', closesOn: '2026-04-03' }).expect(303);
      expect(await t.ctx.surveys.windowsFor(s.tenantId)).to.have.length(2);
    });
  });

  describe('answering (students)', () => {
    it('the student home shows the card linking to the open window', async () => {
      const home = await student.get('/my-plan').expect(200);
      expect(home.text).to.contain('A short check on how school feels').and.to.contain(`/surveys/${windowId}`).and.to.contain('Answer the check');
      expect((await advisor.get(`/students/${s.students[0].id}/plan`).expect(200)).text).not.to.contain('A short check on how school feels');
    });

    it('the form: a fieldset with a legend and five labelled radios per statement', async () => {
      const res = await student.get(`/surveys/${windowId}`).expect(200);
      expect(res.text.match(/<fieldset class="survey-item"/g)).to.have.length(5);
      expect(res.text).to.contain('<legend>I feel like I am part of this school.</legend>');
      expect(res.text).to.contain('<label for="item-bp-classmates-5">Strongly agree</label>');
    });

    it('nothing answered: 400 with the error summary, nothing written', async () => {
      const res = await student.post(`/surveys/${windowId}`, { _once: randomUUID() }).expect(400);
      expect(res.text).to.contain('Answer at least one statement').and.to.contain('href="#item-bp-part-of-school-1"');
      const bad = await student.post(`/surveys/${windowId}`, { 'answer.bp-energy': '9' }).expect(400);
      expect(bad.text).to.contain('Choose one of the answers');
      expect(await rowsOf(s.students[0].id)).to.have.length(0);
    });

    it('saves one response, audited; the same form sent again writes nothing more', async () => {
      const form = { _once: randomUUID(), 'answer.bp-part-of-school': '4', 'answer.bp-adult-to-ask': '5', 'answer.bp-classmates': '2', 'answer.bp-worried-safety': '2' };
      const first = await student.post(`/surveys/${windowId}`, form).expect(303);
      expect(first.headers.location).to.contain(`/surveys/${windowId}?saved=1`);
      t.clock.advance(60_000);
      const replay = await student.post(`/surveys/${windowId}`, { ...form, 'answer.bp-part-of-school': '1' }).expect(303);
      expect(replay.headers.location).to.equal(first.headers.location);
      const rows = await rowsOf(s.students[0].id);
      expect(rows).to.have.length(1);
      expect(rows[0]!.answers).to.deep.equal({ 'bp-part-of-school': 4, 'bp-adult-to-ask': 5, 'bp-classmates': 2, 'bp-worried-safety': 2 });
      expect(rows[0]!.answeredAt.toISOString()).to.equal(now.toISOString());
      // Reverse-scored safety 2 -> 4, energy skipped: (4 + 5 + 2 + 4) / 4 = 3.75 -> 3.8.
      expect(await t.ctx.surveys.pulseSince(s.tenantId, [s.students[0].id], '2026-03-01')).to.deep.equal([{ studentId: s.students[0].id, date: '2026-03-20', score: 3.8 }]);
      const page = await student.get(`/surveys/${windowId}`).expect(200);
      expect(page.text).to.match(/id="item-bp-adult-to-ask-5" name="answer.bp-adult-to-ask" value="5" checked/);
      expect((await student.get('/my-plan').expect(200)).text).to.contain('Change your answers');
    });

    it('changing answers while open updates the same response (latest, with when)', async () => {
      t.clock.advance(3600_000);
      await student.post(`/surveys/${windowId}`, { _once: randomUUID(), 'answer.bp-part-of-school': '3', 'answer.bp-adult-to-ask': '3', 'answer.bp-classmates': '4', 'answer.bp-energy': '5', 'answer.bp-worried-safety': '5' }).expect(303);
      const rows = await rowsOf(s.students[0].id);
      expect(rows).to.have.length(1);
      expect(rows[0]!.answers).to.deep.equal({ 'bp-part-of-school': 3, 'bp-adult-to-ask': 3, 'bp-classmates': 4, 'bp-energy': 5, 'bp-worried-safety': 5 });
      expect(rows[0]!.answeredAt.getTime()).to.equal(now.getTime() + 3660_000);
      const audit = (await t.ctx.audit.list(s.tenantId, { studentId: s.students[0].id })).filter((a) => a.entity === 'survey_response');
      expect(audit.filter((a) => a.action === 'create')).to.have.length(1);
      expect(audit.filter((a) => a.action === 'update')).to.have.length(1);
    });

    it('others are refused with a page that says only students answer (403, audited); a stranger window is a 404', async () => {
      const res = await advisor.get(`/surveys/${windowId}`).expect(403);
      expect(res.text).to.contain('Only students answer the pulse survey, each for themselves.');
      await admin.post(`/surveys/${windowId}`, { 'answer.bp-energy': '3' }).expect(403);
      await mentor.get(`/surveys/${windowId}`).expect(403);
      const denied = await t.ctx.audit.list(s.tenantId, {});
      expect(denied.some((a) => a.action === 'denied' && a.entity === 'survey' && a.attempt === 'answer')).to.equal(true);
      await student.get(`/surveys/${randomUUID()}`).expect(404);
      await student.get('/surveys/not-an-id').expect(404);
    });
  });

  describe('what the answers feed', () => {
    it('the indicators: a recompute is queued; the student and their advisor see the latest pulse score, the family does not', async () => {
      expect(await t.ctx.jobs.find(RECOMPUTE_JOB, s.tenantId)).to.not.equal(undefined);
      await t.ctx.indicators.jobHandlers[RECOMPUTE_JOB]!(s.tenantId);
      const summary = (await t.ctx.indicators.summaryFor(s.tenantId, [s.students[0].id])).get(s.students[0].id)!;
      // (3 + 3 + 4 + 5 + (6 - 5)) / 5 = 3.2
      expect(summary.indicators!.pulse).to.deep.equal({ count: 1, latest: { date: '2026-03-20', score: 3.2 } });
      const data = `/students/${s.students[0].id}/data`;
      expect((await advisor.get(data).expect(200)).text).to.contain('Belonging pulse').and.to.contain('3.2 of 5 (Mar 20)');
      expect((await student.get(data).expect(200)).text).to.contain('Belonging pulse: 3.2 of 5 (Mar 20)');
      expect((await mentor.get(data).expect(200)).text).not.to.contain('Belonging pulse');
    });

    it('results for a group: per item and per construct, unsuppressed, only the students asked for', async () => {
      await second.post(`/surveys/${windowId}`, { _once: randomUUID(), 'answer.bp-part-of-school': '5', 'answer.bp-worried-safety': '1' }).expect(303);
      const r = (await t.ctx.surveys.resultsFor(s.tenantId, windowId, [s.students[0].id, s.students[1].id]))!;
      expect(r.respondents).to.equal(2);
      expect(r.items['bp-part-of-school']).to.deep.equal({ respondents: 2, mean: 4, distribution: [0, 0, 1, 0, 1] });
      expect(r.items['bp-energy']).to.deep.equal({ respondents: 1, mean: 5, distribution: [0, 0, 0, 0, 1] });
      // Safety, reverse-scored: student one 6 - 5 = 1, student two 6 - 1 = 5.
      expect(r.constructs.safety).to.deep.equal({ respondents: 2, mean: 3, distribution: [1, 0, 0, 0, 1] });
      expect(r.questions.map((q) => q.id)).to.deep.equal(['bp-part-of-school', 'bp-adult-to-ask', 'bp-classmates', 'bp-energy', 'bp-worried-safety']);
      expect((await t.ctx.surveys.resultsFor(s.tenantId, windowId, [s.students[1].id]))!.respondents).to.equal(1);
      expect(await t.ctx.surveys.resultsFor(s.other.tenantId, windowId, [s.students[0].id])).to.equal(undefined);
    });

    it('closing early: no more answers (409 page), the card goes, answers given are kept', async () => {
      const page = await admin.get(ADMIN).expect(200);
      expect(page.text).to.contain(`/admin/surveys/${windowId}/close`);
      await admin.post(`${ADMIN}/${windowId}/close`).expect(303);
      const res = await student.post(`/surveys/${windowId}`, { _once: randomUUID(), 'answer.bp-energy': '1' }).expect(409);
      expect(res.text).to.contain('This check is not open');
      await student.get(`/surveys/${windowId}`).expect(409);
      expect((await rowsOf(s.students[0].id))[0]!.answers['bp-energy']).to.equal(5);
      expect((await student.get('/my-plan').expect(200)).text).not.to.contain('A short check on how school feels');
      // The window that opens on 2026-03-28 is not open yet.
      const upcoming = (await t.ctx.surveys.windowsFor(s.tenantId)).find((w) => w.opensOn === '2026-03-28')!;
      expect(upcoming.state).to.equal('upcoming');
      await student.get(`/surveys/${upcoming.id}`).expect(409);
      await admin.post(`${ADMIN}/${windowId}/close`).expect(404);
    });
  });
});
