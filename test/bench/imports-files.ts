import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';

/**
 * The files of the import bench, written as a SIS would export them: a OneRoster 1.2 bulk CSV zip
 * (students, classes of 30, enrollments, line items, results) and a daily attendance CSV. Rows are
 * generated as they are written (nothing held in memory), so any size fits.
 */
export interface ImportBenchSize {
  students: number;
  /** Results per student (100,000 students x 15 = 1.5 million). */
  resultsPerStudent: number;
  /** School days of attendance per student (100,000 x 90 = 9 million rows). */
  days: number;
}

export const sisId = (i: number) => `stu-${String(i).padStart(7, '0')}`;
const CLASSES_PER_STUDENT = 5;
const CLASS_SIZE = 30;
const FIRST_DAY = Date.UTC(2026, 7, 17);

/** The school days from 2026-08-17, weekdays only. */
export function schoolDays(n: number): string[] {
  const days: string[] = [];
  for (let d = FIRST_DAY; days.length < n; d += 86_400_000) {
    const wd = new Date(d).getUTCDay();
    if (wd !== 0 && wd !== 6) days.push(new Date(d).toISOString().slice(0, 10));
  }
  return days;
}

function csv(header: string, rows: () => Generator<string>): Readable {
  return Readable.from(
    (function* () {
      yield `${header}\n`;
      // Lines in batches: one small chunk per row would cost more than the rows.
      let batch = '';
      for (const r of rows()) {
        batch += `${r}\n`;
        if (batch.length > 65_536) {
          yield batch;
          batch = '';
        }
      }
      if (batch) yield batch;
    })(),
  );
}

export async function writeOneRosterZip(dir: string, size: ImportBenchSize): Promise<string> {
  const { students } = size;
  // Students go in groups of 30 that share their 5 classes: classes of 30, each student in 5 different ones.
  const sections = Math.ceil(students / CLASS_SIZE) * CLASSES_PER_STUDENT;
  const itemsPerClass = Math.ceil(size.resultsPerStudent / CLASSES_PER_STUDENT);
  const classOf = (i: number, k: number) => Math.floor(i / CLASS_SIZE) * CLASSES_PER_STUDENT + k;
  const zip = new yazl.ZipFile();
  const add = (name: string, header: string, rows: () => Generator<string>) => zip.addReadStream(csv(header, rows), name);
  const files = ['academicSessions', 'classes', 'demographics', 'enrollments', 'lineItems', 'results', 'users'];
  add('manifest.csv', 'propertyName,value', function* () {
    yield 'manifest.version,1.0';
    yield 'oneroster.version,1.2';
    for (const f of files) yield `file.${f},bulk`;
  });
  add('academicSessions.csv', 'sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear', function* () {
    yield 'Y2027,,,2026-2027,schoolYear,2026-08-17,2027-06-11,,2027';
    yield 'T1,,,Fall,term,2026-08-17,2026-12-18,Y2027,2027';
  });
  add('classes.csv', 'sourcedId,status,dateLastModified,title,courseSourcedId,classType,schoolSourcedId,termSourcedIds', function* () {
    for (let c = 0; c < sections; c++) yield `cls-${c},,,Section ${c},crs-${c % 40},scheduled,org-1,T1`;
  });
  add('users.csv', 'sourcedId,status,dateLastModified,enabledUser,username,givenName,familyName,identifier', function* () {
    for (let i = 0; i < students; i++) yield `${sisId(i)},,,true,u${i},Student,Number ${i},${i}`;
    for (let c = 0; c < sections; c += 5) yield `tch-${c},,,true,t${c},Teacher,Number ${c},T${c}`;
  });
  add('enrollments.csv', 'sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role', function* () {
    for (let i = 0; i < students; i++) for (let k = 0; k < CLASSES_PER_STUDENT; k++) yield `enr-${i}-${k},,,cls-${classOf(i, k)},org-1,${sisId(i)},student`;
  });
  add('demographics.csv', 'sourcedId,status,dateLastModified,birthDate', function* () {
    for (let i = 0; i < students; i++) yield `${sisId(i)},,,2011-0${1 + (i % 9)}-1${i % 10}`;
  });
  add('lineItems.csv', 'sourcedId,status,dateLastModified,title,classSourcedId,resultValueMin,resultValueMax', function* () {
    for (let c = 0; c < sections; c++) for (let j = 0; j < itemsPerClass; j++) yield `li-${c}-${j},,,Item ${j},cls-${c},0,${j % 2 === 0 ? 100 : 20}`;
  });
  add('results.csv', 'sourcedId,status,dateLastModified,lineItemSourcedId,studentSourcedId,scoreStatus,score,scoreDate,late,missing', function* () {
    let n = 0;
    for (let i = 0; i < students; i++) {
      for (let r = 0; r < size.resultsPerStudent; r++) {
        const k = r % CLASSES_PER_STUDENT;
        const j = Math.floor(r / CLASSES_PER_STUDENT) % itemsPerClass;
        const max = j % 2 === 0 ? 100 : 20;
        const score = Math.round(max * (0.5 + (((i * 7 + r * 13) % 50) / 100)));
        yield `res-${n++},,,li-${classOf(i, k)}-${j},${sisId(i)},fully graded,${score},2026-09-${String(10 + (r % 18)).padStart(2, '0')},${r % 11 === 0},false`;
      }
    }
  });
  zip.end();
  const file = path.join(dir, 'oneroster.zip');
  await pipeline(zip.outputStream, createWriteStream(file));
  return file;
}

export async function writeAttendanceCsv(dir: string, size: ImportBenchSize): Promise<string> {
  const days = schoolDays(size.days);
  const statuses = ['present', 'present', 'present', 'present', 'present', 'present', 'present', 'absent', 'tardy', 'excused'];
  const file = path.join(dir, 'attendance.csv');
  await pipeline(
    csv('student_id,date,status', function* () {
      // Day by day, as a SIS exports a term: every student on one day, then the next day.
      for (let d = 0; d < days.length; d++) for (let i = 0; i < size.students; i++) yield `${sisId(i)},${days[d]},${statuses[(i * 31 + d * 7) % 10]}`;
    }),
    createWriteStream(file),
  );
  return file;
}
