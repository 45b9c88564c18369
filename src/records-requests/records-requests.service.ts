import type { Db, DbOrTx } from '../db/client.js';
import type { StudentRecords, StudentRows } from '../db/student-rows.js';
import type { Clock } from '../web/clock.js';
import type { AppUser } from '../auth/user.js';
import { systemActor, type AuditService } from '../audit/audit.service.js';
import type { JobQueue } from '../jobs/jobs.service.js';
import { withTenant } from '../db/tenant-scope.js';
import { conflict, message } from '../web/errors.js';
import { validForm, type ParsedForm } from '../web/forms.js';
import { deletionKey, type ScheduleDeletionInput } from './records-requests.schemas.js';
import * as repo from './records-requests.repository.js';
import type { StudentRecordGate } from '../navigators/student-record.js';
import { canMap } from '../policies/policy.js';
import { recordsRequestActions, recordsRequestPolicy } from '../policies/records-request.js';
import { alertRecords } from '../alerts/alerts-records.service.js';
import { checkinRecords } from '../checkins/checkins-records.service.js';
import { goalRecords } from '../goals/goals-records.service.js';
import { customFieldRecords } from '../custom-fields/custom-fields-records.service.js';
import { identityRecords } from '../identities/identities-records.service.js';
import { indicatorRecords } from '../indicators/indicators-records.service.js';
import { navigatorRecords } from '../navigators/navigators-records.service.js';
import { planRecords } from '../plans/plans-records.service.js';
import { referralRecords } from '../referrals/referrals-records.service.js';
import { rosterRecords } from '../roster/roster-records.service.js';
import { schoolRecords } from '../schools/schools-records.service.js';
import { studentDataRecords } from '../student-data/student-data-records.service.js';
import { surveyRecords } from '../surveys/surveys-records.service.js';
import { riskReviewRecords } from '../risk-reviews/risk-reviews-records.service.js';
import { dashboardRecords } from '../dashboards/dashboards-records.service.js';
import { automationRecords } from '../automations/automations-records.service.js';

/**
 * Every feature that keeps a student's rows, in the order their rows are forgotten: the person row
 * (roster) last, since every other row references it. A feature that adds a table naming a student
 * lists it in its own `*-records.service.ts`; test/integration/records-requests checks every table
 * of the database against this list.
 */
export const studentRecordFeatures: readonly (readonly [feature: string, records: StudentRecords])[] = [
  ['alerts', alertRecords],
  ['checkins', checkinRecords],
  ['customFields', customFieldRecords],
  ['goals', goalRecords],
  ['plans', planRecords],
  ['referrals', referralRecords],
  ['surveys', surveyRecords],
  ['riskReviews', riskReviewRecords],
  ['indicators', indicatorRecords],
  ['navigators', navigatorRecords],
  ['schools', schoolRecords],
  ['studentData', studentDataRecords],
  ['identities', identityRecords],
  ['recordsRequests', repo.deletionRecords],
  ['dashboards', dashboardRecords],
  ['automations', automationRecords],
  ['roster', rosterRecords],
];

/** A records request's export: the student's rows in every feature, by feature then table. */
export interface StudentExport {
  studentId: string;
  exportedAt: string;
  features: Record<string, StudentRows>;
}

/** The job that deletes a student once the grace period is over; key `tenantId/studentId`. */
export const FORGET_JOB = 'records.forgetStudent';

export interface RecordsRequestsDeps {
  db: Db;
  clock: Clock;
  audit: Pick<AuditService, 'record'>;
  studentRecords: StudentRecordGate;
  jobs: Pick<JobQueue, 'register' | 'enqueueIn' | 'enqueue'>;
  /** Days between scheduling a deletion and running it, during which an admin can cancel it. */
  deletionGraceDays: number;
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

  /**
   * The deletion itself (the job's work), in one transaction: every feature forgets the student in
   * dependency order, the schedule goes with the person row, and the audit entry (ids only) is
   * written in the same transaction, so it exists exactly when the deletion happened. A schedule that
   * was cancelled meanwhile does nothing; one not yet due waits for its time.
   */
  async function forgetStudent(tenantId: string, studentId: string): Promise<void> {
    await withTenant(tenantId, () =>
      db.transaction(async (tx) => {
        const scheduled = await repo.findDeletion(tx, tenantId, studentId);
        if (!scheduled) return;
        if (scheduled.dueAt > clock.now()) {
          await deps.jobs.enqueueIn(tx, FORGET_JOB, `${tenantId}/${studentId}`, scheduled.dueAt, tenantId);
          return;
        }
        for (const [, records] of studentRecordFeatures) await records.forget(tx, tenantId, studentId);
        await audit.record(systemActor(tenantId), { action: 'delete', entity: 'student', entityId: scheduled.id, studentId }, tx);
      }),
    );
  }
  deps.jobs.register(FORGET_JOB, async (key) => {
    const [tenantId, studentId] = deletionKey.parse(key);
    await forgetStudent(tenantId, studentId);
  });

  return {
    /** The records request page: the student, what the admin may do, and a scheduled deletion. */
    async page(user: AppUser, studentId: string) {
      const record = await deps.studentRecords.open(user, studentId, recordsRequestPolicy, 'export');
      const deletion = await repo.findDeletion(db, user.tenantId, record.student.id);
      return { student: record.student, can: canMap(recordsRequestPolicy, user, recordsRequestActions, { scope: record.scope }), deletion: deletion ?? null, graceDays: deps.deletionGraceDays };
    },

    /** Schedules the student's deletion after the grace period (audited); an existing schedule stands. */
    async scheduleDeletion(user: AppUser, studentId: string, form: ParsedForm<ScheduleDeletionInput>): Promise<void> {
      const record = await deps.studentRecords.open(user, studentId, recordsRequestPolicy, 'scheduleDeletion');
      const input = validForm(form, user.locale);
      const dueAt = new Date(clock.now().getTime() + deps.deletionGraceDays * 24 * 3600_000);
      await db.transaction(async (tx) => {
        const created = await repo.insertDeletion(tx, { tenantId: user.tenantId, studentId: record.student.id, reason: input.reason, requestedBy: user.personId, dueAt });
        if (!created) throw conflict(message('recordsRequests.errors.alreadyScheduled'));
        await deps.jobs.enqueueIn(tx, FORGET_JOB, `${user.tenantId}/${record.student.id}`, dueAt, user.tenantId);
        await audit.record(user, { action: 'create', entity: 'student_deletion', studentId: record.student.id }, tx);
      });
    },

    /** Cancels a scheduled deletion during the grace period (audited); the job then finds nothing to do. */
    async cancelDeletion(user: AppUser, studentId: string): Promise<void> {
      const record = await deps.studentRecords.open(user, studentId, recordsRequestPolicy, 'cancelDeletion');
      await db.transaction(async (tx) => {
        if (await repo.deleteDeletion(tx, user.tenantId, record.student.id)) await audit.record(user, { action: 'delete', entity: 'student_deletion', studentId: record.student.id }, tx);
      });
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
