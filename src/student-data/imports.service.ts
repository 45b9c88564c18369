import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type { Db } from '../db/client.js';
import type { Clock } from '../web/clock.js';
import type { Logger } from '../web/logger.js';
import type { AppUser } from '../auth/user.js';
import type { AuditActor, AuditService } from '../audit/audit.service.js';
import type { IdentitiesService } from '../identities/identities.service.js';
import type { ConnectorsService } from '../connectors/connectors.service.js';
import type { StudentRecordGate } from '../navigators/student-record.js';
import { authorize, canMap } from '../policies/policy.js';
import { dataImportActions, dataImportPolicy } from '../policies/data-import.js';
import { studentDataEntryPolicy } from '../policies/student-data-entry.js';
import { readAttendanceCsv } from './attendance-csv.js';
import { readIncidentsCsv } from './incidents-csv.js';
import { readOneRosterZip } from './oneroster-csv.js';
import { ImportReport, type BadRow } from './import-report.js';
import { checkDay, dayRange, type ImportWindow } from './import-days.js';
import type { AttendanceEntry, IncidentEntry } from './imports.schemas.js';
import { InvalidInput, validForm, type ParsedForm } from '../web/forms.js';
import { t } from '../web/i18n.js';
import type { StudentDataService } from './student-data.service.js';
import type { SchoolsService } from '../schools/schools.service.js';
import * as repo from './imports.repository.js';

export const importKinds = ['attendance', 'incidents', 'oneroster'] as const;
export type ImportKind = (typeof importKinds)[number];
export type ImportTrigger = 'upload' | 'cli' | 'push';

/** The run's kind in connector_runs, per kind of file. */
export const runKinds: Record<ImportKind, string> = { attendance: 'attendance', incidents: 'incidents', oneroster: 'oneroster-csv' };


/** Students matched per call: identity matching sends a statement per call, well under PostgreSQL's parameter limit. */
const MATCH_CHUNK = 2000;
/** An import's audit event lists the students it wrote up to this many; a larger one names the run. */
const AUDITED_STUDENTS_MAX = 10_000;

/** A student of a file, as identity matching looks for them. */
interface Student {
  externalId: string;
  label?: string;
}

/** A CSV file's students (ids kept while its rows streamed), in pages of MATCH_CHUNK. */
async function* pages(ids: Iterable<string>): AsyncGenerator<Student[]> {
  let page: Student[] = [];
  for (const externalId of ids) {
    page.push({ externalId });
    if (page.length === MATCH_CHUNK) {
      yield page;
      page = [];
    }
  }
  if (page.length > 0) yield page;
}

/**
 * Reads a OneRoster export and stages what it leaves: the course scores and the students (with the line
 * each was first seen on). Nothing of the reading outlives this function, so its memory (the ids, the
 * (student, class) entries) is free again before the students are matched; `scores` is undefined when
 * the export is refused.
 */
async function stageOneRoster(
  session: repo.ImportSession,
  zipPath: string,
  report: ImportReport,
): Promise<{ rows: number; scores?: repo.StagingTable; students?: repo.StagingTable; facts?: repo.StagingTable; schools?: { key: string; name: string }[]; classes?: { sisId: string; schoolKey: string }[] }> {
  const data = await readOneRosterZip(zipPath, report);
  const rows = Object.values(data.rows).reduce((a, b) => a + (b ?? 0), 0);
  if (!report.accepted) return { rows };
  const scores = await session.stage(['student', 'course_key', 'course_title', 'current_score', 'missing_count', 'late_count']);
  await scores.load((function* () {
    for (const s of data.courseScores()) yield [0, s.studentSourcedId, s.classSourcedId, s.classTitle, s.currentScore, s.missingCount, s.lateCount];
  })());
  const students = await session.stage(['student', 'label', 'file', 'seen']);
  await students.load((function* () {
    let seen = 0;
    for (const s of data.students()) yield [s.line, s.sourcedId, s.label, s.file, seen++];
  })());
  // Each student's school, grade and demographics, for the schools feature (written in the import's transaction).
  const facts = await session.stage(['student', 'school_key', 'grade', 'demographics', 'sex', 'race']);
  await facts.load((function* () {
    let seen = 0;
    for (const f of data.studentFacts()) yield [seen++, f.sourcedId, f.school, f.grade, String(f.demographics), f.sex, f.race];
  })());
  return { rows, scores, students, facts, schools: data.schools(), classes: data.classSchools() };
}

/** A file refused (a bad row, a wrong header): nothing of it was written. */
export class ImportRefused extends Error {
  override readonly name = 'ImportRefused';
  constructor() {
    super('import refused');
  }
}

