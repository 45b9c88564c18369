/**
 * The OneRoster REST filter grammar (rostering and gradebook REST bindings, "Filtering"):
 * `filter=<field><predicate>'<value>'`, predicates = != > >= < <= ~ (contains), several clauses
 * joined by one logical operator, ` AND ` or ` OR `. Fields may name a sub-field with a dot
 * (`user.sourcedId`, `roles.role`); a field holding a list matches when any element does.
 */

export type Predicate = '=' | '!=' | '>' | '>=' | '<' | '<=' | '~';
export interface Clause {
  field: string;
  op: Predicate;
  value: string;
}
export interface Filter {
  clauses: Clause[];
  logic: 'AND' | 'OR';
}

const CLAUSE = /^\s*([A-Za-z][A-Za-z0-9]*(?:\.[A-Za-z][A-Za-z0-9]*)*)\s*(!=|>=|<=|=|>|<|~)\s*'((?:[^']|'')*)'\s*/;
const LOGIC = /^(AND|OR)\s+/;

/** Parses a filter expression; null when it does not follow the grammar. */
export function parseFilter(text: string): Filter | null {
  const clauses: Clause[] = [];
  let logic: Filter['logic'] | undefined;
  let rest = text;
  for (;;) {
    const m = CLAUSE.exec(rest);
    if (!m) return null;
    clauses.push({ field: m[1], op: m[2] as Predicate, value: m[3].replace(/''/g, "'") });
    rest = rest.slice(m[0].length);
    if (!rest) break;
    const l = LOGIC.exec(rest);
    if (!l) return null;
    if (logic && logic !== l[1]) return null;
    logic = l[1] as Filter['logic'];
    rest = rest.slice(l[0].length);
  }
  return { clauses, logic: logic ?? 'AND' };
}

/** The values a dotted path reaches in a record (lists flattened), or undefined when the field does not exist. */
export function valuesAt(record: unknown, path: string): unknown[] | undefined {
  let current: unknown[] = [record];
  for (const part of path.split('.')) {
    const next: unknown[] = [];
    let found = false;
    for (const c of current) {
      const items = Array.isArray(c) ? c : [c];
      for (const item of items) {
        if (item && typeof item === 'object' && part in item) {
          found = true;
          const v = (item as Record<string, unknown>)[part];
          if (Array.isArray(v)) next.push(...v);
          else next.push(v);
        }
      }
    }
    if (!found) return undefined;
    current = next;
  }
  return current;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

function compare(a: string, b: string): number {
  if (ISO_DATE.test(a) && ISO_DATE.test(b)) {
    const x = Date.parse(a);
    const y = Date.parse(b);
    if (Number.isFinite(x) && Number.isFinite(y)) return x - y;
  }
  const na = Number(a);
  const nb = Number(b);
  if (a.trim() !== '' && b.trim() !== '' && Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
}

function test(value: unknown, c: Clause): boolean {
  if (value === null || value === undefined || typeof value === 'object') return c.op === '!=';
  const text = String(value);
  switch (c.op) {
    case '=':
      return compare(text, c.value) === 0;
    case '!=':
      return compare(text, c.value) !== 0;
    case '>':
      return compare(text, c.value) > 0;
    case '>=':
      return compare(text, c.value) >= 0;
    case '<':
      return compare(text, c.value) < 0;
    case '<=':
      return compare(text, c.value) <= 0;
    case '~':
      return text.toLowerCase().includes(c.value.toLowerCase());
  }
}

export function matches(record: unknown, filter: Filter): boolean {
  const results = filter.clauses.map((c) => (valuesAt(record, c.field) ?? []).some((v) => test(v, c)));
  return filter.logic === 'AND' ? results.every(Boolean) : results.some(Boolean);
}

/** Sort comparator on one (dotted) field, by its first value. */
export function byField(field: string, order: 'asc' | 'desc') {
  const key = (r: unknown) => {
    const v = valuesAt(r, field)?.[0];
    return v === null || v === undefined ? '' : String(v);
  };
  return (a: unknown, b: unknown) => (order === 'asc' ? 1 : -1) * compare(key(a), key(b));
}
