import { studentRecordsOf } from '../db/student-rows.js';
import { schoolEnrolments, studentGroups } from './schools.tables.js';

/** A student's enrolments and groups: for a records request. */
export const schoolRecords = studentRecordsOf([
  { table: studentGroups, tenant: studentGroups.tenantId, student: studentGroups.studentId },
  { table: schoolEnrolments, tenant: schoolEnrolments.tenantId, student: schoolEnrolments.studentId },
]);
