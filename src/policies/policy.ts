import type { AppUser } from '../auth/user.js';
import { forbidden } from '../web/errors.js';

/**
 * A policy answers one question: may this user do this action to this resource?
 * Each resource has its own file; routes call `authorize`, never role checks of their own.
 */
export type Policy<Action extends string, Resource> = (user: AppUser, action: Action, resource: Resource) => boolean;

/**
 * Refuses with a 403 that names the policy, the action and the student (when the resource is one
 * student's), so the error handler can audit the attempt. The policy's name is its exported const
 * (`planPolicy` -> `plan`); test/unit/policies/policy-names.test.ts pins every one.
 */
export function authorize<Action extends string, Resource>(policy: Policy<Action, Resource>, user: AppUser, action: Action, resource: Resource): void {
  if (!policy(user, action, resource)) throw forbidden().denying({ subject: policySubject(policy), attempt: action, studentId: studentOf(resource) });
}

export const policySubject = (policy: { name: string }): string => policy.name.replace(/Policy$/, '') || 'policy';

function studentOf(resource: unknown): string | undefined {
  const scope = (resource as { scope?: { studentId?: unknown } } | null)?.scope;
  return typeof scope?.studentId === 'string' ? scope.studentId : undefined;
}

/**
 * What a page may offer, straight from the policy: `{ edit: true, approve: false, ... }` for the
 * listed actions. View models carry this map; templates and routes never rebuild it from roles.
 */
export function canMap<Action extends string, Resource>(policy: Policy<Action, Resource>, user: AppUser, actions: readonly Action[], resource: Resource): Record<Action, boolean> {
  return Object.fromEntries(actions.map((a) => [a, policy(user, a, resource)])) as Record<Action, boolean>;
}
