import { supportStaffRoles, type StaffRole } from '../auth/user.js';
import type { Policy } from './policy.js';
import { holdsAt, staffSchools } from './staff-scope.js';

export const schoolViewActions = ['view_school', 'view_district', 'list_students', 'see_sensitive', 'export'] as const;
export type SchoolViewAction = (typeof schoolViewActions)[number];

/** A school of the tenant (`schoolId`), or the district as a whole (view_district: no school). */
export interface SchoolViewResource {
  tenantId: string;
  schoolId?: string;
}

/** Who looks at a school's numbers: its leaders, district leaders, and its support staff. */
const schoolRoles: readonly StaffRole[] = ['school_leader', 'district_leader', ...supportStaffRoles];

/**
 * The school and district views (issue 12): numbers, and the lists of students behind them. A school's
 * view is its leaders', the district leaders' and its own support staff's (and the admins'); the
 * district's is the district leaders' who hold at every school (a leader of some schools sees those
 * schools) and the admins'. Sensitive categories (well-being, health...) in those lists are need-to-know:
 * only the school's support staff see them, never a leader or an admin (a leader's list says "a support
 * was arranged"). None of this opens a student's record: that stays the student-record relationships'.
 */
export const schoolViewPolicy: Policy<SchoolViewAction, SchoolViewResource> = (user, action, { tenantId, schoolId }) => {
  if (user.tenantId !== tenantId) return false;
  if (action === 'view_district') return user.role === 'admin' || staffSchools(user, ['district_leader']).all;
  if (schoolId === undefined) return false;
  switch (action) {
    case 'see_sensitive':
      return holdsAt(user, supportStaffRoles, [schoolId]);
    case 'view_school':
    case 'list_students':
    case 'export':
      return user.role === 'admin' || holdsAt(user, schoolRoles, [schoolId]);
  }
};
