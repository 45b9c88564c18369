import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { latencyRows, ms, timed, type BenchEnv, type BenchRow, type BenchSection } from '../bench.js';
import { readPage } from '../advisory.js';
import { profiled } from '../cpu-profile.js';
import { queryRows } from '../../../src/db/client.js';
import { withTenant } from '../../../src/db/tenant-scope.js';
import { localDate } from '../../../src/web/time-zone.js';
import { schoolYearAt } from '../../../src/web/school-year.js';
import type { AppUser, StaffGrant } from '../../../src/auth/user.js';
import { loadShippedFields } from '../../../src/custom-fields/custom-fields.kind.js';

/**
 * The school and district views (issue 12): GET /schools/:id for a school of 2,000 students (target
 * p95 under 100 ms), and GET /district over 100,000 students in 50 schools with 1 M check-ins and 9 M
 * attendance rows (target p95 under 300 ms on PostgreSQL), after the nightly snapshot job (timed: the
 * district view reads its rows, so its cost is the night's). Then one school view inside that district,
 * to show it stays per school. Seeded straight in SQL (not timed). BENCH_DISTRICT_STUDENTS sizes the
 * district (100,000; check-ins and attendance scale with it), BENCH_SCHOOL_VIEWS the requests (100).
 * With BENCH_CPU_PROFILE=<folder>, 20 more school views run under the CPU profiler (its top self times as rows).
 */
const PROFILE_DIR = process.env.BENCH_CPU_PROFILE;
export const VIEWS_BENCH = {
  perSchool: 2_000,
  districtStudents: Number(process.env.BENCH_DISTRICT_STUDENTS ?? 100_000),
  requests: Number(process.env.BENCH_SCHOOL_VIEWS ?? 100),
  warmup: 5,
  advisorySize: 25,
};

/** Per student: check-ins over the year and days of attendance, as issue 12 sizes the district. */
interface Volumes {
  checkins: number;
  attendanceDays: number;
}

interface SeededTenant {
  tenantId: string;
  /** School ids in their order (Bench school 1, 2, ...). */
  schoolIds: string[];
}

async function run(env: BenchEnv, q: ReturnType<typeof sql>): Promise<void> {
  await queryRows(env.app.ctx.db, q);
}

/**
 * A district of `schools` schools of VIEWS_BENCH.perSchool students each (grades 09-12 in turn), in
 * advisories of 25 with an advisor each; per student `v.checkins` check-ins over the last ~120 days
 * (one in seven missed), `v.attendanceDays` days of attendance, stored indicators (tier 3 one in ten,
 * tier 2 two in ten); open needs for one student in eight, a plan for two in three, a referral for one in ten.
 */
