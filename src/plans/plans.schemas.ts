import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { projectRoot } from '../web/config.js';
import { formText } from '../web/forms.js';
import { loadOverlays, type WithTexts } from '../web/overlays.js';

/** Who reads a field: the student, their advisors (and admins), family, and teachers of their subject courses. */
export const audiences = ['student', 'adult', 'family', 'teacher'] as const;
export type Audience = (typeof audiences)[number];
/** Whose words a field holds: the student's, an adult's, or both side by side. */
export const editors = ['student', 'adult', 'both'] as const;
export type Voice = 'student' | 'adult';

const key = z.string().regex(/^[a-z0-9-]{1,60}$/, 'keys are lowercase letters, digits and dashes');

const field = z.object({
  key,
  label: z.string().min(1).max(200),
  help: z.string().max(500).optional(),
  type: z.enum(['short', 'long']),
  edit: z.enum(editors),
  see: z.array(z.enum(audiences)).min(1),
  /** Words that still describe the student next year: at the school year's roll forward they start the new plan (see plans.service rollForward). */
  carry: z.boolean().optional(),
});

export const planTemplateSchema = z
  .object({
    name: z.string().min(1),
    sections: z
      .array(
        z.object({
          key,
          title: z.string().min(1).max(200),
          intro: z.string().max(500).optional(),
          /** Last year's words of this section are shown, read-only, at the top of next year's plan (the transition handed to next year's navigator). */
          handover: z.boolean().optional(),
          fields: z.array(field).min(1),
        }),
      )
      .min(1),
  })
  .superRefine((t, ctx) => {
    const seen = new Set<string>();
    t.sections.forEach((s, si) =>
      s.fields.forEach((f, fi) => {
        if (seen.has(f.key)) ctx.addIssue({ code: 'custom', path: ['sections', si, 'fields', fi, 'key'], message: `field key "${f.key}" is used twice` });
        seen.add(f.key);
        // Whoever writes a field must be able to read it back.
        const writers: Audience[] = f.edit === 'both' ? ['student', 'adult'] : [f.edit];
        for (const w of writers) {
          if (!f.see.includes(w)) ctx.addIssue({ code: 'custom', path: ['sections', si, 'fields', fi, 'see'], message: `"${f.key}" is written by ${w} but not visible to ${w}` });
        }
        // Handed-over words are shown as last year's, not copied as this year's: one or the other.
        if (s.handover && f.carry) ctx.addIssue({ code: 'custom', path: ['sections', si, 'fields', fi, 'carry'], message: `"${f.key}" is in a handover section, so it is shown from last year and not carried forward` });
        // Teachers read only what the student reads too: never an adult-only note.
        if (f.see.includes('teacher') && !f.see.includes('student')) {
          ctx.addIssue({ code: 'custom', path: ['sections', si, 'fields', fi, 'see'], message: `"${f.key}" is shared with teachers but not with the student` });
        }
      }),
    );
  });
export type PlanTemplate = z.infer<typeof planTemplateSchema>;
export type PlanField = PlanTemplate['sections'][number]['fields'][number];

