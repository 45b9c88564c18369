import type { Db } from '../../db/client.js';
import { withTenant } from '../../db/tenant-scope.js';
import type { Clock } from '../../web/clock.js';
import type { Logger } from '../../web/logger.js';
import type { JobQueue } from '../../jobs/jobs.service.js';
import type { IdentitiesService } from '../../identities/identities.service.js';
import type { CourseScoreInput, StudentDataService } from '../../student-data/student-data.service.js';
import { ConnectorError, type Connector, type ConnectorRun } from '../connector.js';
import type { ConnectorsService } from '../connectors.service.js';
import { CanvasApiError, createCanvasClient, type CanvasClientOptions } from './canvas.client.js';
import { canvasConfigSchema, readAccountScores, readEnrollmentScore, type CanvasConfig, type CanvasScoreRow } from './canvas.reader.js';
import { affectedEnrollment, createLiveEventVerifier } from './canvas.live-events.js';

export const REFRESH_JOB = 'connectors.canvas.refresh';
/** grade_change and submission_updated of one grading arrive together: one refresh for both. */
const EVENT_DEBOUNCE_MS = 1000;

export interface CanvasDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  jobs: JobQueue;
  connectors: Pick<ConnectorsService, 'settingsOf' | 'recordRun' | 'syncSoon'>;
  identities: Pick<IdentitiesService, 'matchKnown'>;
  studentData: Pick<StudentDataService, 'upsertCourseScores' | 'endCourseScores' | 'today' | 'changed'>;
  fetch: typeof fetch;
  userAgent: string;
}

/** Client tuning (pauses, retries); tests shorten the waits. */
export type CanvasTuning = Pick<CanvasClientOptions, 'sleep' | 'lowWater' | 'msPerMissingUnit' | 'retries' | 'baseDelayMs' | 'maxDelayMs' | 'timeoutMs'>;

/** The kind a run fails with; never the outside message. */
function asConnectorError(err: unknown): unknown {
  if (err instanceof CanvasApiError) return new ConnectorError(err.kind, err.opts.retryAfterMs);
  return err;
}

function parseConfig(config: Readonly<Record<string, string>>): CanvasConfig {
  // Empty form fields mean "not set": the defaults apply.
  const given = Object.fromEntries(Object.entries(config).filter(([, v]) => v.trim() !== ''));
  const parsed = canvasConfigSchema.safeParse(given);
  if (!parsed.success) throw new ConnectorError('not_configured');
  return parsed.data;
}

/** The column holds numeric(6,2): an extra-credit oddity past it is held at the edge, not a failed run. */
const score = (n: number | null) => (n === null ? null : Math.max(-9999.99, Math.min(9999.99, Math.round(n * 100) / 100)));

const toInput = (personId: string, r: CanvasScoreRow): CourseScoreInput => ({
  personId,
  courseKey: r.courseId,
  courseTitle: r.courseTitle,
  periodKey: r.periodKey,
  currentScore: score(r.currentScore),
  finalScore: score(r.finalScore),
  missingCount: r.missingCount,
  lateCount: r.lateCount,
});

const outside = (rows: CanvasScoreRow[]) => {
  const byUser = new Map<string, { externalId: string; sisId: string | null; label?: string }>();
  for (const r of rows) if (!byUser.has(r.userId)) byUser.set(r.userId, { externalId: r.userId, sisId: r.sisUserId, ...(r.label ? { label: r.label } : {}) });
  return [...byUser.values()];
};

/**
 * Canvas: the REST connector (every course of the account, scores and missing/late counts, an admin
 * token) and the Live Events receiver (a verified event enqueues a refresh of the enrollment it names).
 */
