import { Readable, pipeline, type Transform } from 'node:stream';
import { stringify } from 'csv-stringify';
import yazl from 'yazl';
import { spreadsheetSafe } from '../reports/export.js';
import type { Dataset, DatasetColumn } from './bundle.datasets.js';
import type { BundleRow } from './bundle.repository.js';
import type { DictionaryDataset } from './bundle.service.js';

/** Where a file's rows come from: the dataset's rows, read a page at a time as the file is written. */
export type RowsOf = (dataset: Dataset) => AsyncIterable<BundleRow>;

/** A value as loaders read it: instants in ISO 8601 (UTC), dates as YYYY-MM-DD, structured values as JSON. */
function jsonValue(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  return value ?? null;
}

/**
 * A CSV cell: nothing is empty, booleans `true`/`false`, structured values as JSON; text a spreadsheet
 * would run as a formula (= + - @, tab, carriage return first) is kept as text by a leading quote.
 * Numbers, dates and ids are never quoted (a negative number stays a number).
 */
export function csvCell(column: DatasetColumn, value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (column.kind === 'json' || column.kind === 'list') return spreadsheetSafe(JSON.stringify(value));
  if (column.kind === 'text') return spreadsheetSafe(String(value));
  return String(value);
}

async function* csvRows(dataset: Dataset, rows: AsyncIterable<BundleRow>): AsyncGenerator<string[]> {
  for await (const row of rows) yield dataset.columns.map((c) => csvCell(c, row[c.name]));
}

/** One dataset as CSV (UTF-8 with a byte-order mark so spreadsheets read accents), header first, streamed. */
export function csvFile(dataset: Dataset, rows: AsyncIterable<BundleRow>): Transform {
  const csv = stringify({ header: true, bom: true, columns: dataset.columns.map((c) => c.name) });
  return pipeline(Readable.from(csvRows(dataset, rows)), csv, () => undefined);
}

/**
 * The whole bundle as one JSON document, streamed: `{ format, exportedAt, dictionary, datasets: { name: [rows] } }`,
 * each row an object keyed by the dictionary's column names.
 */
export function jsonFile(head: { exportedAt: Date; dictionary: DictionaryDataset[] }, datasets: readonly Dataset[], rowsOf: RowsOf): Readable {
  async function* chunks(): AsyncGenerator<string> {
    yield `{"format":${JSON.stringify(BUNDLE_FORMAT)},"exportedAt":${JSON.stringify(head.exportedAt.toISOString())},"dictionary":${JSON.stringify(head.dictionary)},"datasets":{`;
    for (const [i, dataset] of datasets.entries()) {
      yield `${i === 0 ? '' : ','}${JSON.stringify(dataset.name)}:[`;
      let first = true;
      for await (const row of rowsOf(dataset)) {
        const out = Object.fromEntries(dataset.columns.map((c) => [c.name, jsonValue(row[c.name])]));
        yield `${first ? '' : ','}${JSON.stringify(out)}`;
        first = false;
      }
      yield ']';
    }
    yield '}}';
  }
  return Readable.from(chunks());
}

/** The bundle's format name and version, in the JSON and the zip's dictionary. */
export const BUNDLE_FORMAT = 'success-plans-district-bundle/1';

/**
 * The whole bundle as a zip: one CSV per dataset (each read only when the zip reaches it), the data
 * dictionary as `dictionary.json` and a `README.txt` in the reader's language.
 */
export function zipFile(head: { exportedAt: Date; dictionary: DictionaryDataset[]; readme: string }, datasets: readonly Dataset[], rowsOf: RowsOf): Readable {
  const zip = new yazl.ZipFile();
  const mtime = head.exportedAt;
  zip.addBuffer(Buffer.from(head.readme, 'utf8'), 'README.txt', { mtime });
  zip.addBuffer(Buffer.from(JSON.stringify({ format: BUNDLE_FORMAT, exportedAt: mtime.toISOString(), datasets: head.dictionary }, null, 2), 'utf8'), 'dictionary.json', { mtime });
  for (const dataset of datasets) zip.addReadStream(lazy(() => csvFile(dataset, rowsOf(dataset))), `${dataset.name}.csv`, { mtime });
  zip.end();
  return zip.outputStream as Readable;
}

/** A stream that starts its source only when first read (yazl reads its entries one after another). */
function lazy(open: () => Readable): Readable {
  let source: Readable | null = null;
  async function* pull(): AsyncGenerator<Buffer | string> {
    source ??= open();
    for await (const chunk of source) yield chunk as Buffer | string;
  }
  return Readable.from(pull(), { objectMode: false });
}
