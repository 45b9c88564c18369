import { studentRecordsOf } from '../db/student-rows.js';
import { plans, planEntries, planRevisions, planComments } from './plans.tables.js';

const planParent = { table: plans, tenant: plans.tenantId, student: plans.studentId, id: plans.id };

/** A student's plan: for a records request. */
export const planRecords = studentRecordsOf([
  { table: planEntries, tenant: planEntries.tenantId, parent: planEntries.planId, of: planParent },
  { table: planRevisions, tenant: planRevisions.tenantId, parent: planRevisions.planId, of: planParent },
  { table: planComments, tenant: planComments.tenantId, parent: planComments.planId, of: planParent },
  { table: plans, tenant: plans.tenantId, student: plans.studentId },
]);
