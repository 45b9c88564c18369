import { z } from 'zod';

/** What an export holds: each document kind's body in force, by kind id. Import reads the same. */
export const exportFormat = 'success-plans-configuration';
export const configurationExport = z.strictObject({
  format: z.literal(exportFormat),
  formatVersion: z.literal(1),
  exportedAt: z.string(),
  documents: z.record(z.string(), z.unknown()),
});
export type ConfigurationExport = z.infer<typeof configurationExport>;

/** A version number in a path or form: 0 is the shipped default. */
export const versionNumber = z.coerce.number().int().min(0).max(1_000_000);

/** One problem of a refused document or import, where it is (`kind`, then the path in the body) and what. */
export interface ConfigProblem {
  kind: string;
  path: string;
  message: string;
}

/** Every problem of a body against its kind's schema, each with its path (`a.b.0.c`; '' for the whole). */
export function problemsOf(kind: string, schema: z.ZodType, body: unknown): ConfigProblem[] {
  const parsed = schema.safeParse(body);
  if (parsed.success) return [];
  return parsed.error.issues.map((i) => ({ kind, path: i.path.map(String).join('.'), message: i.message }));
}
