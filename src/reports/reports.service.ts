import type { Db } from '../db/client.js';
import type { AppUser } from '../auth/user.js';
import type { AuditService } from '../audit/audit.service.js';
import type { Clock } from '../web/clock.js';
import { validForm, type ParsedForm } from '../web/forms.js';
import { withTenant } from '../db/tenant-scope.js';
import { authorize, canMap } from '../policies/policy.js';
import { reportSettingsActions, reportSettingsPolicy } from '../policies/report-settings.js';
import * as repo from './reports.repository.js';
import type { ReportSettingsForm } from './reports.schemas.js';
import { minimumGroupSize } from './suppression.js';

export interface ReportsDeps {
  db: Db;
  audit: Pick<AuditService, 'record'>;
  clock: Clock;
}

export interface ReportSettings {
  /** Groups of fewer students are hidden (suppression.ts): at least 5, 10 unless the school chose. */
  minGroupSize: number;
}

/**
 * The reports library's own settings (src/reports/README.md): school and district views ask
 * `settingsFor` once they have authorized their reader; admins keep them on /admin/reports.
 */
export function createReportsService(deps: ReportsDeps) {
  const { db, audit, clock } = deps;

  async function settingsFor(tenantId: string): Promise<ReportSettings> {
    const row = await withTenant(tenantId, () => repo.settingsOf(db, tenantId));
    return { minGroupSize: Math.max(minimumGroupSize.floor, row?.minGroupSize ?? minimumGroupSize.default) };
  }

  return {
    settingsFor,

    /** /admin/reports: the settings and what the admin may do with them. */
    async settings(user: AppUser) {
      authorize(reportSettingsPolicy, user, 'view', { tenantId: user.tenantId });
      return { ...(await settingsFor(user.tenantId)), can: canMap(reportSettingsPolicy, user, reportSettingsActions, { tenantId: user.tenantId }) };
    },

    /** Saves the form (admins; audited); a refused form is InvalidInput with its field errors. */
    async updateSettings(user: AppUser, form: ParsedForm<ReportSettingsForm>): Promise<void> {
      authorize(reportSettingsPolicy, user, 'edit', { tenantId: user.tenantId });
      const input = validForm(form, user.locale);
      await db.transaction(async (tx) => {
        await repo.saveSettings(tx, user.tenantId, input.minGroupSize, user.personId, clock.now());
        await audit.record(user, { action: 'update', entity: 'report_settings' }, tx);
      });
    },
  };
}
export type ReportsService = ReturnType<typeof createReportsService>;
