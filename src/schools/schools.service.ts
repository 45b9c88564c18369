import type { Db, DbOrTx } from '../db/client.js';
import { withTenant } from '../db/tenant-scope.js';
import * as repo from './schools.repository.js';

export type { School } from './schools.repository.js';

export interface CurrentEnrolment {
  schoolId: string;
  /** OneRoster's grade code (KG, 01..12); null while unknown. */
  gradeLevel: string | null;
  /** The first day at this school: a student who moved is seen by the new school's staff from then on. */
  startedOn: string;
}

export interface SchoolsDeps {
  db: Db;
}

/**
 * The schools of a tenant (a district): where they come from (the LMS's sub-accounts and buildings, the
 * SIS's orgs, an admin), which courses and students are in each, and students' subgroups for
 * disaggregated views. Other features ask here which school a student is at; they never read its tables.
 */
export function createSchoolsService(deps: SchoolsDeps) {
  const { db } = deps;
  return {
    list: (tenantId: string) => withTenant(tenantId, () => repo.listSchools(db, tenantId)),

    /**
     * Each student's current school (students the tool has no school for are absent from the map).
     * `tx`: a caller inside its own transaction (an alert routed to the student's school's staff as it is raised).
     */
    async currentOf(tenantId: string, studentIds: readonly string[], tx: DbOrTx = db): Promise<Map<string, CurrentEnrolment>> {
      const rows = await withTenant(tenantId, () => repo.currentEnrolments(tx, tenantId, studentIds));
      return new Map(rows.map((r) => [r.studentId, { schoolId: r.schoolId, gradeLevel: r.gradeLevel, startedOn: r.startedOn }]));
    },
  };
}
export type SchoolsService = ReturnType<typeof createSchoolsService>;
