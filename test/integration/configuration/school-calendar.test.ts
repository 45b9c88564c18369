import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import request from 'supertest';
import { createTestApp, type TestApp } from '../../support/app.js';
import { seedSchool, ltikFor, asUser, type SeededSchool } from '../../support/school.js';
import { decoded } from '../../support/html.js';
import { enterSystemScopeForTests } from '../../../src/db/tenant-scope.js';
import { queryRows } from '../../../src/db/client.js';
import { supports } from '../../../src/supports/supports.tables.js';

const EDITOR = '/admin/configuration/school-calendar';
// Friday 6 March 2026; US clocks go forward on Sunday 8 March.
const FRIDAY = new Date('2026-03-06T18:00:00Z');

/**
 * The school calendar (issue 14 item 3): the time zone, the school year's first day, the minimum group
 * size and the closed days are one versioned document. A school without a version keeps what its pages
 * stored; a published version reaches every reader (zone, year, group size, referral due dates); the
 * old pages save into it; a rollback puts the earlier values back; an export carries it to another school.
 */
describe('configuration: the school calendar document', function () {
  this.timeout(120_000);
  let t: TestApp;
  let s: SeededSchool;
  let admin: ReturnType<typeof asUser>;
  let advisor: ReturnType<typeof asUser>;
  let housing: string;

  const rows = <T>(q: ReturnType<typeof sql>) => queryRows<T>(t.ctx.db, q);
  const versions = async (tenantId: string) => rows<{ version: number; state: string; note: string }>(sql`select version, state, note from config_versions where tenant_id = ${tenantId} and kind = 'school-calendar' order by version`);
  /** An urgent referral made now over HTTP: its due date, counted on the school's calendar in its zone. */
  const urgentDueAt = async () => {
    const res = await advisor.post(`/students/${s.students[0].id}/referrals`, { support: housing, reason: 'Needs a stable place to sleep', urgency: 'urgent' }).expect(303);
    const id = new URL(res.headers.location as string, 'http://x').pathname.split('/').pop()!;
    return new Date((await rows<{ due_at: Date }>(sql`select due_at from referrals where id = ${id}`))[0]!.due_at).toISOString();
  };
  const inForce = async (tenantId: string) => ({
    timeZone: await t.ctx.platforms.timeZoneOf(tenantId),
    schoolYearStart: await t.ctx.platforms.schoolYearStartOf(tenantId),
    minGroupSize: (await t.ctx.reports.settingsFor(tenantId)).minGroupSize,
  });
  const calendarForm = (f: { timeZone: string; schoolYearStart: string; minGroupSize: string; holidays: [string, string][] }) => ({
    edits: '',
    'f.timeZone': f.timeZone,
    'f.schoolYearStart': f.schoolYearStart,
    'f.minGroupSize': f.minGroupSize,
    ...Object.fromEntries(f.holidays.flatMap(([date, name], i) => [[`f.holidays.${i}.date`, date], [`f.holidays.${i}.name`, name]])),
  });

  before(async () => {
    enterSystemScopeForTests();
    t = await createTestApp({}, { now: FRIDAY });
    s = await seedSchool(t.ctx);
    // What the school stored before its calendar was a document: a zone, a year start, a group size, a closed Monday.
    await rows(sql`update tenants set time_zone = 'America/Chicago', school_year_start = '07-01' where id = ${s.tenantId}`);
    await rows(sql`insert into report_settings (tenant_id, min_group_size) values (${s.tenantId}, 7)`);
    await rows(sql`insert into school_holidays (tenant_id, date, name) values (${s.tenantId}, '2026-03-09', 'Teacher day')`);
    t.ctx.platforms.invalidate();
    const coordinator = await t.ctx.roster.upsertPerson(s.tenantId, { sub: `coord-${randomUUID()}`, name: 'Cora Coordinator' });
    await rows(sql`update people set staff_roles = '{coordinator}', staff_grants = '[{"role":"coordinator","schoolId":null}]' where id = ${coordinator.id}`);
    const [support] = await t.ctx.db.insert(supports).values({ tenantId: s.tenantId, name: 'Family housing desk', provider: 'Provider', category: 'housing', tier: 2, cost: 'free', referral: 'internal', sensitive: false }).returning({ id: supports.id });
    housing = support!.id;
    admin = asUser(t.app, await ltikFor(t.ctx, s.admin, 'admin', s.advisoryId));
    advisor = asUser(t.app, await ltikFor(t.ctx, s.advisor, 'advisor', s.advisoryId));
  });
  after(async () => t.ctx.shutdown?.());

  it('a school without a version keeps what it stored: its zone, year start, group size and closed days, shown as version 0', async () => {
    expect(await inForce(s.tenantId)).to.deep.equal({ timeZone: 'America/Chicago', schoolYearStart: '07-01', minGroupSize: 7 });
    // Friday noon in Chicago, 1 school day: Monday is closed, so the end of Tuesday there (CDT, -5).
    expect(await urgentDueAt()).to.equal('2026-03-11T04:59:59.999Z');
    const editor = decoded((await admin.get(EDITOR).expect(200)).text);
    expect(editor).to.contain('In force: your school\'s settings from before they were versioned');
    expect(editor).to.contain('value="America/Chicago"').and.to.contain('value="07-01"').and.to.contain('value="7"').and.to.contain('value="Teacher day"');
    const exported = JSON.parse((await admin.get('/admin/configuration/export').expect(200)).text) as { documents: Record<string, unknown> };
    expect(exported.documents['school-calendar']).to.deep.equal({ timeZone: 'America/Chicago', schoolYearStart: '07-01', minGroupSize: 7, holidays: [{ date: '2026-03-09', name: 'Teacher day' }] });
    // Another school stored nothing: the shipped calendar (UTC, 1 August, 10, no closed days).
    expect(await inForce(s.other.tenantId)).to.deep.equal({ timeZone: 'UTC', schoolYearStart: '08-01', minGroupSize: 10 });
    expect(await versions(s.tenantId)).to.deep.equal([]);
  });

  it('refuses a zone, a first day, a group size and closed days that are not real, in the admin\'s words, and publishes nothing', async () => {
    const res = await admin.post(`${EDITOR}/draft`, calendarForm({ timeZone: 'Mars/Olympus_Mons', schoolYearStart: '02-29', minGroupSize: '4', holidays: [['2026-02-30', 'Not a day'], ['2026-03-09', 'Teacher day'], ['2026-03-09', 'Again']] })).expect(400);
    const html = decoded(res.text);
    expect(html).to.contain('“Mars/Olympus_Mons” is not a time zone');
    expect(html).to.contain('“02-29” is not a first day every year has');
    expect(html).to.contain('Use 5 or more.');
    expect(html).to.contain('“2026-02-30” is not a day of the calendar');
    expect(html).to.contain('The day 2026-03-09 is listed twice');
    const es = asUser(t.app, await t.ctx.ltiks.issue({ tid: s.tenantId, pid: s.admin.id, cid: s.advisoryId, role: 'admin', loc: 'es' }));
    expect(decoded((await es.post(`${EDITOR}/draft`, calendarForm({ timeZone: 'Mars/Olympus_Mons', schoolYearStart: '07-01', minGroupSize: '7', holidays: [] })).expect(400)).text)).to.contain('«Mars/Olympus_Mons» no es una zona horaria');
    expect(await versions(s.tenantId)).to.deep.equal([]);
  });

  it('a published version reaches every reader: zone, year start, group size, and referral due dates skip its closed days', async () => {
    await admin.post(`${EDITOR}/draft`, calendarForm({ timeZone: 'America/Los_Angeles', schoolYearStart: '08-15', minGroupSize: '12', holidays: [['2026-03-09', 'Teacher day'], ['2026-03-10', 'Spring day']] })).expect(303);
    await admin.post(`${EDITOR}/publish`, { version: '1' }).expect(303);
    expect(await inForce(s.tenantId)).to.deep.equal({ timeZone: 'America/Los_Angeles', schoolYearStart: '08-15', minGroupSize: 12 });
    // Monday and Tuesday closed: the end of Wednesday in Los Angeles (PDT, -7).
    expect(await urgentDueAt()).to.equal('2026-03-12T06:59:59.999Z');
    const platforms = decoded((await admin.get('/admin/platforms').expect(200)).text);
    expect(platforms).to.contain('count in America/Los_Angeles').and.to.contain('The school year begins on August 15');
    expect((await admin.get('/admin/reports').expect(200)).text).to.match(/name="minGroupSize" type="number"[^>]* value="12"/);
    expect(decoded((await admin.get('/admin/calendar').expect(200)).text)).to.contain('Spring day');
    // The school's own pages stay as they were: another school reads its own calendar.
    expect(await inForce(s.other.tenantId)).to.deep.equal({ timeZone: 'UTC', schoolYearStart: '08-01', minGroupSize: 10 });
  });

  it('the old pages save into the document: each save a published version in its history, audited', async () => {
    await admin.post('/admin/reports', { minGroupSize: '15' }).expect(303);
    await admin.post('/admin/calendar', { name: 'Snow day', from: '2026-03-11', to: '' }).expect(303);
    await admin.post(`/admin/platforms/${s.tenantId}/time-zone`, { timeZone: 'America/Denver' }).expect(303);
    await admin.post(`/admin/platforms/${s.tenantId}/school-year`, { month: '9', day: '1' }).expect(303);
    await admin.post('/admin/calendar/2026-03-10/remove').expect(303);
    expect(await inForce(s.tenantId)).to.deep.equal({ timeZone: 'America/Denver', schoolYearStart: '09-01', minGroupSize: 15 });
    expect((await versions(s.tenantId)).map((v) => [v.version, v.state])).to.deep.equal([[1, 'retired'], [2, 'retired'], [3, 'retired'], [4, 'retired'], [5, 'retired'], [6, 'published']]);
    const editor = decoded((await admin.get(EDITOR).expect(200)).text);
    expect(editor).to.contain('In force: version 6').and.to.contain('value="Snow day"').and.not.to.contain('value="Spring day"');
    // A save that changes nothing is no version.
    await admin.post('/admin/reports', { minGroupSize: '15' }).expect(303);
    expect(await versions(s.tenantId)).to.have.length(6);
    const audit = await t.ctx.audit.list(s.tenantId, {});
    expect(audit.filter((a) => a.entity === 'configuration' && a.action === 'publish')).to.have.length(6);
    expect(audit.map((a) => a.entity)).to.include.members(['report_settings', 'school_holiday', 'tenant_time_zone', 'tenant_school_year']);
    // Compared with what the school had before: the group size line changed.
    const diff = decoded((await admin.get(`${EDITOR}/diff?a=0&b=6`).expect(200)).text);
    expect(diff).to.contain('From Your school\'s settings before versions to Version 6').and.to.contain('<del>  &quot;minGroupSize&quot;: 7,').and.to.contain('<ins>  &quot;minGroupSize&quot;: 15,');
  });

  it('a rollback puts the earlier values back, and version 0 the stored ones', async () => {
    await admin.post(`${EDITOR}/restore`, { version: '1' }).expect(303);
    expect(await inForce(s.tenantId)).to.deep.equal({ timeZone: 'America/Los_Angeles', schoolYearStart: '08-15', minGroupSize: 12 });
    expect(await urgentDueAt()).to.equal('2026-03-12T06:59:59.999Z');
    await admin.post(`${EDITOR}/restore`, { version: '0' }).expect(303);
    expect(await inForce(s.tenantId)).to.deep.equal({ timeZone: 'America/Chicago', schoolYearStart: '07-01', minGroupSize: 7 });
    expect(await urgentDueAt()).to.equal('2026-03-11T04:59:59.999Z');
  });

  it('an export carries it to another school, whose LMS zone counts only until its calendar names one', async () => {
    const other = await ltikFor(t.ctx, s.other.advisor, 'admin', s.other.contextId);
    // The other school names no zone of its own: a launch's zone fills it, at once.
    await t.ctx.platforms.adoptTimeZone({ id: s.other.tenantId, timeZone: null }, 'Europe/Paris');
    expect(await t.ctx.platforms.timeZoneOf(s.other.tenantId)).to.equal('Europe/Paris');

    await admin.post(`${EDITOR}/restore`, { version: '6' }).expect(303);
    const file = (await admin.get('/admin/configuration/export').expect(200)).text;
    const res = await request(t.app).post('/admin/configuration/import').query({ ltik: other }).set('Accept', 'text/html').attach('file', Buffer.from(file), { filename: 'configuration.json', contentType: 'application/json' });
    expect(res.status).to.equal(303);
    // Its calendar now names a zone: that one counts, not the LMS's.
    expect(await inForce(s.other.tenantId)).to.deep.equal({ timeZone: 'America/Denver', schoolYearStart: '09-01', minGroupSize: 15 });
    const [row] = await rows<{ body: { holidays: unknown } }>(sql`select body from config_versions where tenant_id = ${s.other.tenantId} and kind = 'school-calendar' and state = 'published'`);
    expect(row!.body.holidays).to.deep.equal([{ date: '2026-03-09', name: 'Teacher day' }, { date: '2026-03-11', name: 'Snow day' }]);
  });
});
