import { studentRecordsOf } from '../db/student-rows.js';
import { riskReviewAttendees, riskReviewDecisions, riskReviewItems, riskReviewNotes } from './risk-reviews.tables.js';

/**
 * A student's place in risk-review meetings (agenda rows, the team's notes, its decisions): for a records
 * request. Attendees are staff, listed by person so a person's every row is found whatever their role.
 */
export const riskReviewRecords = studentRecordsOf([
  { table: riskReviewAttendees, tenant: riskReviewAttendees.tenantId, student: riskReviewAttendees.personId },
  { table: riskReviewItems, tenant: riskReviewItems.tenantId, student: riskReviewItems.studentId },
  { table: riskReviewNotes, tenant: riskReviewNotes.tenantId, student: riskReviewNotes.studentId },
  { table: riskReviewDecisions, tenant: riskReviewDecisions.tenantId, student: riskReviewDecisions.studentId },
]);
