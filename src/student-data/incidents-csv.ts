import type { Readable } from 'node:stream';
import { readCsv, type CsvFormat } from './csv-reader.js';
import { checkDay, dayRange, type ImportWindow } from './import-days.js';
import type { BadRowReason, ImportReport } from './import-report.js';

/** Behaviour incidents as a school's SIS exports them (the format is documented in README.md beside this file). */

export const incidentSeverities = ['minor', 'moderate', 'major'] as const;
export type IncidentSeverity = (typeof incidentSeverities)[number];
const severitySet: ReadonlySet<string> = new Set(incidentSeverities);

export const incidentRequiredColumns = ['incident_id', 'student_id', 'date', 'category', 'severity'] as const;
export const incidentOptionalColumns = ['consequence', 'suspension_days'] as const;
type Column = (typeof incidentRequiredColumns)[number] | (typeof incidentOptionalColumns)[number];

export const incidentsFormat: CsvFormat<Column> = {
  required: incidentRequiredColumns,
  optional: incidentOptionalColumns,
  unknownColumns: 'refuse',
  caseSensitive: false,
  maxLength: 200,
};

/** Short codes (ids, categories) are kept to this length; a consequence may use the format's 200. */
const maxCodeLength = 100;
/** 0 to 365 days, in tenths at most (half-day suspensions exist; the column keeps one decimal). */
const daysPattern = /^\d{1,3}(\.\d)?$/;

export interface IncidentCsvRow {
  line: number;
  /** The SIS's own id of the incident: what makes a re-import update the incident instead of adding it again. */
  incidentId: string;
  studentId: string;
  day: string;
  category: string;
  severity: IncidentSeverity;
  /** '' when none. */
  consequence: string;
  suspensionDays: number;
}

export interface IncidentsCsv {
  rows: AsyncGenerator<IncidentCsvRow>;
  students: () => Iterable<string>;
}

/** Reads an incidents file. The same incident id twice in one file is a `duplicate`. */
export function readIncidentsCsv(source: Readable | AsyncIterable<Buffer | string>, window: ImportWindow, report: ImportReport): IncidentsCsv {
  const range = dayRange(window);
  const ids = new Set<string>();
  const students = new Set<string>();

  async function* rows(): AsyncGenerator<IncidentCsvRow> {
    for await (const { line, values } of readCsv(source, incidentsFormat, report)) {
      const bad = (reason: BadRowReason, column?: Column) => report.add({ line, reason, ...(column ? { column } : {}) });
      const missing = incidentRequiredColumns.find((c) => values[c] === '');
      if (missing) {
        bad('required', missing);
        continue;
      }
      const long = (['incident_id', 'student_id', 'category'] as const).find((c) => values[c].length > maxCodeLength);
      if (long) {
        bad('tooLong', long);
        continue;
      }
      const day = checkDay(values.date, range);
      if (!day.ok) {
        bad(day.reason, 'date');
        continue;
      }
      const severity = values.severity.toLowerCase();
      if (!severitySet.has(severity)) {
        bad('badSeverity', 'severity');
        continue;
      }
      const daysText = values.suspension_days;
      if (daysText !== '' && !(daysPattern.test(daysText) && Number(daysText) <= 365)) {
        bad('badNumber', 'suspension_days');
        continue;
      }
      if (ids.has(values.incident_id)) {
        bad('duplicate');
        continue;
      }
      ids.add(values.incident_id);
      students.add(values.student_id);
      yield {
        line,
        incidentId: values.incident_id,
        studentId: values.student_id,
        day: values.date,
        category: values.category,
        severity: severity as IncidentSeverity,
        consequence: values.consequence,
        suspensionDays: daysText === '' ? 0 : Number(daysText),
      };
    }
  }

  return { rows: rows(), students: () => students };
}
