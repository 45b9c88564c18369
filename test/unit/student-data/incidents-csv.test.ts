import { expect } from 'chai';
import { readIncidentsCsv, type IncidentCsvRow } from '../../../src/student-data/incidents-csv.js';
import { ImportReport } from '../../../src/student-data/import-report.js';
import { Readable } from 'node:stream';
import { fixtureStream } from '../../support/imports/files.js';

const window = { firstDay: '2026-08-17', lastDay: '2027-06-11', today: '2026-11-20' };

async function read(name: string) {
  const report = new ImportReport();
  const csv = readIncidentsCsv(fixtureStream(name), window, report);
  const rows: IncidentCsvRow[] = [];
  for await (const row of csv.rows) rows.push(row);
  return { rows, report, students: [...csv.students()] };
}

describe('incidents CSV', () => {
  it('reads incidents with their optional consequence and suspension days', async () => {
    const { rows, report, students } = await read('incidents-good.csv');
    expect(report.total).to.equal(0);
    expect(rows).to.deep.equal([
      { line: 2, incidentId: 'I-1', studentId: 'S1001', day: '2026-09-14', category: 'disruption', severity: 'minor', consequence: 'Detention', suspensionDays: 0 },
      { line: 3, incidentId: 'I-2', studentId: 'S1002', day: '2026-09-15', category: 'fighting', severity: 'major', consequence: 'Suspension, out of school', suspensionDays: 2.5 },
      { line: 4, incidentId: 'I-3', studentId: 'S1001', day: '2026-10-01', category: 'tardiness', severity: 'moderate', consequence: '', suspensionDays: 0 },
    ]);
    expect(students).to.deep.equal(['S1001', 'S1002']);
  });

  it('takes a file without the optional columns', async () => {
    const { rows, report } = await read('incidents-minimal.csv');
    expect(report.total).to.equal(0);
    expect(rows).to.deep.equal([{ line: 2, incidentId: 'I-4', studentId: 'S1001', day: '2026-09-14', category: 'disruption', severity: 'minor', consequence: '', suspensionDays: 0 }]);
  });

  it('reports every bad row by line and reason', async () => {
    const { rows, report } = await read('incidents-bad.csv');
    expect(report.listed.map((r) => [r.line, r.reason, r.column ?? null])).to.deep.equal([
      [3, 'duplicate', null],
      [4, 'required', 'incident_id'],
      [5, 'required', 'category'],
      [6, 'badSeverity', 'severity'],
      [7, 'badNumber', 'suspension_days'],
      [8, 'badNumber', 'suspension_days'],
      [9, 'badNumber', 'suspension_days'],
      [10, 'outsideSchoolYear', 'date'],
      [11, 'badDate', 'date'],
      [12, 'tooLong', 'category'],
      [13, 'columnCount', null],
    ]);
    expect(report.accepted).to.equal(false);
    expect(rows.map((r) => r.incidentId)).to.deep.equal(['I-1']);
  });

  it('keeps suspension days to the tenth the record holds', async () => {
    const report = new ImportReport();
    const csv = readIncidentsCsv(Readable.from([Buffer.from('incident_id,student_id,date,category,severity,suspension_days\nI-1,S1,2026-09-14,fighting,major,0.5\nI-2,S1,2026-09-14,fighting,major,2.25\n')]), window, report);
    const rows: IncidentCsvRow[] = [];
    for await (const row of csv.rows) rows.push(row);
    expect(rows.map((r) => r.suspensionDays)).to.deep.equal([0.5]);
    expect(report.listed).to.deep.equal([{ line: 3, reason: 'badNumber', column: 'suspension_days' }]);
  });
});
