import { staffRoles, type AppUser } from '../auth/user.js';
import { holdsAt, staffSchools } from './staff-scope.js';

/** A team's working document (a Success Map, a reflection): a school team's (`schoolId`) or the district team's (null). */
export interface TeamDocument {
  tenantId: string;
  schoolId: string | null;
}

/**
 * Who writes a team's documents (issue 13): a school's team is its staff, whoever holds a staff role at
 * that school (counsellors, social workers, coordinators, its leaders, and district leaders, who hold
 * at every school or at the schools they were given). The district's team is the district leaders who
 * hold at every school. Students and families never: they hold no staff role (grantsOf), whatever their
 * row says. One rule, so the Success Map and the reflection tool cannot disagree on who the team is.
 */
export function isTeamMember(user: AppUser, { tenantId, schoolId }: TeamDocument): boolean {
  if (user.tenantId !== tenantId) return false;
  if (user.role === 'student' || user.role === 'family') return false;
  return schoolId === null ? staffSchools(user, ['district_leader']).all : holdsAt(user, staffRoles, [schoolId]);
}

/** The tenant's admins oversee a team's documents (as with plans): they read, and write nothing. */
export const isOverseer = (user: AppUser, { tenantId }: TeamDocument): boolean => user.tenantId === tenantId && user.role === 'admin';
