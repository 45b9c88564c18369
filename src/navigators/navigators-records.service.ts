import { studentRecordsOf } from '../db/student-rows.js';
import { navigatorAssignments } from './navigators.tables.js';

/** Who navigates the student: for a records request. */
export const navigatorRecords = studentRecordsOf([
  { table: navigatorAssignments, tenant: navigatorAssignments.tenantId, student: navigatorAssignments.studentId },
]);
