import type { Db, DbOrTx } from '../db/client.js';
import type { AppUser } from '../auth/user.js';
import type { AuditService } from '../audit/audit.service.js';
import { validForm, type ParsedForm } from '../web/forms.js';
import { authorize, canMap } from '../policies/policy.js';
import { reportSettingsActions, reportSettingsPolicy } from '../policies/report-settings.js';
import * as repo from './reports.repository.js';
import type { ReportSettingsForm } from './reports.schemas.js';
import { minimumGroupSize } from './suppression.js';
import type { SchoolCalendarDocument } from '../calendar/school-calendar.js';

export interface ReportsDeps {
  db: Db;
  audit: Pick<AuditService, 'record'>;
  /** The school calendar document, which holds the minimum group size (bound late in app.ts). */
  calendar: SchoolCalendarDocument;
}

export interface ReportSettings {
  /** Groups of fewer students are hidden (suppression.ts): at least 5, 10 unless the school chose. */
  minGroupSize: number;
}

/**
 * The reports library's own settings (src/reports/README.md): school and district views ask
 * `settingsFor` once they have authorized their reader; admins keep them on /admin/reports, which saves
 * into the school calendar document (src/calendar/school-calendar.ts).
 */
export function createReportsService(deps: ReportsDeps) {
  const { db, audit } = deps;

  async function settingsFor(tenantId: string): Promise<ReportSettings> {
    return { minGroupSize: Math.max(minimumGroupSize.floor, (await deps.calendar.of(tenantId)).minGroupSize) };
  }

  return {
    settingsFor,

    /** The size the school kept in report_settings before it was part of the school calendar: that document's baseline. */
    async storedMinGroupSize(tenantId: string, via: DbOrTx = db): Promise<number> {
      const row = await repo.settingsOf(via, tenantId);
      return Math.max(minimumGroupSize.floor, row?.minGroupSize ?? minimumGroupSize.default);
    },

    /** /admin/reports: the settings and what the admin may do with them. */
    async settings(user: AppUser) {
      authorize(reportSettingsPolicy, user, 'view', { tenantId: user.tenantId });
      return { ...(await settingsFor(user.tenantId)), can: canMap(reportSettingsPolicy, user, reportSettingsActions, { tenantId: user.tenantId }) };
    },

    /** Saves the form (admins) as a new version of the school calendar, audited; a refused form is InvalidInput with its field errors. */
    async updateSettings(user: AppUser, form: ParsedForm<ReportSettingsForm>): Promise<void> {
      authorize(reportSettingsPolicy, user, 'edit', { tenantId: user.tenantId });
      const input = validForm(form, user.locale);
      await deps.calendar.amend(user, (doc) => ({ ...doc, minGroupSize: input.minGroupSize }), (tx) => audit.record(user, { action: 'update', entity: 'report_settings' }, tx));
    },
  };
}
export type ReportsService = ReturnType<typeof createReportsService>;
