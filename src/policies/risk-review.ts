import { staffRoles, supportStaffRoles } from '../auth/user.js';
import type { Policy } from './policy.js';
import { holdsAt } from './staff-scope.js';

export const riskReviewActions = ['list', 'view', 'create', 'edit', 'openRecords'] as const;
export type RiskReviewAction = (typeof riskReviewActions)[number];

/** A school's risk-review meetings. */
export interface RiskReviewResource {
  tenantId: string;
  schoolId: string;
}

/**
 * Risk review (issue 13, seed 004) is the school team's meeting on its students with the most intensive
 * needs: the team is whoever holds a staff role at that school (district leaders who hold there too).
 * Its notes are adult-only, so students and families never (they hold no staff role, whatever their
 * row says). Admins oversee without sitting on the team: they read, write nothing. `openRecords`: a
 * student's name on the agenda links to their record only for the school's support staff, who may open
 * it (src/policies/student-record.ts); leaders on the team read the agenda, not records.
 */
export const riskReviewPolicy: Policy<RiskReviewAction, RiskReviewResource> = (user, action, { tenantId, schoolId }) => {
  if (user.tenantId !== tenantId) return false;
  if (user.role === 'student' || user.role === 'family') return false;
  if (action === 'openRecords') return holdsAt(user, supportStaffRoles, [schoolId]);
  if (holdsAt(user, staffRoles, [schoolId])) return true;
  return user.role === 'admin' && (action === 'list' || action === 'view');
};