async function seedDistrict(env: BenchEnv, schools: number, v: Volumes): Promise<SeededTenant> {
  const { ctx } = env.app;
  const u = randomUUID().slice(0, 8);
  const tenant = await ctx.platforms.register({ name: `Views bench ${u}`, issuer: `https://bench.test/${u}`, clientId: `bench-${u}`, authLoginUrl: `https://bench.test/${u}/auth`, accessTokenUrl: `https://bench.test/${u}/token`, jwksUrl: `https://bench.test/${u}/jwks` });
  const t = tenant.id;
  const n = schools * VIEWS_BENCH.perSchool;
  const size = VIEWS_BENCH.advisorySize;
  const advisories = Math.ceil(n / size);
  const zone = await ctx.platforms.timeZoneOf(t);
  const today = localDate(new Date(), zone);
  const year = schoolYearAt(today, await ctx.platforms.schoolYearStartOf(t));
  const step = Math.max(1, Math.floor(120 / v.checkins));
  const needs = ctx.checkins.script.needs.map((x) => x.id).slice(0, 3);
  // Students, advisors and advisories numbered in their keys (zero-padded, so they sort by number): read back in order, a school's slice is its people.
  const idsOf = async (q: ReturnType<typeof sql>) => (await queryRows<{ id: string }>(ctx.db, q)).map((r) => r.id);
  await run(env, sql`insert into people (tenant_id, sub, name) select ${t}::uuid, 'bs-' || lpad(g::text, 7, '0'), 'Bench Student ' || g from generate_series(0, ${n - 1}) g`);
  await run(env, sql`insert into people (tenant_id, sub, name) select ${t}::uuid, 'ba-' || lpad(g::text, 7, '0'), 'Bench Advisor ' || g from generate_series(0, ${advisories - 1}) g`);
  await run(env, sql`insert into schools (tenant_id, name, source, sis_key) select ${t}::uuid, 'Bench school ' || g, 'sis', 'bench-school-' || lpad(g::text, 4, '0') from generate_series(1, ${schools}) g`);
  await run(env, sql`insert into contexts (tenant_id, context_id, title, kind, kind_set_by) select ${t}::uuid, 'bench-adv-' || lpad(g::text, 7, '0'), 'Advisory ' || lpad(g::text, 5, '0'), 'advisory', 'placement' from generate_series(0, ${advisories - 1}) g`);
  const studentIds = await idsOf(sql`select id from people where tenant_id = ${t} and sub like 'bs-%' order by sub`);
  const advisorIds = await idsOf(sql`select id from people where tenant_id = ${t} and sub like 'ba-%' order by sub`);
  const schoolIds = await idsOf(sql`select id from schools where tenant_id = ${t} order by sis_key`);
  const contextIds = await idsOf(sql`select id from contexts where tenant_id = ${t} and context_id like 'bench-adv-%' order by context_id`);
  const [support] = await queryRows<{ id: string }>(ctx.db, sql`insert into supports (tenant_id, name, provider, category, tier, cost, referral, sensitive) values (${t}, 'Bench tutoring', 'Bench', 'tutoring', 2, 'free', 'internal', false) returning id`);
  env.progress(`school views: ${n} students, ${schools} schools, ${advisories} advisories; their records a school at a time...`);
  const perSchoolAdvisories = VIEWS_BENCH.perSchool / size;
  const list = (ids: string[]) => `{${ids.join(',')}}`;
  // A school's students at a time: each statement stays well under the driver's query timeout.
  for (let school = 0; school < schools; school++) {
    const from = school * VIEWS_BENCH.perSchool;
    const adv = list(advisorIds.slice(school * perSchoolAdvisories, (school + 1) * perSchoolAdvisories));
    const ctxs = list(contextIds.slice(school * perSchoolAdvisories, (school + 1) * perSchoolAdvisories));
    // The school's students with their number, advisor and advisory (25 to an advisory, in order).
    const these = sql`(select s.id, ${from}::int + s.i::int - 1 as n, (${adv}::uuid[])[1 + (s.i::int - 1) / ${size}] as advisor, (${ctxs}::uuid[])[1 + (s.i::int - 1) / ${size}] as context
      from unnest(${list(studentIds.slice(from, from + VIEWS_BENCH.perSchool))}::uuid[]) with ordinality s(id, i))`;
    await run(env, sql`insert into course_schools (tenant_id, context_id, school_id, source) select ${t}::uuid, c, ${schoolIds[school]!}::uuid, 'sis' from unnest(${ctxs}::uuid[]) c`);
    await run(env, sql`insert into memberships (tenant_id, context_id, person_id, role) select ${t}::uuid, c, a, 'advisor' from unnest(${ctxs}::uuid[], ${adv}::uuid[]) x(c, a)`);
    await run(env, sql`insert into memberships (tenant_id, context_id, person_id, role) select ${t}::uuid, s.context, s.id, 'student' from ${these} s`);
    await run(env, sql`insert into school_enrolments (tenant_id, student_id, school_id, grade_level, started_on, source)
      select ${t}::uuid, s.id, ${schoolIds[school]!}::uuid, lpad((9 + s.n % 4)::text, 2, '0'), ${year.firstDay}::date, 'sis' from ${these} s`);
    await run(env, sql`insert into checkins (tenant_id, student_id, recorded_by, date, format, attended, week, wellbeing)
      select ${t}::uuid, s.id, s.advisor, ${today}::date - (k * ${step} + s.n % 4), 'in_person', (s.n + k) % 7 <> 0, ${v.checkins} - k, 1 + (s.n + k) % 5
      from ${these} s cross join generate_series(0, ${v.checkins - 1}) k`);
    await run(env, sql`insert into attendance_days (tenant_id, person_id, day, status, source)
      select ${t}::uuid, s.id, ${today}::date - k, case when (hashtext(s.id::text || k::text) & 15) = 0 then 'absent' else 'present' end, 'csv'
      from ${these} s cross join generate_series(0, ${v.attendanceDays - 1}) k`);
    await run(env, sql`insert into checkin_needs (tenant_id, student_id, category, urgency, raised_by, raised_by_role)
      select ${t}::uuid, s.id, (string_to_array(${needs.join(',')}, ','))[1 + s.n % ${needs.length}], case when s.n % 16 = 0 then 'urgent' else 'concern' end, s.advisor, 'advisor'
      from ${these} s where s.n % 8 = 0`);
    await run(env, sql`insert into student_indicators (tenant_id, student_id, as_of, indicators, suggested_tier, reasons)
      select ${t}::uuid, s.id, ${today}::date, '{"bands":{"attendance":"on-track"}}'::json, case when s.n % 10 = 0 then 3 when s.n % 10 < 3 then 2 else 1 end, '[]'::json
      from ${these} s`);
    await run(env, sql`insert into plans (tenant_id, student_id, school_year, status, updated_by)
      select ${t}::uuid, s.id, ${year.label}, case when s.n % 3 = 0 then 'draft' else 'active' end, s.advisor from ${these} s where s.n % 3 <> 2`);
    await run(env, sql`insert into referrals (tenant_id, student_id, support_id, category, sensitive, reason, urgency, source, referred_by, owner_id, state, due_at, responded_at, created_at, updated_at)
      select ${t}::uuid, s.id, ${support!.id}::uuid, 'tutoring', false, 'Bench reason', 'routine', 'direct', s.advisor, s.advisor,
        (array['requested','accepted','in_service'])[1 + s.n % 3], now() + ((s.n % 20) - 10) * interval '1 day',
        case when s.n % 3 = 0 then null else now() - interval '1 day' end, now() - (s.n % 60) * interval '1 day', now()
      from ${these} s where s.n % 10 = 0`);
    if ((school + 1) % 10 === 0) env.progress(`school views: ${school + 1} of ${schools} schools' records`);
  }
  await analyze(env, ['people', 'contexts', 'schools', 'memberships', 'course_schools', 'school_enrolments', 'checkins', 'checkin_needs', 'attendance_days', 'student_indicators', 'plans', 'referrals', 'school_view_students']);
  return { tenantId: t, schoolIds };
}

