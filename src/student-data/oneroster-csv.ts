import path from 'node:path';
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { readCsv, type CsvFormat } from './csv-reader.js';
import { dayNumber } from './import-days.js';
import type { BadRowReason, ImportReport } from './import-report.js';
import { oneRosterRaceColumns, raceEthnicityOf } from '../schools/groups.js';

/**
 * A OneRoster 1.2 bulk CSV export (a zip of CSV files named by the standard, with manifest.csv saying
 * which are there), read for what the tool keeps: who the students are (to match them to people) and
 * each student's current score per class, from the gradebook files. 1.1 exports are read too (the
 * columns used are the same, 1.1's lineItems name the grading period gradingPeriodSourcedId).
 *
 * Files are streamed from the zip in the order their references need (classes before the line items
 * that point at them, line items before results), each checked row by row; what is kept in memory is
 * small per student (a label, an index) and per class and line item, never a file's rows.
 * Academic sessions are checked but nothing of them is kept. For the schools feature it keeps the
 * orgs of type school, each class's and course's school (classes.csv schoolSourcedId, courses.csv
 * orgSourcedId), each student's school (users.csv primaryOrgSourcedId, else the first school of
 * orgSourcedIds) and grade (the first of `grades`), and demographics' sex and race/ethnicity (one value).
 */

export const oneRosterFiles = ['orgs.csv', 'academicSessions.csv', 'courses.csv', 'classes.csv', 'users.csv', 'enrollments.csv', 'demographics.csv', 'lineItems.csv', 'results.csv'] as const;
export type OneRosterFile = (typeof oneRosterFiles)[number];

const base = ['sourcedId', 'status', 'dateLastModified'] as const;
const format = <K extends string>(required: readonly K[], optional: readonly K[] = [], multiLine: readonly K[] = []): CsvFormat<K | (typeof base)[number]> => ({
  required: [...base, ...required],
  optional,
  multiLine,
  // The standard lets exports add extension columns (metadata.*); column names are case-sensitive.
  unknownColumns: 'ignore',
  caseSensitive: true,
  maxLength: 1024,
});

/** The columns the tool requires per file: the standard's required fields it reads or checks; any others may be there. */
export const oneRosterFormats = {
  manifest: { required: ['propertyName', 'value'], unknownColumns: 'refuse', caseSensitive: true, maxLength: 1024 } as CsvFormat<'propertyName' | 'value'>,
  orgs: format(['name', 'type'], ['identifier', 'parentSourcedId']),
  academicSessions: format(['title', 'type', 'startDate', 'endDate', 'schoolYear'], ['parentSourcedId']),
  courses: format(['title', 'orgSourcedId'], ['schoolYearSourcedId', 'courseCode', 'grades', 'subjects', 'subjectCodes']),
  classes: format(['title', 'courseSourcedId', 'classType', 'schoolSourcedId', 'termSourcedIds'], ['classCode', 'location', 'grades', 'subjects', 'subjectCodes', 'periods']),
  users: format(
    ['enabledUser', 'username', 'givenName', 'familyName'],
    ['identifier', 'preferredGivenName', 'preferredFamilyName', 'grades', 'primaryOrgSourcedId', 'orgSourcedIds' /* 1.1 */, 'role' /* 1.1; 1.2 moved roles to roles.csv */],
  ),
  enrollments: format(['classSourcedId', 'schoolSourcedId', 'userSourcedId', 'role'], ['primary', 'beginDate', 'endDate']),
  demographics: format([], ['birthDate', 'sex', ...oneRosterRaceColumns, 'demographicRaceTwoOrMoreRaces', 'hispanicOrLatinoEthnicity']),
  lineItems: format(['title', 'classSourcedId'], ['assignDate', 'dueDate', 'academicSessionSourcedId', 'gradingPeriodSourcedId', 'resultValueMin', 'resultValueMax']),
  results: format(['lineItemSourcedId', 'studentSourcedId', 'scoreStatus', 'scoreDate'], ['score', 'late', 'missing', 'comment'], ['comment']),
};

