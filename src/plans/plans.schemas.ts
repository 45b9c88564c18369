import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { projectRoot } from '../web/config.js';
import { formText, isRealDate } from '../web/forms.js';
import { loadOverlays, type WithTexts } from '../web/overlays.js';
import { translations } from '../configuration/translations.js';
import jsonLogic, { type RulesLogic } from 'json-logic-js';

/** Who reads a field: the student, their advisors (and admins), family, and teachers of their subject courses. */
export const audiences = ['student', 'adult', 'family', 'teacher'] as const;
export type Audience = (typeof audiences)[number];
/** Whose words a field holds: the student's, an adult's, or both side by side. */
export const editors = ['student', 'adult', 'both'] as const;
export type Voice = 'student' | 'adult';

const key = z.string().max(60).regex(/^[a-z0-9-]{1,60}$/, 'keys are lowercase letters, digits and dashes');

/**
 * What a field holds. short and long are words; the rest are chosen or typed values, kept as text in
 * the plan's entries (a picklist's value, a multi-select's values joined by commas in the template's
 * order, yyyy-mm-dd, a number, yes or no) so every answer has the same authorship and history.
 */
export const fieldTypes = ['short', 'long', 'picklist', 'multi', 'date', 'number', 'yesno'] as const;
export type FieldType = (typeof fieldTypes)[number];
export const choiceTypes: readonly FieldType[] = ['picklist', 'multi'];


const label = z.string().min(1).max(200);
const help = z.string().max(500).optional();

/** One choice of a picklist or multi-select (the record fields of src/custom-fields use the same). */
export const fieldOption = z.object({ value: key, label, translations: translations({ label }) });

const field = z.object({
  key,
  label,
  help,
  type: z.enum(fieldTypes),
  /** The choices of a picklist or multi-select, in the order they are shown. */
  options: z.array(fieldOption).optional(),
  edit: z.enum(editors),
  see: z.array(z.enum(audiences)).min(1),
  /** Words that still describe the student next year: at the school year's roll forward they start the new plan (see plans.service rollForward). */
  carry: z.boolean().optional(),
  translations: translations({ label, help: z.string().max(500) }),
});

/** Longest JSON Logic a validation rule may hold. */
export const RULE_LOGIC_MAX = 2000;

/**
 * A validation rule (issue 14 item 2): when `when` (JSON Logic over the plan's values in the voice being
 * saved, by field key) is true, the save is refused and `message` shows at `field`. Checked on a save
 * that posts `field`, so a rule never blocks another section.
 */
const rule = z.object({
  key,
  field: key,
  when: z.string().min(1).max(RULE_LOGIC_MAX),
  message: z.string().min(1).max(300),
  translations: translations({ message: z.string().min(1).max(300) }),
});

export const planTemplateSchema = z
  .object({
    name: z.string().min(1).max(120),
    translations: translations({ name: z.string().min(1).max(120) }),
    sections: z
      .array(
        z.object({
          key,
          title: z.string().min(1).max(200),
          intro: z.string().max(500).optional(),
          /** Last year's words of this section are shown, read-only, at the top of next year's plan (the transition handed to next year's navigator). */
          handover: z.boolean().optional(),
          fields: z.array(field).min(1),
          translations: translations({ title: z.string().min(1).max(200), intro: z.string().max(500) }),
        }),
      )
      .min(1),
    rules: z.array(rule).optional(),
  })
  .superRefine((t, ctx) => {
    // Each problem carries a code (configuration.problems.<code>) so the console names it in the admin's words.
    const problem = (path: (string | number)[], code: string, message: string, params: Record<string, string> = {}) => ctx.addIssue({ code: 'custom', path, message, params: { code, ...params } });
    const seen = new Set<string>();
    t.sections.forEach((s, si) =>
      s.fields.forEach((f, fi) => {
        const at = (...rest: (string | number)[]) => ['sections', si, 'fields', fi, ...rest];
        if (seen.has(f.key)) problem(at('key'), 'plan_key_twice', `field key "${f.key}" is used twice`, { key: f.key });
        seen.add(f.key);
        // Whoever writes a field must be able to read it back.
        const writers: Audience[] = f.edit === 'both' ? ['student', 'adult'] : [f.edit];
        for (const w of writers) {
          if (!f.see.includes(w)) problem(at('see'), 'plan_writer_cannot_see', `"${f.key}" is written by ${w} but not visible to ${w}`, { key: f.key, who: w });
        }
        // Handed-over words are shown as last year's, not copied as this year's: one or the other.
        if (s.handover && f.carry) problem(at('carry'), 'plan_handover_carry', `"${f.key}" is in a handover section, so it is shown from last year and not carried forward`, { key: f.key });
        // Teachers read only what the student reads too: never an adult-only note.
        if (f.see.includes('teacher') && !f.see.includes('student')) problem(at('see'), 'plan_teacher_not_student', `"${f.key}" is shared with teachers but not with the student`, { key: f.key });
        choiceProblems(f, at, problem);
      }),
    );
    const ruleKeys = new Set<string>();
    (t.rules ?? []).forEach((r, ri) => {
      if (ruleKeys.has(r.key)) problem(['rules', ri, 'key'], 'plan_rule_key_twice', `rule key "${r.key}" is used twice`, { key: r.key });
      ruleKeys.add(r.key);
      if (!seen.has(r.field)) problem(['rules', ri, 'field'], 'plan_rule_no_field', `the template has no field "${r.field}"`, { key: r.field });
      const logic = ruleLogicProblem(r.when, seen);
      if (logic) problem(['rules', ri, 'when'], logic.code, logic.message, logic.params);
    });
  });

