import { studentRecordsOf } from '../db/student-rows.js';
import { studentIndicators, tierDecisions, indicatorsPending } from './indicators.tables.js';

/** A student's indicators and tier decisions: for a records request. */
export const indicatorRecords = studentRecordsOf([
  { table: indicatorsPending, tenant: indicatorsPending.tenantId, student: indicatorsPending.studentId },
  { table: tierDecisions, tenant: tierDecisions.tenantId, student: tierDecisions.studentId },
  { table: studentIndicators, tenant: studentIndicators.tenantId, student: studentIndicators.studentId },
]);
