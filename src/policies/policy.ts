import type { AppUser } from '../auth/user.js';
import { forbidden } from '../web/errors.js';

/**
 * A policy answers one question: may this user do this action to this resource?
 * Each resource has its own file; routes call `authorize`, never role checks of their own.
 */
export type Policy<Action extends string, Resource> = (user: AppUser, action: Action, resource: Resource) => boolean;

export function authorize<Action extends string, Resource>(policy: Policy<Action, Resource>, user: AppUser, action: Action, resource: Resource): void {
  if (!policy(user, action, resource)) throw forbidden();
}