const ext = (v: string) => /^ext:\S+$/.test(v);
const sessionTypes = new Set(['schoolYear', 'term', 'gradingPeriod', 'semester']);
const orgTypes = new Set(['department', 'school', 'district', 'local', 'state', 'national']);
const sexes = new Set(['male', 'female', 'other', 'unspecified']);
const classTypes = new Set(['homeroom', 'scheduled']);
const enrollmentRoles = new Set(['administrator', 'aide', 'guardian', 'parent', 'proctor', 'relative', 'student', 'teacher']);
const scoreStatuses = new Set(['exempt', 'fully graded', 'not submitted', 'partially graded', 'submitted']);
const numberPattern = /^-?\d+(\.\d+)?$/;
const parseNumber = (v: string): number | undefined => (numberPattern.test(v) ? Number(v) : undefined);
const booleanValue = (v: string): boolean | undefined => (v === 'true' ? true : v === 'false' ? false : undefined);

/** A student seen in the export: who identities.match looks for (source 'sis', the sourcedId being LTI's lis_person_sourcedid). */
export interface OneRosterStudent {
  sourcedId: string;
  /** The export's display name, for the admins' identity review queue only ('' without users.csv). */
  label: string;
  /** Where the student was first seen (users.csv, else enrollments.csv or results.csv): the line an unmatched student is reported on. */
  file: OneRosterFile;
  line: number;
}

export interface OneRosterCourseScore {
  studentSourcedId: string;
  classSourcedId: string;
  classTitle: string;
  /** Percent (0 to 100, more with extra credit), or null when nothing of the class is graded yet. */
  currentScore: number | null;
  gradedCount: number;
  missingCount: number;
  lateCount: number;
}

/** What the export says of a student for the schools feature: their school and grade, and their demographics when it has a row for them. */
export interface OneRosterStudentFacts {
  sourcedId: string;
  /** The org sourcedId of the student's school ('' when the export names none). */
  school: string;
  grade: string;
  demographics: boolean;
  /** male, female, other or unspecified; '' when not given. */
  sex: string;
  /** One value of src/schools/groups.ts's race_ethnicity, or '' when unknown. */
  race: string;
}

export interface OneRosterData {
  /** Rows read per file (bad ones included), for the run's counts. */
  rows: Partial<Record<OneRosterFile, number>>;
  students(): Iterable<OneRosterStudent>;
  courseScores(): Iterable<OneRosterCourseScore>;
  /** The orgs of type school (sourcedId, name). */
  schools(): { key: string; name: string }[];
  /**
   * Each class of classes.csv with the org it is at (schoolSourcedId), then each course of courses.csv
   * with its org (orgSourcedId) unless a class has the same sourcedId: a launched course whose lis
   * claim names one is placed there.
   */
  classSchools(): { sisId: string; schoolKey: string }[];
  studentFacts(): Iterable<OneRosterStudentFacts>;
}

/** Zip limits: a export has a handful of files; a file claiming more than this is refused before it is inflated. */
const maxEntries = 1000;
const maxEntryBytes = 4 * 1024 ** 3;

type Manifest = Map<string, string>;

