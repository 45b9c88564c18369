import { studentRecordsOf } from '../db/student-rows.js';
import { attendanceDays, incidents, courseScores, courseScoreDays } from './student-data.tables.js';

/** A student's imported attendance, incidents and scores: for a records request. */
export const studentDataRecords = studentRecordsOf([
  { table: attendanceDays, tenant: attendanceDays.tenantId, student: attendanceDays.personId },
  { table: incidents, tenant: incidents.tenantId, student: incidents.personId },
  { table: courseScoreDays, tenant: courseScoreDays.tenantId, student: courseScoreDays.personId },
  { table: courseScores, tenant: courseScores.tenantId, student: courseScores.personId },
]);
