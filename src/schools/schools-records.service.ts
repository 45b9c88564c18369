import { studentRecordsOf, type DistrictTable } from '../db/student-rows.js';
import { schoolEnrolments, studentGroups, schools } from './schools.tables.js';

/** A student's enrolments and groups: for a records request. */
export const schoolRecords = studentRecordsOf([
  { table: studentGroups, tenant: studentGroups.tenantId, student: studentGroups.studentId },
  { table: schoolEnrolments, tenant: schoolEnrolments.tenantId, student: schoolEnrolments.studentId },
]);

/** The district's schools, which enrolments point at: for the district bundle. */
export const schoolCatalogue: readonly DistrictTable[] = [{ table: schools, tenant: schools.tenantId }];