/** A problem of a document, with its code (configuration.problems.<code>), as a schema's superRefine adds it. */
export type ProblemOf = (path: (string | number)[], code: string, message: string, params?: Record<string, string>) => void;

/** A field's choices as its kind needs them: a choice type has some, any other none, and no value twice (plan fields and records' own fields alike). */
export function choiceProblems(f: { key: string; type: FieldType; options?: { value: string }[] | undefined }, at: (...rest: (string | number)[]) => (string | number)[], problem: ProblemOf): void {
  const choices = f.options ?? [];
  if (choiceTypes.includes(f.type) && choices.length === 0) problem(at('options'), 'plan_needs_choices', `"${f.key}" is a ${f.type} and needs its choices`, { key: f.key });
  if (!choiceTypes.includes(f.type) && choices.length > 0) problem(at('options'), 'plan_no_choices', `"${f.key}" is a ${f.type}, which has no choices`, { key: f.key });
  const values = new Set<string>();
  choices.forEach((o, oi) => {
    if (values.has(o.value)) problem(at('options', oi, 'value'), 'plan_choice_twice', `the choice "${o.value}" is listed twice`, { key: o.value });
    values.add(o.value);
  });
}

/** Why a rule's JSON Logic cannot be used (not JSON, not logic, naming a field the template lacks, or failing on a blank plan), or null. */
export function ruleLogicProblem(when: string, fieldKeys: ReadonlySet<string>): { code: string; message: string; params?: Record<string, string> } | null {
  let logic: unknown;
  try {
    logic = JSON.parse(when);
  } catch {
    return { code: 'rule_not_json', message: 'is not JSON' };
  }
  if (!jsonLogic.is_logic(logic)) return { code: 'rule_not_logic', message: 'is not JSON Logic (an object with one operator)' };
  const unknown = jsonLogic.uses_data(logic as Record<string, unknown>).map(String).filter((v) => !fieldKeys.has(v.split('.')[0]!));
  if (unknown.length > 0) return { code: 'rule_unknown_field', message: `names ${unknown.join(', ')}, which the template has no field for`, params: { keys: unknown.join(', ') } };
  try {
    jsonLogic.apply(logic as RulesLogic, Object.fromEntries([...fieldKeys].map((k) => [k, ''])));
  } catch {
    return { code: 'rule_fails', message: 'does not run on a blank plan' };
  }
  return null;
}

export type PlanTemplate = z.infer<typeof planTemplateSchema>;
export type PlanField = PlanTemplate['sections'][number]['fields'][number];
/** What an answer's kind needs of its field: its type and choices (a plan field, or a record's own field in src/custom-fields). */
export type AnswerField = Pick<PlanField, 'type' | 'options'>;

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
      ...(f.options === undefined ? {} : { options: f.options.map((o) => ({ ...o, label: text(`fields.${f.key}.options.${o.value}`, o.label) })) }),
    })),
  })),
  ...(template.rules === undefined ? {} : { rules: template.rules.map((r) => ({ ...r, message: text(`rules.${r.key}.message`, r.message) })) }),
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
export const textLimits: Record<FieldType, number> = { short: 500, long: 5000, picklist: 60, multi: 2000, date: 10, number: 30, yesno: 3 };

const NUMBER = /^-?\d{1,15}(\.\d{1,6})?$/;
const blankOr = (ok: (v: string) => boolean) => (v: string) => v === '' || ok(v);
const choicesOf = (f: AnswerField) => (f.options ?? []).map((o) => o.value);

// Messages are keys of config/locales/<lang>/plans.json: the service's validForm gives them in the person's language.
/** What a field's posted value must be, by its type; a chosen value is kept in one canonical form (a multi-select's values in the template's order). */
/** What a value that is not one of a field's kind is told (past its length too: "keep it under 3 characters" says nothing of yes or no). */
const notOfKind: Record<FieldType, string> = { short: 'plans.errors.tooLong.short', long: 'plans.errors.tooLong.long', picklist: 'plans.errors.notAChoice', multi: 'plans.errors.notAChoice', yesno: 'plans.errors.notAChoice', date: 'plans.errors.notADate', number: 'plans.errors.notANumber' };
export const fieldValueSchema = (f: AnswerField): z.ZodType<string, string> => {
  const text = formText(textLimits[f.type], notOfKind[f.type]);
  switch (f.type) {
    case 'short':
    case 'long':
      return text;
    case 'picklist':
      return text.refine(blankOr((v) => choicesOf(f).includes(v)), 'plans.errors.notAChoice');
    case 'multi': {
      const choices = choicesOf(f);
      return text
        .refine((v) => v.split(',').every((x) => x === '' || choices.includes(x)), 'plans.errors.notAChoice')
        .transform((v) => choices.filter((c) => v.split(',').includes(c)).join(','));
    }
    case 'date':
      return text.refine(blankOr(isRealDate), 'plans.errors.notADate');
    case 'number':
      return text.refine(blankOr((v) => NUMBER.test(v)), 'plans.errors.notANumber').transform((v) => (v === '' ? v : String(Number(v))));
    case 'yesno':
      return text.refine(blankOr((v) => v === 'yes' || v === 'no'), 'plans.errors.notAChoice');
  }
};

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
          text: z.strictObject(Object.fromEntries(fields.map((f) => [f.key, fieldValueSchema(f).optional()])), unknown),
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
