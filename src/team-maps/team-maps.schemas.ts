import path from 'node:path';
import { z } from 'zod';
import { ConfigError, projectRoot } from '../web/config.js';
import { formText } from '../web/forms.js';
import { loadDocument, loadOverlays, type WithTexts } from '../web/overlays.js';

/**
 * The Success Map's six sections (seed 000, appendix), in the order the protocol fills them: the
 * current need, what success looks like, solutions through each core component, strengths,
 * challenges, and actions. Labels and help are i18n keys (teamMaps.sections.<key>, teamMaps.fields.<key>).
 */
export const mapSections = [
  { key: 'needs', fields: ['need-students', 'need-system'] },
  { key: 'success', fields: ['success-students', 'success-system'] },
  { key: 'solutions', fields: ['solution-relationships', 'solution-data', 'solution-improvement', 'solution-mindsets'] },
  { key: 'strengths', fields: ['strengths'] },
  { key: 'challenges', fields: ['challenges'] },
  { key: 'actions', fields: ['strategies'] },
] as const;
export type MapSectionKey = (typeof mapSections)[number]['key'];
export const mapFieldKeys: readonly string[] = mapSections.flatMap((s) => s.fields);
export const sectionOfField = new Map<string, MapSectionKey>(mapSections.flatMap((s) => s.fields.map((f) => [f, s.key] as const)));

/** A field's words: room for a team's paragraph, as a plan's long field. */
export const mapTextLimit = 4000;
export const titleLimit = 120;

/** One section's fields, each with the version of its words the form loaded (the plans' rule: a save over newer words is a conflict). */
export const sectionSaveForm = z
  .object({
    section: z.enum(mapSections.map((s) => s.key) as [MapSectionKey, ...MapSectionKey[]], { error: 'teamMaps.errors.formMismatch' }),
    text: z.record(z.string(), formText(mapTextLimit, 'teamMaps.errors.tooLong')),
    version: z.record(z.string(), z.coerce.number().int().min(0, 'teamMaps.errors.formMismatch')),
  })
  .superRefine((form, ctx) => {
    const fields: readonly string[] = mapSections.find((s) => s.key === form.section)!.fields;
    for (const key of Object.keys(form.text)) {
      if (!fields.includes(key) || form.version[key] === undefined) ctx.addIssue({ code: 'custom', path: ['section'], message: 'teamMaps.errors.formMismatch' });
    }
    if (Object.keys(form.text).length === 0) ctx.addIssue({ code: 'custom', path: ['section'], message: 'teamMaps.errors.formMismatch' });
  })
  .transform((form) => ({ section: form.section, fields: Object.entries(form.text).map(([key, text]) => ({ key, text, version: form.version[key]! })) }));
export type SectionSave = z.output<typeof sectionSaveForm>;

export const newMapForm = z.object({
  title: formText(titleLimit, 'teamMaps.errors.titleTooLong', { min: 1, message: 'teamMaps.errors.titleEmpty' }),
  start: z.enum(['blank', 'example'], { error: 'teamMaps.errors.start' }),
});
export type NewMapInput = z.output<typeof newMapForm>;

export const mapIdParam = z.uuid();

/**
 * "Start from an example": the Student Support Convening's themes (seed 000), in our own words, as
 * starting text for each field. English in config/success-map-example.json, each other language in its
 * overlay (config/success-map-example.<locale>.json).
 */
export const mapExampleSchema = z.object({
  fields: z.object(Object.fromEntries(mapFieldKeys.map((k) => [k, z.string().min(1).max(mapTextLimit)])) as Record<string, z.ZodString>).strict(),
});
export type MapExample = z.infer<typeof mapExampleSchema>;

const exampleTexts: WithTexts<MapExample> = (doc, text) => ({ fields: Object.fromEntries(Object.entries(doc.fields).map(([k, v]) => [k, text(`fields.${k}`, v)])) });

export function loadMapExamples(locales: readonly string[], file = path.join(projectRoot, 'config', 'success-map-example.json')): Record<string, MapExample> {
  const base = loadDocument(file, mapExampleSchema);
  const { docs, problems } = loadOverlays({ base, baseFile: file, locales, withTexts: exampleTexts, schema: mapExampleSchema });
  if (problems.length > 0) throw new ConfigError(problems);
  return docs;
}
