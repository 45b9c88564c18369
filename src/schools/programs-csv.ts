import type { Readable } from 'node:stream';
import { readCsv, type CsvFormat } from '../student-data/csv-reader.js';
import type { ImportReport } from '../student-data/import-report.js';
import { programDimensions } from './groups.js';

type Column = 'student_sis_id' | 'sourcedid' | (typeof programDimensions)[number];

/** The programs file (README.md beside this file): a student id column (either name) and yes/no/blank per program. */
const programsFormat: CsvFormat<Column> = {
  required: [],
  optional: ['student_sis_id', 'sourcedid', ...programDimensions],
  unknownColumns: 'refuse',
  caseSensitive: false,
  maxLength: 100,
};

export interface ProgramsEntry {
  line: number;
  studentId: string;
  /** The programs the row sets (a blank one is left as it is): dimension -> yes | no. */
  values: Partial<Record<(typeof programDimensions)[number], 'yes' | 'no'>>;
}

/** Reads a programs file whole (one short row per student), each bad row into the report. */
export async function readProgramsCsv(source: Readable, report: ImportReport): Promise<{ rows: number; entries: ProgramsEntry[] }> {
  const entries: ProgramsEntry[] = [];
  const seen = new Set<string>();
  let rows = 0;
  for await (const { line, values } of readCsv(source, programsFormat, report)) {
    rows++;
    const studentId = values.student_sis_id || values.sourcedid;
    if (studentId === '') {
      report.add({ line, reason: 'required', column: 'student_sis_id' });
      continue;
    }
    if (seen.has(studentId)) {
      report.add({ line, reason: 'duplicate' });
      continue;
    }
    seen.add(studentId);
    const entry: ProgramsEntry = { line, studentId, values: {} };
    const bad = programDimensions.find((d) => !['', 'yes', 'no'].includes(values[d].toLowerCase()));
    if (bad) {
      report.add({ line, reason: 'badValue', column: bad });
      continue;
    }
    for (const d of programDimensions) {
      const v = values[d].toLowerCase();
      if (v === 'yes' || v === 'no') entry.values[d] = v;
    }
    entries.push(entry);
  }
  if (rows === 0 && report.blocking === 0) report.add({ line: 1, reason: 'emptyFile' });
  return { rows, entries };
}
