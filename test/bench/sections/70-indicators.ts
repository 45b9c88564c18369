import { sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { timed, type BenchSection } from '../bench.js';
import { localDate } from '../../../src/web/time-zone.js';
import { addDays } from '../../../src/web/days.js';
import { schoolYearAt } from '../../../src/web/school-year.js';
import { profiled } from '../cpu-profile.js';

const PROFILE_DIR = process.env.BENCH_CPU_PROFILE;

/**
 * Recomputing every indicator of a school (issue 10's target: 100,000 students in under 60 s on
 * PostgreSQL). The school is seeded straight in SQL (not timed): per student every school day of the
 * year so far in attendance (absent about one day in twelve), an incident every ~40 days, 15 course
 * standings; then every student is marked changed and the whole tenant is recomputed and stored.
 * INDICATORS_BENCH_STUDENTS sets the size (default 100,000; run a small size on a shared machine);
 * BENCH_CPU_PROFILE=<dir> recomputes once more under the profiler and lists where this process spent its time.
 */
export const section: BenchSection = {
  name: 'indicators',
  async run(env) {
    const students = Number(process.env.INDICATORS_BENCH_STUDENTS ?? 100_000);
    const { ctx } = env.app;
    const db = ctx.db;
    const u = randomUUID().slice(0, 8);
    const tenant = await ctx.platforms.register({ name: `Indicators bench ${u}`, issuer: `https://bench.test/${u}`, clientId: `bench-${u}`, authLoginUrl: `https://bench.test/${u}/auth`, accessTokenUrl: `https://bench.test/${u}/token`, jwksUrl: `https://bench.test/${u}/jwks` });
    const tenantId = tenant.id;
    const today = localDate(new Date(), await ctx.platforms.timeZoneOf(tenantId));
    // At least ten weeks of school, whenever the bench runs.
    const yearStart = schoolYearAt(today, await ctx.platforms.schoolYearStartOf(tenantId)).firstDay;
    const from = yearStart > addDays(today, -70) ? addDays(today, -70) : yearStart;
    env.progress(`indicators: seeding ${students} students from ${from}...`);
    const seed = await timed(async () => {
      await db.execute(sql`insert into people (tenant_id, sub, name) select ${tenantId}::uuid, 'bench-' || g, 'Bench student ' || g from generate_series(1, ${students}) g`);
      const ids = ((await db.execute(sql`select id from people where tenant_id = ${tenantId} order by id`)) as unknown as { rows: { id: string }[] }).rows.map((r) => r.id);
      // In slices of students: each statement stays well under the driver's query timeout.
      for (let i = 0; i < ids.length; i += 2000) {
        const slice = `{${ids.slice(i, i + 2000).join(',')}}`;
        await db.execute(sql`
          insert into attendance_days (tenant_id, person_id, day, status, source)
          select p.tenant_id, p.id, d::date, case when (hashtext(p.id::text || d::text) & 1023) < 85 then 'absent' when (hashtext(p.id::text || d::text) & 1023) < 120 then 'tardy' else 'present' end, 'csv'
          from people p cross join generate_series(${from}::date, ${today}::date, interval '1 day') d
          where p.tenant_id = ${tenantId} and p.id = any(${slice}::uuid[]) and extract(isodow from d) < 6`);
        await db.execute(sql`
          insert into incidents (tenant_id, person_id, day, category, severity, suspension_days, source, external_id)
          select p.tenant_id, p.id, d::date, 'disruption', 'minor', case when (hashtext(p.id::text || d::text) & 7) = 0 then 1 else 0 end, 'csv', p.id::text || d::text
          from people p cross join generate_series(${from}::date, ${today}::date, interval '1 day') d
          where p.tenant_id = ${tenantId} and p.id = any(${slice}::uuid[]) and extract(isodow from d) < 6 and (hashtext(p.id::text || d::text) & 63) = 0`);
        await db.execute(sql`
          insert into course_scores (tenant_id, person_id, source, course_key, course_title, period_key, current_score, observed_at)
          select p.tenant_id, p.id, 'oneroster', 'course-' || c, 'Course ' || c, '', 40 + (hashtext(p.id::text || c::text) & 63), now()
          from people p cross join generate_series(1, 15) c where p.tenant_id = ${tenantId} and p.id = any(${slice}::uuid[])`);
        env.progress(`indicators: seeded ${Math.min(i + 2000, ids.length)} of ${ids.length}`);
      }
      await db.execute(sql`insert into indicators_pending (tenant_id, student_id) select tenant_id, id from people where tenant_id = ${tenantId}`);
    });
    const counted = await db.execute(sql`select (select count(*) from attendance_days where tenant_id = ${tenantId}) as attendance, (select count(*) from course_scores where tenant_id = ${tenantId}) as scores`);
    const { attendance, scores } = (counted as unknown as { rows: { attendance: string; scores: string }[] }).rows[0]!;
    env.progress(`indicators: seeded in ${(seed.ms / 1000).toFixed(1)} s (${attendance} attendance rows, ${scores} standings); recomputing...`);
    const run = await timed(() => ctx.indicators.recomputeTenant(tenantId));
    const profile = PROFILE_DIR ? await profiled(PROFILE_DIR, `indicators-${env.driver}`, async () => void (await ctx.indicators.recomputeTenant(tenantId))) : [];
    return [
      ...profile,
      { metric: `recompute every indicator (${students} students)`, value: `${(run.ms / 1000).toFixed(1)} s`, note: `${run.result} stored; ${attendance} attendance rows, ${scores} standings; target < 60 s for 100,000 on PostgreSQL` },
      { metric: 'students per second', value: String(Math.round(run.result / (run.ms / 1000))) },
    ];
  },
};
