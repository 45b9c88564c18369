import type { Policy } from './policy.js';
import type { StaffRole } from '../auth/user.js';

export const impactActions = ['view'] as const;
export type ImpactAction = (typeof impactActions)[number];

/** Staff roles that read the school's "which supports worked" report: support staff and leaders. */
const readers: readonly StaffRole[] = ['counsellor', 'social_worker', 'coordinator', 'school_leader', 'district_leader'];

/**
 * The "which supports worked" report (aggregate figures, small groups suppressed): the school's support
 * staff, its school and district leaders, and its admins. Never students or families (a staff role on
 * their row is not trusted), and not advisors as such: it compares groups of the whole school.
 * Scoped to the tenant for now; to the schools of the reader's staff grants at merge.
 */
export const impactPolicy: Policy<ImpactAction, { tenantId: string }> = (user, _action, resource) => {
  if (user.tenantId !== resource.tenantId) return false;
  if (user.role === 'admin') return true;
  if (user.role === 'student' || user.role === 'family') return false;
  return (user.staffRoles ?? []).some((r) => readers.includes(r));
};
