import { expect } from 'chai';
import request from 'supertest';
import { parse } from 'csv-parse/sync';
import { createTestApp, type TestApp } from '../../support/app.js';
import { seedSchool, ltikFor, asUser, type SeededSchool } from '../../support/school.js';
import type { AuditEvent } from '../../../src/audit/audit.service.js';

const MINUTE = 60_000;
/** The "When" of each event on an audit page, in page order. */
const times = (html: string) => [...html.matchAll(/<dt>When<\/dt><dd>([^<]+)<\/dd>/g)].map((m) => m[1]!);
/**
 * A pager link's path and query, as the page wrote it, checked to carry the ltik and then without it
 * (asUser adds the ltik itself).
 */
const link = (html: string, rel: 'next' | 'prev') => {
  const m = new RegExp(`<a rel="${rel}" href="([^"]+)"`).exec(html);
  if (!m) return null;
  const url = new URL(m[1]!.replace(/&amp;/g, '&').replace(/&#x3D;/g, '='), 'http://tool.test');
  expect(url.searchParams.get('ltik'), 'the ltik rides along').to.be.a('string').and.not.equal('');
  url.searchParams.delete('ltik');
  return `${url.pathname}${url.search}`;
};
/** The list part of a page (the site header names the signed-in person on every page). */
const listOf = (html: string) => /<ol class="audit-events"[\s\S]*?<\/ol>/.exec(html)?.[0] ?? '';

describe('audit: every read and write of a student record, denials, the admin log and "who viewed my record"', () => {
  let t: TestApp;
  let s: SeededSchool;
  let as: Record<'advisor' | 'mentor' | 'admin' | 'student' | 'otherStudent' | 'otherAdvisor', ReturnType<typeof asUser>>;
  const start = new Date('2026-03-02T14:00:00Z');

  /** The newest event of this actor and entity written since `since`. */
  const latest = async (actorId: string, entity: string, since: Date): Promise<AuditEvent | undefined> =>
    (await t.ctx.audit.list(s.tenantId, { actorId, since })).find((e) => e.entity === entity);

  before(async () => {
    t = await createTestApp();
    t.clock.set(start);
    s = await seedSchool(t.ctx);
    const l = (p: SeededSchool['advisor'], role: Parameters<typeof ltikFor>[2], cid: string | null = s.advisoryId) => ltikFor(t.ctx, p, role, cid).then((k) => asUser(t.app, k));
    as = {
      advisor: await l(s.advisor, 'advisor'),
      mentor: await l(s.mentor, 'family'),
      admin: await l(s.admin, 'admin', null),
      student: await l(s.students[0], 'student'),
      otherStudent: await l(s.students[1], 'student'),
      otherAdvisor: await l(s.otherAdvisor, 'advisor', s.otherCourseId),
    };
  });

  describe('the gaps of issue 8 write their rows, with the students they showed', () => {
    const since = () => t.clock.now();
    it('the caseload: one event naming every student shown', async () => {
      const at = since();
      await as.advisor.get('/caseload').expect(200);
      const e = await latest(s.advisor.id, 'caseload', at);
      expect(e).to.include({ action: 'read', actorRole: 'advisor' });
      expect(e!.studentIds).to.have.members(s.students.map((p) => p.id));
      // A filtered caseload names only the students it showed.
      t.clock.advance(MINUTE);
      const at2 = since();
      await as.advisor.get('/caseload').query({ q: s.students[1].name }).expect(200);
      expect((await latest(s.advisor.id, 'caseload', at2))!.studentIds).to.deep.equal([s.students[1].id]);
    });
    it('the navigator page', async () => {
      const at = since();
      await as.advisor.get(`/caseload/students/${s.students[2].id}/navigator`).expect(200);
      const e = await latest(s.advisor.id, 'navigator_assignment', at);
      expect(e).to.include({ action: 'read' });
      expect(e!.studentIds).to.deep.equal([s.students[2].id]);
    });
    it('the family home, naming the students it lists', async () => {
      const at = since();
      await as.mentor.get('/family').expect(200);
      const e = await latest(s.mentor.id, 'plan_status', at);
      expect(e).to.include({ action: 'read', actorRole: 'family' });
      expect(e!.studentIds).to.deep.equal([s.students[0].id]);
    });
    it('the new-goal form', async () => {
      const at = since();
      await as.advisor.get(`/students/${s.students[1].id}/goals/new`).expect(200);
      const e = await latest(s.advisor.id, 'goal_form', at);
      expect(e).to.include({ action: 'read' });
      expect(e!.studentIds).to.deep.equal([s.students[1].id]);
    });
    it('the quick check-in roster', async () => {
      const at = since();
      await as.advisor.get('/caseload/checkins/new').expect(200);
      const e = await latest(s.advisor.id, 'checkin_roster', at);
      expect(e).to.include({ action: 'read' });
      expect(e!.studentIds).to.have.members(s.students.map((p) => p.id));
    });
  });

  describe('denied attempts', () => {
    it('a policy refusal (403) writes a denied row with the attempt and the student, never the posted text', async () => {
      const at = t.clock.now();
      await as.mentor.get(`/students/${s.students[0].id}/checkins`).expect(403);
      await as.mentor.post(`/students/${s.students[0].id}/plan/fields`, { section: 'about-me', voice: 'adult', 'text.strengths': 'secret words', 'version.strengths': '0' }).expect(403);
      const denials = (await t.ctx.audit.list(s.tenantId, { actorId: s.mentor.id, since: at })).filter((e) => e.action === 'denied');
      expect(denials.map((e) => `${e.entity}:${e.attempt}`)).to.have.members(['checkin:list', 'plan:edit']);
      for (const d of denials) expect(d.studentIds).to.deep.equal([s.students[0].id]);
      expect(JSON.stringify(denials)).not.to.contain('secret words');
    });
    it('a page of the wrong role, and a student the person may not open (404), are audited too', async () => {
      const at = t.clock.now();
      await as.advisor.get('/admin/audit').expect(403);
      await as.student.get(`/students/${s.students[1].id}/plan`).expect(404);
      const advisorDenial = (await t.ctx.audit.list(s.tenantId, { actorId: s.advisor.id, since: at })).find((e) => e.action === 'denied');
      expect(advisorDenial).to.include({ entity: 'audit', attempt: 'list' });
      expect(advisorDenial!.studentIds).to.deep.equal([]);
      const studentDenial = (await t.ctx.audit.list(s.tenantId, { actorId: s.students[0].id, since: at })).find((e) => e.action === 'denied');
      expect(studentDenial).to.include({ entity: 'student', attempt: 'open' });
      expect(studentDenial!.studentIds).to.deep.equal([s.students[1].id]);
      // A student of another school is not one of this tenant's: nothing names it in this tenant's log.
      await as.student.get(`/students/${s.other.student.id}/plan`).expect(404);
      expect(JSON.stringify(await t.ctx.audit.list(s.tenantId, { since: at }))).not.to.contain(s.other.student.id);
    });
  });

  describe('the admin log: filters, paging past 200 rows, CSV, tenant isolation', () => {
    let school: SeededSchool;
    let admin: ReturnType<typeof asUser>;
    const base = new Date('2026-04-01T08:00:00Z');
    const EVENTS = 260;

    before(async () => {
      school = await seedSchool(t.ctx);
      // 260 reads by the other advisor, a minute apart over two days; every tenth names two students.
      for (let i = 0; i < EVENTS; i++) {
        t.clock.set(new Date(base.getTime() + i * MINUTE + (i >= 130 ? 86_400_000 : 0)));
        const studentIds = i % 10 === 0 ? [school.students[0].id, school.students[1].id] : [school.students[2].id];
        await t.ctx.audit.record({ tenantId: school.tenantId, personId: school.otherAdvisor.id, role: 'advisor' }, { action: 'read', entity: 'plan', studentIds });
      }
      t.clock.set(new Date(base.getTime() + 3 * 86_400_000));
      // A refusal of the same person, and an event of the other tenant that must never show here.
      await t.ctx.audit.record({ tenantId: school.tenantId, personId: school.otherAdvisor.id, role: 'advisor' }, { action: 'denied', entity: 'plan', attempt: 'editAdultVoice', studentId: school.students[0].id });
      await t.ctx.audit.record({ tenantId: school.other.tenantId, personId: school.other.advisor.id, role: 'advisor' }, { action: 'read', entity: 'plan', studentId: school.other.student.id });
      // Issued now: an ltik lives for hours, and the clock moved days.
      admin = asUser(t.app, await ltikFor(t.ctx, school.admin, 'admin', null));
    });

    it('pages through every one of the person\'s events, newest first, 50 a page, without repeats, and back', async () => {
      let url: string | null = `/admin/audit?person=${school.otherAdvisor.id}`;
      const seen: string[] = [];
      const pages: string[] = [];
      while (url) {
        const page = await admin.get(url).expect(200);
        pages.push(page.text);
        expect(times(page.text).length).to.be.at.most(50);
        seen.push(...times(page.text));
        url = link(page.text, 'next');
        expect(url === null || url.includes(`person=${school.otherAdvisor.id}`), 'the filter rides along').to.equal(true);
      }
      expect(pages).to.have.length(6);
      expect(seen).to.have.length(EVENTS + 1);
      expect(new Set(seen).size).to.equal(EVENTS + 1);
      // Back from the last page: "Newer" shows the page before it again.
      const back = await admin.get(link(pages[5]!, 'prev')!).expect(200);
      expect(times(back.text)).to.deep.equal(times(pages[4]!));
      expect(link(pages[0]!, 'prev')).to.equal(null);
    });

    it('filters by action, by student (name or id) and by days in the school\'s zone', async () => {
      const denied = await admin.get(`/admin/audit?person=${school.otherAdvisor.id}&action=denied`).expect(200);
      expect(times(denied.text)).to.have.length(1);
      expect(denied.text).to.contain('Refused').and.to.contain('write in the adult');
      // 26 events named students[0] (every tenth), plus the refusal; by a part of the name.
      const byName = await admin.get(`/admin/audit?student=${encodeURIComponent(school.students[0].name.slice(0, 12))}&person=${school.otherAdvisor.id}`).expect(200);
      expect(times(byName.text)).to.have.length(27);
      const byId = await admin.get(`/admin/audit?student=${school.students[1].id}`).expect(200);
      expect(times(byId.text)).to.have.length(26);
      // The second day only: events 130..259.
      const day = new Date(base.getTime() + 86_400_000).toISOString().slice(0, 10);
      let url: string | null = `/admin/audit?person=${school.otherAdvisor.id}&from=${day}&to=${day}`;
      let n = 0;
      while (url) {
        const page = await admin.get(url).expect(200);
        n += times(page.text).length;
        url = link(page.text, 'next');
      }
      expect(n).to.equal(130);
      const bad = await admin.get(`/admin/audit?from=2026-04-03&to=2026-04-01`).expect(400);
      expect(bad.text).to.contain('error-summary').and.to.contain('The “to” date must be on or after the “from” date').and.to.contain('href="#f-to"');
    });

    it('a name search that matches too many people says so; another school\'s id matches nobody', async () => {
      for (let i = 0; i < 51; i++) await t.ctx.roster.upsertPerson(school.tenantId, { sub: `many-${i}-${school.tenantId}`, name: `Quinn Many ${i}` });
      const vague = await admin.get('/admin/audit?student=Quinn%20Many').expect(200);
      expect(vague.text).to.contain('More than 50 people have a name like that');
      const precise = await admin.get('/admin/audit?student=Quinn%20Many%2050').expect(200);
      expect(precise.text).not.to.contain('More than 50 people');
      const foreign = await admin.get(`/admin/audit?student=${school.other.student.id}`).expect(200);
      expect(times(foreign.text)).to.have.length(0);
      expect(foreign.text).to.contain('Nobody in this school');
    });

    it('an event that names two of the matched students shows once', async () => {
      // The seed's names share their last word: this search matches every person of the school.
      const suffix = school.advisor.name.split(' ').pop()!;
      let url: string | null = `/admin/audit?student=${suffix}&person=${school.otherAdvisor.id}`;
      const seen: string[] = [];
      while (url) {
        const page = await admin.get(url).expect(200);
        seen.push(...times(page.text));
        url = link(page.text, 'next');
      }
      expect(seen).to.have.length(EVENTS + 1);
      expect(new Set(seen).size).to.equal(EVENTS + 1);
    });

    it('shows actions in words, not codes', async () => {
      const page = await admin.get(`/admin/audit?person=${school.otherAdvisor.id}`).expect(200);
      expect(page.text).to.contain('<strong>Viewed</strong>: Success plan');
      expect(page.text).not.to.match(/<strong>read<\/strong>/);
    });

    it('exports the filtered rows as CSV with a header, only this tenant\'s, and audits the export', async () => {
      const res = await request(t.app).get('/admin/audit/export').query({ ltik: await ltikFor(t.ctx, school.admin, 'admin', null), person: school.otherAdvisor.id }).expect(200);
      expect(res.headers['content-type']).to.match(/^text\/csv/);
      expect(res.headers['content-disposition']).to.contain('audit-log.csv');
      const rows = parse(res.text) as string[][];
      expect(rows[0]).to.deep.equal(['When (UTC)', 'Who', 'Role', 'What happened', 'Record', 'Attempted', 'Students', 'Student ids']);
      expect(rows).to.have.length(1 + EVENTS + 1);
      expect(rows[1]).to.include('Refused');
      expect(rows.filter((r) => r[6] === `${school.students[0].name}; ${school.students[1].name}` || r[6] === `${school.students[1].name}; ${school.students[0].name}`)).to.have.length(26);
      expect(res.text).not.to.contain(school.other.student.name);
      const all = await request(t.app).get('/admin/audit/export').query({ ltik: await ltikFor(t.ctx, school.admin, 'admin', null) }).expect(200);
      expect(all.text).not.to.contain(school.other.student.id).and.not.to.contain(school.other.advisor.name);
      expect((await t.ctx.audit.list(school.tenantId, { actorId: school.admin.id })).some((e) => e.entity === 'audit' && e.action === 'read')).to.equal(true);
      await request(t.app).get('/admin/audit/export').query({ ltik: await ltikFor(t.ctx, school.advisor, 'advisor', school.advisoryId) }).expect(403);
    });

    it('quotes a name that a spreadsheet would run as a formula', async () => {
      const tricky = await t.ctx.roster.upsertPerson(school.tenantId, { sub: `tricky-${school.tenantId}`, name: '=HYPERLINK("http://evil.test","x")' });
      await t.ctx.audit.record({ tenantId: school.tenantId, personId: school.advisor.id, role: 'advisor' }, { action: 'read', entity: 'plan', studentId: tricky.id });
      const res = await request(t.app).get('/admin/audit/export').query({ ltik: await ltikFor(t.ctx, school.admin, 'admin', null), student: tricky.id }).expect(200);
      const rows = parse(res.text) as string[][];
      expect(rows).to.have.length(2);
      expect(rows[1]![6]).to.equal(`'=HYPERLINK("http://evil.test","x")`);
    });

    it('an admin of another tenant sees none of this tenant\'s log, even by id', async () => {
      const otherAdmin = await t.ctx.roster.upsertPerson(school.other.tenantId, { sub: `admin-${school.other.tenantId}`, name: 'Oona Other Admin' });
      const as2 = asUser(t.app, await ltikFor(t.ctx, otherAdmin, 'admin', null));
      const page = await as2.get(`/admin/audit?student=${school.students[0].id}`).expect(200);
      expect(times(page.text)).to.have.length(0);
      const own = await as2.get('/admin/audit').expect(200);
      expect(own.text).to.contain(school.other.student.name).and.not.to.contain(school.otherAdvisor.name).and.not.to.contain(school.students[0].name);
    });
  });

  describe('"who viewed my record"', () => {
    it('shows the student a teacher\'s view of their plan, not their own views, not other students\' rows', async () => {
      const fresh = await seedSchool(t.ctx);
      const l = async (p: SeededSchool['advisor'], role: Parameters<typeof ltikFor>[2], cid: string | null = fresh.advisoryId) => asUser(t.app, await ltikFor(t.ctx, p, role, cid));
      const [advisor, student, admin, mentor] = [await l(fresh.advisor, 'advisor'), await l(fresh.students[0], 'student'), await l(fresh.admin, 'admin', null), await l(fresh.mentor, 'family')];
      await advisor.get(`/students/${fresh.students[0].id}/plan`).expect(200);
      await student.get('/my-plan').expect(200);
      // The admin reads another student's plan: not this student's business.
      await admin.get(`/students/${fresh.students[1].id}/plan`).expect(200);
      const home = await student.get('/my-plan').expect(200);
      expect(home.text).to.contain(`/students/${fresh.students[0].id}/record-views?ltik`);
      const page = await student.get(`/students/${fresh.students[0].id}/record-views`).expect(200);
      const list = listOf(page.text);
      expect(list).to.contain(fresh.advisor.name).and.to.contain('Advisor or teacher').and.to.contain('Viewed: Success plan');
      expect(list).not.to.contain(fresh.admin.name).and.not.to.contain(fresh.students[0].name);
      // The family reaches it from their home, for the student they follow only.
      const family = await mentor.get('/family').expect(200);
      expect(family.text).to.contain(`/students/${fresh.students[0].id}/record-views?ltik`);
      expect(listOf((await mentor.get(`/students/${fresh.students[0].id}/record-views`).expect(200)).text)).to.contain(fresh.advisor.name);
      await mentor.get(`/students/${fresh.students[1].id}/record-views`).expect(404);
      await student.get(`/students/${fresh.students[1].id}/record-views`).expect(404);
      // Staff have the audit log, not this page.
      await advisor.get(`/students/${fresh.students[0].id}/record-views`).expect(403);
    });

    it('pages when the list is long', async () => {
      const fresh = await seedSchool(t.ctx);
      for (let i = 0; i < 60; i++) {
        t.clock.advance(MINUTE);
        await t.ctx.audit.record({ tenantId: fresh.tenantId, personId: fresh.advisor.id, role: 'advisor' }, { action: 'read', entity: 'goal', studentId: fresh.students[0].id });
      }
      const student = asUser(t.app, await ltikFor(t.ctx, fresh.students[0], 'student', fresh.advisoryId));
      const first = await student.get(`/students/${fresh.students[0].id}/record-views`).expect(200);
      expect(listOf(first.text).match(/<li /g)).to.have.length(50);
      const next = link(first.text, 'next')!;
      const second = await student.get(next).expect(200);
      expect(listOf(second.text).match(/<li /g)).to.have.length(10);
    });
  });
});