/** Reads the export at `zipPath`; every problem is in `report` (with the file it is in). */
export async function readOneRosterZip(zipPath: string, report: ImportReport): Promise<OneRosterData> {
  const rows: Partial<Record<OneRosterFile, number>> = {};
  const state = new Collected();
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(zipPath, { autoClose: false, lazyEntries: true, validateEntrySizes: true, strictFileNames: false });
  } catch {
    report.add({ line: 1, reason: 'badZip' });
    return state.data(rows);
  }
  try {
    const entries = new Map<string, yauzl.Entry>();
    let count = 0;
    for await (const entry of zip.eachEntry()) {
      if (++count > maxEntries) {
        report.add({ line: 1, reason: 'badZip' });
        return state.data(rows);
      }
      if (!entry.fileName.endsWith('/')) entries.set(entry.fileName, entry);
    }
    // The files are at the zip's root, or in its one folder (a zipped folder).
    const manifestName = [...entries.keys()].filter((n) => path.posix.basename(n) === 'manifest.csv').sort((a, b) => a.split('/').length - b.split('/').length)[0];
    if (manifestName === undefined) {
      report.add({ line: 1, reason: 'manifestMissing' });
      return state.data(rows);
    }
    const dir = path.posix.dirname(manifestName);
    const entryOf = (name: string) => entries.get(dir === '.' ? name : `${dir}/${name}`);
    const open = async (name: string, entry: yauzl.Entry): Promise<Readable | undefined> => {
      if (entry.uncompressedSize > maxEntryBytes) {
        report.add({ line: 1, reason: 'fileTooLarge', column: name, file: name });
        return undefined;
      }
      return zip.openReadStreamPromise(entry);
    };

    const manifestStream = await open('manifest.csv', entries.get(manifestName)!);
    if (!manifestStream) return state.data(rows);
    const manifest = await readManifest(manifestStream, report);
    if (!manifest) return state.data(rows);

    for (const name of oneRosterFiles) {
      const declared = manifest.get(`file.${name.slice(0, -'.csv'.length)}`) ?? '';
      const entry = entryOf(name);
      if ((declared === 'bulk' || declared === 'delta') && !entry) {
        report.add({ line: 1, reason: 'fileMissing', column: name, file: 'manifest.csv' });
        continue;
      }
      if (declared === 'absent' && entry) {
        report.add({ line: 1, reason: 'fileNotDeclared', column: name, file: 'manifest.csv' });
        continue;
      }
      if (!entry) continue;
      const stream = await open(name, entry);
      if (!stream) continue;
      const before = report.fileErrors;
      rows[name] = await state.read(name, stream, report);
      // A file refused as a whole is as good as absent: its references are not checked against it.
      state.loaded.set(name, report.fileErrors === before);
    }
    return state.data(rows);
  } catch (err) {
    // A damaged archive (a truncated upload, a bad deflate stream, sizes that do not add up) fails the
    // entry's stream: the zip is refused. A mistake of ours (a TypeError) is not the file's fault.
    if (err instanceof TypeError || err instanceof RangeError || err instanceof ReferenceError) throw err;
    report.add({ line: 1, reason: 'badZip' });
    return state.data(rows);
  } finally {
    zip.close();
  }
}

async function readManifest(stream: Readable, report: ImportReport): Promise<Manifest | undefined> {
  const manifest: Manifest = new Map();
  const file = 'manifest.csv';
  const before = report.fileErrors + report.blocking;
  for await (const { line, values } of readCsv(stream, oneRosterFormats.manifest, report, file)) {
    const name = values.propertyName;
    if (name.startsWith('file.') && !['bulk', 'delta', 'absent'].includes(values.value)) {
      report.add({ line, reason: 'manifestValue', column: oneRosterFiles.find((f) => `file.${f.slice(0, -4)}` === name) ?? 'propertyName', file });
      continue;
    }
    manifest.set(name, values.value);
  }
  if (report.fileErrors + report.blocking > before) return undefined;
  if (!['1.1', '1.2'].includes(manifest.get('oneroster.version') ?? '')) {
    report.add({ line: 1, reason: 'manifestVersion', file });
    return undefined;
  }
  return manifest;
}

/**
 * What the files leave behind, kept compact: indexes into arrays rather than an object per record.
 * Course scores are summed per (student, class) as results stream past; a result's line item is a bit
 * of its (student, class) entry, so a second result for the same student and line item is found
 * without a set of 1.5 million keys. A student's entries are found by walking the student's own chain
 * of them (a handful of classes each) rather than through a map keyed by (student, class): at 500,000
 * entries such a map took some 30 MB of heap, twice that while it grew, the chain 4 bytes an entry.
 */
class Collected {
  loaded = new Map<OneRosterFile, boolean>();
  /** Orgs by sourcedId: their name and type (a handful per district). */
  orgs = new Map<string, { name: string; type: string }>();
  sessions = new Set<string>();
  /** courses.csv: each course's org (orgSourcedId). */
  courseOrgs = new Map<string, string>();
  classIndex = new Map<string, number>();
  classIds: string[] = [];
  classTitles: string[] = [];
  /** The class's school (classes.csv schoolSourcedId; '' for a class known only from lineItems.csv). */
  classSchool: string[] = [];
  classItems: number[] = [];
  userIndex = new Map<string, number>();
  userIds: string[] = [];
  userLabels: string[] = [];
  isStudent: boolean[] = [];
  userFile: OneRosterFile[] = [];
  userLine: number[] = [];
  /** The user's school (an org sourcedId, '' when none) and grade, and demographics as src/schools keeps them ('' when not given). */
  userSchool: string[] = [];
  userGrade: string[] = [];
  userDemographics: boolean[] = [];
  userSex: string[] = [];
  userRace: string[] = [];
  /** The student's latest (student, class) entry, -1 before any: the head of the chain through `entryNext`. */
  userEntries = new IntList();
  /** The row being read, for userOf's first sighting. */
  at: { file: OneRosterFile; line: number } = { file: 'users.csv', line: 0 };
  itemIndex = new Map<string, number>();
  itemClass: number[] = [];
  itemBit: number[] = [];
  itemMin: number[] = [];
  /** NaN when the line item has no maximum: its results count for missing and late, not for the score. */
  itemMax: number[] = [];
  // One slot per (student, class) entry, in typed arrays: 500,000 entries for 100,000 students.
  entryUser = new IntList();
  /** The same student's entry before this one, -1 at the end of the chain. */
  entryNext = new IntList();
  entryClass = new IntList();
  entrySum = new FloatList();
  entryGraded = new IntList();
  entryMissing = new IntList();
  entryLate = new IntList();
  /** Offset of the entry's line-item bits in `bits`. */
  entryBits = new IntList();
  bits = new Uint32Array(1024);
  bitsUsed = 0;

