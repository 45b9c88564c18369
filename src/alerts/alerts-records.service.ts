import { studentRecordsOf } from '../db/student-rows.js';
import { alerts, alertRecipients, digestSends } from './alerts.tables.js';

const alertParent = { table: alerts, tenant: alerts.tenantId, student: alerts.studentId, id: alerts.id };

/** A student's alerts with who was told of them (and any digest sent to the student): for a records request. */
export const alertRecords = studentRecordsOf([
  { table: alertRecipients, tenant: alertRecipients.tenantId, parent: alertRecipients.alertId, of: alertParent },
  { table: digestSends, tenant: digestSends.tenantId, student: digestSends.personId },
  { table: alerts, tenant: alerts.tenantId, student: alerts.studentId },
]);
