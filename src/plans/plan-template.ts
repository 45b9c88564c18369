import jsonLogic, { type RulesLogic } from 'json-logic-js';
import { documentKind, type KindProblem, type PreviewView } from '../configuration/configuration.kinds.js';
import { defaultLocale, t, type Locale } from '../web/i18n.js';
import { formatCalendarDay } from '../web/intl.js';
import { otherLocales, wordIn, type Translations } from '../configuration/translations.js';
import { planTemplateSchema, sectionFormsOf, textLimits, voicesOf, type Audience, type AnswerField, type PlanField, type PlanTemplate, type Voice } from './plans.schemas.js';

/**
 * The plan template as a configuration document (issue 14 items 2 and 3): a district adds fields
 * (picklists, dates, numbers, yes/no...), says who writes and reads each, arranges them in sections and
 * adds validation rules, in the console, versioned like every document. English and the other languages'
 * words sit side by side in one document (`translations.es.label` beside `label`); the shipped default
 * is config/plan-template.json with its translation files.
 */
export const PLAN_TEMPLATE = 'plan-template';

/** The translations of one text-bearing part, from the same part of each language's template. */
const translationsOf = (templates: Record<string, PlanTemplate>, pick: (tpl: PlanTemplate) => Record<string, string | undefined>) =>
  Object.fromEntries(otherLocales.flatMap((l) => (templates[l] ? [[l, pick(templates[l])]] : [])));

/** The shipped document: the English template with each other language's words beside them. */
export function documentOf(templates: Record<string, PlanTemplate>): PlanTemplate {
  const base = templates[defaultLocale]!;
  return {
    ...base,
    translations: translationsOf(templates, (tpl) => ({ name: tpl.name })),
    sections: base.sections.map((s, si) => ({
      ...s,
      translations: translationsOf(templates, (tpl) => ({ title: tpl.sections[si]!.title, intro: tpl.sections[si]!.intro })),
      fields: s.fields.map((f, fi) => ({
        ...f,
        translations: translationsOf(templates, (tpl) => ({ label: tpl.sections[si]!.fields[fi]!.label, help: tpl.sections[si]!.fields[fi]!.help })),
        ...(f.options ? { options: f.options.map((o, oi) => ({ ...o, translations: translationsOf(templates, (tpl) => ({ label: tpl.sections[si]!.fields[fi]!.options![oi]!.label })) })) } : {}),
      })),
    })),
    ...(base.rules ? { rules: base.rules.map((r, ri) => ({ ...r, translations: translationsOf(templates, (tpl) => ({ message: tpl.rules![ri]!.message })) })) } : {}),
  };
}

/** The document in one language: each text its translation where the document gives one, else its English. */
export function templateIn(doc: PlanTemplate, locale: Locale): PlanTemplate {
  if (locale === defaultLocale) return doc;
  const word = (translated: Translations, key: string, english: string): string => wordIn(translated, locale, key, english);
  const optional = (translated: Translations, key: string, english: string | undefined) => (english === undefined ? {} : { [key]: word(translated, key, english) });
  return {
    ...doc,
    name: word(doc.translations, 'name', doc.name),
    sections: doc.sections.map((s) => ({
      ...s,
      title: word(s.translations, 'title', s.title),
      ...optional(s.translations, 'intro', s.intro),
      fields: s.fields.map((f) => ({
        ...f,
        label: word(f.translations, 'label', f.label),
        ...optional(f.translations, 'help', f.help),
        ...(f.options ? { options: f.options.map((o) => ({ ...o, label: word(o.translations, 'label', o.label) })) } : {}),
      })),
    })),
    ...(doc.rules ? { rules: doc.rules.map((r) => ({ ...r, message: word(r.translations, 'message', r.message) })) } : {}),
  };
}

/**
 * The safety floor (issue 14 item 2): a field in force never gains readers. Its words were written for
 * the readers it had (an adult-only note, a student's words not meant for family), so showing them to
 * more people needs a new field, whose words are written knowing who reads them.
 */
export function widenedReaders(inForce: PlanTemplate, next: PlanTemplate): KindProblem[] {
  const before = new Map(inForce.sections.flatMap((s) => s.fields).map((f) => [f.key, f]));
  return next.sections.flatMap((s, si) =>
    s.fields.flatMap((f, fi) => {
      const was = before.get(f.key);
      const added = was ? f.see.filter((a) => !was.see.includes(a)) : [];
      return added.map((who) => ({ path: `sections.${si}.fields.${fi}.see`, code: 'plan_widens_readers', params: { key: f.key, who }, message: `"${f.key}" would newly be shown to ${who}` }));
    }),
  );
}

/** The document kind the configuration feature keeps (src/web/app.ts hands it over). */
export const planTemplateKind = (shipped: PlanTemplate) =>
  documentKind<PlanTemplate>({ id: PLAN_TEMPLATE, schema: planTemplateSchema, shipped: () => shipped, changeProblems: widenedReaders, preview: planTemplatePreview });

/** A field's stored text as a rule reads it: numbers as numbers, yes/no as true/false, a multi-select as its list; blank text as ''. */
export function ruleValue(f: AnswerField, text: string | undefined): unknown {
  const v = text ?? '';
  if (v === '') return f.type === 'multi' ? [] : '';
  if (f.type === 'number') return Number(v);
  if (f.type === 'yesno') return v === 'yes';
  if (f.type === 'multi') return v.split(',');
  return v;
}

/**
 * The validation rules a save breaks: each rule on a field the save posts whose logic is true over the
 * plan's values in the voice being saved (what is saved, with the posted values over it). Gives field key
 * -> message in the person's language.
 */
