import { studentRecordsOf, type DistrictTable } from '../db/student-rows.js';
import { people, memberships, contexts } from './roster.tables.js';

/** The student's person row and course memberships: for a records request (forget runs last: others reference the person). */
export const rosterRecords = studentRecordsOf([
  { table: memberships, tenant: memberships.tenantId, student: memberships.personId },
  { table: people, tenant: people.tenantId, student: people.id },
]);

/** The district's courses and advisories, which memberships point at: for the district bundle. */
export const courseCatalogue: readonly DistrictTable[] = [{ table: contexts, tenant: contexts.tenantId }];
