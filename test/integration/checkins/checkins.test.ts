import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { createTestApp, type TestApp } from '../../support/app.js';
import { seedSchool, ltikFor, asUser, type SeededSchool } from '../../support/school.js';
import type { AppUser } from '../../../src/auth/user.js';

type As = ReturnType<typeof asUser>;
const DAY = 86_400_000;
const week1 = { 'answer.w1-proud': 'I fixed my bike', 'answer.w1-matters': 'My little sister', 'answer.w1-tech': 'The laptop is shared', 'answer.w1-space': 'Kitchen table' };

describe('check-ins', () => {
  let t: TestApp;
  let s: SeededSchool;
  let advisor: As;
  let student: As;
  let studentUser: AppUser;
  const now = new Date('2026-03-20T15:00:00Z');

  before(async () => {
    t = await createTestApp();
    t.clock.set(now);
    s = await seedSchool(t.ctx);
    advisor = asUser(t.app, await ltikFor(t.ctx, s.advisor, 'advisor', s.advisoryId));
    student = asUser(t.app, await ltikFor(t.ctx, s.students[0], 'student', s.advisoryId));
    studentUser = (await t.ctx.roster.userFromClaims({ tid: s.tenantId, pid: s.students[0].id, cid: s.advisoryId, role: 'student' }))!;
  });

  const checkinsOf = async (studentId: string) => {
    const adv = (await t.ctx.roster.userFromClaims({ tid: s.tenantId, pid: s.advisor.id, cid: s.advisoryId, role: 'advisor' }))!;
    return (await t.ctx.checkins.history(adv, studentId)).checkins;
  };

  it('the student answers the week\'s prompts first; the advisor sees them when recording', async () => {
    const prompts = await t.ctx.checkins.currentPrompts(studentUser, s.students[0].id);
    expect(prompts.week).to.equal(1);
    expect(prompts.icebreaker).to.be.a('string').and.not.equal('');
    expect(prompts.questions.some((q) => q.required)).to.equal(true);
    expect(prompts.prepared).to.equal(false);

    const prep = await student.get(`/students/${s.students[0].id}/checkins/prep`).expect(200);
    expect(prep.text).to.contain(prompts.questions[0]!.prompt).and.to.contain(prompts.icebreaker);
    await student.post(`/students/${s.students[0].id}/checkins/prep`, { 'answer.w1-proud': 'I fixed my bike', 'need.food': 'concern' }).expect(303);
    expect((await t.ctx.checkins.currentPrompts(studentUser, s.students[0].id)).prepared).to.equal(true);

    const form = await advisor.get(`/students/${s.students[0].id}/checkins/new`).expect(200);
    expect(form.text).to.contain('wrote before the meeting:</span> I fixed my bike');
    await advisor.get(`/students/${s.students[0].id}/checkins/prep`).expect(403);
  });

  it('records a check-in with answers, rating, notes and needs, audited without the text', async () => {
    await advisor.post(`/students/${s.students[0].id}/checkins`, {
      date: '2026-03-20', format: 'video', attended: 'yes', wellbeing: '2', ...week1,
      sharedNote: 'Great talk, see you Tuesday', adultNote: 'Mentioned moving between relatives',
      'need.housing': 'urgent', 'need.technology': 'concern',
    }).expect(303);
    const [c] = await checkinsOf(s.students[0].id);
    expect(c).to.include({ date: '2026-03-20', format: 'Video', attended: true, wellbeing: 2, week: 1, adultNote: 'Mentioned moving between relatives' });
    expect(c!.answers.map((a) => a.answer)).to.include('Kitchen table');
    expect(c!.needs.map((n) => `${n.category}:${n.urgency}`)).to.have.members(['housing:urgent', 'technology:concern']);
    const audit = await t.ctx.audit.list(s.tenantId, { studentId: s.students[0].id });
    expect(audit.some((a) => a.entity === 'checkin' && a.action === 'create')).to.equal(true);
    expect(JSON.stringify(audit)).not.to.contain('relatives');
  });

  it('the student sees the shared note, never the adult-only note or sensitive needs adults raised', async () => {
    const res = await student.get(`/students/${s.students[0].id}/checkins`).expect(200);
    expect(res.text).to.contain('Great talk, see you Tuesday');
    expect(res.text).not.to.contain('Mentioned moving between relatives');
    expect(res.text).not.to.contain('Housing');
    expect(res.text).to.contain('Technology and internet');
    // The food need the student raised themselves stays visible to them.
    expect(res.text).to.contain('Food');
    const adv = await advisor.get(`/students/${s.students[0].id}/checkins`).expect(200);
    expect(adv.text).to.contain('Mentioned moving between relatives').and.to.contain('Housing');
  });

  it('requires the week\'s required questions when the student attended, keeping what was typed', async () => {
    const res = await advisor.post(`/students/${s.students[1].id}/checkins`, {
      date: '2026-02-30', format: 'in_person', attended: 'yes', wellbeing: '9', 'answer.w1-proud': 'Typed answer', adultNote: 'keep me', 'need.housing': 'someday',
    }).expect(400);
    expect(res.text).to.match(/id="q-w1-matters-error">This question needs an answer/);
    expect(res.text).to.match(/id="checkin-wellbeing-error">Choose 1 to 5/);
    expect(res.text).to.match(/id="checkin-date-error">Enter a real date/);
    expect(res.text).to.match(/id="need-housing-error">Choose concern or urgent/);
    expect(res.text).to.contain('>Typed answer</textarea>').and.to.contain('>keep me</textarea>');
    expect(await checkinsOf(s.students[1].id)).to.have.length(0);
  });

  it('moves to the next week\'s questions a week after the first check-in', async () => {
    t.clock.set(new Date(now.getTime() + 8 * DAY));
    try {
      const p = await t.ctx.checkins.currentPrompts(studentUser, s.students[0].id);
      expect(p.week).to.equal(2);
      expect(p.theme).to.equal(t.ctx.checkins.shippedWeek(2).theme);
    } finally {
      t.clock.set(now);
    }
  });

  it('an advisor resolves a need; it leaves the caseload', async () => {
    const h = await advisor.get(`/students/${s.students[0].id}/checkins`).expect(200);
    const needIds = [...h.text.matchAll(/needs\/([0-9a-f-]{36})\/resolve/g)].map((m) => m[1]!);
    expect(needIds.length).to.be.greaterThan(0);
    for (const id of needIds) await advisor.post(`/students/${s.students[0].id}/checkins/needs/${id}/resolve`, { how: 'handled_in_conversation', note: 'Talked it through' }).expect(303);
    expect((await t.ctx.checkins.openNeeds(s.tenantId, [s.students[0].id])).get(s.students[0].id)).to.equal(undefined);
    await student.post(`/students/${s.students[0].id}/checkins/needs/${needIds[0]}/resolve`, { how: 'no_longer_needed' }).expect(403);
  });

  it('a need raised again is one open concern: shown once, at its most urgent, and resolved together', async () => {
    const id = s.students[2].id;
    const record = (urgency: string, date: string) => advisor.post(`/students/${id}/checkins`, { date, format: 'in_person', attended: 'yes', wellbeing: '3', ...week1, [`need.food`]: urgency }).expect(303);
    await record('concern', '2026-03-18');
    await record('urgent', '2026-03-19');
    const page = await advisor.get(`/students/${id}/checkins`).expect(200);
    const open = page.text.slice(page.text.indexOf('Open needs'), page.text.indexOf('<h2>History'));
    expect(open.match(/needs\/[0-9a-f-]{36}\/resolve/g), 'one resolve button for the category').to.have.length(1);
    expect(open).to.contain('raised 2 times').and.to.contain('>urgent<');
    expect((await t.ctx.checkins.openNeeds(s.tenantId, [id])).get(id)!.map((n) => `${n.category}:${n.urgency}`)).to.deep.equal(['food:urgent']);
    const needId = /needs\/([0-9a-f-]{36})\/resolve/.exec(open)![1]!;
    await advisor.post(`/students/${id}/checkins/needs/${needId}/resolve`, { how: 'no_longer_needed' }).expect(303);
    expect((await t.ctx.checkins.openNeeds(s.tenantId, [id])).get(id)).to.equal(undefined);
  });

  describe('quick record for the whole advisory', () => {
    it('writes one check-in per student, together', async () => {
      const [a, b, c] = s.students;
      const before = await Promise.all(s.students.map((p) => checkinsOf(p.id)));
      const form = await advisor.get('/caseload/checkins/new').expect(200);
      for (const p of s.students) expect(form.text).to.contain(p.name);
      await advisor.post('/caseload/checkins', {
        date: '2026-03-19', format: 'in_person', sharedNote: 'Advisory circle: goals for spring',
        [`attended.${a.id}`]: 'yes', [`wellbeing.${a.id}`]: '4',
        [`attended.${b.id}`]: 'no',
        [`attended.${c.id}`]: 'yes', [`wellbeing.${c.id}`]: '',
      }).expect(303).expect('location', /\/caseload\?recorded=3/);
      const after = await Promise.all(s.students.map((p) => checkinsOf(p.id)));
      const added = after.map((list, i) => list.filter((x) => !before[i]!.some((y) => y.id === x.id)));
      expect(added.map((l) => l.length)).to.deep.equal([1, 1, 1]);
      expect(added.map((l) => [l[0]!.attended, l[0]!.wellbeing, l[0]!.sharedNote])).to.deep.equal([
        [true, 4, 'Advisory circle: goals for spring'],
        [false, null, 'Advisory circle: goals for spring'],
        [true, null, 'Advisory circle: goals for spring'],
      ]);
    });

    it('pre-sets nothing: every row starts as not recorded', async () => {
      const form = await advisor.get('/caseload/checkins/new').expect(200);
      for (const p of s.students) {
        expect(form.text).to.match(new RegExp(`name="attended.${p.id}" value="" checked> Not recorded`));
        expect(form.text).to.match(new RegExp(`name="attended.${p.id}" value="yes"> Attended`));
        expect(form.text).to.match(new RegExp(`name="attended.${p.id}" value="no"> Absent`));
      }
      expect(form.text).not.to.match(/value="(yes|no)" checked/);
    });

    it('saves only the rows filled in; an absent student stays overdue', async () => {
      const [a, b, c] = s.students;
      const before = await Promise.all(s.students.map((p) => checkinsOf(p.id)));
      await advisor.post('/caseload/checkins', {
        date: '2026-03-20', format: 'in_person', sharedNote: '',
        [`attended.${a.id}`]: 'yes', [`wellbeing.${a.id}`]: '5',
        [`attended.${b.id}`]: 'no',
        [`attended.${c.id}`]: '', [`wellbeing.${c.id}`]: '',
      }).expect(303).expect('location', /\/caseload\?recorded=2/);
      const after = await Promise.all(s.students.map((p) => checkinsOf(p.id)));
      const added = after.map((list, i) => list.filter((x) => !before[i]!.some((y) => y.id === x.id)));
      expect(added.map((l) => l.map((x) => [x.attended, x.wellbeing]))).to.deep.equal([[[true, 5]], [[false, null]], []]);
      // Absent is not a check-in: the student keeps no last check-in and stays flagged overdue.
      const recent = await t.ctx.checkins.recentCheckins(s.tenantId, [a.id, b.id]);
      expect(recent.get(a.id)?.lastAttended?.date).to.equal('2026-03-20');
      expect(recent.get(b.id)?.lastAttended).to.equal(null);
      expect(recent.get(b.id)?.latest).to.deep.equal({ date: '2026-03-20', attended: false });
      // The school view's read agrees: the day last met, none for a student only ever absent (ids repeated or in capitals count once).
      const lastMet = await t.ctx.checkins.lastAttendedOn(s.tenantId, [a.id, b.id, a.id.toUpperCase()]);
      expect([...lastMet]).to.deep.equal([[a.id, '2026-03-20']]);
      const adv = (await t.ctx.roster.userFromClaims({ tid: s.tenantId, pid: s.advisor.id, cid: s.advisoryId, role: 'advisor' }))!;
      // Overdue counts from the last attended check-in; the absence itself flags the student with its reason.
      const { rows } = await t.ctx.caseload.list(adv, { sort: 'attention', show: 'all', status: '', q: '', view: '', page: 1 });
      expect(rows.find((r) => r.id === b.id)!.reasons.join('; ')).to.contain('missed the last check-in (2026-03-20)');
      expect(rows.find((r) => r.id === a.id)!.reasons.join('; ')).not.to.contain('missed the last check-in');
    });

    it('"Save all" with nothing filled in saves nothing and says so', async () => {
      const before = (await Promise.all(s.students.map((p) => checkinsOf(p.id)))).map((l) => l.length);
      const blank = Object.fromEntries(s.students.flatMap((p) => [[`attended.${p.id}`, ''], [`wellbeing.${p.id}`, '']]));
      for (const form of [{ date: '2026-03-20', format: 'in_person', sharedNote: '', ...blank }, { date: '2026-03-20', format: 'in_person' }]) {
        const res = await advisor.post('/caseload/checkins', form).expect(400);
        expect(res.text).to.contain('data-error-summary');
        expect(res.text).to.match(new RegExp(`<a href="#attended-${s.students[0].id}-yes">Nothing was saved: mark at least one student as attended or absent`));
      }
      const after = (await Promise.all(s.students.map((p) => checkinsOf(p.id)))).map((l) => l.length);
      expect(after).to.deep.equal(before);
    });

    it('a rating needs attendance: refused on a not-recorded or absent row, named in the summary', async () => {
      const [a, b] = s.students;
      const res = await advisor.post('/caseload/checkins', {
        date: '2026-03-20', format: 'in_person', [`attended.${a.id}`]: '', [`wellbeing.${a.id}`]: '3', [`attended.${b.id}`]: 'no', [`wellbeing.${b.id}`]: '2',
      }).expect(400);
      expect(res.text).to.match(new RegExp(`<a href="#attended-${a.id}-yes">${a.name}: Say whether they attended, or clear the rating`));
      expect(res.text).to.match(new RegExp(`<a href="#attended-${b.id}-yes">${b.name}: An absent student has no well-being rating`));
      expect(res.text).to.match(new RegExp(`name="attended.${b.id}" value="no" checked`));
    });

    it('the note carries its limit', async () => {
      const form = await advisor.get('/caseload/checkins/new').expect(200);
      expect(form.text).to.match(/id="quick-note"[^>]*maxlength="1000"/);
    });

    it('writes nothing when any row is wrong, and shows the error on that row', async () => {
      const [a, b, c] = s.students;
      const before = (await Promise.all(s.students.map((p) => checkinsOf(p.id)))).map((l) => l.length);
      const res = await advisor.post('/caseload/checkins', {
        date: '2026-03-18', format: 'in_person', sharedNote: 'x',
        [`attended.${a.id}`]: 'yes', [`attended.${b.id}`]: 'maybe', [`attended.${c.id}`]: 'yes', [`wellbeing.${c.id}`]: '2',
      }).expect(400);
      expect(res.text).to.match(new RegExp(`id="row-${b.id}-error">Choose attended, absent or not recorded`));
      expect(res.text).to.match(new RegExp(`name="wellbeing.${c.id}">.*<option value="2" selected>`, 's'));
      const after = (await Promise.all(s.students.map((p) => checkinsOf(p.id)))).map((l) => l.length);
      expect(after).to.deep.equal(before);
    });

    it('rolls every row back when one fails while saving', async () => {
      const rows = Object.fromEntries(s.students.map((p) => [`attended.${p.id}`, 'yes']));
      const before = (await Promise.all(s.students.map((p) => checkinsOf(p.id)))).map((l) => l.length);
      const record = t.ctx.audit.record;
      let calls = 0;
      // The third student's audit row fails: the first two check-ins must not survive it.
      t.ctx.audit.record = async (...args: Parameters<typeof record>) => {
        if (args[1].entity === 'checkin' && args[1].action === 'create' && ++calls === 3) throw new Error('disk full');
        return record(...args);
      };
      try {
        await advisor.post('/caseload/checkins', { date: '2026-03-17', format: 'phone', sharedNote: 'x', ...rows }).expect(500);
      } finally {
        t.ctx.audit.record = record;
      }
      expect(calls).to.equal(3);
      const after = (await Promise.all(s.students.map((p) => checkinsOf(p.id)))).map((l) => l.length);
      expect(after).to.deep.equal(before);
    });

    it('is for advisors only', async () => {
      await student.get('/caseload/checkins/new').expect(403);
      await student.post('/caseload/checkins', { date: '2026-03-18', format: 'in_person' }).expect(403);
    });
  });

  describe('issue 7: the single check-in form', () => {
    it('does not pre-set attendance, and asks for it with the error summary', async () => {
      const url = `/students/${s.students[2].id}/checkins`;
      const before = (await checkinsOf(s.students[2].id)).length;
      const form = await advisor.get(`${url}/new`).expect(200);
      expect(form.text).to.match(/id="checkin-attended-yes" name="attended" value="yes">/);
      expect(form.text).not.to.match(/name="attended" value="(yes|no)" checked/);
      for (const [field, max] of [['checkin-shared', 4000], ['checkin-adult', 4000], ['q-w1-proud', 2000]] as const) expect(form.text, field).to.match(new RegExp(`id="${field}"[^>]*maxlength="${max}"`));
      const res = await advisor.post(url, { date: '2026-03-20', format: 'in_person', sharedNote: 'kept' }).expect(400);
      const summary = /data-error-summary>([\s\S]*?)<\/div>/.exec(res.text)?.[1] ?? '';
      expect(summary).to.match(/<a href="#checkin-attended-yes">Say whether the student attended/);
      // Nobody said they came, so the script's required questions are not demanded yet.
      expect(summary).not.to.contain('needs an answer');
      expect(res.text).to.contain('>kept</textarea>');
      expect(await checkinsOf(s.students[2].id)).to.have.length(before);
    });

    it('every invalid check-in form shows the error summary', async () => {
      const url = `/students/${s.students[2].id}/checkins`;
      const res = await advisor.post(url, { date: '2026-02-30', format: 'in_person', attended: 'yes', wellbeing: '9', 'need.housing': 'someday' }).expect(400);
      const links = [...(/data-error-summary>([\s\S]*?)<\/div>/.exec(res.text)?.[1] ?? '').matchAll(/<a href="#([^"]+)"/g)].map((m) => m[1]);
      expect(links).to.include.members(['checkin-date', 'checkin-wellbeing-1', 'q-w1-matters', 'need-housing']);
      const prep = await asUser(t.app, await ltikFor(t.ctx, s.students[2], 'student', s.advisoryId)).post(`${url}/prep`, { 'answer.w1-proud': 'x'.repeat(2001) }).expect(400);
      expect(prep.text).to.match(/<a href="#q-w1-proud">Keep each answer under 2000 characters/);
    });

    it('a check-in sent twice with the same one-time token is recorded once', async () => {
      const url = `/students/${s.students[2].id}/checkins`;
      const form = { date: '2026-03-20', format: 'phone', attended: 'no', sharedNote: 'Called, no answer', _once: randomUUID() };
      const first = await advisor.post(url, form).expect(303);
      const again = await advisor.post(url, form).expect(303);
      expect(again.headers.location).to.equal(first.headers.location);
      expect((await checkinsOf(s.students[2].id)).filter((c) => c.sharedNote === 'Called, no answer')).to.have.length(1);
    });
  });

  it('family, other students, other courses and other tenants see no check-ins', async () => {
    const url = `/students/${s.students[0].id}/checkins`;
    await asUser(t.app, await ltikFor(t.ctx, s.mentor, 'family', s.advisoryId)).get(url).expect(403);
    await asUser(t.app, await ltikFor(t.ctx, s.students[1], 'student', s.advisoryId)).get(url).expect(404);
    await asUser(t.app, await ltikFor(t.ctx, s.otherAdvisor, 'advisor', s.otherCourseId)).get(url).expect(404);
    const other = asUser(t.app, await ltikFor(t.ctx, s.other.advisor, 'advisor', s.other.contextId));
    await other.get(url).expect(404);
    await other.post(url, { date: '2026-03-20', format: 'video', attended: 'no' }).expect(404);
    await other.get(`/students/${s.students[0].id}/checkins/prep`).expect(404);
    const admin = await asUser(t.app, await ltikFor(t.ctx, s.admin, 'admin', s.advisoryId)).get(url).expect(200);
    expect(admin.text).to.contain('Mentioned moving between relatives');
    await asUser(t.app, await ltikFor(t.ctx, s.admin, 'admin', s.advisoryId)).post(url, { date: '2026-03-20', format: 'video', attended: 'no' }).expect(403);
  });

  it('a family member posting an invalid check-in or prep is refused (403) before the form is checked, and nothing is written', async () => {
    const family = asUser(t.app, await ltikFor(t.ctx, s.mentor, 'family', s.advisoryId));
    const before = (await checkinsOf(s.students[0].id)).length;
    // No date, no format, an unknown attendance, an over-long answer: a 400 would tell them the form was checked.
    const invalid = { attended: 'maybe', wellbeing: '9', 'answer.w1-proud': 'x'.repeat(5000), 'need.housing': 'soon' };
    const refused = await family.post(`/students/${s.students[0].id}/checkins`, invalid).expect(403);
    expect(refused.text).not.to.contain('error-summary');
    await family.post(`/students/${s.students[0].id}/checkins/prep`, invalid).expect(403);
    expect(await checkinsOf(s.students[0].id)).to.have.length(before);
    // A stranger's invalid post is the gate's 404, never the 400 form.
    await asUser(t.app, await ltikFor(t.ctx, s.otherAdvisor, 'advisor', s.otherCourseId)).post(`/students/${s.students[0].id}/checkins`, invalid).expect(404);
  });
});
