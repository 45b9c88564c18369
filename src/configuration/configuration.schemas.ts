import { z } from 'zod';

/** What an export holds: each document kind's body in force, by kind id. Import reads the same. */
export const exportFormat = 'success-plans-configuration';
export const configurationExport = z.strictObject({
  format: z.literal(exportFormat),
  formatVersion: z.literal(1),
  exportedAt: z.string(),
  documents: z.record(z.string(), z.unknown()),
  // Absent from exports made before catalogues travelled with them.
  catalogues: z.record(z.string(), z.unknown()).optional(),
});
export type ConfigurationExport = z.infer<typeof configurationExport>;

/** A version number in a path or form: 0 is the shipped default. */
export const versionNumber = z.coerce.number().int().min(0).max(1_000_000);

/** One problem of a refused document or import, where it is (`kind`, then the path in the body) and what. */
export interface ConfigProblem {
  kind: string;
  path: string;
  /** What, as an i18n key under configuration.problems (the schema's own words stay in `message`, for logs of no language). */
  code: string;
  params: Record<string, string | number>;
  message: string;
}

/** One zod issue as a problem: its code names the words (configuration.problems.<code>), with its bounds. */
export function problemOf(kind: string, issue: z.core.$ZodIssue): ConfigProblem {
  const path = issue.path.map(String).join('.');
  // A kind's own check names its problem (params.code, with its words' params): configuration.problems.<code>.
  if (issue.code === 'custom' && typeof issue.params?.code === 'string') {
    const { code, ...rest } = issue.params as Record<string, string>;
    return { kind, path, code: code!, params: rest, message: issue.message };
  }
  const params: Record<string, string | number> = {};
  if ('minimum' in issue) params.minimum = Number(issue.minimum);
  if ('maximum' in issue) params.maximum = Number(issue.maximum);
  const code = issue.code === 'too_small' || issue.code === 'too_big' ? `${issue.code}_${issue.origin === 'array' || issue.origin === 'set' ? 'items' : issue.origin === 'string' ? 'text' : 'number'}` : issue.code;
  return { kind, path, code, params, message: issue.message };
}

/** Every problem of a body against its kind's schema, each with its path (`a.b.0.c`; '' for the whole). */
export function problemsOf(kind: string, schema: z.ZodType, body: unknown): ConfigProblem[] {
  const parsed = schema.safeParse(body);
  if (parsed.success) return [];
  return parsed.error.issues.map((i) => problemOf(kind, i));
}
