import { t, type Locale } from '../web/i18n.js';

/**
 * Why a row of an imported file was not taken: the suffix of an i18n key (`dataImports.reason.<reason>`).
 * A report names the line, the reason and, where it helps, one of the format's own column names or
 * file names; never a value from the row, so a report holds no student data and can be stored and logged.
 */
export const badRowReasons = [
  // The file as a whole (reported on line 1, or the line where the file stopped being readable).
  'emptyFile',
  'utf16',
  'missingColumn',
  'unknownColumn',
  'duplicateColumn',
  // One row.
  'encoding',
  'malformed',
  'columnCount',
  'required',
  'tooLong',
  'controlCharacter',
  'badDate',
  'outsideSchoolYear',
  'futureDate',
  'badStatus',
  'badSeverity',
  'badNumber',
  'badValue',
  'badRange',
  'duplicate',
  'unknownReference',
  'unknownStudent',
  // A OneRoster zip.
  'badZip',
  'manifestMissing',
  'manifestVersion',
  'manifestValue',
  'fileMissing',
  'fileNotDeclared',
  'fileTooLarge',
] as const;
export type BadRowReason = (typeof badRowReasons)[number];

/**
 * Reasons that do not reject the file: the row is left out and the rest is imported. An unknown student
 * is the normal case of a student the tool has not met yet (not launched, not rostered); the row is
 * reported and the student goes to the identity review queue, where an admin links or ignores them.
 */
export const skippedReasons: ReadonlySet<BadRowReason> = new Set<BadRowReason>(['unknownStudent']);

/** Reasons about the file as a whole: once one is found, nothing more of that file is read. */
export const fileReasons: ReadonlySet<BadRowReason> = new Set<BadRowReason>([
  'emptyFile',
  'utf16',
  'missingColumn',
  'unknownColumn',
  'duplicateColumn',
  'badZip',
  'manifestMissing',
  'manifestVersion',
  'manifestValue',
  'fileMissing',
  'fileNotDeclared',
  'fileTooLarge',
]);

export interface BadRow {
  /** 1-based line of the file where the row starts (line 1 is the header). */
  line: number;
  reason: BadRowReason;
  /** A column of the documented format (never a header the file made up: that could be anything). */
  column?: string;
  /** The file inside a OneRoster zip (one of the names the format defines). */
  file?: string;
}

/** How many bad rows a report lists; the rest are counted. A file of 9 million bad dates needs no 9 million lines. */
export const listedBadRowsMax = 1000;

/**
 * What an import found wrong, row by row, as it streams: the first `listedBadRowsMax` bad rows listed
 * in the order found, every one counted, and whether the file can be imported at all.
 */
export class ImportReport {
  readonly listed: BadRow[] = [];
  total = 0;
  /** Bad rows that reject the file (every reason but the skipped ones). */
  blocking = 0;
  /** File-level problems (a wrong header, a zip without its manifest): the file concerned was not read to its end. */
  fileErrors = 0;

  constructor(readonly max = listedBadRowsMax) {}

  add(row: BadRow): void {
    this.total++;
    if (!skippedReasons.has(row.reason)) this.blocking++;
    if (fileReasons.has(row.reason)) this.fileErrors++;
    if (this.listed.length < this.max) this.listed.push(row);
  }

  /** Rows of one reason counted but not listed (past the listed ones a query returned). */
  addUnlisted(reason: BadRowReason, n: number): void {
    if (n <= 0) return;
    this.total += n;
    if (!skippedReasons.has(reason)) this.blocking += n;
  }

  /** Whether the file may be written: no bad row other than the skipped kinds. */
  get accepted(): boolean {
    return this.blocking === 0;
  }

  /** Rows found but not listed (past `max`). */
  get unlisted(): number {
    return this.total - this.listed.length;
  }
}

/** A bad row in words, in `locale`: "Line 12: the date is not a calendar date (YYYY-MM-DD)." */
export function badRowText(row: BadRow, locale?: Locale): string {
  const reason = t(`dataImports.reason.${row.reason}`, { column: row.column ?? '' }, locale);
  return row.file ? t('dataImports.badRow.inFile', { file: row.file, line: row.line, reason }, locale) : t('dataImports.badRow.line', { line: row.line, reason }, locale);
}
