import { z } from 'zod';
import type { Db } from '../db/client.js';
import { staffRoles, type AppUser } from '../auth/user.js';
import type { AuditService } from '../audit/audit.service.js';
import { authorize } from '../policies/policy.js';
import { staffRolePolicy } from '../policies/staff-role.js';
import { validForm, type ParsedForm } from '../web/forms.js';
import { notFound } from '../web/errors.js';
import * as repo from './roster.repository.js';

export const staffRoleForm = z.object({
  person: z.uuid(),
  role: z.enum(staffRoles),
  /** grant | revoke: one form shape for the add form and each holder's remove buttons. */
  change: z.enum(['grant', 'revoke']),
});
export type StaffRoleForm = z.infer<typeof staffRoleForm>;

/**
 * Staff roles (counsellor, social worker, support coordinator, leaders): given and taken back by the
 * school's admins on /admin/staff, each change audited in its own transaction. They take effect at
 * the person's next request (the user is read on every request).
 */
export function createStaffService(deps: { db: Db; audit: Pick<AuditService, 'record'> }) {
  const { db } = deps;
  return {
    async list(user: AppUser) {
      authorize(staffRolePolicy, user, 'list', { tenantId: user.tenantId });
      const people = await repo.listStaffCandidates(db, user.tenantId);
      return { holders: people.filter((p) => p.staffRoles.length > 0), candidates: people };
    },
    async change(user: AppUser, posted: ParsedForm<StaffRoleForm>): Promise<StaffRoleForm> {
      authorize(staffRolePolicy, user, 'grant', { tenantId: user.tenantId });
      const form = validForm(posted, user.locale);
      await db.transaction(async (tx) => {
        if (!(await repo.setStaffRole(tx, user.tenantId, form.person, form.role, form.change === 'grant'))) throw notFound();
        await deps.audit.record(user, { action: 'update', entity: 'staff_role', entityId: form.person }, tx);
      });
      return form;
    },
  };
}
export type StaffService = ReturnType<typeof createStaffService>;