  has(file: OneRosterFile): boolean {
    return this.loaded.get(file) === true;
  }

  userOf(sourcedId: string): number {
    let i = this.userIndex.get(sourcedId);
    if (i === undefined) {
      i = this.userIds.length;
      this.userIndex.set(sourcedId, i);
      this.userIds.push(sourcedId);
      this.userLabels.push('');
      this.isStudent.push(false);
      this.userFile.push(this.at.file);
      this.userLine.push(this.at.line);
      this.userSchool.push('');
      this.userGrade.push('');
      this.userDemographics.push(false);
      this.userSex.push('');
      this.userRace.push('');
      this.userEntries.push(-1);
    }
    return i;
  }

  async read(file: OneRosterFile, stream: Readable, report: ImportReport): Promise<number> {
    let n = 0;
    const reader = readers[file];
    for await (const row of readCsv(stream, oneRosterFormats[file.slice(0, -4) as keyof typeof oneRosterFormats] as CsvFormat<string>, report, file)) {
      n++;
      const status = row.values.status;
      if (status !== '' && status !== 'active' && status !== 'tobedeleted') {
        report.add({ line: row.line, reason: 'badValue', column: 'status', file });
        continue;
      }
      if (row.values.sourcedId === '') {
        report.add({ line: row.line, reason: 'required', column: 'sourcedId', file });
        continue;
      }
      // A delta export's deletions: the tool deletes nothing on an export's word (scores age out by their date instead).
      if (status === 'tobedeleted') continue;
      this.at = { file, line: row.line };
      const problem = reader(this, row.values);
      if (problem) report.add({ line: row.line, reason: problem[0], ...(problem[1] ? { column: problem[1] } : {}), file });
    }
    return n;
  }

  addResult(user: number, item: number, score: number | undefined, late: boolean, missing: boolean): 'duplicate' | undefined {
    const cls = this.itemClass[item];
    let e = this.userEntries.a[user];
    while (e !== -1 && this.entryClass.a[e] !== cls) e = this.entryNext.a[e];
    if (e === -1) {
      e = this.entryUser.n;
      this.entryNext.push(this.userEntries.a[user]);
      this.userEntries.a[user] = e;
      this.entryUser.push(user);
      this.entryClass.push(cls);
      this.entrySum.push(0);
      this.entryGraded.push(0);
      this.entryMissing.push(0);
      this.entryLate.push(0);
      const words = Math.max(1, Math.ceil(this.classItems[cls] / 32));
      if (this.bitsUsed + words > this.bits.length) {
        const grown = new Uint32Array(Math.max(this.bits.length * 2, this.bitsUsed + words));
        grown.set(this.bits);
        this.bits = grown;
      }
      this.entryBits.push(this.bitsUsed);
      this.bitsUsed += words;
    }
    const bit = this.itemBit[item];
    const word = this.entryBits.a[e] + (bit >>> 5);
    const mask = 1 << (bit & 31);
    if (this.bits[word] & mask) return 'duplicate';
    this.bits[word] |= mask;
    const max = this.itemMax[item];
    if (score !== undefined && !Number.isNaN(max)) {
      // Each result as the share of its own line item's range, averaged with equal weight. Line items of
      // one class use different scales (a 4-point rubric, a 100-point test), and a bulk export carries
      // no weighting the school's gradebook applies (categories and their weights are optional and
      // often absent), so summing points would let the item with the largest scale decide the score;
      // the mean of fractions is the score a reader expects from "current score" whatever the scales.
      // With resultValueMin 0 (the usual case) this is score / resultValueMax.
      const min = this.itemMin[item];
      this.entrySum.a[e] += (score - min) / (max - min);
      this.entryGraded.a[e]++;
    }
    if (missing) this.entryMissing.a[e]++;
    if (late) this.entryLate.a[e]++;
    return undefined;
  }

