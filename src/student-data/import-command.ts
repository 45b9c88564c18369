import { parseArgs } from 'node:util';
import { access } from 'node:fs/promises';
import { isUuid } from '../web/ids.js';
import { withTenant } from '../db/tenant-scope.js';
import { systemActor } from '../audit/audit.service.js';
import { badRowText } from './import-report.js';
import { importKinds, type ImportKind, type ImportsService } from './imports.service.js';

export const usage = `Import a file into a school's student data.

Usage: npm run import -- --tenant TENANT_ID --kind ${importKinds.join('|')} FILE

  attendance   daily attendance CSV (student_id, date, status)
  incidents    behaviour incidents CSV (incident_id, student_id, date, category, severity, consequence, suspension_days)
  oneroster    OneRoster 1.2 bulk CSV export (zip)

The formats are in src/student-data/README.md. A file with any bad row is refused whole (exit 1) and
every bad row is listed; students the tool does not know yet are left out and queued for review.
With the embedded database (no DATABASE_URL), stop the server first: one process at a time may open DATA_DIR.`;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

const options = { tenant: { type: 'string' }, kind: { type: 'string' }, help: { type: 'boolean', short: 'h' } } as const;

/** The arguments, checked before any database opens so a typo is reported at once. */
export async function parseImportArgs(argv: string[]): Promise<{ help: true } | { help: false; tenantId: string; kind: ImportKind; file: string }> {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: true });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const { values, positionals } = parsed;
  if (values.help) return { help: true };
  const problems: string[] = [];
  if (!isUuid(values.tenant)) problems.push('--tenant must be the school\'s tenant id (a uuid)');
  if (!(importKinds as readonly string[]).includes(values.kind ?? '')) problems.push(`--kind must be one of ${importKinds.join(', ')}`);
  if (positionals.length !== 1) problems.push('give exactly one file');
  else await access(positionals[0]!).catch(() => problems.push('the file cannot be read'));
  if (problems.length) throw new UsageError(problems.join('; '));
  return { help: false, tenantId: values.tenant!, kind: values.kind as ImportKind, file: positionals[0]! };
}

/** Runs one import for the command line; returns the exit code (0 imported, 1 refused) and prints the outcome. */
export async function runImport(imports: ImportsService, args: { tenantId: string; kind: ImportKind; file: string }, out: (line: string) => void): Promise<number> {
  const outcome = await withTenant(args.tenantId, () =>
    imports.importFile({ tenantId: args.tenantId, kind: args.kind, trigger: 'cli', file: { path: args.file }, actor: systemActor(args.tenantId) }),
  );
  const { report } = outcome;
  if (outcome.status === 'imported') {
    out(`Imported (run ${outcome.runId}): ${outcome.rows} rows read, ${outcome.upserted} written or changed, ${outcome.unmatched} students not known yet.`);
  } else {
    out(`Refused, nothing was written (run ${outcome.runId}): ${report.blocking} bad rows.`);
  }
  for (const row of report.listed) out(`  ${badRowText(row)}`);
  if (report.unlisted > 0) out(`  ... and ${report.unlisted} more`);
  return outcome.status === 'imported' ? 0 : 1;
}
