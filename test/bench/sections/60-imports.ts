import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { people } from '../../../src/roster/roster.tables.js';
import { systemActor } from '../../../src/audit/audit.service.js';
import { withTenant } from '../../../src/db/tenant-scope.js';
import type { ImportKind } from '../../../src/student-data/imports.service.js';
import { ms, timed, type BenchRow, type BenchSection } from '../bench.js';
import { schoolDays, sisId, writeAttendanceCsv, writeOneRosterZip } from '../imports-files.js';

/**
 * Issue 10's import figures: a OneRoster 1.2 bulk CSV export of BENCH_IMPORT_STUDENTS students (100,000
 * by default: 1.5 million results) and 90 school days of their attendance (9 million rows), imported
 * as the CLI does it, with the process's resident memory sampled throughout. Targets on PostgreSQL:
 * both files under 5 minutes, resident memory under 300 MB. The files are generated into a temporary
 * folder first (not timed). `BENCH_IMPORT_STUDENTS=5000 npm run bench -- imports` is a quick try;
 * `BENCH_IMPORT_DAYS` sets the attendance file's school days (90; 1 to look at the OneRoster import alone).
 * Resident memory is sampled every 100 ms; `before` is the bench process (the whole tool, served) before
 * the file. `npm run bench` runs under `npm start`'s heap cap (package.json config.maxOldSpaceMb), so the
 * figure is production's plus what tsx and the bench's own fixtures take.
 */
const STUDENTS = Number(process.env.BENCH_IMPORT_STUDENTS ?? 100_000);
const size = { students: STUDENTS, resultsPerStudent: 15, days: Number(process.env.BENCH_IMPORT_DAYS ?? 90) };
/** BENCH_IMPORT_REPEAT=0 leaves out the second attendance import (the unchanged re-import), which at full size takes as long as the first. */
const REPEAT = process.env.BENCH_IMPORT_REPEAT !== '0';

export const section: BenchSection = {
  name: 'imports',
  async run(env) {
    const { ctx } = env.app;
    const rows: BenchRow[] = [];
    const dir = await mkdtemp(path.join(tmpdir(), 'bench-imports-'));
    try {
      const tenant = await ctx.platforms.register({
        name: 'Bench imports',
        issuer: `https://bench.test/${randomUUID()}`,
        clientId: 'bench-imports',
        authLoginUrl: 'https://bench.test/auth',
        accessTokenUrl: 'https://bench.test/token',
        jwksUrl: 'https://bench.test/jwks',
      });
      env.progress(`imports: ${STUDENTS} students with their SIS ids...`);
      for (let i = 0; i < STUDENTS; i += 1000) {
        const batch = Array.from({ length: Math.min(1000, STUDENTS - i) }, (_, k) => ({ tenantId: tenant.id, sub: `bench-${i + k}`, name: `Student ${i + k}`, sisId: sisId(i + k) }));
        await ctx.db.insert(people).values(batch);
      }
      env.progress('imports: writing the files...');
      const zip = await writeOneRosterZip(dir, size);
      const csv = await writeAttendanceCsv(dir, size);
      const days = schoolDays(size.days);
      const window = { firstDay: '2026-07-01', lastDay: '2027-06-30', today: days.at(-1)! };

      let peak = 0;
      const sample = () => (peak = Math.max(peak, process.memoryUsage.rss()));
      const timer = setInterval(sample, 100);
      const mb = (b: number) => `${Math.round(b / 1e6)} MB`;
      const importOne = async (kind: ImportKind, file: string) => {
        sample();
        const before = process.memoryUsage.rss();
        peak = before;
        env.progress(`imports: ${kind}...`);
        const { result, ms: took } = await timed(() => withTenant(tenant.id, () => ctx.dataImports.importFile({ tenantId: tenant.id, kind, trigger: 'cli', file: { path: file }, actor: systemActor(tenant.id), window })));
        if (result.status !== 'imported') throw new Error(`${kind}: refused (${result.report.listed.map((r) => `${r.file ?? ''}:${r.line} ${r.reason}`).slice(0, 5).join(', ')})`);
        return { result, took, before, peak };
      };
      try {
        const roster = await importOne('oneroster', zip);
        rows.push({
          metric: `OneRoster zip: ${STUDENTS} students, ${STUDENTS * size.resultsPerStudent} results`,
          value: ms(roster.took),
          note: `${roster.result.rows} rows in 7 files (${mb((await stat(zip)).size)} zipped), ${roster.result.upserted} course scores, ${roster.result.unmatched} unmatched; RSS ${mb(roster.before)} -> peak ${mb(roster.peak)}; steps ${JSON.stringify(roster.result.steps)}`,
        });
        const attendance = await importOne('attendance', csv);
        rows.push({
          metric: `attendance CSV: ${attendance.result.rows} rows`,
          value: ms(attendance.took),
          note: `${Math.round(attendance.result.rows / (attendance.took / 1000))} rows/s, ${mb((await stat(csv)).size)}, ${attendance.result.upserted} written; RSS ${mb(attendance.before)} -> peak ${mb(attendance.peak)}; steps ${JSON.stringify(attendance.result.steps)}`,
        });
        rows.push({ metric: 'both files', value: ms(roster.took + attendance.took), note: `target < 300000 ms and < 300 MB resident on PostgreSQL (${env.driver} here)` });
        if (REPEAT) {
          const again = await importOne('attendance', csv);
          rows.push({ metric: 'attendance CSV again (nothing changed)', value: ms(again.took), note: `${again.result.upserted} written; steps ${JSON.stringify(again.result.steps)}` });
        }
        const m = process.memoryUsage();
        rows.push({ metric: 'memory at the end', value: mb(m.rss), note: `V8 heap ${mb(m.heapUsed)} used of ${mb(m.heapTotal)}, external ${mb(m.external)}` });
      } finally {
        clearInterval(timer);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    return rows;
  },
};
