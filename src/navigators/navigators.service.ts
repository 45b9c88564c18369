import type { Db, DbOrTx } from '../db/client.js';
import type { StudentScope } from '../policies/student-record.js';
import type { RosterService } from '../roster/roster.service.js';
import type { SchoolsService } from '../schools/schools.service.js';
import * as repo from './navigators.repository.js';

export type { NavigatorAssignment } from './navigators.repository.js';

/**
 * One student's scope from who is assigned and who the roster says: an explicit assignment replaces
 * the roster default as navigator, but the student's advisory teachers keep access to their own students.
 */
const scopeFrom = (tenantId: string, studentId: string, assignedIds: string[], rel: { advisors: string[]; mentors: string[]; teachers: string[] }, schoolIds: string[]): StudentScope => ({
  tenantId,
  studentId,
  navigatorIds: assignedIds.length > 0 ? assignedIds : rel.advisors,
  advisorIds: [...new Set([...assignedIds, ...rel.advisors])],
  mentorIds: rel.mentors,
  teacherIds: rel.teachers,
  schoolIds,
});

/**
 * Who stands in which relation to a student. Every student-record policy decision is made on
 * the StudentScope this returns, so the relationship rules live in one place.
 */
export function createNavigatorsService(db: Db, roster: Pick<RosterService, 'rosterRelations' | 'rosterAdvisorsOf'>, schools: Pick<SchoolsService, 'currentOf'>) {
  /** Each student's current school as a list (empty: the tool knows none), for these students in one query. */
  async function schoolsOf(tenantId: string, studentIds: readonly string[], tx: DbOrTx = db): Promise<Map<string, string[]>> {
    const current = await schools.currentOf(tenantId, [...new Set(studentIds)], tx);
    return new Map(studentIds.map((id) => [id, current.has(id) ? [current.get(id)!.schoolId] : []]));
  }

  return {
    // `tx`: a caller inside its own transaction (an alert routed to the navigators as the need is raised).
    async scopeOf(tenantId: string, studentId: string, tx: DbOrTx = db): Promise<StudentScope> {
      const [assigned, relations, schoolIds] = await Promise.all([
        repo.activeAssignments(tx, tenantId, studentId),
        roster.rosterRelations(tenantId, studentId, tx),
        schoolsOf(tenantId, [studentId], tx).then((m) => m.get(studentId) ?? []),
      ]);
      return scopeFrom(tenantId, studentId, assigned.map((a) => a.navigatorId), relations, schoolIds);
    },
    /**
     * Many students' scopes at once, for an adult's list of the students they navigate (the navigator
     * view): navigators, advisors and schools exactly as scopeOf finds them, in three queries for all.
     * Mentors and subject teachers are not read (empty): decide only an advising adult's actions on these scopes.
     */
    async advisingScopesOf(tenantId: string, studentIds: string[], known?: repo.NavigatorAssignment[]): Promise<StudentScope[]> {
      const wanted = new Set(studentIds);
      const [assigned, advisors, schoolIds] = await Promise.all([
        known ? known.filter((a) => wanted.has(a.studentId)) : repo.assignmentsFor(db, tenantId, studentIds),
        roster.rosterAdvisorsOf(tenantId, studentIds),
        schoolsOf(tenantId, studentIds),
      ]);
      const group = (pairs: [string, string][]) => {
        const by = new Map<string, string[]>();
        for (const [studentId, personId] of pairs) by.set(studentId, [...(by.get(studentId) ?? []), personId]);
        return by;
      };
      const navigatorIds = group(assigned.map((a) => [a.studentId, a.navigatorId]));
      const advisorIds = group(advisors.map((r) => [r.studentId, r.personId]));
      return studentIds.map((id) => scopeFrom(tenantId, id, navigatorIds.get(id) ?? [], { advisors: advisorIds.get(id) ?? [], mentors: [], teachers: [] }, schoolIds.get(id) ?? []));
    },
    schoolsOf,
    activeAssignments: (tenantId: string, studentId: string) => repo.activeAssignments(db, tenantId, studentId),
    // `tx` lets the caller audit the reassignment in the same transaction.
    assign: (v: { tenantId: string; studentId: string; navigatorId: string; assignedBy: string; preferredAdult?: string | null }, tx: DbOrTx = db) => repo.assign(tx, v),
    /**
     * Each student's navigators, for many students at once (the caseload): the explicit assignment,
     * else the advisory teachers (the roster default); a student with neither has no navigator yet.
     * With the active assignments they came from, which the caseload shows too.
     */
    async navigatorsOf(tenantId: string, studentIds: string[], known?: repo.NavigatorAssignment[]): Promise<{ navigators: Map<string, string[]>; assignments: repo.NavigatorAssignment[] }> {
      // `known`: every active assignment of these students, already read (the caseload's assignmentsAround).
      const wanted = new Set(studentIds);
      const [assigned, advisors] = await Promise.all([known ? known.filter((a) => wanted.has(a.studentId)) : repo.assignmentsFor(db, tenantId, studentIds), roster.rosterAdvisorsOf(tenantId, studentIds)]);
      const out = new Map<string, string[]>(studentIds.map((id) => [id, []]));
      for (const r of advisors) out.get(r.studentId)?.push(r.personId);
      const explicit = new Map<string, string[]>();
      for (const a of assigned) explicit.set(a.studentId, [...(explicit.get(a.studentId) ?? []), a.navigatorId]);
      for (const [id, navs] of explicit) out.set(id, navs);
      return { navigators: out, assignments: assigned };
    },
    /** Each student's explicitly assigned navigators (no roster default), for the school view's kept facts. */
    async assignedNavigatorsOf(tenantId: string, studentIds: string[]): Promise<Map<string, string[]>> {
      const out = new Map<string, string[]>();
      for (const a of await repo.assignmentsFor(db, tenantId, studentIds)) out.set(a.studentId, [...(out.get(a.studentId) ?? []), a.navigatorId]);
      return out;
    },
    /**
     * For a caseload, in one round trip: the active assignments to this navigator, and those of these
     * (advisory) students. A student has one active assignment, so this is every active assignment of
     * every student on the caseload.
     */
    assignmentsAround: (tenantId: string, navigatorId: string, studentIds: string[]) => repo.assignmentsAround(db, tenantId, navigatorId, studentIds),
  };
}
export type NavigatorsService = ReturnType<typeof createNavigatorsService>;
