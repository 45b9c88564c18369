import { z } from 'zod';

/**
 * Issue 14 item 8, forms from schemas: a document kind's editor is drawn from its zod schema's JSON
 * Schema (zod's own `toJSONSchema`), and a posted form is read back into a body by the same schema, so
 * a new setting needs no form code. Field names are the body's paths (`f.responseBusinessDays.urgent`,
 * `f.values.0.id`); a choice of many is one checkbox per value (`f.consentCategories.food`: the tool's
 * forms are flat, one value a name). Labels are i18n keys `configuration.kinds.<kind>.<path>.label`
 * (array indices left out; a property named `label` or `options` as `label_`, `options_`), options
 * `configuration.kinds.<kind>.<path>.options.<value>`.
 */
interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: readonly (string | number)[];
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  minLength?: number;
  pattern?: string;
  format?: string;
}

export type FormField =
  | { kind: 'group'; id: string; labelKey: string; fields: FormField[] }
  | { kind: 'text' | 'textarea' | 'date' | 'number'; id: string; name: string; labelKey: string; value: string; required: boolean; min?: number; max?: number; maxLength?: number; pattern?: string; error?: string }
  | { kind: 'checkbox'; id: string; name: string; labelKey: string; checked: boolean; error?: string }
  | { kind: 'select'; id: string; name: string; labelKey: string; required: boolean; options: { value: string; labelKey: string; selected: boolean }[]; error?: string }
  | { kind: 'choices'; id: string; labelKey: string; options: { name: string; id: string; value: string; labelKey: string; checked: boolean }[]; error?: string }
  | { kind: 'list'; id: string; labelKey: string; items: { id: string; removeName: string; added: boolean; fields: FormField[] }[]; error?: string };

/** Longer strings than this get a text area. */
const LONG_TEXT = 200;
/** Blank rows a list offers for new items (a form without script adds rows by filling them in). */
const NEW_ROWS = 1;

export const jsonSchemaOf = (schema: z.ZodType): JsonSchema => z.toJSONSchema(schema, { unrepresentable: 'any' }) as JsonSchema;

const nameOf = (path: readonly (string | number)[]) => ['f', ...path].join('.');
const idOf = (path: readonly (string | number)[]) => ['cfg', ...path].join('-').replace(/[^A-Za-z0-9_-]/g, '_');
// A property named `label` or `options` would clash with the words' own keys (`<path>.label`, `<path>.options.<value>`): it takes a trailing underscore.
const segmentOf = (p: string) => (p === 'label' || p === 'options' ? `${p}_` : p);
const keyOf = (kind: string, path: readonly (string | number)[]) => ['configuration.kinds', kind, ...path.filter((p) => typeof p === 'string').map(segmentOf)].join('.');
const labelOf = (kind: string, path: readonly (string | number)[]) => `${keyOf(kind, path)}.label`;
const isEnumArray = (s: JsonSchema) => s.type === 'array' && s.items?.enum !== undefined;
const get = (value: unknown, key: string | number): unknown => (value !== null && typeof value === 'object' ? (value as Record<string | number, unknown>)[key] : undefined);

/**
 * The fields of a form for `value` (a body, or what the admin posted back into one), with each error in
 * place: `errors` maps a body path (`a.b.0.c`) to its message.
 */
