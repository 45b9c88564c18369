import { studentRecordsOf } from '../db/student-rows.js';
import { surveyResponses } from './surveys.tables.js';

/** A student's survey responses: for a records request. */
export const surveyRecords = studentRecordsOf([
  { table: surveyResponses, tenant: surveyResponses.tenantId, student: surveyResponses.studentId },
]);
