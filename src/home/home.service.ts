import type { AppUser } from '../auth/user.js';
import { authorize } from '../policies/policy.js';
import { roleHomePolicy } from '../policies/role-home.js';

/** The admin home (/admin): its links are the admin pages, each gated again by its own service. */
export function createHomeService() {
  return {
    /** Only the tenant's admins open it (role-home policy). */
    adminHome(user: AppUser): { titleKey: string } {
      authorize(roleHomePolicy, user, 'view', { tenantId: user.tenantId, page: 'admin' });
      return { titleKey: 'home.admin.title' };
    },
  };
}
