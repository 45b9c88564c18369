import type { Db, DbOrTx } from '../db/client.js';
import type { Readable } from 'node:stream';

import type { AppUser } from '../auth/user.js';
import type { AuditService } from '../audit/audit.service.js';
import type { IdentitiesService } from '../identities/identities.service.js';
import type { RosterService } from '../roster/roster.service.js';
import type { Clock } from '../web/clock.js';
import { withTenant } from '../db/tenant-scope.js';
import { authorize } from '../policies/policy.js';
import { schoolPolicy } from '../policies/school.js';
import { validForm, type ParsedForm } from '../web/forms.js';
import { notFound } from '../web/errors.js';
import { isUuid } from '../web/ids.js';
import { localDate } from '../web/time-zone.js';
import { ImportReport } from '../student-data/import-report.js';
import { readProgramsCsv } from './programs-csv.js';
import type { CourseSchoolForm, MoveForm, MoveSearch, SchoolNameForm } from './schools.schemas.js';
import type { GroupDimension } from './groups.js';
import * as repo from './schools.repository.js';

export type { School, Enrolment, SqlRunner } from './schools.repository.js';

export interface CurrentEnrolment {
  schoolId: string;
  /** OneRoster's grade code (KG, 01..12); null while unknown. */
  gradeLevel: string | null;
  /** The first day at this school: a student who moved is seen by the new school's staff from then on. */
  startedOn: string;
}

/**
 * What a OneRoster export says of schools, applied inside the import's own transaction (`q`, its
 * connection) so the import stays all or nothing. `facts` and `map` are the import's staging tables:
 * facts (student, school_key, grade, sex, race, demographics 'true' when the student has a
 * demographics row), map (student, person_id).
 */
export interface RosterFacts {
  schools: readonly { key: string; name: string }[];
  /** Classes and courses by sourcedId with the org sourcedId each is at (classes.csv schoolSourcedId, courses.csv orgSourcedId). */
  classes: readonly { sisId: string; schoolKey: string }[];
  facts: string;
  map: string;
  /** The import's day at the school (its zone): a move starts on it, the old enrolment ends the day before. */
  today: string;
}

/** Matches the move form's search lists at most. */
export const moveMatches = 20;
/** People a name search reads at most before keeping the students with a school. */
const searchCap = 200;

export interface SchoolsDeps {
  db: Db;
  clock: Clock;
  audit: Pick<AuditService, 'record'>;
  roster: Pick<RosterService, 'listMembers' | 'listContexts' | 'namesOf' | 'findPeopleByName'>;
  identities: Pick<IdentitiesService, 'match'>;
  timeZoneOf: (tenantId: string) => Promise<string>;
}

/**
 * What a launch says of its course's school: the LMS family's key for it (Canvas's account, Schoology's
 * building; null when the LMS does not say) and the course's SIS ids from LTI's lis claim (rank 0
 * course_section_sourcedid, 1 course_offering_sourcedid).
 */
export interface LaunchedCourse {
  lms: { lmsKey: string; name?: string } | null;
  sisIds: readonly { sisId: string; rank: number }[];
}

/** A programs file's outcome, as the data imports report theirs. */
export interface ProgramsOutcome {
  status: 'imported' | 'refused';
  rows: number;
  /** Students whose programs changed. */
  changed: number;
  report: ImportReport;
}

/**
 * The schools of a tenant (a district): where they come from (the LMS's sub-accounts and buildings, the
 * SIS's orgs, an admin), which courses and students are in each, and students' subgroups for
 * disaggregated views. Other features ask here which school a student is at; they never read its tables.
 *
 * A student with no enrolment who is in a course placed in a school is enrolled there (source lms, from
 * the day the course was placed or the roster synced): see enrolFromCourse.
 */
