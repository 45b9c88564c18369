import type { Db } from '../db/client.js';
import { asSystem, withTenant } from '../db/tenant-scope.js';
import type { JobQueue } from '../jobs/jobs.service.js';
import type { SchoolsService } from '../schools/schools.service.js';
import { addDays } from '../calendar/business-days.js';
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

  return {
    snapshotTenant,

    /** Every school's snapshots over the last SNAPSHOT_WEEKS weeks, oldest first (the caller gates). */
    async snapshotsOf(tenantId: string) {
      const today = localDate(clock.now(), await sources.timeZoneOf(tenantId));
      const from = addDays(weekStartOf(today), -7 * (SNAPSHOT_WEEKS - 1));
      return withTenant(tenantId, () => repo.snapshotsSince(db, tenantId, from));
    },

    jobHandlers: {
      [SNAPSHOT_JOB]: async (tenantId: string) => {
        await snapshotTenant(tenantId);
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
