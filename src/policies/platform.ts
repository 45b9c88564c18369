import type { AppUser } from '../auth/user.js';
import type { Policy } from './policy.js';

export const platformActions = ['list', 'add', 'update'] as const;
export type PlatformAction = (typeof platformActions)[number];

/** The platform registration (tenant) read or changed; for `add`, the one the admin launched from. */
export interface PlatformResource {
  tenantId: string;
}

/**
 * An admin sees and changes only the registration of the platform they launched from: another
 * school's name, issuer, client id and deployments are not theirs to read. Registering another LMS
 * by hand (a district adding Schoology beside Canvas) is done from their own launch; the new
 * platform is then managed from a launch of it.
 */
export const platformPolicy: Policy<PlatformAction, PlatformResource> = (user: AppUser, _action, resource) => user.role === 'admin' && user.tenantId === resource.tenantId;