export function createSchoolsService(deps: SchoolsDeps) {
  const { db } = deps;
  const todayOf = async (tenantId: string) => localDate(deps.clock.now(), await deps.timeZoneOf(tenantId));

  /** Students of the course who have no current school get the course's (the fallback rule). */
  async function enrolFromCourse(tenantId: string, contextId: string): Promise<number> {
    return withTenant(tenantId, async () => {
      const [placed] = await repo.placedCourses(db, tenantId, [contextId]);
      if (!placed) return 0;
      const students = await deps.roster.listMembers(tenantId, contextId, { role: 'student', status: 'active' });
      if (students.length === 0) return 0;
      const current = new Set((await repo.currentEnrolments(db, tenantId, students.map((s) => s.person.id))).map((e) => e.studentId));
      const rows = students.filter((s) => !current.has(s.person.id)).map((s) => ({ person_id: s.person.id, school_id: placed.schoolId, grade_level: null }));
      if (rows.length === 0) return 0;
      const today = await todayOf(tenantId);
      const changed = await db.transaction((tx) => repo.applyEnrolments(repo.sqlRunner(tx), tenantId, today, 'lms', repo.jsonRows(4, 'person_id uuid, school_id uuid, grade_level text'), [JSON.stringify(rows)]));
      return changed.length;
    });
  }

  /**
   * Students with a school whose name contains `q`, by name: the first `moveMatches`, and whether there
   * were more. People are searched first (adults match too), so a vague name that matches more than
   * `searchCap` people may leave students out: the page asks for more of the name then.
   */
  async function matching(tenantId: string, q: string): Promise<{ students: { id: string; name: string; schoolId: string }[]; more: boolean }> {
    const people = await deps.roster.findPeopleByName(tenantId, q, searchCap);
    const current = new Map((await repo.currentEnrolments(db, tenantId, people.map((p) => p.id))).map((e) => [e.studentId, e.schoolId]));
    const students = people.flatMap((p) => (current.has(p.id) ? [{ id: p.id, name: p.name, schoolId: current.get(p.id)! }] : []));
    return { students: students.slice(0, moveMatches), more: students.length > moveMatches || people.length === searchCap };
  }

  async function chosen(tenantId: string, studentId: string): Promise<{ id: string; name: string; schoolId: string }> {
    const [current] = await repo.currentEnrolments(db, tenantId, [studentId]);
    if (!current) throw notFound();
    const names = await deps.roster.namesOf(tenantId, [studentId]);
    return { id: studentId, name: names.get(studentId) ?? '', schoolId: current.schoolId };
  }

  const manage = (user: AppUser) => authorize(schoolPolicy, user, 'manage', { tenantId: user.tenantId });
  const schoolOf = async (user: AppUser, id: unknown) => {
    if (!isUuid(id)) throw notFound();
    const school = await repo.findSchool(db, user.tenantId, id);
    if (!school) throw notFound();
    return school;
  };

  return {
    list: (tenantId: string) => withTenant(tenantId, () => repo.listSchools(db, tenantId)),

    /**
     * Each student's current school (students the tool has no school for are absent from the map).
     * `tx`: a caller inside its own transaction (an alert routed to the student's school's staff as it is raised).
     */
    async currentOf(tenantId: string, studentIds: readonly string[], tx: DbOrTx = db): Promise<Map<string, CurrentEnrolment>> {
      const rows = await withTenant(tenantId, () => repo.currentEnrolments(tx, tenantId, studentIds));
      return new Map(rows.map((r) => [r.studentId, { schoolId: r.schoolId, gradeLevel: r.gradeLevel, startedOn: r.startedOn }]));
    },

    /**
     * The students currently at any of these schools: the one rule lists scoped to a staff member's schools
     * (the referral queue, alerts, the impact report) narrow by, the same current enrolment as currentOf.
     */
    studentsAtSchools: (tenantId: string, schoolIds: readonly string[]) => withTenant(tenantId, () => repo.studentsAtSchools(db, tenantId, schoolIds)),
    /** Every enrolment, past or current, at these schools (a report counts a student where they were on the day). */
    enrolmentsAtSchools: (tenantId: string, schoolIds: readonly string[]) => withTenant(tenantId, () => repo.enrolmentsAtSchools(db, tenantId, schoolIds)),

    /** The students at a school today (or on `onDay`, YYYY-MM-DD), with their grade level there. */
    async studentsAt(tenantId: string, schoolId: string, onDay?: string) {
      const day = onDay ?? (await todayOf(tenantId));
      return withTenant(tenantId, () => repo.studentsAt(db, tenantId, schoolId, day));
    },

    /** Each student's subgroups: student -> {dimension: value}; a dimension not recorded is absent. */
    async groupsOf(tenantId: string, studentIds: readonly string[]): Promise<Map<string, Partial<Record<GroupDimension, string>>>> {
      const groups = new Map<string, Partial<Record<GroupDimension, string>>>();
      if (studentIds.length === 0) return groups;
      for (const r of await withTenant(tenantId, () => repo.groupRows(db, tenantId, studentIds))) {
        const g = groups.get(r.studentId) ?? groups.set(r.studentId, {}).get(r.studentId)!;
        g[r.dimension as GroupDimension] = r.value;
      }
      return groups;
    },

    /** The same students as a query (`student_id, grade_level`) another feature embeds in its own read; run it inside withTenant. */
    studentsAtQuery: (tenantId: string, schoolId: string, day: string) => repo.studentsAtQuery(tenantId, schoolId, day),

    /** The courses (context ids) placed in a school, with who placed each. */
    coursesAt: (tenantId: string, schoolId: string) => withTenant(tenantId, () => repo.coursesAt(db, tenantId, schoolId)),

    /** The school a course is placed in, or undefined. */
    async schoolOfCourse(tenantId: string, contextId: string): Promise<{ schoolId: string; source: string } | undefined> {
      const [row] = await withTenant(tenantId, () => repo.placedCourses(db, tenantId, [contextId]));
      return row ? { schoolId: row.schoolId, source: row.source } : undefined;
    },

    /** A student's enrolments, first to last (the current one has no endedOn). */
    historyOf: (tenantId: string, studentId: string) => withTenant(tenantId, () => repo.historyOf(db, tenantId, studentId)),

    /**
     * A course in the LMS's school: `lmsKey` is the LMS's id of the school (Canvas: the course's account,
     * `$Canvas.account.id`; Schoology: the course's building, `$com.schoology.Context.Building.id`), `name`
     * its name when known. The school is made on first sight; an admin's or the SIS's placement of the
     * course stands. The course's students without a school are enrolled there (the fallback rule).
     * Launches go through placeLaunchedCourse, which also weighs the course's SIS ids.
     */
    async placeCourse(tenantId: string, contextId: string, school: { lmsKey: string; name?: string }): Promise<{ schoolId: string }> {
      const schoolId = await withTenant(tenantId, () =>
        db.transaction(async (tx) => {
          const id = await repo.schoolForLmsKey(tx, tenantId, school.lmsKey, school.name);
          await repo.placeCourse(tx, tenantId, contextId, id, 'lms');
          return id;
        }),
      );
      await enrolFromCourse(tenantId, contextId);
      return { schoolId };
    },

    /**
     * A launched course's school, by precedence: an admin's placement stands; else the school the SIS
     * gives a class whose sourcedId the course carries (lis claim); else the LMS's school, made on first
     * sight. The SIS ids are recorded so a later import places the course. Once placed and its SIS ids
     * known, a launch only reads (a course moves on an admin's word or an import's, not a launch's).
     */
    async placeLaunchedCourse(tenantId: string, contextId: string, launched: LaunchedCourse): Promise<void> {
      const placed = await withTenant(tenantId, async () => {
        const known = await repo.launchPlacement(db, tenantId, contextId);
        const newIds = launched.sisIds.filter((i) => !known.sisIds.includes(i.sisId));
        // Nothing new: an import has already placed the course by any SIS id it recorded.
        if (newIds.length === 0 && (known.source || !launched.lms)) return false;
        return db.transaction(async (tx) => {
          await repo.recordCourseSisIds(tx, tenantId, contextId, newIds);
          if (newIds.length > 0 && known.source !== 'admin' && (await repo.placeSisCourses(repo.sqlRunner(tx), tenantId, contextId)).length > 0) return true;
          if (!launched.lms || known.source) return false;
          const id = await repo.schoolForLmsKey(tx, tenantId, launched.lms.lmsKey, launched.lms.name || undefined);
          return repo.placeCourse(tx, tenantId, contextId, id, 'lms');
        });
      });
      if (placed) await enrolFromCourse(tenantId, contextId);
    },

    enrolFromCourse,

    /**
     * OneRoster's schools, enrolments, demographics and classes' schools, in the import's transaction.
     * Courses launched earlier whose SIS ids name a class are placed in its school (not over an admin's
     * placement). Returns the students it changed and the courses it placed (the caller enrols their
     * students without a school once its transaction is done: enrolFromCourse).
     */
    async applyRoster(q: repo.SqlRunner, tenantId: string, input: RosterFacts): Promise<{ students: string[]; courses: string[] }> {
      await repo.upsertSisSchools(q, tenantId, input.schools);
      await repo.upsertSisClasses(q, tenantId, input.classes);
      const courses = await repo.placeSisCourses(q, tenantId);
      const placements = `(select distinct on (m.person_id) m.person_id::uuid as person_id, s.id as school_id, nullif(f.grade, '') as grade_level
        from ${input.facts} f join ${input.map} m on m.student = f.student join schools s on s.tenant_id = $1::uuid and s.sis_key = f.school_key
        order by m.person_id, f.line)`;
      const moved = await repo.applyEnrolments(q, tenantId, input.today, 'sis', placements);
      const demographics = `(select m.person_id::uuid as person_id, d.dimension, nullif(d.value, '') as value
        from ${input.facts} f join ${input.map} m on m.student = f.student cross join lateral (values ('sex', f.sex), ('race_ethnicity', f.race)) as d(dimension, value)
        where f.demographics = 'true')`;
      const grouped = await repo.applyGroups(q, tenantId, 'sis', demographics);
      return { students: [...new Set([...moved, ...grouped])], courses };
    },

    /**
     * /admin/schools: the schools with their counts, the courses (placed or not), and for the move form
     * the students with a school whose name matches the search (at most `moveMatches`, by name), and the
     * student chosen from them (a chosen id of no student with a school: 404).
     */
    async page(user: AppUser, find: MoveSearch = { q: '', student: '' }) {
      manage(user);
      const tenantId = user.tenantId;
      const [list, counts, contexts, placed] = await Promise.all([repo.listSchools(db, tenantId), repo.schoolCounts(db, tenantId), deps.roster.listContexts(tenantId), repo.placedCourses(db, tenantId)]);
      const placedBy = new Map(placed.map((p) => [p.contextId, p]));
      return {
        schools: list.map((s) => ({ id: s.id, name: s.name, source: s.source, courses: counts.get(s.id)?.courses ?? 0, students: counts.get(s.id)?.students ?? 0 })),
        courses: contexts.map((c) => ({ id: c.id, title: c.title || c.label || c.contextId, schoolId: placedBy.get(c.id)?.schoolId ?? null, source: placedBy.get(c.id)?.source ?? null })),
        anyStudent: [...counts.values()].some((c) => c.students > 0),
        matches: find.q === '' ? null : await matching(tenantId, find.q),
        chosen: find.student === '' ? null : await chosen(tenantId, find.student),
        today: await todayOf(tenantId),
      };
    },

    async addSchool(user: AppUser, posted: ParsedForm<SchoolNameForm>): Promise<string> {
      manage(user);
      const form = validForm(posted, user.locale);
      return db.transaction(async (tx) => {
        const id = await repo.addSchool(tx, user.tenantId, form.name);
        await deps.audit.record(user, { action: 'create', entity: 'school', entityId: id }, tx);
        return id;
      });
    },

    async renameSchool(user: AppUser, id: unknown, posted: ParsedForm<SchoolNameForm>): Promise<void> {
      manage(user);
      const school = await schoolOf(user, id);
      const form = validForm(posted, user.locale);
      await db.transaction(async (tx) => {
        await repo.renameSchool(tx, user.tenantId, school.id, form.name);
        await deps.audit.record(user, { action: 'update', entity: 'school', entityId: school.id }, tx);
      });
    },

    /** An admin places a course in a school: it stands against the LMS's and the SIS's placements. */
    async setCourseSchool(user: AppUser, posted: ParsedForm<CourseSchoolForm>): Promise<void> {
      manage(user);
      const form = validForm(posted, user.locale);
      await schoolOf(user, form.schoolId);
      if (!(await deps.roster.listContexts(user.tenantId)).some((c) => c.id === form.contextId)) throw notFound();
      await db.transaction(async (tx) => {
        if (await repo.placeCourse(tx, user.tenantId, form.contextId, form.schoolId, 'admin')) await deps.audit.record(user, { action: 'update', entity: 'course_school', entityId: form.contextId }, tx);
      });
      await enrolFromCourse(user.tenantId, form.contextId);
    },

    /** Moves a student to another school from a day: the old enrolment ends the day before (plan, goals and history stay: they are the student's). */
    async moveStudent(user: AppUser, posted: ParsedForm<MoveForm>): Promise<void> {
      manage(user);
      const form = validForm(posted, user.locale);
      await schoolOf(user, form.schoolId);
      const [current] = await repo.currentEnrolments(db, user.tenantId, [form.studentId]);
      if (!current) throw notFound();
      const row = { person_id: form.studentId, school_id: form.schoolId, grade_level: form.gradeLevel || null };
      await db.transaction(async (tx) => {
        const changed = await repo.applyEnrolments(repo.sqlRunner(tx), user.tenantId, form.day, 'admin', repo.jsonRows(4, 'person_id uuid, school_id uuid, grade_level text'), [JSON.stringify([row])]);
        if (changed.length > 0) await deps.audit.record(user, { action: 'update', entity: 'school_enrolment', studentId: form.studentId }, tx);
      });
    },

    /** A programs file (README.md beside this file): all or nothing, students matched on their SIS id; blank leaves a program as it is. */
    async importPrograms(user: AppUser, file: Readable): Promise<ProgramsOutcome> {
      manage(user);
      const report = new ImportReport();
      const read = await readProgramsCsv(file, report);
      if (!report.accepted) return { status: 'refused', rows: read.rows, changed: 0, report };
      const matched = await deps.identities.match(user.tenantId, 'sis', [...new Set(read.entries.map((e) => e.studentId))].map((externalId) => ({ externalId })));
      const rows: { person_id: string; dimension: string; value: string }[] = [];
      for (const e of read.entries) {
        const personId = matched.get(e.studentId);
        if (!personId) report.add({ line: e.line, reason: 'unknownStudent' });
        else for (const [dimension, value] of Object.entries(e.values)) rows.push({ person_id: personId, dimension, value });
      }
      const changed = await db.transaction(async (tx) => {
        const students = await repo.applyGroups(repo.sqlRunner(tx), user.tenantId, 'admin', repo.jsonRows(3, 'person_id uuid, dimension text, value text'), [JSON.stringify(rows)]);
        await deps.audit.record(user, { action: 'update', entity: 'student_programs', studentIds: students }, tx);
        return students;
      });
      return { status: 'imported', rows: read.rows, changed: changed.length, report };
    },
  };
}
export type SchoolsService = ReturnType<typeof createSchoolsService>;
