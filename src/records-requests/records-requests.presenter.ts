import type { StudentExport } from './records-requests.service.js';

export interface ReadableTable {
  name: string;
  columns: string[];
  rows: string[][];
}

/** A cell as a person reads it: dates as ISO instants, structured values as JSON, nothing as empty. */
function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/**
 * The export as the printable record shows it: each feature's tables that hold rows of the student,
 * one column per field. The columns are the export's own (the JSON's keys), so the two never disagree.
 */
export function readableRecord(data: StudentExport): { feature: string; tables: ReadableTable[] }[] {
  return Object.entries(data.features).flatMap(([feature, tables]) => {
    const shown = Object.entries(tables).flatMap(([name, rows]) => {
      if (rows.length === 0) return [];
      const columns = Object.keys(rows[0] as Record<string, unknown>);
      return [{ name, columns, rows: rows.map((row) => columns.map((c) => cell((row as Record<string, unknown>)[c]))) }];
    });
    return shown.length > 0 ? [{ feature, tables: shown }] : [];
  });
}
