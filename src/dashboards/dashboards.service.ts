import type { Db } from '../db/client.js';
import type { AppUser } from '../auth/user.js';
import type { AuditService } from '../audit/audit.service.js';
import { authorize } from '../policies/policy.js';
import { schoolViewPolicy } from '../policies/school-view.js';
import { asSystem, withTenant } from '../db/tenant-scope.js';
import type { JobQueue } from '../jobs/jobs.service.js';
import type { SchoolsService } from '../schools/schools.service.js';
import { addDays } from '../web/days.js';
import { localDate } from '../web/time-zone.js';
import { gatherSchoolFacts, type SchoolFactSources } from './school-facts.js';
import { snapshotOf, weekStartOf } from './snapshots.js';
import * as repo from './dashboards.repository.js';

export const SNAPSHOT_JOB = 'dashboards.snapshot';
export const SNAPSHOT_SCHEDULE_JOB = 'dashboards.snapshotSchedule';
const DAY_MS = 86_400_000;
/** How many weeks the district view draws over time. */
export const SNAPSHOT_WEEKS = 12;

export interface DashboardsDeps {
  db: Db;
  audit: Pick<AuditService, 'record'>;
  minGroupSize: (tenantId: string) => Promise<number>;
  sources: SchoolFactSources;
  schools: Pick<SchoolsService, 'list'>;
  jobs: Pick<JobQueue, 'enqueue'>;
  tenantIds: () => Promise<string[]>;
  cadenceDays: number;
}

/**
 * The views above the caseload: a school's figures (counted live from its students' facts) and the
 * district's (read from weekly snapshots that a nightly job writes per school).
 */
export function createDashboardsService(deps: DashboardsDeps) {
  const { db, sources } = deps;
  const clock = sources.clock;

  /** This week's snapshot of every school of the tenant, rewritten (idempotent: a rerun writes the same row). */
  async function snapshotTenant(tenantId: string): Promise<number> {
    const schools = await deps.schools.list(tenantId);
    for (const school of schools) {
      const facts = await gatherSchoolFacts(sources, tenantId, school.id);
      await withTenant(tenantId, () =>
        repo.saveSnapshot(db, { tenantId, schoolId: school.id, weekStart: weekStartOf(facts.today), students: facts.students.length, figures: snapshotOf(facts, deps.cadenceDays), at: facts.now }),
      );
    }
    return schools.length;
  }

  /** The weeks the district view draws (each week's Monday, oldest first), ending with this one. */
  async function weeksOf(tenantId: string): Promise<string[]> {
    const thisWeek = weekStartOf(localDate(clock.now(), await sources.timeZoneOf(tenantId)));
    return Array.from({ length: SNAPSHOT_WEEKS }, (_, i) => addDays(thisWeek, -7 * (SNAPSHOT_WEEKS - 1 - i)));
  }

  return {
    snapshotTenant,

    /**
     * The district view: every school side by side (this week's snapshot, else its latest) and over the
     * last SNAPSHOT_WEEKS weeks, read from the snapshots (a few rows per school), never from students.
     */
    async district(user: AppUser) {
      const tenantId = user.tenantId;
      authorize(schoolViewPolicy, user, 'view_district', { tenantId });
      const weeks = await weeksOf(tenantId);
      const [schools, snapshots, minGroupSize] = await Promise.all([deps.schools.list(tenantId), withTenant(tenantId, () => repo.snapshotsSince(db, tenantId, weeks[0]!)), deps.minGroupSize(tenantId)]);
      await deps.audit.record(user, { action: 'read', entity: 'district_view' });
      return { schools, snapshots, weeks, minGroupSize, cadenceDays: deps.cadenceDays };
    },

    jobHandlers: {
      [SNAPSHOT_JOB]: async (tenantId: string) => {
        await withTenant(tenantId, () => snapshotTenant(tenantId));
      },
      [SNAPSHOT_SCHEDULE_JOB]: () =>
        asSystem('schedule', async () => {
          for (const tenantId of await deps.tenantIds()) await deps.jobs.enqueue(SNAPSHOT_JOB, tenantId, clock.now(), tenantId);
          await deps.jobs.enqueue(SNAPSHOT_SCHEDULE_JOB, 'all', new Date(clock.now().getTime() + DAY_MS));
        }),
    } as Record<string, (key: string) => Promise<void>>,

    /** Puts the nightly round on the queue (kept if already there). Only the server entry calls it. */
    startSchedule: () => deps.jobs.enqueue(SNAPSHOT_SCHEDULE_JOB, 'all', new Date(clock.now().getTime() + DAY_MS)),
  };
}
export type DashboardsService = ReturnType<typeof createDashboardsService>;
