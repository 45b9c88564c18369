import { pgTable, uuid, text, date, timestamp, smallint, uniqueIndex, index, primaryKey } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { createdAtColumn, idColumn, personIdColumn, personReference, tenantIdColumn } from '../db/columns.js';
import { tenantKey, tenantReference } from '../db/keys.js';
import { contexts } from '../roster/roster.tables.js';

export const schoolSources = ['lms', 'sis', 'admin'] as const;
export type SchoolSource = (typeof schoolSources)[number];

/**
 * A school of the tenant (a district installs the tool once; its schools are below it). Schools come
 * from the LMS (a Canvas sub-account, a Schoology building), from the SIS (a OneRoster org of type
 * school), or an admin adds them; the keys say which LMS account or SIS org a school is, so a launch or
 * an import finds it again.
 */
export const schools = pgTable(
  'schools',
  {
    id: idColumn(),
    tenantId: tenantIdColumn(),
    name: text('name').notNull(),
    source: text('source').$type<SchoolSource>().notNull(),
    /** The LMS's id for it: a Canvas account id, a Schoology building id. */
    lmsKey: text('lms_key'),
    /** The SIS's id for it: a OneRoster org sourcedId. */
    sisKey: text('sis_key'),
    createdAt: createdAtColumn(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    tenantKey(t),
    uniqueIndex('schools_lms_key_uq').on(t.tenantId, t.lmsKey).where(sql`${t.lmsKey} IS NOT NULL`),
    uniqueIndex('schools_sis_key_uq').on(t.tenantId, t.sisKey).where(sql`${t.sisKey} IS NOT NULL`),
  ],
);

/** Which school a course (context) belongs to, and who said so: an admin (who wins), the SIS (its class's school), or the LMS at launch. */
export const courseSchools = pgTable(
  'course_schools',
  {
    tenantId: tenantIdColumn(),
    contextId: uuid('context_id').notNull(),
    schoolId: uuid('school_id').notNull(),
    source: text('source').$type<SchoolSource>().notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.contextId] }),
    tenantReference(t, t.contextId, contexts),
    tenantReference(t, t.schoolId, schools),
    index('course_schools_school_idx').on(t.tenantId, t.schoolId),
  ],
);

/**
 * The SIS ids a launched course carries (LTI's lis claim): course_section_sourcedid (rank 0) and
 * course_offering_sourcedid (rank 1). Kept so that an import which later says which school a class is
 * at places the courses already launched; the section's word wins over the offering's.
 */
export const courseSisIds = pgTable(
  'course_sis_ids',
  {
    tenantId: tenantIdColumn(),
    contextId: uuid('context_id').notNull(),
    sisId: text('sis_id').notNull(),
    rank: smallint('rank').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.contextId, t.sisId] }), tenantReference(t, t.contextId, contexts), index('course_sis_ids_sis_idx').on(t.tenantId, t.sisId)],
);

/**
 * The SIS's word on which school a class is at: OneRoster classes.csv (sourcedId -> schoolSourcedId)
 * and courses.csv (sourcedId -> orgSourcedId). `schoolKey` is an org sourcedId (a school's sis_key); an
 * org that is not a school (a district) places nothing.
 */
export const sisClassSchools = pgTable(
  'sis_class_schools',
  {
    tenantId: tenantIdColumn(),
    sisId: text('sis_id').notNull(),
    schoolKey: text('school_key').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.sisId] })],
);

/**
 * A student's time at a school, with their grade level there: the current one has no end. A move to
 * another school of the district ends one row and starts the next, so the history says which school's
 * staff see the student from when (the new school's from the move on).
 */
export const schoolEnrolments = pgTable(
  'school_enrolments',
  {
    id: idColumn(),
    tenantId: tenantIdColumn(),
    studentId: personIdColumn('student_id'),
    schoolId: uuid('school_id').notNull(),
    /** The grade as OneRoster codes it (KG, 01..12, ...); null while unknown. */
    gradeLevel: text('grade_level'),
    startedOn: date('started_on', { mode: 'string' }).notNull(),
    /** The last day at the school; null while the student is there. */
    endedOn: date('ended_on', { mode: 'string' }),
    source: text('source').$type<SchoolSource>().notNull(),
    createdAt: createdAtColumn(),
  },
  (t) => [
    tenantKey(t),
    personReference(t, t.studentId),
    tenantReference(t, t.schoolId, schools),
    uniqueIndex('school_enrolments_current_uq').on(t.tenantId, t.studentId).where(sql`${t.endedOn} IS NULL`),
    index('school_enrolments_school_idx').on(t.tenantId, t.schoolId, t.endedOn),
  ],
);

/**
 * The subgroups a student belongs to, for disaggregated views only: from OneRoster demographics and a
 * programs file (English learner, IEP or 504 plan, free or reduced-price meals). One row per student and
 * dimension (src/schools/groups.ts lists them and their values); no row means "not recorded".
 */
export const studentGroups = pgTable(
  'student_groups',
  {
    tenantId: tenantIdColumn(),
    studentId: personIdColumn('student_id'),
    dimension: text('dimension').notNull(),
    value: text('value').notNull(),
    source: text('source').$type<SchoolSource>().notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.studentId, t.dimension] }), personReference(t, t.studentId), index('student_groups_dimension_idx').on(t.tenantId, t.dimension, t.value)],
);
