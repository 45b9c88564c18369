import type { Response } from 'express';
import ExcelJS from 'exceljs';
import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import type { ChartTable } from './chart-common.js';

/**
 * A report's table as a download: CSV (UTF-8 with a byte-order mark, so Excel reads "Año" as written)
 * or XLSX (bold header row, column widths). Headers come already in the reader's language.
 */
export const exportFormats = ['csv', 'xlsx'] as const;
export type ExportFormat = (typeof exportFormats)[number];
/** `?format=csv|xlsx` on a download link. */
export const exportQuery = z.object({ format: z.enum(exportFormats, { message: 'reports.export.format' }) });

export type ExportValue = string | number | null;
export interface ExportTable {
  columns: { key: string; header: string; width?: number }[];
  rows: Record<string, ExportValue>[];
  /** The worksheet's name (XLSX). */
  sheet?: string;
}

/** A chart's table of numbers (views/partials/report-table.hbs) as an export: the same texts, hidden values in words. */
export function chartTableExport(table: ChartTable): ExportTable {
  const columns = table.headers.map((header, i) => ({ key: `c${i}`, header }));
  return { columns, sheet: table.caption, rows: table.rows.map((r) => Object.fromEntries([r.label, ...r.cells].map((v, i) => [`c${i}`, v]))) };
}

/**
 * A text a spreadsheet would run as a formula (= + - @, or a tab or carriage return first: OWASP's
 * CSV injection list) is kept as text by a leading quote. Numbers are numbers and pass as they are.
 * Also the audit log's CSV (names people write themselves in the LMS).
 */
export const spreadsheetSafe = (value: string): string => (/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);

export function toCsv(table: ExportTable): Buffer {
  const text = stringify(
    table.rows.map((r) => table.columns.map((c) => r[c.key] ?? '')),
    { header: true, bom: true, columns: table.columns.map((c) => c.header), cast: { string: spreadsheetSafe } },
  );
  return Buffer.from(text, 'utf8');
}

/** XLSX keeps every text as text (never a formula), so it needs no quote; a sheet name loses the characters Excel refuses. */
export async function toXlsx(table: ExportTable): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet((table.sheet ?? 'Report').replace(/[\\/?*[\]:]/g, ' ').slice(0, 31) || 'Report');
  sheet.columns = table.columns.map((c) => ({ key: c.key, header: c.header, width: c.width ?? Math.min(60, Math.max(10, c.header.length + 2, ...table.rows.map((r) => String(r[c.key] ?? '').length + 2))) }));
  sheet.getRow(1).font = { bold: true };
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
  for (const row of table.rows) sheet.addRow(Object.fromEntries(table.columns.map((c) => [c.key, row[c.key] ?? null])));
  return Buffer.from(await book.xlsx.writeBuffer());
}

const media: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/**
 * Content-Disposition for a download named `name` (RFC 6266): an ASCII `filename` (accents dropped,
 * anything else a dash) for old clients, and `filename*` in UTF-8 when the name is not plain ASCII.
 */
export function contentDisposition(name: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = name.normalize('NFC').replace(/[\u0000-\u001f\u007f"\\/]+/g, '-').trim().slice(0, 120) || 'report';
  const ascii = clean.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^A-Za-z0-9._ -]+/g, '-').replace(/-{2,}/g, '-');
  const utf8 = encodeURIComponent(clean).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return ascii === clean ? `attachment; filename="${ascii}"` : `attachment; filename="${ascii}"; filename*=UTF-8''${utf8}`;
}

/** Sends the table as `<baseName>.<format>`: never cached (it holds school data). */
export async function sendTable(res: Response, table: ExportTable, format: ExportFormat, baseName: string): Promise<void> {
  const body = format === 'csv' ? toCsv(table) : await toXlsx(table);
  res.status(200).set({ 'Content-Type': media[format], 'Content-Disposition': contentDisposition(`${baseName}.${format}`), 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' }).send(body);
}