export interface ImportInput {
  tenantId: string;
  kind: ImportKind;
  trigger: ImportTrigger;
  /** A file on disk (an upload saved by the route, the CLI's argument) or a stream (a push's body; not for OneRoster zips). */
  file: { path: string } | { stream: Readable };
  /** Who imports: an admin (upload), or the tool itself (CLI, push). */
  actor: AuditActor;
  /** The days accepted; the school's current school year up to today unless given (tools and tests). */
  window?: ImportWindow;
}

export interface ImportOutcome {
  runId: string;
  status: 'imported' | 'refused';
  /** Rows read (bad ones included). */
  rows: number;
  /** Rows written or changed (a re-import of the same file: 0). */
  upserted: number;
  /** Students the tool does not know (left out, queued for review). */
  unmatched: number;
  report: ImportReport;
  /** Milliseconds per step (staged: read, checked and staged; matched; unmatched: their lines found; written), for the debug log and the bench. */
  steps: Record<string, number>;
}

export interface ImportsDeps {
  db: Db;
  driver: 'pglite' | 'postgres';
  clock: Clock;
  logger: Logger;
  identities: Pick<IdentitiesService, 'match'>;
  studentData: StudentDataService;
  connectors: Pick<ConnectorsService, 'recordRun' | 'settingsOf' | 'save' | 'recentRuns'>;
  audit: Pick<AuditService, 'record'>;
  studentRecords: StudentRecordGate;
  /** A OneRoster export's schools, enrolments and demographics go to the schools feature, in the import's transaction. */
  schools: Pick<SchoolsService, 'applyRoster' | 'enrolFromCourse'>;
}

const hashToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

/**
 * File imports into student data (attendance, incidents, OneRoster course scores): read and checked
 * as they stream, matched to people on the SIS id, written all or nothing, every run recorded. Also
 * the SIS's push token and an adult's manual entry of one day or one incident.
 */
