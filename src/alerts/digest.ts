import type { Db } from '../db/client.js';
import type { Clock } from '../web/clock.js';
import type { Logger } from '../web/logger.js';
import type { JobQueue } from '../jobs/jobs.service.js';
import { recipientAddress, type MailService } from '../mail/mail.service.js';
import type { RosterService } from '../roster/roster.service.js';
import { asSystem, withTenant } from '../db/tenant-scope.js';
import { isLocale } from '../web/i18n.js';
import { localDate, zonedTime } from '../web/time-zone.js';
import * as repo from './alerts.repository.js';
import { addDays } from '../web/days.js';

export const DIGEST_JOB = 'alerts.digest';
export const DIGEST_SCHEDULE_JOB = 'alerts.digestSchedule';
/** When the digest goes out, at the school. */
export const DIGEST_TIME = '07:00';
const HOUR_MS = 3_600_000;

export interface DigestDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  jobs: Pick<JobQueue, 'enqueue'>;
  mail: Pick<MailService, 'queue'>;
  roster: Pick<RosterService, 'findPeople'>;
  timeZoneOf: (tenantId: string) => Promise<string>;
  tenantIds: () => Promise<string[]>;
  /** Adults who may navigate students (the caseload service). */
  navigatorIdsOf: (tenantId: string) => Promise<string[]>;
  /** How many of the navigator's students have a check-in due by that day (the caseload's cadence). */
  checkinsDueBy: (tenantId: string, navigatorId: string, byDay: string) => Promise<number>;
  /** Alerts routed to the person, not resolved. */
  openAlertsFor: (tenantId: string, personId: string) => Promise<number>;
  /** Referrals waiting for the person (the referrals feature; 0 until it is wired). */
  referralsWaitingFor: (tenantId: string, personId: string) => Promise<number>;
}

const weekday = (day: string) => new Date(`${day}T12:00:00Z`).getUTCDay();
const isSchoolDay = (day: string) => weekday(day) >= 1 && weekday(day) <= 5;
/** The Friday of the day's week (the school week's last day). */
const weekEnd = (day: string) => addDays(day, (5 - weekday(day) + 7) % 7);

/** The next 07:00 on a weekday at the school, strictly after `now`. */
export function nextDigestAt(now: Date, timeZone: string): Date {
  let day = localDate(now, timeZone);
  for (let i = 0; i < 8; i++, day = addDays(day, 1)) {
    const at = zonedTime(day, DIGEST_TIME, timeZone);
    if (isSchoolDay(day) && at.getTime() > now.getTime()) return at;
  }
  return new Date(now.getTime() + 24 * HOUR_MS);
}

/**
 * The navigators' daily digest (src/alerts/README.md): at 07:00 school time on weekdays, one e-mail
 * (`digest.daily`, counts only) to each navigator with an address and something waiting: check-ins due
 * this week, open alerts, referrals waiting. Never twice for the same navigator and day (digest_sends).
 */
export function createDigest(deps: DigestDeps) {
  const { db, clock } = deps;

  /** Sends the day's digests of one school when it is a weekday there and 07:00 has passed; how many were queued. */
  async function sendFor(tenantId: string): Promise<number> {
    const zone = await deps.timeZoneOf(tenantId);
    const now = clock.now();
    const day = localDate(now, zone);
    if (!isSchoolDay(day) || now.getTime() < zonedTime(day, DIGEST_TIME, zone).getTime()) return 0;
    const navigatorIds = await deps.navigatorIdsOf(tenantId);
    const people = await deps.roster.findPeople(tenantId, navigatorIds);
    let sent = 0;
    for (const p of people) {
      const to = recipientAddress.safeParse(p.email ?? '');
      if (!to.success) continue;
      const [checkinsDue, openAlerts, referralsWaiting] = await Promise.all([deps.checkinsDueBy(tenantId, p.id, weekEnd(day)), deps.openAlertsFor(tenantId, p.id), deps.referralsWaitingFor(tenantId, p.id)]);
      if (checkinsDue + openAlerts + referralsWaiting === 0) continue;
      const queued = await db.transaction(async (tx) => {
        const claim = await repo.claimDigest(tx, tenantId, p.id, day, now);
        if (!claim) return false;
        const mailId = await deps.mail.queue(tx, { tenantId, to: to.data, template: 'digest.daily', params: { checkinsDue, openAlerts, referralsWaiting }, locale: isLocale(p.locale) ? p.locale : undefined });
        await repo.setDigestMail(tx, tenantId, claim, mailId);
        return true;
      });
      if (queued) sent++;
    }
    if (sent > 0) deps.logger.info({ tenantId, digests: sent }, 'daily digests queued');
    return sent;
  }

  return {
    sendFor: (tenantId: string) => withTenant(tenantId, () => sendFor(tenantId)),
    jobHandlers: {
      /** One school: today's digests if due, then the next weekday's 07:00 there. */
      [DIGEST_JOB]: async (tenantId: string) => {
        await withTenant(tenantId, () => sendFor(tenantId));
        await deps.jobs.enqueue(DIGEST_JOB, tenantId, nextDigestAt(clock.now(), await deps.timeZoneOf(tenantId)), tenantId);
      },
      /** Every school gets its digest job (kept at its earliest time when already pending); again in six hours for new schools. */
      [DIGEST_SCHEDULE_JOB]: () =>
        asSystem('schedule', async () => {
          for (const tenantId of await deps.tenantIds()) await deps.jobs.enqueue(DIGEST_JOB, tenantId, nextDigestAt(clock.now(), await deps.timeZoneOf(tenantId)), tenantId);
          await deps.jobs.enqueue(DIGEST_SCHEDULE_JOB, 'all', new Date(clock.now().getTime() + 6 * HOUR_MS));
        }),
    } as Record<string, (key: string) => Promise<void>>,
    /** Puts the schedule on the queue (kept if already there). Only the server entry calls it. */
    startSchedule: () => deps.jobs.enqueue(DIGEST_SCHEDULE_JOB, 'all', clock.now()),
  };
}
export type Digest = ReturnType<typeof createDigest>;
