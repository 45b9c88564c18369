import { z } from 'zod';
import type { Db } from '../db/client.js';
import { staffRoles, type AppUser, type StaffGrant } from '../auth/user.js';
import type { AuditService } from '../audit/audit.service.js';
import type { SchoolsService } from '../schools/schools.service.js';
import { authorize } from '../policies/policy.js';
import { staffRolePolicy } from '../policies/staff-role.js';
import { InvalidInput, validForm, type ParsedForm } from '../web/forms.js';
import { notFound } from '../web/errors.js';
import { t } from '../web/i18n.js';
import * as repo from './roster.repository.js';

/** The school field's value for "every school" (a grant whose school is null). */
export const ALL_SCHOOLS = 'all';

export const staffRoleForm = z.object({
  person: z.uuid(),
  role: z.enum(staffRoles),
  /** A school of the tenant's, or ALL_SCHOOLS. */
  school: z.union([z.literal(ALL_SCHOOLS), z.uuid()]),
  /** grant | revoke: one form shape for the add form and each grant's remove buttons. */
  change: z.enum(['grant', 'revoke']),
});
export type StaffRoleForm = z.infer<typeof staffRoleForm>;

/**
 * Staff roles (counsellor, social worker, support coordinator, leaders): given at a school and taken back
 * by the tenant's admins on /admin/staff, each change audited in its own transaction. "Every school" is
 * a district leader's, or anyone's while the tenant has not told its schools apart. They take effect at
 * the person's next request (the user is read on every request).
 */
export function createStaffService(deps: { db: Db; audit: Pick<AuditService, 'record'>; schools: Pick<SchoolsService, 'list'> }) {
  const { db } = deps;
  return {
    async list(user: AppUser) {
      authorize(staffRolePolicy, user, 'list', { tenantId: user.tenantId });
      const [people, schools] = await Promise.all([repo.listStaffCandidates(db, user.tenantId), deps.schools.list(user.tenantId)]);
      return { holders: people.filter((p) => p.staffGrants.length > 0), candidates: people, schools: schools.map((s) => ({ id: s.id, name: s.name })) };
    },
    async change(user: AppUser, posted: ParsedForm<StaffRoleForm>): Promise<StaffRoleForm> {
      authorize(staffRolePolicy, user, 'grant', { tenantId: user.tenantId });
      const form = validForm(posted, user.locale);
      const grant: StaffGrant = { role: form.role, schoolId: form.school === ALL_SCHOOLS ? null : form.school };
      // A grant is taken back as it is; a new one names a school of the tenant, or every school where that is allowed.
      if (form.change === 'grant') {
        const schools = await deps.schools.list(user.tenantId);
        if (grant.schoolId === null ? schools.length > 0 && grant.role !== 'district_leader' : !schools.some((s) => s.id === grant.schoolId)) {
          throw new InvalidInput({ school: t(grant.schoolId === null ? 'staff.errors.allSchools' : 'staff.errors.school', {}, user.locale) }, posted);
        }
      }
      await db.transaction(async (tx) => {
        if (!(await repo.setStaffGrant(tx, user.tenantId, form.person, grant, form.change === 'grant'))) throw notFound();
        await deps.audit.record(user, { action: 'update', entity: 'staff_role', entityId: form.person }, tx);
      });
      return form;
    },
  };
}
export type StaffService = ReturnType<typeof createStaffService>;
