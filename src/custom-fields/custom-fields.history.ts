import { shownValue } from '../plans/plan-template.js';
import type { Locale } from '../web/i18n.js';
import { layoutIn } from './custom-fields.kind.js';
import type { FieldRevision } from './custom-fields.repository.js';
import type { CustomFields, RecordField, RecordObject } from './custom-fields.schemas.js';

/** A field a change was made to, as its history shows it: `dropped` when the document in force no longer has it. */
export interface KnownField {
  field: RecordField;
  dropped: boolean;
}

/**
 * A key no document the school has had names (values are only written for fields in force, so this is
 * a document since made unreadable): shown by its key, and only to the adults, whom the floor always
 * lets read a record's fields.
 */
const unknownField = (key: string): RecordField => ({ key, label: key, type: 'short', edit: ['adult'], see: ['adult'] });

const fieldsOf = (doc: CustomFields, object: RecordObject, locale: Locale | undefined) => new Map(layoutIn(doc, object, locale).sections.flatMap((s) => s.fields.map((f) => [f.key, f] as const)));

/**
 * Each key's field in the reader's words: as the document in force has it; a field since dropped as
 * the latest earlier document that had it (its label, kind and readers: a field never gains readers, so
 * the latest is the narrowest). `earlier` is read only when some key is not in force.
 */
export async function fieldsNamed(inForce: CustomFields, earlier: () => Promise<readonly CustomFields[]>, object: RecordObject, keys: readonly string[], locale: Locale | undefined): Promise<Map<string, KnownField>> {
  const current = fieldsOf(inForce, object, locale);
  const out = new Map<string, KnownField>();
  const missing = [...new Set(keys)].filter((k) => {
    const f = current.get(k);
    if (f) out.set(k, { field: f, dropped: false });
    return !f;
  });
  if (missing.length === 0) return out;
  const before = (await earlier()).map((doc) => fieldsOf(doc, object, locale));
  for (const k of missing) out.set(k, { field: before.find((fields) => fields.has(k))?.get(k) ?? unknownField(k), dropped: true });
  return out;
}

/** One change as the history page shows it: the field's label, the value before and after in words (empty: none), who and when. */
export function changeView(r: FieldRevision, known: KnownField, authorName: string, locale: Locale | undefined) {
  return {
    label: known.field.label,
    dropped: known.dropped,
    from: shownValue(known.field, r.oldValue, locale),
    to: shownValue(known.field, r.newValue, locale),
    authorName,
    at: r.at,
  };
}
export type FieldChange = ReturnType<typeof changeView>;
