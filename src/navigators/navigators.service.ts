import type { Db, DbOrTx } from '../db/client.js';
import type { StudentScope } from '../policies/student-record.js';
import type { RosterService } from '../roster/roster.service.js';
import * as repo from './navigators.repository.js';

export type { NavigatorAssignment } from './navigators.repository.js';

/**
 * Who stands in which relation to a student. Every student-record policy decision is made on
 * the StudentScope this returns, so the relationship rules live in one place.
 */
export function createNavigatorsService(db: Db, roster: Pick<RosterService, 'rosterRelations' | 'rosterAdvisorsOf'>) {
  return {
    async scopeOf(tenantId: string, studentId: string): Promise<StudentScope> {
      const [assigned, { advisors, mentors, teachers }] = await Promise.all([repo.activeAssignments(db, tenantId, studentId), roster.rosterRelations(tenantId, studentId)]);
      return {
        tenantId,
        studentId,
        // An explicit assignment replaces the roster default as navigator, but the student's
        // advisory teachers keep access to their own students.
        navigatorIds: assigned.length > 0 ? assigned.map((a) => a.navigatorId) : advisors,
        advisorIds: [...new Set([...assigned.map((a) => a.navigatorId), ...advisors])],
        mentorIds: mentors,
        teacherIds: teachers,
      };
    },
    activeAssignments: (tenantId: string, studentId: string) => repo.activeAssignments(db, tenantId, studentId),
    // `tx` lets the caller audit the reassignment in the same transaction.
    assign: (v: { tenantId: string; studentId: string; navigatorId: string; assignedBy: string; preferredAdult?: string | null }, tx: DbOrTx = db) => repo.assign(tx, v),
    /**
     * Each student's navigators, for many students at once (the caseload): the explicit assignment,
     * else the advisory teachers (the roster default); a student with neither has no navigator yet.
     * With the active assignments they came from, which the caseload shows too.
     */
    async navigatorsOf(tenantId: string, studentIds: string[]): Promise<{ navigators: Map<string, string[]>; assignments: repo.NavigatorAssignment[] }> {
      const [assigned, advisors] = await Promise.all([repo.assignmentsFor(db, tenantId, studentIds), roster.rosterAdvisorsOf(tenantId, studentIds)]);
      const out = new Map<string, string[]>(studentIds.map((id) => [id, []]));
      for (const r of advisors) out.get(r.studentId)?.push(r.personId);
      const explicit = new Map<string, string[]>();
      for (const a of assigned) explicit.set(a.studentId, [...(explicit.get(a.studentId) ?? []), a.navigatorId]);
      for (const [id, navs] of explicit) out.set(id, navs);
      return { navigators: out, assignments: assigned };
    },
    /** Students explicitly assigned to this navigator. */
    assignedTo: (tenantId: string, navigatorId: string) => repo.assignedTo(db, tenantId, navigatorId),
  };
}
export type NavigatorsService = ReturnType<typeof createNavigatorsService>;
