import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse, type CsvError } from 'csv-parse';
import type { BadRowReason, ImportReport } from './import-report.js';

/**
 * The one way imported CSV files are read: streamed through csv-parse (RFC 4180: quoted fields,
 * doubled quotes, line breaks inside quotes; \n, \r\n or \r line ends), a row at a time, so a file
 * of millions of rows takes the memory of one row. What it adds:
 * - line numbers as a person counts them in the file (line 1 is the header; a row that spans lines
 *   is reported on the line it starts);
 * - encoding: files are UTF-8. A UTF-8 byte order mark (Excel's "CSV UTF-8") is dropped; a UTF-16
 *   one (Excel's "Unicode text") refuses the file; a row with bytes that are not UTF-8 is `encoding`
 *   (decoding turns them into U+FFFD, the replacement character, which is how they are found: a
 *   U+FFFD written in the file is the mark of an earlier broken conversion, refused the same way);
 * - the header: names matched case-insensitively (our own formats) or exactly (OneRoster's), every
 *   required column present, none twice, unknown ones refused or ignored as the format says;
 * - every problem recorded in the report by line and reason, never with the row's text.
 */

export interface CsvFormat<K extends string> {
  required: readonly K[];
  optional?: readonly K[];
  /** `refuse`: a column the format does not know is a wrong header (a misspelt optional column would otherwise be dropped unseen). `ignore`: extension columns (OneRoster's `metadata.*`) are allowed. */
  unknownColumns: 'refuse' | 'ignore';
  caseSensitive: boolean;
  /** Longest value accepted per column, in characters; longer is `tooLong`. */
  maxLength: number;
  /** Columns whose values may hold line breaks (a comment); in the others a control character is refused (an id spread over two lines is a broken export). */
  multiLine?: readonly K[];
}

export interface CsvRow<K extends string> {
  line: number;
  /** The row's values by column, trimmed; '' for an optional column the file does not have. */
  values: Record<K, string>;
}

/** A row of a file larger than this is `malformed` (a runaway quote, a binary file): it bounds the memory one row takes. */
const maxRecordBytes = 64 * 1024;

// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const controlCharacter = /[\u0000-\u001f\u007f]/;
const replacementCharacter = '\uFFFD';

const utf8Bom = Buffer.from([0xef, 0xbb, 0xbf]);
const utf16Boms = [Buffer.from([0xff, 0xfe]), Buffer.from([0xfe, 0xff])];

/** Drops a UTF-8 byte order mark from the start of the stream, whatever the size of its first chunks; stops at a UTF-16 one. */
function stripBom(onUtf16: () => void) {
  return async function* (source: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer> {
    let head: Buffer | undefined = Buffer.alloc(0);
    const isUtf16 = (b: Buffer) => utf16Boms.some((bom) => b.subarray(0, 2).equals(bom));
    for await (const chunk of source) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      if (head === undefined) {
        yield buf;
        continue;
      }
      head = Buffer.concat([head, buf]);
      if (head.length < utf8Bom.length) continue;
      if (isUtf16(head)) {
        onUtf16();
        return;
      }
      const rest: Buffer = head.subarray(0, 3).equals(utf8Bom) ? head.subarray(3) : head;
      head = undefined;
      if (rest.length > 0) yield rest;
    }
    if (head !== undefined && head.length > 0) {
      if (isUtf16(head)) onUtf16();
      else if (!utf8Bom.subarray(0, head.length).equals(head)) yield head;
    }
  };
}

/** A record csv-parse skipped (not valid CSV), in the order of the records around it. */
interface Skip {
  /** Records emitted before it. */
  after: number;
  /** The line it was found on. */
  line: number;
  code: string;
}

/**
 * Rows of `source` as `format` describes them. Problems go to `report` (with `file` for a file inside
 * a zip); a wrong header stops the file (nothing after it is yielded). Rows with a problem of their own
 * are reported and not yielded, so what comes out is well-formed.
 */