export function createCanvasService(deps: CanvasDeps) {
  const tuning: CanvasTuning = {};
  const verifier = createLiveEventVerifier();
  const clientFor = (config: CanvasConfig, token: string, fetchImpl: typeof fetch) => createCanvasClient({ baseUrl: config.baseUrl, token, userAgent: deps.userAgent, fetch: fetchImpl, ...tuning });

  const connector: Connector = {
    kind: 'canvas',
    fields: [
      { name: 'baseUrl', label: 'connectorsCanvas.field.baseUrl', url: true },
      { name: 'accountId', label: 'connectorsCanvas.field.accountId' },
      { name: 'token', label: 'connectorsCanvas.field.token', secret: true },
      { name: 'liveEventsJwksUrl', label: 'connectorsCanvas.field.liveEventsJwksUrl', url: true },
      { name: 'rootAccountUuid', label: 'connectorsCanvas.field.rootAccountUuid' },
    ],
    /** Everything read first; an auth error (expired or revoked token) on any page leaves nothing written. */
    async sync(run: ConnectorRun): Promise<void> {
      const config = parseConfig(run.config);
      if (!run.secret) throw new ConnectorError('not_configured');
      let rows: CanvasScoreRow[];
      try {
        rows = await readAccountScores(clientFor(config, run.secret, run.fetch), config.accountId);
      } catch (err) {
        throw asConnectorError(err);
      }
      run.counted({ fetched: rows.length });
      const students = outside(rows);
      // The whole account is read: its students the tool does not know are left out, not queued.
      const { people, notInTool, queued } = await run.identities.matchKnown(run.tenantId, 'canvas', students);
      run.counted({ unmatched: queued, notInTool });
      const inputs = rows.flatMap((r) => {
        const personId = people.get(r.userId);
        return personId ? [toInput(personId, r)] : [];
      });
      await run.write(async (w) => {
        await w.courseScores(inputs);
        // Every active enrollment of the account was read: a standing not among them has ended. A read
        // that found nothing at all (a wrong account id reads as an empty account) ends nothing.
        if (rows.length) await w.endCourseScoresNotIn(inputs);
      });
      run.setCursor({ lastFullSyncAt: run.clock.now().toISOString() });
    },
  };

  /**
   * Re-reads one enrollment's scores (a Live Event named it) and upserts them in one transaction, as a
   * recorded run (trigger `event`). A refused token asks for a full sync, which puts the connector in
   * front of the admin; throttling and outages are retried by the job queue.
   */
  async function refresh(tenantId: string, courseId: string, userId: string): Promise<void> {
    const settings = await deps.connectors.settingsOf(tenantId, 'canvas');
    if (!settings?.enabled || !settings.secret) return;
    let config: CanvasConfig;
    try {
      config = parseConfig(settings.config);
    } catch {
      return;
    }
    const token = settings.secret;
    const touched: string[] = [];
    try {
      await deps.connectors.recordRun(tenantId, 'canvas', 'event', async (tally) => {
        let row: CanvasScoreRow | null;
        try {
          row = await readEnrollmentScore(clientFor(config, token, deps.fetch), courseId, userId);
        } catch (err) {
          throw asConnectorError(err);
        }
        if (!row) {
          // The enrollment is no longer active (deleted, concluded, inactive) or its course is gone: the standing has ended.
          const personId = (await deps.identities.matchKnown(tenantId, 'canvas', [{ externalId: userId }])).people.get(userId);
          if (!personId) return;
          const day = await deps.studentData.today(tenantId);
          const ended = await deps.db.transaction((tx) => deps.studentData.endCourseScores(tenantId, 'canvas', { personId, courseKey: courseId }, { tx, day }));
          tally.upserted += ended;
          if (ended) touched.push(personId);
          return;
        }
        tally.fetched += 1;
        const found = await deps.identities.matchKnown(tenantId, 'canvas', outside([row]));
        const personId = found.people.get(row.userId);
        if (!personId) {
          tally.unmatched += found.queued;
          tally.notInTool += found.notInTool;
          return;
        }
        const day = await deps.studentData.today(tenantId);
        tally.upserted += await deps.db.transaction((tx) => deps.studentData.upsertCourseScores(tenantId, 'canvas', [toInput(personId, row)], { tx, day }));
        touched.push(personId);
      });
    } catch (err) {
      if (err instanceof ConnectorError && err.kind === 'auth') {
        deps.logger.warn({ tenantId, kind: 'canvas', errorClass: 'auth' }, 'canvas refresh refused; full sync asked');
        await deps.connectors.syncSoon(tenantId, 'canvas');
        return;
      }
      throw err;
    }
    if (touched.length) await deps.studentData.changed(tenantId, touched);
  }

  async function refreshJob(key: string): Promise<void> {
    const [tenantId, courseId, userId] = key.split('/');
    if (!tenantId || !courseId || !userId) return;
    await withTenant(tenantId, () => refresh(tenantId, courseId, userId));
  }

  return {
    connector,
    tuning,
    refresh,
    jobHandlers: { [REFRESH_JOB]: refreshJob } as Record<string, (key: string) => Promise<void>>,
    /**
     * One delivery of Canvas Data Services: verified against the school's Live Events key set, then the
     * affected enrollment's refresh is enqueued (durable; repeated events coalesce on the job key).
     * `unknown`: no Canvas connector for that school. Nothing of the body is logged.
     */
    async receiveLiveEvent(tenantId: string, body: string): Promise<'accepted' | 'ignored' | 'refused' | 'unknown'> {
      return withTenant(tenantId, async () => {
        const settings = await deps.connectors.settingsOf(tenantId, 'canvas');
        if (!settings?.enabled) return 'unknown';
        let config: CanvasConfig;
        try {
          config = parseConfig(settings.config);
        } catch {
          return 'unknown';
        }
        const check = await verifier.verify(body, config.liveEventsJwksUrl, config.rootAccountUuid);
        if (!check.ok) {
          deps.logger.warn({ tenantId, kind: 'canvas', reason: check.reason }, 'canvas live event refused');
          return 'refused';
        }
        const target = affectedEnrollment(check.event);
        if (!target) return 'ignored';
        await deps.jobs.enqueue(REFRESH_JOB, `${tenantId}/${target.courseId}/${target.userId}`, new Date(deps.clock.now().getTime() + EVENT_DEBOUNCE_MS), tenantId);
        return 'accepted';
      });
    },
  };
}
export type CanvasService = ReturnType<typeof createCanvasService>;