/**
 * As a live database would be after autovacuum: the planner knows the tables' sizes and the visibility
 * map is set (PostgreSQL; PGlite plans without). On its own connection, as the tables' owner: the app's
 * connections run as success_plans_app, for whom ANALYZE skips the table with a mere warning (so the
 * figures before 2026-12-02 17:30 were measured with no statistics where autovacuum is off, as on CI).
 */
async function analyze(env: BenchEnv, tables: string[]): Promise<void> {
  if (env.driver !== 'postgres') return;
  const owner = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await owner.connect();
  try {
    for (const table of tables) await owner.query(`vacuum analyze ${table}`);
  } finally {
    await owner.end();
  }
}

/** The school adds a pick-one "Program" to its students (published as its admin would) and every student has one of its four values. */
async function studentProgramField(env: BenchEnv, tenantId: string): Promise<void> {
  const { ctx } = env.app;
  const person = await ctx.roster.upsertPerson(tenantId, { sub: 'bench-admin', name: 'Bench Admin' });
  const admin: AppUser = { tenantId, personId: person.id, name: person.name, role: 'admin', contextId: null, contextTitle: '', contextKind: 'advisory', menteeIds: [] };
  const doc = loadShippedFields();
  const options = ['avid', 'early-college', 'cte', 'general'].map((value) => ({ value, label: value }));
  doc.layouts.find((l) => l.object === 'student')!.sections[0]!.fields.push({ key: 'program', label: 'Program', type: 'picklist', options, edit: ['adult'], see: ['adult'], translations: { es: { label: 'Programa' } } });
  const draft = await ctx.configuration.saveDraft(admin, 'custom-fields', { body: doc, edits: null });
  await ctx.configuration.publish(admin, 'custom-fields', draft.version);
  await run(env, sql`insert into custom_field_values (tenant_id, student_id, object, record_id, field_key, value, author_id)
    select ${tenantId}::uuid, p.id, 'student', p.id, 'program', (array['avid','early-college','cte','general'])[1 + (row_number() over (order by p.sub))::int % 4], ${person.id}::uuid
    from people p where p.tenant_id = ${tenantId} and p.sub like 'bs-%'`);
  await analyze(env, ['custom_field_values']);
}

