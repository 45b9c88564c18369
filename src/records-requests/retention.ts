import { z } from 'zod';
import type { AuditService } from '../audit/audit.service.js';
import { systemActor } from '../audit/audit.service.js';
import type { JobQueue } from '../jobs/jobs.service.js';
import type { Clock } from '../web/clock.js';
import { asSystem, withTenant } from '../db/tenant-scope.js';
import { localDate } from '../web/time-zone.js';
import { documentKind } from '../configuration/configuration.kinds.js';

export const RETENTION_JOB = 'records.retention';
export const RETENTION_SCHEDULE_JOB = 'records.retentionSchedule';
const DAY_MS = 86_400_000;

/**
 * How long the words of check-ins are kept (issue 14 item 7: retention settings applied by a scheduled
 * job), a configuration document the district changes on /admin/configuration. Seven years unless the
 * district says otherwise: long enough for a student's whole time at a school and a records request after.
 */
export const retentionKind = documentKind({
  id: 'retention',
  schema: z.strictObject({ checkinTextYears: z.number().int().min(1).max(20) }),
  shipped: () => ({ checkinTextYears: 7 }),
});
export type RetentionRules = z.infer<typeof retentionKind.schema>;

export interface RetentionDeps {
  clock: Clock;
  audit: Pick<AuditService, 'record'>;
  jobs: Pick<JobQueue, 'enqueue'>;
  rules: (tenantId: string) => Promise<RetentionRules>;
  timeZoneOf: (tenantId: string) => Promise<string>;
  tenantIds: () => Promise<string[]>;
  /** checkins.clearTextsBefore: empties the words, keeps the rows; how many rows lost words. */
  clearCheckinTextsBefore: (tenantId: string, day: string) => Promise<number>;
}

/** The same day of the year, `years` earlier (29 February becomes 28 February in a common year). */
export function yearsBefore(day: string, years: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const target = new Date(Date.UTC(y - years, m - 1, d));
  if (target.getUTCMonth() !== m - 1) target.setUTCDate(0);
  return target.toISOString().slice(0, 10);
}

/** The nightly retention round: each tenant's check-in words older than its setting are emptied, audited as the tool's own act. */
export function createRetention(deps: RetentionDeps) {
  async function applyTo(tenantId: string): Promise<number> {
    const [rules, zone] = await Promise.all([deps.rules(tenantId), deps.timeZoneOf(tenantId)]);
    const before = yearsBefore(localDate(deps.clock.now(), zone), rules.checkinTextYears);
    const cleared = await deps.clearCheckinTextsBefore(tenantId, before);
    // Counts only: which students lost old words is not worth an entry each, and never names them.
    if (cleared > 0) await deps.audit.record(systemActor(tenantId), { action: 'update', entity: 'checkin_retention' });
    return cleared;
  }

  return {
    applyTo,
    jobHandlers: {
      [RETENTION_JOB]: async (tenantId: string) => {
        await withTenant(tenantId, () => applyTo(tenantId));
      },
      [RETENTION_SCHEDULE_JOB]: () =>
        asSystem('schedule', async () => {
          for (const tenantId of await deps.tenantIds()) await deps.jobs.enqueue(RETENTION_JOB, tenantId, deps.clock.now(), tenantId);
          await deps.jobs.enqueue(RETENTION_SCHEDULE_JOB, 'all', new Date(deps.clock.now().getTime() + DAY_MS));
        }),
    } as Record<string, (key: string) => Promise<void>>,
    /** Puts the nightly round on the queue (kept if already there). Only the server entry calls it. */
    startSchedule: () => deps.jobs.enqueue(RETENTION_SCHEDULE_JOB, 'all', new Date(deps.clock.now().getTime() + DAY_MS)),
  };
}
export type Retention = ReturnType<typeof createRetention>;
