import { z } from 'zod';
import { translations } from '../configuration/translations.js';
import { choiceProblems, fieldOption, fieldTypes, fieldValueSchema, ruleLogicProblem, RULE_LOGIC_MAX, type FieldType } from '../plans/plans.schemas.js';

/**
 * A school's own fields on its records (issue 14 item 2): the objects a district may add fields to
 * besides the plan (whose fields are its template), each laid out in sections.
 */
export const recordObjects = ['student', 'goal', 'checkin', 'referral'] as const;
export type RecordObject = (typeof recordObjects)[number];

/** Who reads a record's field: the student, the adults who may see the record, the family. */
export const fieldReaders = ['student', 'adult', 'family'] as const;
export type FieldReader = (typeof fieldReaders)[number];
/** Who writes one: the student or the adults who may change the record (family read only). */
export const fieldWriters = ['student', 'adult'] as const;
export type FieldWriter = (typeof fieldWriters)[number];

/**
 * The safety floor, per object: who may ever read a field of it and who write one. Family never see
 * check-ins (src/policies/checkin.ts), so no field of one reaches them; a check-in is the adults'
 * record of a meeting, so only they write its fields.
 */
export const readerCeiling: Record<RecordObject, readonly FieldReader[]> = {
  student: fieldReaders,
  goal: fieldReaders,
  checkin: ['student', 'adult'],
  referral: fieldReaders,
};
export const writerCeiling: Record<RecordObject, readonly FieldWriter[]> = {
  student: fieldWriters,
  goal: fieldWriters,
  checkin: ['adult'],
  referral: ['adult'],
};

const key = z.string().max(60).regex(/^[a-z0-9-]{1,60}$/, 'keys are lowercase letters, digits and dashes');
const label = z.string().min(1).max(200);

const recordField = z.object({
  key,
  label,
  help: z.string().max(500).optional(),
  type: z.enum(fieldTypes),
  options: z.array(fieldOption).optional(),
  edit: z.array(z.enum(fieldWriters)).min(1),
  see: z.array(z.enum(fieldReaders)).min(1),
  translations: translations({ label, help: z.string().max(500) }),
});

const section = z.object({
  key,
  title: label,
  fields: z.array(recordField).min(1),
  translations: translations({ title: label }),
});

/** One object's page layout: its sections, in the order the record's page shows them. */
const layout = z.object({ object: z.enum(recordObjects), sections: z.array(section).min(1) });

/** A validation rule on one object's fields: as the plan template's (JSON Logic over the record's values by key; true refuses the save). */
const rule = z.object({
  key,
  object: z.enum(recordObjects),
  field: key,
  when: z.string().min(1).max(RULE_LOGIC_MAX),
  message: z.string().min(1).max(300),
  translations: translations({ message: z.string().min(1).max(300) }),
});

export const customFieldsSchema = z
  .object({ layouts: z.array(layout), rules: z.array(rule).optional() })
  .superRefine((doc, ctx) => {
    // Each problem carries a code (configuration.problems.<code>) so the console names it in the admin's words.
    const problem = (path: (string | number)[], code: string, message: string, params: Record<string, string> = {}) => ctx.addIssue({ code: 'custom', path, message, params: { code, ...params } });
    const keysOf = new Map<RecordObject, Set<string>>();
    doc.layouts.forEach((l, li) => {
      if (keysOf.has(l.object)) problem(['layouts', li, 'object'], 'fields_object_twice', `"${l.object}" has two layouts`, { key: l.object });
      const seen = new Set<string>();
      keysOf.set(l.object, seen);
      l.sections.forEach((s, si) =>
        s.fields.forEach((f, fi) => {
          const at = (...rest: (string | number)[]) => ['layouts', li, 'sections', si, 'fields', fi, ...rest];
          if (seen.has(f.key)) problem(at('key'), 'plan_key_twice', `field key "${f.key}" is used twice`, { key: f.key });
          seen.add(f.key);
          if (!f.see.includes('adult')) problem(at('see'), 'fields_adults_read', `"${f.key}" must be readable by the adults of the record`, { key: f.key });
          for (const who of f.see) if (!readerCeiling[l.object].includes(who)) problem(at('see'), 'fields_reader_not_allowed', `no field of a ${l.object} may be shown to ${who}`, { key: f.key, who });
          for (const who of f.edit) {
            if (!writerCeiling[l.object].includes(who)) problem(at('edit'), 'fields_writer_not_allowed', `no field of a ${l.object} is written by ${who}`, { key: f.key, who });
            else if (!f.see.includes(who)) problem(at('see'), 'plan_writer_cannot_see', `"${f.key}" is written by ${who} but not visible to ${who}`, { key: f.key, who });
          }
          choiceProblems(f, at, problem);
        }),
      );
    });
    const ruleKeys = new Set<string>();
    (doc.rules ?? []).forEach((r, ri) => {
      if (ruleKeys.has(r.key)) problem(['rules', ri, 'key'], 'plan_rule_key_twice', `rule key "${r.key}" is used twice`, { key: r.key });
      ruleKeys.add(r.key);
      const fieldKeys = keysOf.get(r.object) ?? new Set<string>();
      if (!fieldKeys.has(r.field)) problem(['rules', ri, 'field'], 'plan_rule_no_field', `a ${r.object} has no field "${r.field}"`, { key: r.field });
      const logic = ruleLogicProblem(r.when, fieldKeys);
      if (logic) problem(['rules', ri, 'when'], logic.code, logic.message, logic.params);
    });
  });

export type CustomFields = z.infer<typeof customFieldsSchema>;
export type RecordField = CustomFields['layouts'][number]['sections'][number]['fields'][number];
export type RecordSection = CustomFields['layouts'][number]['sections'][number];

/** A choice type's posted value is one of its choices; the plan fields' checks (fieldValueSchema) are the same for a record's. */
export const recordFieldValue = (f: Pick<RecordField, 'type' | 'options'>) => fieldValueSchema(f);
export type { FieldType };

const loadedVersion = z.coerce.number({ error: 'plans.errors.reload' }).int().min(0);

/**
 * What a record's fields form posts: `text.<key>` (a multi-select's ticked `choice.<key>.<value>` joined
 * by the route) and `version.<key>`, the version of the value the page was loaded with (0: none yet).
 * Built from the fields this reader may write, so any other key is refused before anything is written.
 */
export function fieldsFormOf(fields: readonly RecordField[]) {
  const unknown = { error: 'customFields.errors.notThisForm' };
  return z
    .object({
      text: z.strictObject(Object.fromEntries(fields.map((f) => [f.key, recordFieldValue(f).optional()])), unknown),
      version: z.strictObject(Object.fromEntries(fields.map((f) => [f.key, loadedVersion.optional()])), unknown),
    })
    .superRefine((form, ctx) => {
      for (const k of Object.keys(form.text)) if (form.version[k] === undefined) ctx.addIssue({ code: 'custom', path: ['version', k], message: 'plans.errors.reload' });
      if (Object.keys(form.text).length === 0) ctx.addIssue({ code: 'custom', path: ['text'], message: 'plans.errors.nothingToSave' });
    })
    .transform((form) => fields.filter((f) => form.text[f.key] !== undefined).map((f) => ({ key: f.key, text: form.text[f.key]!, version: form.version[f.key]! })));
}
export type PostedValue = { key: string; text: string; version: number };