  data(rows: OneRosterData['rows']): OneRosterData {
    return {
      rows,
      students: () => this.students(),
      courseScores: () => this.scores(),
      schools: () => [...this.orgs].filter(([, o]) => o.type === 'school').map(([key, o]) => ({ key, name: o.name })),
      classSchools: () => [
        ...this.classIds.flatMap((sisId, i) => (this.classSchool[i] ? [{ sisId, schoolKey: this.classSchool[i] }] : [])),
        ...[...this.courseOrgs].filter(([sisId]) => !this.classIndex.has(sisId)).map(([sisId, schoolKey]) => ({ sisId, schoolKey })),
      ],
      studentFacts: () => this.facts(),
    };
  }

  *students(): Iterable<OneRosterStudent> {
    for (let i = 0; i < this.userIds.length; i++) if (this.isStudent[i]) yield { sourcedId: this.userIds[i], label: this.userLabels[i], file: this.userFile[i], line: this.userLine[i] };
  }

  *facts(): Iterable<OneRosterStudentFacts> {
    for (let i = 0; i < this.userIds.length; i++) {
      if (!this.isStudent[i]) continue;
      yield { sourcedId: this.userIds[i], school: this.userSchool[i], grade: this.userGrade[i], demographics: this.userDemographics[i], sex: this.userSex[i], race: this.userRace[i] };
    }
  }

  *scores(): Iterable<OneRosterCourseScore> {
    for (let e = 0; e < this.entryUser.n; e++) {
      const graded = this.entryGraded.a[e];
      const cls = this.entryClass.a[e];
      yield {
        studentSourcedId: this.userIds[this.entryUser.a[e]],
        classSourcedId: this.classIds[cls],
        classTitle: this.classTitles[cls],
        currentScore: graded === 0 ? null : Math.round((10000 * this.entrySum.a[e]) / graded) / 100,
        gradedCount: graded,
        missingCount: this.entryMissing.a[e],
        lateCount: this.entryLate.a[e],
      };
    }
  }
}

/** A list of integers in a typed array that grows by doubling (a JavaScript array of numbers takes twice the room). */
class IntList {
  a = new Int32Array(1024);
  n = 0;
  push(v: number): void {
    if (this.n === this.a.length) {
      const grown = new Int32Array(this.a.length * 2);
      grown.set(this.a);
      this.a = grown;
    }
    this.a[this.n++] = v;
  }
}

class FloatList {
  a = new Float64Array(1024);
  n = 0;
  push(v: number): void {
    if (this.n === this.a.length) {
      const grown = new Float64Array(this.a.length * 2);
      grown.set(this.a);
      this.a = grown;
    }
    this.a[this.n++] = v;
  }
}

type Problem = [BadRowReason, string?] | undefined;
type Values = Record<string, string>;

const dateProblem = (v: Values, column: string, required: boolean): Problem =>
  v[column] === '' ? (required ? ['required', column] : undefined) : dayNumber(v[column]) === undefined ? ['badDate', column] : undefined;
const firstEmpty = (v: Values, columns: readonly string[]): Problem => {
  const c = columns.find((k) => v[k] === '');
  return c ? ['required', c] : undefined;
};

