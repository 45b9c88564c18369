import type { AppUser } from '../auth/user.js';
import type { Policy } from './policy.js';

export type PlatformAction = 'list' | 'add' | 'update';

/** A platform registration (tenant); registrations hold no student data. */
export interface PlatformResource {
  tenantId: string;
}

/**
 * Platform registrations are installation-wide, so any admin may list them and register another LMS
 * (a district adding Schoology beside Canvas); a registration's settings change only from a launch of
 * that same platform, so one school's admin never changes another's.
 */
export const platformPolicy: Policy<PlatformAction, PlatformResource> = (user: AppUser, action, resource) => {
  if (user.role !== 'admin') return false;
  if (action === 'update') return user.tenantId === resource.tenantId;
  return true;
};