export async function* readCsv<K extends string>(
  source: Readable | AsyncIterable<Buffer | string>,
  format: CsvFormat<K>,
  report: ImportReport,
  file?: string,
): AsyncGenerator<CsvRow<K>> {
  const bad = (line: number, reason: BadRowReason, column?: string) => report.add({ line, reason, ...(column ? { column } : {}), ...(file ? { file } : {}) });

  // Line numbers are counted here, as records are read: a record starts on the line after the previous
  // one ended, and ends as many lines later as its quoted values hold line breaks. Empty lines come
  // through as records (and are dropped below) so that they are counted. csv-parse reports the records
  // it skips as it parses, ahead of the reading; they are queued and counted in their place.
  let utf16 = false;
  const skips: Skip[] = [];
  const parser = parse({
    bom: false, // stripBom: csv-parse's own would read a UTF-16 file as such
    record_delimiter: ['\r\n', '\n', '\r'],
    relax_column_count: true, // a short or long row is reported as such, not a stream error
    skip_records_with_error: true,
    max_record_size: maxRecordBytes,
    on_skip: (err: CsvError | undefined) => {
      skips.push({ after: typeof err?.records === 'number' ? err.records : 0, line: typeof err?.lines === 'number' ? err.lines : 0, code: err?.code ?? '' });
      return undefined;
    },
  });
  const flowing = pipeline(source, stripBom(() => (utf16 = true)), parser).then(
    () => undefined,
    (err: unknown) => err,
  );

  let lastEnd = 0;
  let lastMalformed = 0;
  let quoteLost = false;
  let records = 0;
  const takeSkips = () => {
    while (skips.length > 0 && skips[0].after <= records) {
      const skip = skips.shift()!;
      let line = skip.line || lastEnd + 1;
      if (skip.code === 'CSV_QUOTE_NOT_CLOSED') {
        // Found at the end of the file: the quote was opened where the next record began.
        if (quoteLost) continue;
        line = lastEnd + 1;
      } else if (skip.code === 'CSV_INVALID_CLOSING_QUOTE') {
        // Past a quote closed in the middle of a value the parser cannot tell where rows end, and reads
        // the rest of the file as one value: the file is refused on this line, the rest is not checked.
        quoteLost = true;
      }
      lastEnd = Math.max(lastEnd, skip.line);
      if (line !== lastMalformed) bad(line, 'malformed');
      lastMalformed = line;
    }
  };

  let columns: (K | undefined)[] | undefined;
  const all = [...format.required, ...(format.optional ?? [])];
  const empty = Object.fromEntries(all.map((c) => [c, ''])) as Record<K, string>;
  const multiLine = new Set<string>(format.multiLine ?? []);
  let pipelineError: unknown;
  try {
    for await (const fields of parser as AsyncIterable<string[]>) {
      takeSkips();
      records++;
      const line = lastEnd + 1;
      lastEnd = line + lineBreaksIn(fields);
      // A row of nothing but blanks (an empty line, or the `,,,` a spreadsheet leaves after cleared cells) is an empty line.
      if (fields.every(isBlank)) continue;
      if (columns === undefined) {
        columns = checkHeader(line, fields, format, all, bad);
        if (columns === undefined) return;
        continue;
      }
      if (fields.length !== columns.length) {
        bad(line, 'columnCount');
        continue;
      }
      const values = { ...empty };
      let problem: { reason: BadRowReason; column?: string } | undefined;
      for (let i = 0; i < columns.length; i++) {
        const raw = fields[i];
        if (raw.includes(replacementCharacter)) {
          problem = { reason: 'encoding' };
          break;
        }
        const column = columns[i];
        if (column === undefined || problem) continue;
        const value = raw.trim();
        if (value.length > format.maxLength) problem = { reason: 'tooLong', column };
        else if (!multiLine.has(column) && controlCharacter.test(value)) problem = { reason: 'controlCharacter', column };
        else values[column] = value;
      }
      if (problem) {
        bad(line, problem.reason, problem.column);
        continue;
      }
      yield { line, values };
    }
    takeSkips();
    if (utf16) bad(1, 'utf16');
    else if (columns === undefined) bad(1, 'emptyFile');
  } finally {
    parser.destroy();
    // A source that broke (a lost upload, a damaged zip entry) broke the parser too, so the loop above
    // threw its error already; stopping early (a wrong header, a reader that stopped) aborts the
    // pipeline, which is no error of the file's. Only an error after a clean end is left to throw.
    pipelineError = await flowing;
  }
  if (pipelineError && !utf16) throw pipelineError; // reached only after a clean end of the loop
}

/** Line breaks inside a record's quoted values (\r\n counting once), so that it is reported on the line it starts. */
function lineBreaksIn(fields: string[]): number {
  let n = 0;
  for (const f of fields) {
    if (f.indexOf('\n') === -1 && f.indexOf('\r') === -1) continue;
    for (let i = 0; i < f.length; i++) {
      const c = f.charCodeAt(i);
      if (c === 0x0a) n++;
      else if (c === 0x0d && f.charCodeAt(i + 1) !== 0x0a) n++;
    }
  }
  return n;
}

const isBlank = (f: string) => f.length === 0 || f.trim().length === 0;

function checkHeader<K extends string>(
  line: number,
  fields: string[],
  format: CsvFormat<K>,
  all: readonly K[],
  bad: (line: number, reason: BadRowReason, column?: string) => void,
): (K | undefined)[] | undefined {
  const norm = (s: string) => (format.caseSensitive ? s : s.toLowerCase());
  const known = new Map(all.map((c) => [norm(c), c]));
  const columns: (K | undefined)[] = [];
  const seen = new Set<K>();
  let wrong = false;
  for (const field of fields) {
    if (field.includes(replacementCharacter)) {
      bad(line, 'encoding');
      return undefined;
    }
    const column = known.get(norm(field.trim()));
    if (column === undefined) {
      if (format.unknownColumns === 'refuse') {
        bad(line, 'unknownColumn');
        wrong = true;
      }
      columns.push(undefined);
    } else if (seen.has(column)) {
      bad(line, 'duplicateColumn', column);
      wrong = true;
      columns.push(undefined);
    } else {
      seen.add(column);
      columns.push(column);
    }
  }
  for (const c of format.required) {
    if (!seen.has(c)) {
      bad(line, 'missingColumn', c);
      wrong = true;
    }
  }
  return wrong ? undefined : columns;
}