export class PlanTemplateError extends Error {
  constructor(readonly problems: string[], source = 'config/plan-template.json') {
    super(`Invalid plan template (${source}):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Parsed once at start; a bad template stops the app with every problem named. */
export function parsePlanTemplate(raw: unknown): PlanTemplate {
  const parsed = planTemplateSchema.safeParse(raw);
  if (!parsed.success) throw new PlanTemplateError(parsed.error.issues.map((i) => `${i.path.join('.') || 'template'}: ${i.message}`));
  return parsed.data;
}

const templateFile = path.join(projectRoot, 'config', 'plan-template.json');

export function loadPlanTemplate(file = templateFile): PlanTemplate {
  return parsePlanTemplate(JSON.parse(readFileSync(file, 'utf8')));
}

/**
 * Where a template's words are, by stable key: the texts a translation (config/plan-template.<locale>.json)
 * must give, `{"name", "sections": {<key>: {"title", "intro"}}, "fields": {<key>: {"label", "help"}}}`.
 * Field keys are unique across the template, so a field needs no section in its key.
 */
const planTemplateTexts: WithTexts<PlanTemplate> = (template, text) => ({
  ...template,
  name: text('name', template.name),
  sections: template.sections.map((s) => ({
    ...s,
    title: text(`sections.${s.key}.title`, s.title),
    ...(s.intro === undefined ? {} : { intro: text(`sections.${s.key}.intro`, s.intro) }),
    fields: s.fields.map((f) => ({
      ...f,
      label: text(`fields.${f.key}.label`, f.label),
      ...(f.help === undefined ? {} : { help: text(`fields.${f.key}.help`, f.help) }),
    })),
  })),
});

/**
 * The template in every language the tool speaks: plan-template.json (English, and the structure) with
 * each other locale's texts from plan-template.<locale>.json. A translation that lacks a text, names a
 * key the template does not have, or breaks a limit stops the app with every problem named.
 */
export function loadPlanTemplates(locales: readonly string[], file = templateFile): Record<string, PlanTemplate> {
  const { docs, problems } = loadOverlays({ base: loadPlanTemplate(file), baseFile: file, locales, withTexts: planTemplateTexts, schema: planTemplateSchema });
  if (problems.length > 0) throw new PlanTemplateError(problems, 'translations, config/plan-template.<locale>.json');
  return docs;
}

export const voices = ['student', 'adult'] as const satisfies readonly Voice[];
/** The voices a field is written in. */
export const voicesOf = (f: PlanField): Voice[] => (f.edit === 'both' ? ['student', 'adult'] : [f.edit]);

/** The most a field's words may hold, by its type: checked here and given to the page as `maxlength`. */
export const textLimits: Record<PlanField['type'], number> = { short: 500, long: 5000 };

// Messages are keys of config/locales/<lang>/plans.json: the service's validForm gives them in the person's language.
const planText = (type: PlanField['type']) => formText(textLimits[type], `plans.errors.tooLong.${type}`);

const loadedVersion = z.coerce.number({ error: 'plans.errors.reload' }).int().min(0);

/**
 * What the plan page posts for one section in one voice: `text.<field>` with the words and
 * `version.<field>` with the version of those words the page was loaded with (0 for none yet).
 * Built from the template, so a field of another section or voice is refused before anything is
 * written. The route collects the prefixed names into `text` and `version` objects.
 */
export function sectionFormsOf(template: PlanTemplate): (section: string, voice: string) => z.ZodType<SectionSave> | undefined {
  const forms = new Map<string, z.ZodType<SectionSave>>();
  for (const sec of template.sections) {
    for (const voice of voices) {
      const fields = sec.fields.filter((f) => voicesOf(f).includes(voice));
      if (fields.length === 0) continue;
      const unknown = { error: 'plans.errors.notThisSection' };
      const schema = z
        .object({
          text: z.strictObject(Object.fromEntries(fields.map((f) => [f.key, planText(f.type).optional()])), unknown),
          version: z.strictObject(Object.fromEntries(fields.map((f) => [f.key, loadedVersion.optional()])), unknown),
        })
        .superRefine((form, ctx) => {
          for (const key of Object.keys(form.text)) {
            if (form.version[key] === undefined) ctx.addIssue({ code: 'custom', path: ['version', key], message: 'plans.errors.reload' });
          }
          if (Object.keys(form.text).length === 0) ctx.addIssue({ code: 'custom', path: ['text'], message: 'plans.errors.nothingToSave' });
        })
        .transform((form) => ({
          section: sec.key,
          voice,
          fields: fields.filter((f) => form.text[f.key] !== undefined).map((f) => ({ key: f.key, text: form.text[f.key]!, version: form.version[f.key]! })),
        }));
      forms.set(`${sec.key}/${voice}`, schema);
    }
  }
  return (section, voice) => forms.get(`${section}/${voice}`);
}

/** What a post naming no section of the template (or a voice it lacks) parses as: refused whole. */
export const unknownSectionForm: z.ZodType<SectionSave> = z.never({ error: 'plans.errors.formMismatch' });

/** One section's words in one voice, each with the version the editor loaded. */
export interface SectionSave {
  section: string;
  voice: Voice;
  fields: { key: string; text: string; version: number }[];
}

/** The print view's query: `copy=family` prints only what the family sees. */
export const printQuery = z.object({ copy: z.enum(['family']).optional() });
export type PrintQuery = z.output<typeof printQuery>;

export const statusForm = z.object({ status: z.enum(['draft', 'active']), version: z.coerce.number().int().min(0) });
export type StatusInput = z.output<typeof statusForm>;

export const commentForm = z.object({ text: formText(2000, 'plans.errors.commentTooLong', { min: 1, message: 'plans.errors.commentEmpty' }) });
export type CommentInput = z.output<typeof commentForm>;

/**
 * A school year in a URL, named as the plans name it (src/web/school-year.ts): "2025-2026", or "2026"
 * for a school whose year starts on 1 January. Anything else is a malformed address (400).
 */
export const schoolYearParam = z.string().refine((y) => {
  const m = /^(\d{4})(?:-(\d{4}))?$/.exec(y);
  return m !== null && (m[2] === undefined || Number(m[2]) === Number(m[1]) + 1);
});

export const auditFilter = z.object({ student: z.uuid().optional().or(z.literal('').transform(() => undefined)) });
