import { studentRecordsOf } from '../db/student-rows.js';
import { personIdentities, identityReviews } from './identities.tables.js';

/** The student's identities in the district's systems: for a records request. */
export const identityRecords = studentRecordsOf([
  { table: identityReviews, tenant: identityReviews.tenantId, student: identityReviews.personId },
  { table: personIdentities, tenant: personIdentities.tenantId, student: personIdentities.personId },
]);
