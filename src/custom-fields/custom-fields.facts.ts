import type { FieldType } from '../plans/plans.schemas.js';
import type { RecordField } from './custom-fields.schemas.js';

/**
 * The kinds of a student's field an automation's condition may read: a choice from a closed list, yes/no,
 * a number, a date. Never short or long text: a rule never sees what anyone wrote.
 */
export const factKinds: readonly FieldType[] = ['picklist', 'multi', 'yesno', 'number', 'date'];
export const isFactKind = (type: FieldType) => factKinds.includes(type);

/** A field's value as a fact: pick one a value, pick any a list of values, yes/no a boolean, a number, a date yyyy-mm-dd; nothing recorded: null. */
export type FactValue = string | string[] | boolean | number | null;

/** One stored value (text as the form saves it: choices joined by commas, yes/no, yyyy-mm-dd) typed as its field's fact. */
export function factValue(type: FieldType, text: string | undefined): FactValue {
  if (text === undefined || text === '') return null;
  switch (type) {
    case 'multi':
      return text.split(',').filter((v) => v !== '');
    case 'yesno':
      return text === 'yes';
    case 'number': {
      const n = Number(text);
      return Number.isFinite(n) ? n : null;
    }
    default:
      return text;
  }
}

/** A value of the field's kind that a condition is tried on before it is saved (an `in` over a list needs a list, not null). */
export function sampleFact(f: Pick<RecordField, 'type' | 'options'>): FactValue {
  const first = f.options?.[0]?.value ?? 'a';
  if (f.type === 'multi') return [first];
  if (f.type === 'yesno') return true;
  if (f.type === 'number') return 1;
  if (f.type === 'date') return '2026-03-20';
  return first;
}
