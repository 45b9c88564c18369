import { expect } from 'chai';
import { Readable } from 'node:stream';
import { readAttendanceCsv, type AttendanceCsvRow } from '../../../src/student-data/attendance-csv.js';
import { ImportReport, badRowText, type BadRow } from '../../../src/student-data/import-report.js';
import { fixtureStream } from '../../support/imports/files.js';

const window = { firstDay: '2026-08-17', lastDay: '2027-06-11', today: '2026-11-20' };

async function read(source: Readable | string[], report = new ImportReport()) {
  const csv = readAttendanceCsv(Array.isArray(source) ? Readable.from(source.map((s) => Buffer.from(s))) : source, window, report);
  const rows: AttendanceCsvRow[] = [];
  for await (const row of csv.rows) rows.push(row);
  return { rows, report, students: [...csv.students()] };
}
const bad = (report: ImportReport) => report.listed.map((r: BadRow) => [r.line, r.reason, r.column ?? null]).sort((a, b) => Number(a[0]) - Number(b[0]));

describe('attendance CSV', () => {
  it('reads a good file: BOM, CRLF, header in any case and order, blank rows, status in any case', async () => {
    const { rows, report, students } = await read(fixtureStream('attendance-good.csv'));
    expect(report.total).to.equal(0);
    expect(report.accepted).to.equal(true);
    expect(rows).to.deep.equal([
      { line: 2, studentId: 'S1001', day: '2026-09-01', status: 'present' },
      { line: 3, studentId: 'S1002', day: '2026-09-01', status: 'absent' },
      { line: 5, studentId: 'S1001', day: '2026-09-02', status: 'tardy' },
      { line: 6, studentId: 'S1002', day: '2026-09-02', status: 'excused' },
      { line: 7, studentId: 'S9999', day: '2026-09-02', status: 'absent' },
      { line: 8, studentId: 'S1001', day: '2026-09-03', status: 'present' },
    ]);
    expect(students).to.deep.equal(['S1001', 'S1002', 'S9999']);
  });

  it('reports every bad row by line and reason, and yields only the good ones', async () => {
    const { rows, report } = await read(fixtureStream('attendance-bad.csv'));
    expect(bad(report)).to.deep.equal([
      [3, 'duplicate', null],
      [4, 'badDate', 'date'],
      [5, 'badDate', 'date'],
      [6, 'outsideSchoolYear', 'date'],
      [7, 'futureDate', 'date'],
      [8, 'badStatus', 'status'],
      [9, 'required', 'student_id'],
      [10, 'required', 'date'],
      [11, 'required', 'status'],
      [12, 'columnCount', null],
      [13, 'columnCount', null],
      [14, 'encoding', null],
      [15, 'tooLong', 'student_id'],
      [16, 'controlCharacter', 'student_id'],
      [18, 'malformed', null],
    ]);
    expect(report.accepted).to.equal(false);
    expect(report.blocking).to.equal(15);
    expect(rows.map((r) => r.line)).to.deep.equal([2, 19]);
  });

  it('says what is wrong in words, without the row text, in English and Spanish', async () => {
    const { report } = await read(fixtureStream('attendance-bad.csv'));
    const texts = report.listed.map((r) => badRowText(r));
    expect(texts).to.include('Line 8: status is not one of present, absent, tardy, excused.');
    expect(texts).to.include('Line 6: date is outside the school year.');
    expect(badRowText({ line: 4, reason: 'badDate', column: 'date' }, 'es')).to.equal('Línea 4: date no es una fecha escrita AAAA-MM-DD.');
    for (const text of texts) expect(text).not.to.match(/S1002|S1001|sick|09\/01/);
  });

  it('refuses a wrong header as a whole: missing, unknown and repeated columns', async () => {
    let r = await read(fixtureStream('attendance-wrong-header.csv'));
    expect(bad(r.report)).to.deep.equal([
      [1, 'unknownColumn', null],
      [1, 'unknownColumn', null],
      [1, 'missingColumn', 'student_id'],
    ]);
    expect(r.rows).to.deep.equal([]);
    expect(r.report.fileErrors).to.equal(3);
    r = await read(fixtureStream('attendance-duplicate-column.csv'));
    expect(bad(r.report)).to.deep.equal([[1, 'duplicateColumn', 'date']]);
    expect(r.rows).to.deep.equal([]);
  });

  it('refuses an empty file, a file of only a BOM, and a UTF-16 file', async () => {
    for (const [name, reason] of [
      ['attendance-empty.csv', 'emptyFile'],
      ['attendance-bom-only.csv', 'emptyFile'],
      ['attendance-utf16.csv', 'utf16'],
    ]) {
      const r = await read(fixtureStream(name));
      expect(bad(r.report), name).to.deep.equal([[1, reason, null]]);
      expect(r.rows).to.deep.equal([]);
    }
  });

  it('reports an unclosed quote on the line it opens, and a broken quote on its line, checking nothing after it', async () => {
    let r = await read(fixtureStream('attendance-unclosed-quote.csv'));
    expect(bad(r.report)).to.deep.equal([[4, 'malformed', null]]);
    expect(r.rows.map((x) => x.line)).to.deep.equal([2]);
    r = await read(fixtureStream('attendance-broken-quote.csv'));
    expect(bad(r.report)).to.deep.equal([[3, 'malformed', null]]);
    expect(r.report.accepted).to.equal(false);
  });

  it('finds a UTF-8 character split across reads, and bad bytes wherever they are', async () => {
    const split = Buffer.from('student_id,date,status\nSé1,2026-09-01,present\nS2,2026-09-01,present\n');
    const at = split.indexOf(0xc3) + 1;
    const ok = await read(Readable.from([split.subarray(0, at), split.subarray(at)]));
    expect(ok.report.total).to.equal(0);
    expect(ok.rows.map((x) => x.studentId)).to.deep.equal(['Sé1', 'S2']);
    const lone = Buffer.concat([Buffer.from('student_id,date,status\nS1,2026-09-01,present\nS2,2026-09-01,pres'), Buffer.from([0xe9]), Buffer.from('nt\n')]);
    const badBytes = await read(Readable.from([lone]));
    expect(bad(badBytes.report)).to.deep.equal([[3, 'encoding', null]]);
  });

  it('keeps listing bad rows up to the limit and counts the rest', async () => {
    const lines = ['student_id,date,status', ...Array.from({ length: 30 }, (_, i) => `S${i},2026-09-01,gone`)];
    const { report } = await read([lines.join('\n')], new ImportReport(10));
    expect(report.total).to.equal(30);
    expect(report.listed).to.have.length(10);
    expect(report.unlisted).to.equal(20);
  });

  it('lets an unknown student through to the matching step (only the database knows who is unknown)', async () => {
    const { rows } = await read(['student_id,date,status\nNOBODY,2026-09-01,present\n']);
    expect(rows).to.have.length(1);
  });
});
