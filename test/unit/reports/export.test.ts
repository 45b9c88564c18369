import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import express from 'express';
import request from 'supertest';
import { chartTableExport, contentDisposition, exportQuery, sendTable, toCsv, toXlsx, type ExportTable } from '../../../src/reports/export.js';

const table: ExportTable = {
  sheet: 'Necesidades por año',
  columns: [
    { key: 'grade', header: 'Año escolar' },
    { key: 'note', header: 'Nota' },
    { key: 'n', header: 'Estudiantes' },
  ],
  rows: [
    { grade: '9.º', note: '=HYPERLINK("http://evil.example","x")', n: 12 },
    { grade: '10.º', note: '+1', n: null },
    { grade: '11.º', note: '@SUM(A1)', n: 30 },
    { grade: '12.º', note: '\tTab, "quoted"', n: -4 },
  ],
};

describe('reports: export as CSV and XLSX', () => {
  it('CSV: a BOM, the Spanish headers, formula-looking texts quoted, numbers as they are', () => {
    const csv = toCsv(table);
    expect([...csv.subarray(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]);
    const rows = parse(csv, { bom: true }) as string[][];
    expect(rows).to.deep.equal([
      ['Año escolar', 'Nota', 'Estudiantes'],
      ['9.º', `'=HYPERLINK("http://evil.example","x")`, '12'],
      ['10.º', "'+1", ''],
      ['11.º', "'@SUM(A1)", '30'],
      ['12.º', `'\tTab, "quoted"`, '-4'],
    ]);
  });

  it('XLSX: the same cells read back, a bold header row, widths, texts never formulas', async () => {
    const book = new ExcelJS.Workbook();
    const file = await toXlsx(table);
    await book.xlsx.load(file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer);
    const sheet = book.getWorksheet('Necesidades por año')!;
    expect(sheet.getRow(1).values).to.deep.equal([undefined, 'Año escolar', 'Nota', 'Estudiantes']);
    expect(sheet.getRow(1).font?.bold ?? sheet.getCell('A1').font?.bold).to.equal(true);
    expect(sheet.getCell('B2').value).to.equal('=HYPERLINK("http://evil.example","x")');
    expect(sheet.getCell('B2').type).to.equal(ExcelJS.ValueType.String);
    expect(sheet.getCell('C2').value).to.equal(12);
    expect(sheet.getCell('C3').value).to.equal(null);
    expect(sheet.getColumn(2).width).to.equal(39); // the longest text (37) + 2
    expect(sheet.getColumn(1).width).to.equal(13); // "Año escolar" (11) + 2
  });

  it('a chart table exports its texts, hidden values in words', () => {
    const out = chartTableExport({ caption: 'By grade', headers: ['Grade', 'Students'], rows: [{ label: 'Grade 9', cells: ['fewer than 10'] }] });
    expect(out.columns.map((c) => c.header)).to.deep.equal(['Grade', 'Students']);
    expect(out.rows).to.deep.equal([{ c0: 'Grade 9', c1: 'fewer than 10' }]);
  });

  it('Content-Disposition: an ASCII name, and filename* (RFC 6266) when the name is not ASCII', () => {
    expect(contentDisposition('needs-2026.csv')).to.equal('attachment; filename="needs-2026.csv"');
    expect(contentDisposition('Año 9 "a/b".xlsx')).to.equal(`attachment; filename="Ano 9 -a-b-.xlsx"; filename*=UTF-8''A%C3%B1o%209%20-a-b-.xlsx`);
    expect(contentDisposition('\r\nSet-Cookie: x')).to.not.match(/[\r\n]/);
  });

  it('sends either format with its type and name, and the format is checked', async () => {
    const app = express();
    app.get('/export', async (req, res) => {
      const q = exportQuery.safeParse(req.query);
      if (!q.success) return void res.status(400).send(q.error.issues[0]!.message);
      await sendTable(res, table, q.data.format, 'necesidades-año');
    });
    const csv = await request(app).get('/export?format=csv').expect(200);
    expect(csv.headers['content-type']).to.equal('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).to.equal(`attachment; filename="necesidades-ano.csv"; filename*=UTF-8''necesidades-a%C3%B1o.csv`);
    expect(csv.headers['cache-control']).to.equal('no-store');
    const xlsx = await request(app).get('/export?format=xlsx').buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    }).expect(200);
    expect(xlsx.headers['content-type']).to.equal('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect((xlsx.body as Buffer).subarray(0, 2).toString()).to.equal('PK');
    await request(app).get('/export?format=pdf').expect(400, 'reports.export.format');
  });
});
