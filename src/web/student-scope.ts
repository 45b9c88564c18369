import type { AppContext } from './context.js';
import type { AppUser } from '../auth/user.js';
import type { Person } from '../roster/roster.service.js';
import { relationshipTo, type Relationship, type StudentScope } from '../policies/student-record.js';
import { notFound } from './errors.js';

import { isUuid } from './ids.js';

export { isUuid };

export interface StudentInScope {
  student: Person;
  scope: StudentScope;
  relationship: Relationship;
}

/**
 * The student a /students/:studentId page is about, looked up in the asking user's tenant only.
 * A malformed id, a student of another tenant and a stranger all get the same 404, so guessing ids
 * confirms nothing. What the user may do with the student is then the resource policy's call.
 */
export async function studentInScope(ctx: Pick<AppContext, 'roster' | 'navigators'>, user: AppUser, rawId: unknown): Promise<StudentInScope> {
  const id = typeof rawId === 'string' ? rawId : '';
  if (!isUuid(id)) throw notFound();
  const student = await ctx.roster.findPerson(user.tenantId, id);
  if (!student) throw notFound();
  const scope = await ctx.navigators.scopeOf(user.tenantId, id);
  const relationship = relationshipTo(user, scope);
  // The same 404 as a stranger's guess, but the attempt on a real student of the tenant is audited.
  if (relationship === 'none') throw notFound().denying({ subject: 'student', attempt: 'open', studentId: id });
  return { student, scope, relationship };
}
