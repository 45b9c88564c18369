import { studentRecordsOf } from '../db/student-rows.js';
import { customFieldRevisions, customFieldValues } from './custom-fields.tables.js';

/** A student's values of the school's own fields, with their history: for a records request. */
export const customFieldRecords = studentRecordsOf([
  { table: customFieldRevisions, tenant: customFieldRevisions.tenantId, student: customFieldRevisions.studentId },
  { table: customFieldValues, tenant: customFieldValues.tenantId, student: customFieldValues.studentId },
]);
