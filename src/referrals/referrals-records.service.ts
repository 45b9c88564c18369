import { studentRecordsOf } from '../db/student-rows.js';
import { referrals, referralConsents, referralDrafts, referralEvents } from './referrals.tables.js';

const referralParent = { table: referrals, tenant: referrals.tenantId, student: referrals.studentId, id: referrals.id };

/** A student's referrals, consents and automations' drafts: for a records request. */
export const referralRecords = studentRecordsOf([
  { table: referralEvents, tenant: referralEvents.tenantId, parent: referralEvents.referralId, of: referralParent },
  { table: referralConsents, tenant: referralConsents.tenantId, student: referralConsents.studentId },
  { table: referralDrafts, tenant: referralDrafts.tenantId, student: referralDrafts.studentId },
  { table: referrals, tenant: referrals.tenantId, student: referrals.studentId },
]);