/** A staff member holding `grant` (no course: a leader's account-level launch), and their ltik. */
async function leader(env: BenchEnv, tenantId: string, grant: StaffGrant): Promise<string> {
  const { ctx } = env.app;
  const person = await ctx.roster.upsertPerson(tenantId, { sub: `bench-${grant.role}`, name: 'Bench Leader' });
  await run(env, sql`update people set staff_roles = array[${grant.role}]::text[], staff_grants = ${JSON.stringify([grant])}::jsonb where tenant_id = ${tenantId} and id = ${person.id}`);
  return ctx.ltiks.issue({ tid: tenantId, pid: person.id, cid: null, role: 'advisor' });
}

/**
 * Warms up, then times a page VIEWS_BENCH.requests times, one request at a time; fails unless it names
 * `expect`. `between`: work done before each request, not timed (students' facts made stale).
 */
async function samples(env: BenchEnv, ltik: string, pathname: string, expect: string, between?: () => Promise<void>): Promise<number[]> {
  const page = async () => {
    if (!(await readPage(env, ltik, pathname)).includes(expect)) throw new Error(`${pathname} answered without "${expect}"`);
  };
  for (let i = 0; i < VIEWS_BENCH.warmup; i++) await page();
  const out: number[] = [];
  for (let i = 0; i < VIEWS_BENCH.requests; i++) {
    await between?.();
    out.push((await timed(page)).ms);
  }
  return out;
}

/**
 * Makes `count` of the tenant's students' kept facts stale (all when null), as that many writes to their
 * rows would: the next school view computes them again from the features' rows.
 */
function staleFacts(env: BenchEnv, tenantId: string, count: number | null): () => Promise<void> {
  return () => run(env, sql`update school_view_students set version = version + 1 where tenant_id = ${tenantId} and student_id in (select student_id from school_view_students where tenant_id = ${tenantId} order by random() limit ${count ?? 2_147_483_647})`);
}

/** The snapshot job over a tenant, as the nightly job runs it; fails unless every school's row counts its students. */
async function snapshot(env: BenchEnv, seeded: SeededTenant): Promise<number> {
  const { ctx } = env.app;
  const { ms: took } = await timed(() => withTenant(seeded.tenantId, () => ctx.dashboards.snapshotTenant(seeded.tenantId)));
  const rows = await queryRows<{ students: number; schools: number }>(ctx.db, sql`select sum(students)::int as students, count(*)::int as schools from school_snapshots where tenant_id = ${seeded.tenantId}`);
  const expected = seeded.schoolIds.length * VIEWS_BENCH.perSchool;
  if (rows[0]?.students !== expected || rows[0]?.schools !== seeded.schoolIds.length) throw new Error(`snapshots count ${JSON.stringify(rows[0])}, expected ${expected} students in ${seeded.schoolIds.length} schools`);
  return took;
}