export function brokenRules(tpl: PlanTemplate, voice: Voice, saved: ReadonlyMap<string, string>, posted: ReadonlyMap<string, string>): Map<string, string> {
  return rulesBroken(tpl.rules ?? [], tpl.sections.flatMap((s) => s.fields).filter((f) => voicesOf(f).includes(voice)), saved, posted);
}

/**
 * The validation rules a save breaks, over any answer fields (a plan's in one voice, a record's own):
 * each rule on a posted field whose logic is true over the values (what is saved, the posted values over
 * it). Field key -> message, one a field.
 */
export function rulesBroken(rules: readonly { field: string; when: string; message: string }[], fields: readonly (AnswerField & { key: string })[], saved: ReadonlyMap<string, string>, posted: ReadonlyMap<string, string>): Map<string, string> {
  const data = Object.fromEntries(fields.map((f) => [f.key, ruleValue(f, posted.get(f.key) ?? saved.get(f.key))]));
  const broken = new Map<string, string>();
  for (const rule of rules) {
    if (!posted.has(rule.field) || broken.has(rule.field)) continue;
    // The schema proved the logic parses and runs on blank values.
    if (jsonLogic.truthy(jsonLogic.apply(JSON.parse(rule.when) as RulesLogic, data))) broken.set(rule.field, rule.message);
  }
  return broken;
}

/** A field's stored value as a person reads it: a choice's label, yes or no, a date in the school's words; words as they are. */
export function shownValue(f: AnswerField, text: string, locale: Locale = defaultLocale): string {
  if (text === '') return text;
  const label = (v: string) => f.options?.find((o) => o.value === v)?.label ?? v;
  switch (f.type) {
    case 'picklist':
      return label(text);
    case 'multi':
      return text.split(',').map(label).join(', ');
    case 'yesno':
      return t(`plans.field.${text === 'yes' ? 'yes' : 'no'}`, {}, locale);
    case 'date':
      return formatCalendarDay(text, locale);
    default:
      return text;
  }
}


/** A template in force, ready to use: its fields by key, its words in each language, the form each section posts. */
export interface TemplateShape {
  version: number;
  doc: PlanTemplate;
  fields: PlanField[];
  fieldByKey: ReadonlyMap<string, PlanField>;
  /** The template in a person's language (same sections and fields, their words). */
  in(locale: Locale | undefined): PlanTemplate;
  /** A field in a person's language. */
  fieldIn(locale: Locale | undefined, key: string): PlanField | undefined;
  /** What one section posts in one voice (undefined: no such section or voice). */
  sectionForm: ReturnType<typeof sectionFormsOf>;
}

export function shapeOf(version: number, doc: PlanTemplate): TemplateShape {
  const fields = doc.sections.flatMap((s) => s.fields);
  const inLocale = new Map<string, { tpl: PlanTemplate; byKey: Map<string, PlanField> }>();
  const localized = (locale: Locale | undefined) => {
    const l = locale ?? defaultLocale;
    let hit = inLocale.get(l);
    if (!hit) {
      const tpl = templateIn(doc, l);
      inLocale.set(l, (hit = { tpl, byKey: new Map(tpl.sections.flatMap((s) => s.fields).map((f) => [f.key, f])) }));
    }
    return hit;
  };
  return {
    version,
    doc,
    fields,
    fieldByKey: new Map(fields.map((f) => [f.key, f])),
    in: (locale) => localized(locale).tpl,
    fieldIn: (locale, key) => localized(locale).byKey.get(key),
    sectionForm: sectionFormsOf(doc),
  };
}

/** A choice field's options as the form shows them, with the voice's value(s) chosen; yes/no is a choice of two. */
export function choicesOf(f: AnswerField, text: string, locale: Locale | undefined) {
  const chosen = new Set(text.split(','));
  const options = f.type === 'yesno' ? (['yes', 'no'] as const).map((value) => ({ value, label: t(`plans.field.${value}`, {}, locale) })) : (f.options ?? []);
  return options.map((o) => ({ value: o.value, label: o.label, selected: chosen.has(o.value) }));
}

/** Whose eyes a preview takes: the plan's readers but teachers (who read shared fields on their course page, not the plan). */
const previewAudiences = ['student', 'adult', 'family'] as const satisfies readonly Audience[];

/**
 * The plan page a template makes, for one audience, with a sample student and no words yet: each section
 * with the fields that audience reads, an input for each voice it writes, every choice offered. Nothing
 * is saved from it (the form is disabled).
 */
function previewOf(doc: PlanTemplate, locale: Locale | undefined, audience: string) {
  const tpl = templateIn(doc, locale ?? defaultLocale);
  const writes: Voice[] = audience === 'student' ? ['student'] : audience === 'adult' ? ['adult'] : [];
  const sections = tpl.sections
    .map((sec) => {
      const fields = sec.fields.filter((f) => f.see.includes(audience as Audience));
      return {
        ...sec,
        editVoice: writes.find((v) => fields.some((f) => voicesOf(f).includes(v))) ?? null,
        fields: fields.map((f) => ({
          ...f,
          limit: textLimits[f.type],
          adultOnly: f.see.length === 1 && f.see[0] === 'adult',
          voices: voicesOf(f).map((voice) => ({ voice, id: `${f.key}-${voice}`, inputId: `text-${f.key}-${voice}`, text: '', entry: null, canEdit: writes.includes(voice), choices: choicesOf(f, '', locale) })),
        })),
      };
    })
    .filter((sec) => sec.fields.length > 0);
  return { view: 'plans/preview', model: { templateName: tpl.name, audience, sections } };
}

export const planTemplatePreview = { audiences: previewAudiences, render: (doc: PlanTemplate, v: PreviewView) => previewOf(doc, v.locale, v.audience) };
