import { studentRecordsOf } from '../db/student-rows.js';
import { checkins, checkinNeeds, checkinPreps } from './checkins.tables.js';

/** A student's check-ins, needs and preps: for a records request. */
export const checkinRecords = studentRecordsOf([
  { table: checkinPreps, tenant: checkinPreps.tenantId, student: checkinPreps.studentId },
  { table: checkinNeeds, tenant: checkinNeeds.tenantId, student: checkinNeeds.studentId },
  { table: checkins, tenant: checkins.tenantId, student: checkins.studentId },
]);