export const section: BenchSection = {
  name: 'school-views',
  async run(env) {
    const rows: BenchRow[] = [];
    const n = VIEWS_BENCH.perSchool;

    // 1. One school of 2,000 students, ~20 check-ins each over the year, as its school leader sees it.
    const school = await seedDistrict(env, 1, { checkins: 20, attendanceDays: 90 });
    const schoolLeader = await leader(env, school.tenantId, { role: 'school_leader', schoolId: school.schoolIds[0]! });
    rows.push(...latencyRows(`school view, ${n} students (GET /schools/:id, school leader)`, await samples(env, schoolLeader, `/schools/${school.schoolIds[0]}`, 'Bench school 1')));
    const page = await readPage(env, schoolLeader, `/schools/${school.schoolIds[0]}`);
    if (process.env.BENCH_SAVE_PAGE) (await import('node:fs')).writeFileSync(process.env.BENCH_SAVE_PAGE, page);
    rows.push({ metric: 'school view page size', value: `${(Buffer.byteLength(page) / 1024).toFixed(1)} KiB`, note: `${(page.match(/<a /g) ?? []).length} links` });
    rows.push(...latencyRows(`same, grouped by advisory (${n / VIEWS_BENCH.advisorySize} advisories)`, await samples(env, schoolLeader, `/schools/${school.schoolIds[0]}?group=advisory`, 'Bench school 1')));
    await studentProgramField(env, school.tenantId);
    rows.push(...latencyRows(`same, grouped by a student field of the school's own (4 values)`, await samples(env, schoolLeader, `/schools/${school.schoolIds[0]}?group=field.program`, 'Bench school 1')));
    // Side by side: the same view with 20 students written to since the last view (1%), and with every
    // student's facts stale, as every view was before the facts were kept (the reference).
    rows.push(...latencyRows(`same, 20 students' facts stale before each view`, await samples(env, schoolLeader, `/schools/${school.schoolIds[0]}`, 'Bench school 1', staleFacts(env, school.tenantId, 20))));
    rows.push(...latencyRows(`same, every student's facts stale (computed as before they were kept)`, await samples(env, schoolLeader, `/schools/${school.schoolIds[0]}`, 'Bench school 1', staleFacts(env, school.tenantId, null))));
    if (PROFILE_DIR) {
      const view = async () => void (await readPage(env, schoolLeader, `/schools/${school.schoolIds[0]}`));
      rows.push(...(await profiled(PROFILE_DIR, `school-view-${env.driver}`, async () => { for (let i = 0; i < 20; i++) await view(); })));
    }

    // 2. The district: 50 schools of 2,000 (BENCH_DISTRICT_STUDENTS), 10 check-ins and 90 days of attendance a student.
    const schools = Math.max(1, Math.round(VIEWS_BENCH.districtStudents / n));
    const seed = await timed(() => seedDistrict(env, schools, { checkins: 10, attendanceDays: 90 }));
    const district = seed.result;
    const total = schools * n;
    rows.push({ metric: `district seeded: ${total} students, ${schools} schools`, value: `${(seed.ms / 1000).toFixed(1)} s`, note: `${total * 10} check-ins, ${total * 90} attendance rows (SQL, not the tool)` });
    const districtLeader = await leader(env, district.tenantId, { role: 'district_leader', schoolId: null });
    const took = await snapshot(env, district);
    rows.push({ metric: `snapshot job (nightly), ${schools} schools, ${total} students`, value: `${(took / 1000).toFixed(2)} s`, note: `${ms(took / schools)} a school` });
    rows.push(...latencyRows(`district view, ${schools} schools, ${total} students (GET /district)`, await samples(env, districtLeader, '/district', `Bench school ${schools}`)));
    rows.push(...latencyRows(`school view inside that district, ${n} students`, await samples(env, districtLeader, `/schools/${district.schoolIds.at(-1)}`, `Bench school ${schools}`)));
    return rows;
  },
};
