import { isUtf8 } from 'node:buffer';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse, type CsvError, type InfoRecord, type Options } from 'csv-parse';
import type { BadRowReason, ImportReport } from './import-report.js';

/**
 * The one way imported CSV files are read: streamed through csv-parse (RFC 4180: quoted fields,
 * doubled quotes, line breaks inside quotes; \n, \r\n or \r line ends), a row at a time, so a file
 * of millions of rows takes the memory of one row. What it adds:
 * - line numbers as a person counts them in the file (line 1 is the header; a row that spans lines
 *   is reported on the line it starts);
 * - encoding: files are UTF-8. A UTF-8 byte order mark (Excel's "CSV UTF-8") is dropped; a UTF-16
 *   one (Excel's "Unicode text") refuses the file; bytes that are not UTF-8 refuse their row
 *   (`encoding`), checked per field before decoding, since decoding would turn them into U+FFFD;
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

const utf8Bom = Buffer.from([0xef, 0xbb, 0xbf]);
const utf16Boms = [Buffer.from([0xff, 0xfe]), Buffer.from([0xfe, 0xff])];

interface Numbered {
  line: number;
  fields: Buffer[];
}

/** Drops a UTF-8 byte order mark from the start of the stream, whatever the size of its first chunks. */
function stripBom(onUtf16: () => void) {
  return async function* (source: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer> {
    let head: Buffer | undefined = Buffer.alloc(0);
    for await (const chunk of source) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      if (head === undefined) {
        yield buf;
        continue;
      }
      head = Buffer.concat([head, buf]);
      if (head.length < utf8Bom.length) continue;
      if (utf16Boms.some((b) => head!.subarray(0, 2).equals(b))) {
        onUtf16();
        return;
      }
      const rest: Buffer = head.subarray(0, 3).equals(utf8Bom) ? head.subarray(3) : head;
      head = undefined;
      if (rest.length > 0) yield rest;
    }
    if (head !== undefined && head.length > 0) {
      if (utf16Boms.some((b) => head!.subarray(0, 2).equals(b))) onUtf16();
      else if (!utf8Bom.subarray(0, head.length).equals(head)) yield head;
    }
  };
}

