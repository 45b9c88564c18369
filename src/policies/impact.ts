import type { Policy } from './policy.js';
import type { AppUser, StaffRole } from '../auth/user.js';
import { holdsAt, staffSchools, type StaffSchools } from './staff-scope.js';

export const impactActions = ['view'] as const;
export type ImpactAction = (typeof impactActions)[number];

/** Staff roles that read the "which supports worked" report: support staff and leaders. */
const readers: readonly StaffRole[] = ['counsellor', 'social_worker', 'coordinator', 'school_leader', 'district_leader'];

/**
 * The report over these schools' students (`schoolIds`), or over every student of the tenant (null: the
 * whole district, students of no known school included).
 */
export interface ImpactResource {
  tenantId: string;
  schoolIds: readonly string[] | null;
}

/** Whose students a user may read the report over: every school (admins, readers of every school) or these (none: may not read it). */
export function impactSchools(user: AppUser): StaffSchools {
  if (user.role === 'admin') return { all: true };
  if (user.role === 'student' || user.role === 'family') return { all: false, schoolIds: [] };
  return staffSchools(user, readers);
}

/**
 * The "which supports worked" report (aggregate figures, small groups suppressed): the support staff,
 * school and district leaders of every school it covers, and the admins. Never students or families (a
 * staff role on their row is not trusted), and not advisors as such: it compares groups of a school. A
 * counsellor of school A reads it over A's students, never B's; the whole district's is for those whose
 * role holds at every school.
 */
export const impactPolicy: Policy<ImpactAction, ImpactResource> = (user, _action, { tenantId, schoolIds }) => {
  if (user.tenantId !== tenantId) return false;
  const where = impactSchools(user);
  if (where.all) return true;
  if (schoolIds === null || schoolIds.length === 0) return false;
  return schoolIds.every((id) => holdsAt(user, readers, [id]));
};
