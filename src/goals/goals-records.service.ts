import { studentRecordsOf } from '../db/student-rows.js';
import { goals, goalSteps, goalProgress, goalSuggestions } from './goals.tables.js';

const goalParent = { table: goals, tenant: goals.tenantId, student: goals.studentId, id: goals.id };

/** A student's goals: for a records request. */
export const goalRecords = studentRecordsOf([
  { table: goalSteps, tenant: goalSteps.tenantId, parent: goalSteps.goalId, of: goalParent },
  { table: goalProgress, tenant: goalProgress.tenantId, parent: goalProgress.goalId, of: goalParent },
  { table: goalSuggestions, tenant: goalSuggestions.tenantId, parent: goalSuggestions.goalId, of: goalParent },
  { table: goals, tenant: goals.tenantId, student: goals.studentId },
]);
