import { supportStaffRoles, type AppUser, type StaffGrant, type StaffRole } from '../auth/user.js';

/** Where a user's staff roles hold: at every school of the tenant, or at these schools (none: no such role). */
export type StaffSchools = { all: true } | { all: false; schoolIds: string[] };

/**
 * The user's staff grants. Staff roles belong to adults: a student or family user never holds one. A user
 * made outside a request with roles but no grants (the sandbox's seed, tests) holds them at every school,
 * as migration 0026 made of the roles given before schools were told apart.
 */
export function grantsOf(user: AppUser): readonly StaffGrant[] {
  if (user.role === 'student' || user.role === 'family') return [];
  return user.staffGrants ?? (user.staffRoles ?? []).map((role) => ({ role, schoolId: null }));
}

/** Where any of `roles` holds for the user. */
export function staffSchools(user: AppUser, roles: readonly StaffRole[]): StaffSchools {
  const grants = grantsOf(user).filter((g) => roles.includes(g.role));
  if (grants.some((g) => g.schoolId === null)) return { all: true };
  return { all: false, schoolIds: [...new Set(grants.flatMap((g) => (g.schoolId === null ? [] : [g.schoolId])))] };
}

/** Whether one of `roles` holds for the user at one of `schoolIds` (a student's school), or at every school. */
export function holdsAt(user: AppUser, roles: readonly StaffRole[], schoolIds: readonly string[]): boolean {
  const where = staffSchools(user, roles);
  return where.all || where.schoolIds.some((id) => schoolIds.includes(id));
}

/** Whether the user holds a support-staff role (counsellor, social worker, coordinator) anywhere. */
export const holdsSupportRole = (user: AppUser): boolean => grantsOf(user).some((g) => supportStaffRoles.includes(g.role));

/**
 * For lists of many students (the referral queue, alerts): null when the user's support-staff roles hold
 * at every school (no filter), else the schools whose students they work with.
 */
export function supportSchoolFilter(user: AppUser): string[] | null {
  const where = staffSchools(user, supportStaffRoles);
  return where.all ? null : where.schoolIds;
}

/** Whether the user holds a leader's role (school or district leader) anywhere. */
export const isLeader = (user: AppUser): boolean => grantsOf(user).some((g) => g.role === 'school_leader' || g.role === 'district_leader');
