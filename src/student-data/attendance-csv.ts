import type { Readable } from 'node:stream';
import { readCsv, type CsvFormat } from './csv-reader.js';
import { checkDay, dayRange, type ImportWindow } from './import-days.js';
import type { BadRowReason, ImportReport } from './import-report.js';

/** Daily attendance as a school's SIS exports it (the format is documented in README.md beside this file). */

export const attendanceStatuses = ['present', 'absent', 'tardy', 'excused'] as const;
export type AttendanceStatus = (typeof attendanceStatuses)[number];
const statusSet: ReadonlySet<string> = new Set(attendanceStatuses);

export const attendanceColumns = ['student_id', 'date', 'status'] as const;
type Column = (typeof attendanceColumns)[number];

export const attendanceFormat: CsvFormat<Column> = {
  required: attendanceColumns,
  unknownColumns: 'refuse',
  caseSensitive: false,
  maxLength: 100,
};

export interface AttendanceCsvRow {
  line: number;
  /** The SIS's student id (OneRoster sourcedId, LTI lis_person_sourcedid). */
  studentId: string;
  day: string;
  status: AttendanceStatus;
}

export interface AttendanceCsv {
  /** The good rows, in file order; each bad one is in the report instead. */
  rows: AsyncGenerator<AttendanceCsvRow>;
  /** Every student id of a good row, once each (filled as `rows` is read): who to match before writing. */
  students: () => Iterable<string>;
}

/**
 * Reads an attendance file. A second row for the same student and day is a `duplicate` (which of two
 * statuses would be right is the school's call, not ours). Seen days are kept as one bit per day of
 * the school year per student (about 46 bytes a student), so 9 million rows for 100,000 students need
 * a few megabytes, not a set of 9 million keys.
 */
export function readAttendanceCsv(source: Readable | AsyncIterable<Buffer | string>, window: ImportWindow, report: ImportReport): AttendanceCsv {
  const range = dayRange(window);
  const bytesPerStudent = Math.ceil((range.last - range.first + 1) / 8);
  const seen = new Map<string, Uint8Array>();

  async function* rows(): AsyncGenerator<AttendanceCsvRow> {
    const bad = (line: number, reason: BadRowReason, column?: Column) => report.add({ line, reason, ...(column ? { column } : {}) });
    for await (const { line, values } of readCsv(source, attendanceFormat, report)) {
      const studentId = values.student_id;
      if (studentId === '') {
        bad(line, 'required', 'student_id');
        continue;
      }
      if (values.date === '') {
        bad(line, 'required', 'date');
        continue;
      }
      const day = checkDay(values.date, range);
      if (!day.ok) {
        bad(line, day.reason, 'date');
        continue;
      }
      const status = values.status.toLowerCase();
      if (!statusSet.has(status)) {
        bad(line, status === '' ? 'required' : 'badStatus', 'status');
        continue;
      }
      let days = seen.get(studentId);
      if (days === undefined) {
        days = new Uint8Array(bytesPerStudent);
        seen.set(studentId, days);
      }
      const i = day.n - range.first;
      const bit = 1 << (i & 7);
      if (days[i >> 3] & bit) {
        bad(line, 'duplicate');
        continue;
      }
      days[i >> 3] |= bit;
      yield { line, studentId, day: values.date, status: status as AttendanceStatus };
    }
  }

  return { rows: rows(), students: () => seen.keys() };
}
