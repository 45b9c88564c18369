import type { AppUser } from '../auth/user.js';
import type { Person, RosterService } from '../roster/roster.service.js';
import type { NavigatorsService } from './navigators.service.js';
import { authorize, type Policy } from '../policies/policy.js';
import { relationshipTo, type Relationship, type StudentScope } from '../policies/student-record.js';
import { notFound } from '../web/errors.js';
import { isUuid } from '../web/ids.js';

/** One student's record as the asking user stands to it: every student-record policy decides on `scope`. */
export interface StudentRecord {
  student: Person;
  scope: StudentScope;
  relationship: Relationship;
}

/**
 * The one gate in front of every student record. Every service entry point that touches a
 * student's data calls `open(user, studentId, policy, action)` before it reads or writes anything:
 * the student is looked up in the user's tenant only; a malformed id, a student of another tenant
 * and a stranger all get the same 404 (guessing ids confirms nothing, and the attempt on a real
 * student is audited); then the resource's policy decides the action (403, audited).
 * Routes never decide who may open a record: they parse, call the service and render.
 */
export function createStudentRecordGate(roster: Pick<RosterService, 'findPerson'>, navigators: Pick<NavigatorsService, 'scopeOf'>) {
  /** Records this gate opened, with the signed-in user (one request's) each was opened for. */
  const openedFor = new WeakMap<object, AppUser>();

  /** `target` when it is a record this gate opened for this very user (the same request), else undefined. */
  function alreadyOpened(user: AppUser, target: unknown): StudentRecord | undefined {
    return typeof target === 'object' && target !== null && openedFor.get(target) === user ? (target as StudentRecord) : undefined;
  }

  async function find(user: AppUser, studentId: unknown): Promise<StudentRecord> {
    if (!isUuid(studentId)) throw notFound();
    const student = await roster.findPerson(user.tenantId, studentId);
    if (!student) throw notFound();
    const scope = await navigators.scopeOf(user.tenantId, studentId);
    const relationship = relationshipTo(user, scope);
    // The same 404 as a stranger's guess, but the attempt on a real student of the tenant is audited.
    if (relationship === 'none') throw notFound().denying({ subject: 'student', attempt: 'open', studentId });
    return { student, scope, relationship };
  }

  return {
    /**
     * The record, once `policy` allows `action` on it (an action on the student's record as a whole).
     * `target` is the student's id, or a record this gate opened for the same user in this request: a
     * page made of several features' parts (the plan with its goals and check-in prompts) reads the
     * student and their scope once, and each part's policy still decides its own action.
     */
    async open<Action extends string>(user: AppUser, target: unknown, policy: Policy<Action, { scope: StudentScope }>, action: Action): Promise<StudentRecord> {
      const record = alreadyOpened(user, target) ?? (await find(user, target));
      authorize(policy, user, action, { scope: record.scope });
      openedFor.set(record, user);
      return record;
    },
  };
}
export type StudentRecordGate = ReturnType<typeof createStudentRecordGate>;
