import { sql } from 'drizzle-orm';
import { latencyRows, type BenchRow, type BenchSection } from '../bench.js';
import { getPage, samplePage, seedAdvisory } from '../advisory.js';
import { localDate } from '../../../src/web/time-zone.js';
import { addDays } from '../../../src/web/days.js';
import { profiled } from '../cpu-profile.js';
import { t } from '../../../src/web/i18n.js';

const PROFILE_DIR = process.env.BENCH_CPU_PROFILE;

/**
 * The advisor's caseload when every student has indicators (issue 10): a 24-student advisory and a
 * 150-student caseload (BENCH_CASELOAD_SIZES, comma-separated), each student with ten weeks of
 * attendance, an incident and five course standings, recomputed before the pages are timed, so the
 * page reads stored indicators, decisions and badges for every row (and, past config caseloadPageSize, ranks
 * them all and shows the first page). With BENCH_CPU_PROFILE=<folder>,
 * each size's pages are then profiled on their own.
 */
const SIZES = (process.env.BENCH_CASELOAD_SIZES ?? '24,150').split(',').map(Number);

export const section: BenchSection = {
  name: 'caseload-indicators',
  async run(env) {
    const { ctx } = env.app;
    const rows: BenchRow[] = [];
    for (const size of SIZES) {
      const { tenantId, ltik, students } = await seedAdvisory(env, size);
      const today = localDate(new Date(), await ctx.platforms.timeZoneOf(tenantId));
      const ids = `{${students.map((s) => s.id).join(',')}}`;
      await ctx.db.execute(sql`
        insert into attendance_days (tenant_id, person_id, day, status, source)
        select ${tenantId}::uuid, p, d::date, case when (hashtext(p::text || d::text) & 15) = 0 then 'absent' else 'present' end, 'csv'
        from unnest(${ids}::uuid[]) p cross join generate_series(${addDays(today, -70)}::date, ${today}::date, interval '1 day') d
        where extract(isodow from d) < 6`);
      await ctx.db.execute(sql`
        insert into incidents (tenant_id, person_id, day, category, severity, source, external_id)
        select ${tenantId}::uuid, p, ${addDays(today, -3)}::date, 'disruption', 'minor', 'csv', p::text from unnest(${ids}::uuid[]) p`);
      await ctx.db.execute(sql`
        insert into course_scores (tenant_id, person_id, source, course_key, course_title, period_key, current_score, observed_at)
        select ${tenantId}::uuid, p, 'oneroster', 'course-' || c, 'Course ' || c, '', 40 + (hashtext(p::text || c::text) & 63), now()
        from unnest(${ids}::uuid[]) p cross join generate_series(1, 5) c`);
      const stored = await ctx.indicators.recomputeStudents(tenantId, students.map((s) => s.id));
      if (stored !== size) throw new Error(`caseload-indicators: ${stored} of ${size} students computed`);
      // A caseload longer than a page shows its first page: the page must say so (the last student is on another page).
      const pageSize = ctx.config.caseloadPageSize;
      const expected = size > pageSize ? t('caseload.pages.range', { from: 1, to: pageSize, count: size }) : `Bench Student ${size - 1}`;
      const page = () => getPage(env, ltik, '/caseload', expected);
      const samples = await samplePage(page);
      const before = env.queryCount();
      await page();
      rows.push(...latencyRows(`caseload page, ${size} students with indicators${size > pageSize ? ` (first page of ${pageSize})` : ''}`, samples));
      rows.push({ metric: `queries per caseload page, ${size} students`, value: String(env.queryCount() - before) });
      if (PROFILE_DIR) rows.push(...(await profiled(PROFILE_DIR, `caseload-${size}-${env.driver}`, async () => void (await samplePage(page)))));
    }
    return rows;
  },
};