export function formFields(kind: string, schema: JsonSchema, value: unknown, errors: ReadonlyMap<string, string> = new Map(), path: (string | number)[] = []): FormField[] {
  const fieldOf = (s: JsonSchema, v: unknown, p: (string | number)[], required: boolean): FormField => {
    const base = { id: idOf(p), labelKey: labelOf(kind, p), error: errors.get(p.join('.')) };
    if (s.type === 'object') return { kind: 'group', id: base.id, labelKey: base.labelKey, fields: formFields(kind, s, v, errors, p) };
    if (isEnumArray(s)) {
      const chosen = new Set(Array.isArray(v) ? v.map(String) : []);
      return { kind: 'choices', ...base, options: s.items!.enum!.map((o) => ({ name: nameOf([...p, String(o)]), id: idOf([...p, String(o)]), value: String(o), labelKey: `${keyOf(kind, p)}.options.${String(o)}`, checked: chosen.has(String(o)) })) };
    }
    if (s.type === 'array') {
      const list = Array.isArray(v) ? v : [];
      const rows = [...list, ...Array.from({ length: NEW_ROWS }, () => undefined)];
      // `added`: the blank row a form offers for a new item (left blank, nothing is added).
      return { kind: 'list', ...base, items: rows.map((item, i) => ({ id: idOf([...p, i]), removeName: nameOf([...p, i, '_remove']), added: i >= list.length, fields: s.items?.type === 'object' ? formFields(kind, s.items, item, errors, [...p, i]) : [fieldOf(s.items ?? {}, item, [...p, i], false)] })) };
    }
    // A new row's choice starts blank (not its first option), so a row left empty is dropped, not saved half-filled.
    if (s.enum) return { kind: 'select', ...base, name: nameOf(p), required: required && v !== undefined, options: s.enum.map((o) => ({ value: String(o), labelKey: `${keyOf(kind, p)}.options.${String(o)}`, selected: String(o) === String(v ?? '') })) };
    if (s.type === 'boolean') return { kind: 'checkbox', ...base, name: nameOf(p), checked: v === true };
    const text = v === undefined || v === null ? '' : String(v);
    if (s.type === 'integer' || s.type === 'number') return { kind: 'number', ...base, name: nameOf(p), value: text, required, min: s.minimum, max: s.maximum };
    const kindOfText = s.format === 'date' ? 'date' : (s.maxLength ?? Infinity) > LONG_TEXT ? 'textarea' : 'text';
    // The browser checks length and form as the schema will (a pattern the browser cannot compile is ignored there, never refused).
    return { kind: kindOfText, ...base, name: nameOf(p), value: text, required, maxLength: s.maxLength, pattern: kindOfText === 'text' ? s.pattern : undefined };
  };
  return Object.entries(schema.properties ?? {}).map(([key, s]) => fieldOf(s, get(value, key), [...path, key], (schema.required ?? []).includes(key)));
}

/**
 * A posted form read back into a body by the schema: numbers as numbers (text that is no number kept as
 * it was, for the schema to refuse with the admin's input shown again), unticked boxes false, a list's
 * rows in order without those marked for removal or left blank, an optional field left empty omitted.
 */
export function bodyFrom(schema: JsonSchema, posted: Readonly<Record<string, unknown>>, path: (string | number)[] = []): Record<string, unknown> {
  const valueOf = (s: JsonSchema, p: (string | number)[], required: boolean): unknown => {
    if (s.type === 'object') return bodyFrom(s, posted, p);
    if (isEnumArray(s)) return s.items!.enum!.filter((o) => posted[nameOf([...p, String(o)])] !== undefined);
    if (s.type === 'array') {
      const prefix = `${nameOf(p)}.`;
      const indices = [...new Set(Object.keys(posted).flatMap((k) => (k.startsWith(prefix) ? [Number(k.slice(prefix.length).split('.')[0])] : [])))].filter(Number.isInteger).sort((a, b) => a - b);
      return indices
        .filter((i) => posted[nameOf([...p, i, '_remove'])] === undefined)
        .map((i) => valueOf(s.items ?? {}, [...p, i], true))
        .filter((item) => !isBlank(item));
    }
    if (s.type === 'boolean') return posted[nameOf(p)] !== undefined;
    const raw = posted[nameOf(p)];
    const text = typeof raw === 'string' ? raw.trim() : '';
    if (text === '' && !required) return undefined;
    if ((s.type === 'integer' || s.type === 'number') && text !== '' && Number.isFinite(Number(text))) return Number(text);
    return text;
  };
  const out: Record<string, unknown> = {};
  for (const [key, s] of Object.entries(schema.properties ?? {})) {
    const v = valueOf(s, [...path, key], (schema.required ?? []).includes(key));
    if (v !== undefined) out[key] = v;
  }
  return out;
}

/** A row nobody filled in: every text empty and every box unticked. */
function isBlank(v: unknown): boolean {
  if (v === undefined || v === '' || v === false) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (v !== null && typeof v === 'object') return Object.values(v).every(isBlank);
  return false;
}