export function createImportsService(deps: ImportsDeps) {
  const { db, clock, studentData } = deps;
  /** The days the school accepts today: the school year that holds its today (counted from the first day plans and indicators count from), up to today. */
  const windowOf = (tenantId: string): Promise<ImportWindow> => studentData.schoolYear(tenantId);

  /** An entered day must be a day of this school year, not after today (as a file's rows must). */
  async function checkEntryDay(user: AppUser, day: string): Promise<void> {
    const check = checkDay(day, dayRange(await windowOf(user.tenantId)));
    if (!check.ok) throw new InvalidInput({ day: t(`dataImports.entry.${check.reason}`, {}, user.locale) });
  }

  const refuse = (report: ImportReport, tally: { rejected: number; badRows: { line: number; reason: string }[] }) => {
    tally.rejected = report.blocking;
    tally.badRows = report.listed.map(storedRow);
    return new ImportRefused();
  };

  async function importFile(input: ImportInput): Promise<ImportOutcome> {
    const { tenantId, kind, trigger } = input;
    const report = new ImportReport();
    // Read before any transaction: PGlite has one connection, and a transaction holds it.
    const year = await windowOf(tenantId);
    const today = year.today;
    const window = input.window ?? year;
    const source = kind === 'oneroster' ? 'oneroster' : trigger === 'push' ? 'push' : 'csv';
    const stream = () => ('stream' in input.file ? input.file.stream : createReadStream(input.file.path));
    let runId = '';
    // How long each step took, for the debug log (and the bench).
    let last = Date.now();
    const steps: Record<string, number> = {};
    const mark = (step: string) => {
      steps[step] = Date.now() - last;
      last = Date.now();
    };
    let rows = 0;
    let touched: string[] = [];
    /** Courses the export placed in a school (their classes' schools). */
    let placedCourses: string[] = [];
    let unmatched = 0;
    try {
      const { result } = await deps.connectors.recordRun(tenantId, runKinds[kind], trigger, async (tally, id) => {
        runId = id;
        const session = await repo.openImportSession(db, deps.driver);
        try {
          let stage: repo.StagingTable;
          /** The file's students, a page at a time (OneRoster's from their own staging table). */
          let students: AsyncIterable<Student[]>;
          /** OneRoster's staged students (line and file of each one's first sighting), for the unmatched ones' lines. */
          let rosterStudents: repo.StagingTable | undefined;
          /** OneRoster's schools and per-student facts (school, grade, demographics) for the schools feature. */
          let roster: { facts: repo.StagingTable; schools: { key: string; name: string }[]; classes: { sisId: string; schoolKey: string }[] } | undefined;
          // The first and last day of an attendance file's good rows.
          let days: repo.DaySpan | undefined;
          if (kind === 'attendance') {
            const csv = readAttendanceCsv(stream(), window, report);
            stage = await session.stage(['student', 'day', 'status']);
            rows = await stage.load((async function* () {
              for await (const r of csv.rows) {
                if (days === undefined) days = { first: r.day, last: r.day };
                else if (r.day < days.first) days.first = r.day;
                else if (r.day > days.last) days.last = r.day;
                yield [r.line, r.studentId, r.day, r.status];
              }
            })());
            students = pages(csv.students());
          } else if (kind === 'incidents') {
            const csv = readIncidentsCsv(stream(), window, report);
            stage = await session.stage(['student', 'incident_id', 'day', 'category', 'severity', 'consequence', 'suspension_days']);
            rows = await stage.load((async function* () {
              for await (const r of csv.rows) yield [r.line, r.studentId, r.incidentId, r.day, r.category, r.severity, r.consequence, r.suspensionDays];
            })());
            students = pages(csv.students());
          } else {
            if (!('path' in input.file)) throw new Error('a OneRoster export is read from a file');
            const staged = await stageOneRoster(session, input.file.path, report);
            rows = staged.rows;
            if (!staged.scores || !staged.students) throw refuse(report, tally);
            stage = staged.scores;
            rosterStudents = staged.students;
            roster = { facts: staged.facts!, schools: staged.schools!, classes: staged.classes! };
            students = repo.stagedStudents(session.query, rosterStudents.name, MATCH_CHUNK);
          }
          tally.fetched = rows;
          if (!report.accepted) throw refuse(report, tally);
          mark('staged');

          // Matched a page at a time, each page's pairs written to the map table before the next page is read.
          const map = await session.stage(['student', 'person_id']);
          for await (const page of students) {
            const found = await deps.identities.match(tenantId, 'sis', page);
            if (found.size > 0) await map.load([...found].map(([student, person]) => [0, student, person]), 'more');
          }
          await map.analyze();
          mark('matched');
          const room = Math.max(0, report.max - report.listed.length);
          if (rosterStudents) {
            const missing = await repo.unmatchedStudents(session.query, rosterStudents.name, map.name, room);
            for (const { line, file } of missing.lines) report.add({ line, file, reason: 'unknownStudent' });
            report.addUnlisted('unknownStudent', missing.students - missing.lines.length);
            unmatched = missing.students;
          } else {
            const missing = await repo.unmatchedLines(session.query, stage.name, map.name, room);
            for (const line of missing.lines) report.add({ line, reason: 'unknownStudent' });
            // Counted beyond the listed ones too, so the report's total is every row left out.
            report.addUnlisted('unknownStudent', missing.rows - missing.lines.length);
            unmatched = missing.students;
          }
          tally.unmatched = unmatched;
          tally.badRows = report.listed.map(storedRow);
          mark('unmatched');

          const written = await session.transaction(async (q) => {
            if (kind === 'attendance') return repo.upsertAttendance(q, tenantId, source, stage.name, map.name, clock.now(), days);
            if (kind === 'incidents') return repo.upsertIncidents(q, tenantId, source, stage.name, map.name);
            const scores = await repo.upsertCourseScores(q, tenantId, source, stage.name, map.name, clock.now(), today);
            const placed = roster ? await deps.schools.applyRoster(q, tenantId, { schools: roster.schools, classes: roster.classes, facts: roster.facts.name, map: map.name, today }) : { students: [], courses: [] };
            placedCourses = placed.courses;
            return { upserted: scores.upserted, personIds: [...new Set([...scores.personIds, ...placed.students])] };
          });
          tally.upserted = written.upserted;
          mark('written');
          touched = written.personIds;
          return written;
        } finally {
          await session.close();
        }
      });
      deps.logger.debug({ kind, steps }, 'import steps (ms)');
      // The placed courses' students without a school (none from this export) are enrolled at the course's.
      for (const contextId of placedCourses) await deps.schools.enrolFromCourse(tenantId, contextId);
      await deps.audit.record(input.actor, {
        action: 'update',
        entity: `${runKinds[kind]}_import`,
        entityId: runId,
        studentIds: touched.length <= AUDITED_STUDENTS_MAX ? touched : [],
      });
      if (touched.length > 0) await studentData.changed(tenantId, touched);
      return { runId, status: 'imported', rows, upserted: result.upserted, unmatched, report, steps };
    } catch (err) {
      if (err instanceof ImportRefused) return { runId, status: 'refused', rows, upserted: 0, unmatched: 0, report, steps };
      throw err;
    }
  }

  return {
    importFile,

    /** /admin/data: the import forms, the push endpoint's token state and the recent import runs. */
    async page(user: AppUser) {
      authorize(dataImportPolicy, user, 'view', { tenantId: user.tenantId });
      const [runs, push] = await Promise.all([deps.connectors.recentRuns(user, Object.values(runKinds)), deps.connectors.settingsOf(user.tenantId, 'push')]);
      return {
        runs,
        pushTokenSet: Boolean(push?.secret),
        can: canMap(dataImportPolicy, user, dataImportActions, { tenantId: user.tenantId }),
      };
    },

    /** An admin's upload, saved to `path` by the route. */
    async upload(user: AppUser, kind: ImportKind, path: string): Promise<ImportOutcome> {
      authorize(dataImportPolicy, user, 'upload', { tenantId: user.tenantId });
      return importFile({ tenantId: user.tenantId, kind, trigger: 'upload', file: { path }, actor: user });
    },

    /**
     * A new token for the SIS's push endpoint, replacing any earlier one. Shown once: only its hash is
     * kept (in the push connector's sealed secret), so a leaked database holds no usable token.
     */
    async rotatePushToken(user: AppUser): Promise<string> {
      authorize(dataImportPolicy, user, 'managePushToken', { tenantId: user.tenantId });
      const token = `sp_${randomBytes(32).toString('base64url')}`;
      await deps.connectors.save(user, 'push', { config: {}, secret: hashToken(token), enabled: true });
      return token;
    },

    /** Whether `token` is the school's current push token (compared in constant time). */
    async pushTokenValid(tenantId: string, token: string): Promise<boolean> {
      const push = await deps.connectors.settingsOf(tenantId, 'push');
      if (!push?.secret || !push.enabled) return false;
      const want = Buffer.from(push.secret, 'hex');
      const got = Buffer.from(hashToken(token), 'hex');
      return want.length === got.length && timingSafeEqual(want, got);
    },

    /** The manual entry page: the student (once the gate lets the adult in) and the days an entry may name. */
    async entryPage(user: AppUser, studentId: string) {
      const record = await deps.studentRecords.open(user, studentId, studentDataEntryPolicy, 'enterAttendance');
      const window = await windowOf(user.tenantId);
      return { record, student: { id: record.student.id, name: record.student.name }, firstDay: window.firstDay, today: window.today };
    },

    /** One day of one student's attendance, entered by an adult: gated first, then the form; marked manual with who entered it; audited. */
    async enterAttendance(user: AppUser, studentId: string, form: ParsedForm<AttendanceEntry>): Promise<void> {
      const record = await deps.studentRecords.open(user, studentId, studentDataEntryPolicy, 'enterAttendance');
      const input = validForm(form, user.locale);
      await checkEntryDay(user, input.day);
      await db.transaction(async (tx) => {
        await studentData.upsertAttendance(user.tenantId, 'manual', [{ personId: record.student.id, day: input.day, status: input.status, enteredBy: user.personId }], tx);
        await deps.audit.record(user, { action: 'update', entity: 'attendance_day', studentId: record.student.id }, tx);
      });
      await studentData.changed(user.tenantId, [record.student.id]);
    },

    /** One incident for one student, entered by an adult: gated first, then the form; marked manual with who entered it; audited. */
    async enterIncident(user: AppUser, studentId: string, form: ParsedForm<IncidentEntry>): Promise<void> {
      const record = await deps.studentRecords.open(user, studentId, studentDataEntryPolicy, 'enterIncident');
      const input = validForm(form, user.locale);
      await checkEntryDay(user, input.day);
      await db.transaction(async (tx) => {
        // The form's one-time token keys the incident: the same form sent twice is one incident.
        await studentData.upsertIncidents(
          user.tenantId,
          'manual',
          [{ personId: record.student.id, externalId: input._once, day: input.day, category: input.category, severity: input.severity, consequence: input.consequence, suspensionDays: input.suspensionDays, enteredBy: user.personId }],
          tx,
        );
        await deps.audit.record(user, { action: 'create', entity: 'incident', studentId: record.student.id }, tx);
      });
      await studentData.changed(user.tenantId, [record.student.id]);
    },

    /** The days an entry may name today (the school year, not after today). */
    windowFor: windowOf,
  };
}
export type ImportsService = ReturnType<typeof createImportsService>;

/** A bad row as stored on the run (connector_runs.bad_rows): line, reason and, where given, the format's column and file. */
const storedRow = (r: BadRow) => ({ line: r.line, reason: r.reason, ...(r.column ? { column: r.column } : {}), ...(r.file ? { file: r.file } : {}) });