const decode = (field: Buffer): string | undefined => (isUtf8(field) ? field.toString('utf8').trim() : undefined);

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

  // Line numbers, in the parser's own callbacks (they run in file order). csv-parse counts the line a
  // record ends on; it starts that many lines earlier as its quoted values hold line breaks.
  let lastEnd = 0;
  let lastEmpty = 0;
  let lastMalformed = 0;
  let quoteLost = false;
  let utf16 = false;
  const options: Options<Numbered, Buffer[]> = {
    encoding: null, // fields as bytes: checked for UTF-8 before they are decoded
    bom: false, // stripBom above: csv-parse's own BOM handling switches the encoding back to utf8
    record_delimiter: ['\r\n', '\n', '\r'],
    relax_column_count: true, // a short or long row is reported as such, not a stream error
    skip_empty_lines: true,
    skip_records_with_error: true,
    max_record_size: maxRecordBytes,
    on_record: (fields: Buffer[], info: InfoRecord): Numbered => {
      lastEnd = info.lines;
      lastEmpty = info.empty_lines;
      return { line: info.lines - lineBreaksIn(fields), fields };
    },
    on_skip: (err: CsvError | undefined) => {
      const lines = typeof err?.lines === 'number' ? err.lines : lastEnd + 1;
      const empty = typeof err?.empty_lines === 'number' ? err.empty_lines : lastEmpty;
      let line = lines;
      if (err?.code === 'CSV_QUOTE_NOT_CLOSED') {
        // Found at the end of the file: the quote was opened on the line after the last record.
        if (quoteLost) return undefined;
        line = lastEnd + 1 + (empty - lastEmpty);
      } else if (err?.code === 'CSV_INVALID_CLOSING_QUOTE') {
        // Past a quote closed in the middle of a value the parser cannot tell where rows end, and reads
        // the rest of the file as one value: the file is refused on this line, the rest is not checked.
        quoteLost = true;
      }
      lastEnd = lines;
      lastEmpty = empty;
      if (line !== lastMalformed) bad(line, 'malformed');
      lastMalformed = line;
      return undefined;
    },
  };
  // csv-parse's typings tie on_record to string fields; with `encoding: null` they are Buffers.
  const parser = parse(options as unknown as Options);
  const flowing = pipeline(source, stripBom(() => (utf16 = true)), parser).then(
    () => undefined,
    (err: unknown) => err,
  );

  let columns: (K | undefined)[] | undefined;
  const all = [...format.required, ...(format.optional ?? [])];
  const empty = Object.fromEntries(all.map((c) => [c, ''])) as Record<K, string>;
  let pipelineError: unknown;
  try {
    for await (const rec of parser as AsyncIterable<Numbered>) {
      if (columns === undefined) {
        columns = checkHeader(rec, format, all, bad);
        if (columns === undefined) return;
        continue;
      }
      // A row of nothing but blanks (spaces, or the `,,,` a spreadsheet leaves after cleared cells) is an empty line.
      if (rec.fields.every((f) => isBlank(f))) continue;
      if (rec.fields.length !== columns.length) {
        bad(rec.line, 'columnCount');
        continue;
      }
      const values = { ...empty };
      let problem: { reason: BadRowReason; column?: string } | undefined;
      for (let i = 0; i < columns.length; i++) {
        const column = columns[i];
        if (column === undefined) continue;
        const value = decode(rec.fields[i]);
        if (value === undefined) {
          problem = { reason: 'encoding' };
          break;
        }
        if (value.length > format.maxLength) {
          problem ??= { reason: 'tooLong', column };
          continue;
        }
        if (controlCharacter.test(value) && !format.multiLine?.includes(column)) {
          problem ??= { reason: 'controlCharacter', column };
          continue;
        }
        values[column] = value;
      }
      if (problem === undefined) {
        // Ignored columns are checked for encoding too: a file that is not UTF-8 is wrong wherever it shows.
        for (let i = 0; i < columns.length; i++) if (columns[i] === undefined && !isUtf8(rec.fields[i])) problem = { reason: 'encoding' };
      }
      if (problem) {
        bad(rec.line, problem.reason, problem.column);
        continue;
      }
      yield { line: rec.line, values };
    }
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
function lineBreaksIn(fields: Buffer[]): number {
  let n = 0;
  for (const f of fields) {
    if (f.indexOf(0x0a) === -1 && f.indexOf(0x0d) === -1) continue;
    for (let i = 0; i < f.length; i++) {
      if (f[i] === 0x0a) n++;
      else if (f[i] === 0x0d && f[i + 1] !== 0x0a) n++;
    }
  }
  return n;
}

const isBlank = (f: Buffer) => {
  for (const b of f) if (b !== 0x20 && b !== 0x09) return false;
  return true;
};

function checkHeader<K extends string>(
  rec: Numbered,
  format: CsvFormat<K>,
  all: readonly K[],
  bad: (line: number, reason: BadRowReason, column?: string) => void,
): (K | undefined)[] | undefined {
  const norm = (s: string) => (format.caseSensitive ? s : s.toLowerCase());
  const known = new Map(all.map((c) => [norm(c), c]));
  const columns: (K | undefined)[] = [];
  const seen = new Set<K>();
  let wrong = false;
  for (const field of rec.fields) {
    const name = decode(field);
    if (name === undefined) {
      bad(rec.line, 'encoding');
      return undefined;
    }
    const column = known.get(norm(name));
    if (column === undefined) {
      if (format.unknownColumns === 'refuse') {
        bad(rec.line, 'unknownColumn');
        wrong = true;
      }
      columns.push(undefined);
    } else if (seen.has(column)) {
      bad(rec.line, 'duplicateColumn', column);
      wrong = true;
      columns.push(undefined);
    } else {
      seen.add(column);
      columns.push(column);
    }
  }
  for (const c of format.required) {
    if (!seen.has(c)) {
      bad(rec.line, 'missingColumn', c);
      wrong = true;
    }
  }
  return wrong ? undefined : columns;
}
