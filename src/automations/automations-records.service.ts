import { studentRecordsOf } from '../db/student-rows.js';
import { automationEventLog, automationRuns } from './automations.tables.js';

/**
 * A student's automation events (the facts a rule read: categories, counts) and the rules' runs on them:
 * for a records request. Runs go first, as they reference the events.
 */
export const automationRecords = studentRecordsOf([
  { table: automationRuns, tenant: automationRuns.tenantId, student: automationRuns.studentId },
  { table: automationEventLog, tenant: automationEventLog.tenantId, student: automationEventLog.studentId },
]);
