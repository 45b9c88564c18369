import { staffRoles } from '../auth/user.js';
import type { Policy } from './policy.js';
import { holdsAt, staffSchools } from './staff-scope.js';

export const teamMapActions = ['list', 'view', 'viewHistory', 'print', 'create', 'edit'] as const;
export type TeamMapAction = (typeof teamMapActions)[number];

/** A team's Success Maps: a school's (`schoolId`) or the district's (null). */
export interface TeamMapResource {
  tenantId: string;
  schoolId: string | null;
}

const reads: readonly TeamMapAction[] = ['list', 'view', 'viewHistory', 'print'];

/**
 * Success Maps (issue 13) are a team's working document. A school's team is its staff: whoever holds a
 * staff role at that school (counsellors, social workers, coordinators, its leaders, and district
 * leaders, who hold at every school or at the schools they were given). The district's team is the
 * district leaders who hold at every school. Team members read and write; the tenant's admins read
 * (they oversee, as with plans, and write nothing). Students and families never: they hold no staff
 * role (grantsOf), whatever their row says.
 */
export const teamMapPolicy: Policy<TeamMapAction, TeamMapResource> = (user, action, { tenantId, schoolId }) => {
  if (user.tenantId !== tenantId) return false;
  if (user.role === 'student' || user.role === 'family') return false;
  const member = schoolId === null ? staffSchools(user, ['district_leader']).all : holdsAt(user, staffRoles, [schoolId]);
  if (member) return true;
  return user.role === 'admin' && reads.includes(action);
};
