import { choicesOf, shownValue } from '../plans/plan-template.js';
import { textLimits } from '../plans/plans.schemas.js';
import type { Locale } from '../web/i18n.js';
import type { FieldReader, FieldWriter, RecordField, RecordSection } from './custom-fields.schemas.js';

/** The input id of a record's field (the error summary links to it). */
export const fieldInputId = (key: string) => `field-${key}`;

/** What a person is to a record's fields: whose eyes they read with, whose hand they write with (null: they may not change the record). */
export interface FieldsReader {
  reads: FieldReader;
  writes: FieldWriter | null;
}

export const readableBy = (reader: FieldsReader) => (f: RecordField) => f.see.includes(reader.reads);
export const writableBy = (reader: FieldsReader) => (f: RecordField) => reader.writes !== null && f.edit.includes(reader.writes) && f.see.includes(reader.reads);

/** One field as the record-fields partial draws it: its words, its value (an input's text, or the value shown), and whatever a save brought back. */
export function fieldView(
  f: RecordField,
  locale: Locale | undefined,
  v: { text: string; saved?: string; canEdit: boolean; version: number; entry?: { authorName: string; updatedAt: Date } | null; error?: string; conflict?: unknown },
) {
  return {
    key: f.key,
    label: f.label,
    help: f.help,
    type: f.type,
    limit: textLimits[f.type],
    adultOnly: f.see.length === 1,
    inputId: fieldInputId(f.key),
    id: f.key,
    canEdit: v.canEdit,
    text: v.text,
    shown: v.saved ? shownValue(f, v.saved, locale) : '',
    entry: v.entry ?? null,
    version: v.version,
    choices: choicesOf(f, v.text, locale),
    error: v.error,
    conflict: v.conflict,
  };
}

/** The sections that keep at least one field after `keep`, each with its fields drawn by `draw`. */
export function sectionsView<V>(sections: readonly RecordSection[], keep: (f: RecordField) => boolean, draw: (f: RecordField) => V) {
  return sections.map((s) => ({ key: s.key, title: s.title, fields: s.fields.filter(keep).map(draw) })).filter((s) => s.fields.length > 0);
}
