import { studentRecordsOf } from '../db/student-rows.js';
import { schoolViewStudents } from './dashboards.tables.js';

/**
 * The school view's kept facts of a student (derived from the other features' rows): for a records
 * request. Forgotten after the features they are drawn from, whose deletions mark the row stale.
 */
export const dashboardRecords = studentRecordsOf([{ table: schoolViewStudents, tenant: schoolViewStudents.tenantId, student: schoolViewStudents.studentId }]);
