import { expect } from 'chai';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readOneRosterZip } from '../../../src/student-data/oneroster-csv.js';
import { ImportReport } from '../../../src/student-data/import-report.js';
import { exportFiles, tempDir, writeZip } from '../../support/imports/files.js';

describe('OneRoster 1.2 bulk CSV zip', () => {
  let dir: string;
  let remove: () => Promise<void>;
  before(async () => ({ dir, remove } = await tempDir()));
  after(() => remove());

  let n = 0;
  async function read(files: Record<string, string | Buffer>) {
    const file = await writeZip(path.join(dir, `export-${++n}.zip`), files);
    const report = new ImportReport();
    const data = await readOneRosterZip(file, report);
    const bad = report.listed.map((r) => [r.file ?? null, r.line, r.reason, r.column ?? null]);
    return { data, report, bad };
  }
  const withManifest = (files: Record<string, string | Buffer>, edit: (manifest: string) => string) => ({ ...files, 'manifest.csv': edit(files['manifest.csv'].toString()) });

  it('reads the students and each one\'s current score per class', async () => {
    const { data, report } = await read(exportFiles('good'));
    expect(report.total).to.equal(0);
    expect([...data.students()]).to.deep.equal([
      { sourcedId: 'S1001', label: 'Ani Lopez', file: 'users.csv', line: 2 },
      { sourcedId: 'S1002', label: 'Ben Kim', file: 'users.csv', line: 3 },
      { sourcedId: 'S1003', label: 'Cara Diaz', file: 'users.csv', line: 4 },
    ]);
    expect([...data.courseScores()]).to.deep.equal([
      // (90/100 + 3/4) / 2; the unsubmitted quiz is missing and out of the mean.
      { studentSourcedId: 'S1001', classSourcedId: 'C-ALG', classTitle: 'Algebra I - Period 2', currentScore: 82.5, gradedCount: 2, missingCount: 1, lateCount: 0 },
      // The exempt test is out: 4/4.
      { studentSourcedId: 'S1002', classSourcedId: 'C-ALG', classTitle: 'Algebra I - Period 2', currentScore: 100, gradedCount: 1, missingCount: 0, lateCount: 1 },
      // 10/20; participation has no maximum, so it has no share to add.
      { studentSourcedId: 'S1001', classSourcedId: 'C-BIO', classTitle: 'Biology', currentScore: 50, gradedCount: 1, missingCount: 0, lateCount: 0 },
    ]);
    expect(data.rows).to.deep.equal({ 'orgs.csv': 1, 'academicSessions.csv': 3, 'classes.csv': 3, 'users.csv': 4, 'enrollments.csv': 5, 'demographics.csv': 1, 'lineItems.csv': 5, 'results.csv': 7 });
  });

  it('keeps the schools, each student\'s school and grade, and demographics as one sex and one race/ethnicity value', async () => {
    const files = exportFiles('good');
    const demographics = [
      'sourcedId,status,dateLastModified,birthDate,sex,americanIndianOrAlaskaNative,asian,blackOrAfricanAmerican,nativeHawaiianOrOtherPacificIslander,white,demographicRaceTwoOrMoreRaces,hispanicOrLatinoEthnicity',
      // Hispanic wins over any race; two races make two_or_more; no flag at all is unknown (no value).
      'S1001,,,2011-03-04,female,false,false,false,false,true,false,true',
      'S1002,,,,male,false,true,false,false,true,false,false',
      'S1003,,,,,false,false,false,false,false,false,',
    ].join('\n');
    const orgs = 'sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId\nORG1,,,Lincoln High,school,LHS,D1\nORG2,,,Riverside Middle,school,RMS,D1\nD1,,,Sample District,district,,\n';
    // S1002 names no primary org, only its orgs (a district first, then a school); S1003 is in grades 10 and 11 (the first counts).
    const users = files['users.csv']!.toString().replace(/\r\n/g, '\n').replace('S1002,,,true,bkim,{SIS:1002},Ben,Kim,,1002,bkim@example.edu,,,,09,,,,,,,ORG1,,Blue', 'S1002,,,true,bkim,{SIS:1002},Ben,Kim,,1002,bkim@example.edu,,,,09,,,,,,,,,Blue')
      .replace('S1003,,,true,cdiaz,{SIS:1003},Cara,Diaz,,1003,,,,,09,', 'S1003,,,true,cdiaz,{SIS:1003},Cara,Diaz,,1003,,,,,"10,11",');
    const usersWithOrgs = users.replace('pronouns,metadata.house', 'pronouns,metadata.house,orgSourcedIds').split('\n').map((l, i) => (i === 0 || l === '' ? l : l.startsWith('S1002') ? `${l},"D1,ORG2"` : `${l},`)).join('\n');
    const { data, report } = await read({ ...files, 'orgs.csv': orgs, 'users.csv': usersWithOrgs, 'demographics.csv': demographics });
    expect(report.listed).to.deep.equal([]);
    expect(data.schools()).to.deep.equal([{ key: 'ORG1', name: 'Lincoln High' }, { key: 'ORG2', name: 'Riverside Middle' }]);
    expect([...data.studentFacts()]).to.deep.equal([
      { sourcedId: 'S1001', school: 'ORG1', grade: '09', demographics: true, sex: 'female', race: 'hispanic_latino' },
      { sourcedId: 'S1002', school: 'ORG2', grade: '09', demographics: true, sex: 'male', race: 'two_or_more' },
      { sourcedId: 'S1003', school: 'ORG1', grade: '10', demographics: true, sex: '', race: '' },
    ]);
  });

  it("keeps each class's school and each course's org (a class's own sourcedId wins), checking courses.csv against orgs.csv", async () => {
    const files = withManifest(exportFiles('good'), (m) => m.replace('file.courses,absent', 'file.courses,bulk'));
    const courses = ['sourcedId,status,dateLastModified,title,orgSourcedId', 'CRS-ALG,,,Algebra I,ORG1', 'C-BIO,,,Biology (course),D9', 'CRS-X,,,Unknown org,NOPE', 'CRS-ALG,,,Again,ORG1'].join('\n');
    const orgs = 'sourcedId,status,dateLastModified,name,type\nORG1,,,Lincoln High,school\nD9,,,District,district\n';
    const { data, bad } = await read({ ...files, 'orgs.csv': orgs, 'courses.csv': courses });
    expect(bad).to.deep.equal([
      ['courses.csv', 4, 'unknownReference', 'orgSourcedId'],
      ['courses.csv', 5, 'duplicate', null],
    ]);
    const { data: good } = await read({ ...files, 'orgs.csv': orgs, 'courses.csv': courses.split('\n').slice(0, 3).join('\n') });
    // The course C-BIO (at the district) is left out: the class C-BIO says where it is.
    expect(good.classSchools()).to.deep.equal([
      { sisId: 'C-ALG', schoolKey: 'ORG1' },
      { sisId: 'C-BIO', schoolKey: 'ORG1' },
      { sisId: 'C-HR', schoolKey: 'ORG1' },
      { sisId: 'CRS-ALG', schoolKey: 'ORG1' },
    ]);
    expect(data.rows['courses.csv']).to.equal(4);
  });

  it('refuses a demographics row with a sex or a flag outside the standard, and a user pointing at an unknown org', async () => {
    const files = exportFiles('good');
    const demographics = 'sourcedId,status,dateLastModified,sex,white\nS1001,,,F,false\nS1002,,,male,yes\n';
    const users = files['users.csv']!.toString().replace(/\r\n/g, '\n') + 'S1004,,,true,ddoe,,Dee,Doe,,,,,,,09,,,,,,,ORG9,,\n';
    const { bad } = await read({ ...files, 'users.csv': users, 'demographics.csv': demographics });
    expect(bad).to.deep.equal([
      ['users.csv', 6, 'unknownReference', 'primaryOrgSourcedId'],
      ['demographics.csv', 2, 'badValue', 'sex'],
      ['demographics.csv', 3, 'badValue', 'white'],
    ]);
  });

  it('reads an export zipped as a folder', async () => {
    const files = Object.fromEntries(Object.entries(exportFiles('good')).map(([k, v]) => [`export-2026/${k}`, v]));
    const { data, report } = await read(files);
    expect(report.total).to.equal(0);
    expect([...data.courseScores()]).to.have.length(3);
  });

  it('reports every bad row per file, by line and reason', async () => {
    const { bad, report } = await read(exportFiles('bad'));
    expect(bad).to.deep.equal([
      ['academicSessions.csv', 5, 'badRange', 'endDate'],
      ['academicSessions.csv', 6, 'badValue', 'type'],
      ['academicSessions.csv', 7, 'duplicate', null],
      ['academicSessions.csv', 8, 'badValue', 'status'],
      ['classes.csv', 5, 'badValue', 'classType'],
      ['classes.csv', 6, 'unknownReference', 'termSourcedIds'],
      ['classes.csv', 7, 'duplicate', null],
      ['classes.csv', 8, 'required', 'sourcedId'],
      ['users.csv', 6, 'duplicate', null],
      ['users.csv', 7, 'badValue', 'enabledUser'],
      ['users.csv', 8, 'required', 'givenName'],
      ['enrollments.csv', 7, 'unknownReference', 'classSourcedId'],
      ['enrollments.csv', 8, 'unknownReference', 'userSourcedId'],
      ['enrollments.csv', 9, 'badValue', 'role'],
      ['enrollments.csv', 10, 'badDate', 'beginDate'],
      ['demographics.csv', 3, 'unknownReference', 'sourcedId'],
      ['demographics.csv', 4, 'badDate', 'birthDate'],
      ['lineItems.csv', 7, 'badRange', 'resultValueMax'],
      ['lineItems.csv', 8, 'badNumber', 'resultValueMax'],
      ['lineItems.csv', 9, 'unknownReference', 'classSourcedId'],
      ['lineItems.csv', 10, 'duplicate', null],
      ['lineItems.csv', 11, 'unknownReference', 'academicSessionSourcedId'],
      // results.csv's first result has a comment over two lines: the rows after it start a line later.
      ['results.csv', 10, 'duplicate', null],
      ['results.csv', 11, 'unknownReference', 'lineItemSourcedId'],
      ['results.csv', 12, 'unknownReference', 'studentSourcedId'],
      ['results.csv', 13, 'badValue', 'scoreStatus'],
      ['results.csv', 14, 'badNumber', 'score'],
      ['results.csv', 15, 'required', 'scoreDate'],
      ['results.csv', 16, 'badValue', 'late'],
      ['results.csv', 17, 'badValue', 'scoreStatus'],
    ]);
    expect(report.accepted).to.equal(false);
  });

  it('checks each file\'s header, and reads the other files against what was readable', async () => {
    const files = exportFiles('good');
    const { bad, data } = await read({ ...files, 'classes.csv': files['classes.csv'].toString().replace('classType', 'class_type') });
    expect(bad).to.deep.equal([['classes.csv', 1, 'missingColumn', 'classType']]);
    // Line items then stand without class titles rather than failing one by one.
    expect([...data.courseScores()].map((s) => s.classTitle)).to.deep.equal(['C-ALG', 'C-ALG', 'C-BIO']);
  });

  it('refuses a zip without a manifest, of another version, or whose files disagree with it', async () => {
    const files = exportFiles('good');
    const { ['manifest.csv']: _manifest, ...withoutManifest } = files;
    expect((await read(withoutManifest)).bad).to.deep.equal([[null, 1, 'manifestMissing', null]]);
    expect((await read(withManifest(files, (m) => m.replace('oneroster.version,1.2', 'oneroster.version,1.0')))).bad).to.deep.equal([['manifest.csv', 1, 'manifestVersion', null]]);
    expect((await read(withManifest(files, (m) => m.replace('file.results,bulk', 'file.results,full')))).bad).to.deep.equal([['manifest.csv', 15, 'manifestValue', 'results.csv']]);
    const { ['results.csv']: _results, ...withoutResults } = files;
    expect((await read(withoutResults)).bad).to.deep.equal([['manifest.csv', 1, 'fileMissing', 'results.csv']]);
    const r = await read(withManifest(files, (m) => m.replace('file.demographics,bulk', 'file.demographics,absent')));
    expect(r.bad).to.deep.equal([['manifest.csv', 1, 'fileNotDeclared', 'demographics.csv']]);
  });

  it('refuses a file that is not a zip, and a damaged one', async () => {
    const notZip = path.join(dir, 'not-a-zip.zip');
    await writeFile(notZip, 'student_id,date,status\n');
    let report = new ImportReport();
    await readOneRosterZip(notZip, report);
    expect(report.listed).to.deep.equal([{ line: 1, reason: 'badZip' }]);

    const good = await writeZip(path.join(dir, 'whole.zip'), exportFiles('good'));
    const { readFile } = await import('node:fs/promises');
    const bytes = await readFile(good);
    // Overwrite the middle of the archive (the compressed data), keeping its directory at the end.
    const damaged = Buffer.from(bytes);
    damaged.fill(0x41, 200, Math.min(1200, bytes.length - 600));
    const damagedFile = path.join(dir, 'damaged.zip');
    await writeFile(damagedFile, damaged);
    report = new ImportReport();
    await readOneRosterZip(damagedFile, report);
    expect(report.accepted).to.equal(false);
  });
});
