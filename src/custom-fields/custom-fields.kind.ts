import { readFileSync } from 'node:fs';
import path from 'node:path';
import { documentKind, derivedFrom, type KindProblem } from '../configuration/configuration.kinds.js';
import { wordIn } from '../configuration/translations.js';
import { projectRoot } from '../web/config.js';
import type { Locale } from '../web/i18n.js';
import { customFieldsSchema, recordObjects, type CustomFields, type RecordObject } from './custom-fields.schemas.js';
import { fieldView, readableBy, sectionsView, writableBy, type FieldsReader } from './custom-fields.presenter.js';

/**
 * The school's own fields on students, goals, check-ins and referrals as a configuration document
 * (issue 14 item 2): per object, its page layout (sections of fields, each with its kind of value, who
 * writes and who reads it, its words in each language), and validation rules. Shipped from
 * config/custom-fields.json: a few fields a school commonly keeps, which it may change or drop.
 */
export const CUSTOM_FIELDS = 'custom-fields';

export function loadShippedFields(file = path.join(projectRoot, 'config', 'custom-fields.json')): CustomFields {
  return customFieldsSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
}

/**
 * The safety floor: a field in force never gains readers. Its values were written for the readers it
 * had (an adult-only note about a student), so showing them to more people needs a new field.
 */
export function widenedReaders(inForce: CustomFields, next: CustomFields): KindProblem[] {
  const before = new Map(inForce.layouts.flatMap((l) => l.sections.flatMap((s) => s.fields.map((f) => [`${l.object}/${f.key}`, f] as const))));
  return next.layouts.flatMap((l, li) =>
    l.sections.flatMap((s, si) =>
      s.fields.flatMap((f, fi) => {
        const was = before.get(`${l.object}/${f.key}`);
        const added = was ? f.see.filter((a) => !was.see.includes(a)) : [];
        return added.map((who) => ({ path: `layouts.${li}.sections.${si}.fields.${fi}.see`, code: 'plan_widens_readers', params: { key: f.key, who }, message: `"${f.key}" would newly be shown to ${who}` }));
      }),
    ),
  );
}

/** Whose eyes a preview takes, and the hand each writes with: the adults write theirs, the student theirs, family read. */
const previewReaders: Record<string, FieldsReader> = { adult: { reads: 'adult', writes: 'adult' }, student: { reads: 'student', writes: 'student' }, family: { reads: 'family', writes: null } };

/**
 * Every record's fields as one audience meets them, before anyone publishes: each record's sections with
 * the fields that audience reads, an input where it writes, every choice offered, no value yet. Nothing
 * is saved from it (the form is disabled).
 */
function previewOf(doc: CustomFields, locale: Locale | undefined, audience: string) {
  const objects = recordObjects.flatMap((object) => {
    const fields = previewFieldsOf(doc, object, locale, audience);
    return fields ? [{ object, fields }] : [];
  });
  return { view: 'custom-fields/preview', model: { objects } };
}

/** One record's fields as an audience meets them with no value yet (the record-fields partial's model), null when it reads none: also drawn inside other kinds' previews of the record's form (the check-in script's). */
export function previewFieldsOf(doc: CustomFields, object: RecordObject, locale: Locale | undefined, audience: string) {
  const reader = previewReaders[audience];
  if (!reader) return null;
  const writable = writableBy(reader);
  const sections = sectionsView(layoutIn(doc, object, locale).sections, readableBy(reader), (f) => fieldView(f, locale, { text: '', canEdit: writable(f), version: 0 }));
  return sections.length === 0 ? null : { sections, canEdit: false, errorSummary: [], conflicted: false };
}

export const customFieldsKind = (shipped: CustomFields) =>
  documentKind<CustomFields>({ id: CUSTOM_FIELDS, schema: customFieldsSchema, shipped: () => shipped, changeProblems: widenedReaders, preview: { audiences: Object.keys(previewReaders), render: (doc, v) => previewOf(doc, v.locale, v.audience) } });

/** One object's layout and rules in one language: each text its translation where the document gives one, else its English. */
const layoutsIn = derivedFrom((doc: CustomFields) => {
  const cache = new Map<string, ReturnType<typeof localize>>();
  return (object: RecordObject, locale: Locale | undefined) => {
    const k = `${object}|${locale ?? ''}`;
    let hit = cache.get(k);
    if (!hit) cache.set(k, (hit = localize(doc, object, locale)));
    return hit;
  };
});

function localize(doc: CustomFields, object: RecordObject, locale: Locale | undefined) {
  const layout = doc.layouts.find((l) => l.object === object);
  return {
    sections: (layout?.sections ?? []).map((s) => ({
      ...s,
      title: wordIn(s.translations, locale, 'title', s.title),
      fields: s.fields.map((f) => ({
        ...f,
        label: wordIn(f.translations, locale, 'label', f.label),
        ...(f.help === undefined ? {} : { help: wordIn(f.translations, locale, 'help', f.help) }),
        ...(f.options ? { options: f.options.map((o) => ({ ...o, label: wordIn(o.translations, locale, 'label', o.label) })) } : {}),
      })),
    })),
    rules: (doc.rules ?? []).filter((r) => r.object === object).map((r) => ({ ...r, message: wordIn(r.translations, locale, 'message', r.message) })),
  };
}

/** The fields of one object, in a person's language, with the rules a save of them must meet. */
export const layoutIn = (doc: CustomFields, object: RecordObject, locale: Locale | undefined) => layoutsIn(doc)(object, locale);