/** One reader per file: checks a row and keeps what the tool needs of it. */
const readers: Record<OneRosterFile, (s: Collected, v: Values) => Problem> = {
  'orgs.csv': (s, v) => {
    const problem = firstEmpty(v, ['name', 'type']);
    if (problem) return problem;
    if (!orgTypes.has(v.type) && !ext(v.type)) return ['badValue', 'type'];
    if (s.orgs.has(v.sourcedId)) return ['duplicate'];
    s.orgs.set(v.sourcedId, { name: v.name, type: v.type });
    return undefined;
  },
  'academicSessions.csv': (s, v) => {
    const problem =
      firstEmpty(v, ['title', 'type', 'schoolYear']) ?? dateProblem(v, 'startDate', true) ?? dateProblem(v, 'endDate', true);
    if (problem) return problem;
    if (!sessionTypes.has(v.type) && !ext(v.type)) return ['badValue', 'type'];
    if (!/^\d{4}$/.test(v.schoolYear)) return ['badValue', 'schoolYear'];
    if (dayNumber(v.endDate)! < dayNumber(v.startDate)!) return ['badRange', 'endDate'];
    if (s.sessions.has(v.sourcedId)) return ['duplicate'];
    s.sessions.add(v.sourcedId);
    return undefined;
  },
  'courses.csv': (s, v) => {
    const problem = firstEmpty(v, ['title', 'orgSourcedId']);
    if (problem) return problem;
    if (s.has('orgs.csv') && !s.orgs.has(v.orgSourcedId)) return ['unknownReference', 'orgSourcedId'];
    if (s.courseOrgs.has(v.sourcedId)) return ['duplicate'];
    s.courseOrgs.set(v.sourcedId, v.orgSourcedId);
    return undefined;
  },
  'classes.csv': (s, v) => {
    const problem = firstEmpty(v, ['title', 'courseSourcedId', 'classType', 'schoolSourcedId', 'termSourcedIds']);
    if (problem) return problem;
    if (!classTypes.has(v.classType) && !ext(v.classType)) return ['badValue', 'classType'];
    if (s.has('academicSessions.csv') && v.termSourcedIds.split(',').some((t) => !s.sessions.has(t.trim()))) return ['unknownReference', 'termSourcedIds'];
    if (s.classIndex.has(v.sourcedId)) return ['duplicate'];
    s.classIndex.set(v.sourcedId, s.classIds.length);
    s.classIds.push(v.sourcedId);
    s.classTitles.push(v.title);
    s.classSchool.push(v.schoolSourcedId);
    s.classItems.push(0);
    return undefined;
  },
  'users.csv': (s, v) => {
    const problem = firstEmpty(v, ['enabledUser', 'username', 'givenName', 'familyName']);
    if (problem) return problem;
    if (booleanValue(v.enabledUser) === undefined) return ['badValue', 'enabledUser'];
    if (s.userIndex.has(v.sourcedId)) return ['duplicate'];
    const orgIds = v.orgSourcedIds.split(',').map((o) => o.trim()).filter(Boolean);
    const withOrgs = s.has('orgs.csv');
    if (withOrgs && v.primaryOrgSourcedId && !s.orgs.has(v.primaryOrgSourcedId)) return ['unknownReference', 'primaryOrgSourcedId'];
    if (withOrgs && orgIds.some((o) => !s.orgs.has(o))) return ['unknownReference', 'orgSourcedIds'];
    const i = s.userOf(v.sourcedId);
    s.userLabels[i] = `${v.preferredGivenName || v.givenName} ${v.preferredFamilyName || v.familyName}`;
    // The student's school: the primary org, else the first of their orgs that is a school (the first at all without orgs.csv).
    s.userSchool[i] = v.primaryOrgSourcedId || (orgIds.find((o) => s.orgs.get(o)?.type === 'school') ?? (withOrgs ? '' : (orgIds[0] ?? '')));
    s.userGrade[i] = v.grades.split(',')[0]!.trim();
    if (v.role === 'student') s.isStudent[i] = true;
    return undefined;
  },
  'enrollments.csv': (s, v) => {
    const problem = firstEmpty(v, ['classSourcedId', 'schoolSourcedId', 'userSourcedId', 'role']) ?? dateProblem(v, 'beginDate', false) ?? dateProblem(v, 'endDate', false);
    if (problem) return problem;
    if (!enrollmentRoles.has(v.role) && !ext(v.role)) return ['badValue', 'role'];
    if (v.primary !== '' && booleanValue(v.primary) === undefined) return ['badValue', 'primary'];
    if (s.has('classes.csv') && !s.classIndex.has(v.classSourcedId)) return ['unknownReference', 'classSourcedId'];
    if (s.has('users.csv') && !s.userIndex.has(v.userSourcedId)) return ['unknownReference', 'userSourcedId'];
    if (v.role === 'student') s.isStudent[s.userOf(v.userSourcedId)] = true;
    return undefined;
  },
  'demographics.csv': (s, v) => {
    // Sex and race/ethnicity are kept for disaggregated views (src/schools/groups.ts); the birth date is checked, never kept.
    const problem = dateProblem(v, 'birthDate', false);
    if (problem) return problem;
    if (v.sex !== '' && !sexes.has(v.sex)) return ['badValue', 'sex'];
    const flags: Record<string, boolean> = {};
    for (const c of [...oneRosterRaceColumns, 'demographicRaceTwoOrMoreRaces', 'hispanicOrLatinoEthnicity'] as const) {
      const b = v[c] === '' ? false : booleanValue(v[c]);
      if (b === undefined) return ['badValue', c];
      flags[c] = b;
    }
    if (s.has('users.csv') && !s.userIndex.has(v.sourcedId)) return ['unknownReference', 'sourcedId'];
    const i = s.userOf(v.sourcedId);
    if (s.userDemographics[i]) return ['duplicate'];
    s.userDemographics[i] = true;
    s.userSex[i] = v.sex;
    s.userRace[i] = raceEthnicityOf(flags) ?? '';
    return undefined;
  },
  'lineItems.csv': (s, v) => {
    const problem = firstEmpty(v, ['title', 'classSourcedId']) ?? dateProblem(v, 'assignDate', false) ?? dateProblem(v, 'dueDate', false);
    if (problem) return problem;
    const min = v.resultValueMin === '' ? 0 : parseNumber(v.resultValueMin);
    if (min === undefined) return ['badNumber', 'resultValueMin'];
    const max = v.resultValueMax === '' ? Number.NaN : parseNumber(v.resultValueMax);
    if (max === undefined) return ['badNumber', 'resultValueMax'];
    if (max <= min) return ['badRange', 'resultValueMax'];
    const session = v.academicSessionSourcedId || v.gradingPeriodSourcedId;
    if (session !== '' && s.has('academicSessions.csv') && !s.sessions.has(session)) return ['unknownReference', v.academicSessionSourcedId ? 'academicSessionSourcedId' : 'gradingPeriodSourcedId'];
    let cls = s.classIndex.get(v.classSourcedId);
    if (cls === undefined) {
      if (s.has('classes.csv')) return ['unknownReference', 'classSourcedId'];
      // Without classes.csv the class is known by its id alone (and titled by it).
      cls = s.classIds.length;
      s.classIndex.set(v.classSourcedId, cls);
      s.classIds.push(v.classSourcedId);
      s.classTitles.push(v.classSourcedId);
      s.classSchool.push('');
      s.classItems.push(0);
    }
    if (s.itemIndex.has(v.sourcedId)) return ['duplicate'];
    s.itemIndex.set(v.sourcedId, s.itemClass.length);
    s.itemClass.push(cls);
    s.itemBit.push(s.classItems[cls]++);
    s.itemMin.push(min);
    s.itemMax.push(max);
    return undefined;
  },
  'results.csv': (s, v) => {
    const problem = firstEmpty(v, ['lineItemSourcedId', 'studentSourcedId', 'scoreStatus']) ?? dateProblem(v, 'scoreDate', true);
    if (problem) return problem;
    if (!scoreStatuses.has(v.scoreStatus) && !ext(v.scoreStatus)) return ['badValue', 'scoreStatus'];
    const score = v.score === '' ? undefined : parseNumber(v.score);
    if (v.score !== '' && score === undefined) return ['badNumber', 'score'];
    const late = v.late === '' ? false : booleanValue(v.late);
    if (late === undefined) return ['badValue', 'late'];
    const missing = v.missing === '' ? false : booleanValue(v.missing);
    if (missing === undefined) return ['badValue', 'missing'];
    const item = s.itemIndex.get(v.lineItemSourcedId);
    if (item === undefined) return ['unknownReference', 'lineItemSourcedId'];
    if (s.has('users.csv') && !s.userIndex.has(v.studentSourcedId)) return ['unknownReference', 'studentSourcedId'];
    const user = s.userOf(v.studentSourcedId);
    s.isStudent[user] = true;
    // An exempt result is out of the score, and so is a result with no score (yet): the current score is
    // over what has been graded, as a gradebook shows it. A missing result counts as missing, and in the
    // score only if the school's SIS gave it a score (often a zero).
    const counted = v.scoreStatus === 'exempt' ? undefined : score;
    return s.addResult(user, item, counted, late, missing) === 'duplicate' ? ['duplicate'] : undefined;
  },
};
