import type { Db, DbOrTx } from '../db/client.js';
import type { StudentRecords, StudentRows } from '../db/student-rows.js';
import type { Clock } from '../web/clock.js';
import type { AppUser } from '../auth/user.js';
import type { AuditService } from '../audit/audit.service.js';
import type { StudentRecordGate } from '../navigators/student-record.js';
import { canMap } from '../policies/policy.js';
import { recordsRequestActions, recordsRequestPolicy } from '../policies/records-request.js';
import { alertRecords } from '../alerts/alerts-records.service.js';
import { checkinRecords } from '../checkins/checkins-records.service.js';
import { goalRecords } from '../goals/goals-records.service.js';
import { identityRecords } from '../identities/identities-records.service.js';
import { indicatorRecords } from '../indicators/indicators-records.service.js';
import { navigatorRecords } from '../navigators/navigators-records.service.js';
import { planRecords } from '../plans/plans-records.service.js';
import { referralRecords } from '../referrals/referrals-records.service.js';
import { rosterRecords } from '../roster/roster-records.service.js';
import { schoolRecords } from '../schools/schools-records.service.js';
import { studentDataRecords } from '../student-data/student-data-records.service.js';
import { surveyRecords } from '../surveys/surveys-records.service.js';

/**
 * Every feature that keeps a student's rows, in the order their rows are forgotten: the person row
 * (roster) last, since every other row references it. A feature that adds a table naming a student
 * lists it in its own `*-records.service.ts`; test/integration/records-requests checks every table
 * of the database against this list.
 */
export const studentRecordFeatures: readonly (readonly [feature: string, records: StudentRecords])[] = [
  ['alerts', alertRecords],
  ['checkins', checkinRecords],
  ['goals', goalRecords],
  ['plans', planRecords],
  ['referrals', referralRecords],
  ['surveys', surveyRecords],
  ['indicators', indicatorRecords],
  ['navigators', navigatorRecords],
  ['schools', schoolRecords],
  ['studentData', studentDataRecords],
  ['identities', identityRecords],
  ['roster', rosterRecords],
];

/** A records request's export: the student's rows in every feature, by feature then table. */
export interface StudentExport {
  studentId: string;
  exportedAt: string;
  features: Record<string, StudentRows>;
}

export interface RecordsRequestsDeps {
  db: Db;
  clock: Clock;
  audit: Pick<AuditService, 'record'>;
  studentRecords: StudentRecordGate;
}

/**
 * Records requests (issue 14 item 7): the data the district owns about one student, exported as JSON
 * and as a readable record. Each feature reads its own tables (its records service); this feature
 * only gathers them, in one transaction so the export is one consistent moment. Every export is audited.
 */
export function createRecordsRequestsService(deps: RecordsRequestsDeps) {
  const { db, clock, audit } = deps;

  async function rowsOf(tx: DbOrTx, tenantId: string, studentId: string): Promise<Record<string, StudentRows>> {
    const features: Record<string, StudentRows> = {};
    for (const [feature, records] of studentRecordFeatures) features[feature] = await records.recordsOf(tx, tenantId, studentId);
    return features;
  }

  return {
    /** The records request page: the student, and what the admin may do. */
    async page(user: AppUser, studentId: string) {
      const record = await deps.studentRecords.open(user, studentId, recordsRequestPolicy, 'export');
      return { student: record.student, can: canMap(recordsRequestPolicy, user, recordsRequestActions, { scope: record.scope }) };
    },

    /** Every row the tool holds about the student (audited as a read of the whole record). */
    async exportOf(user: AppUser, studentId: string) {
      const record = await deps.studentRecords.open(user, studentId, recordsRequestPolicy, 'export');
      const features = await db.transaction(async (tx) => {
        const rows = await rowsOf(tx, user.tenantId, record.student.id);
        await audit.record(user, { action: 'read', entity: 'records_request', studentId: record.student.id }, tx);
        return rows;
      });
      const data: StudentExport = { studentId: record.student.id, exportedAt: clock.now().toISOString(), features };
      return { student: record.student, data };
    },
  };
}
export type RecordsRequestsService = ReturnType<typeof createRecordsRequestsService>;
