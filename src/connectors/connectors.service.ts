import type { Db } from '../db/client.js';
import type { Clock } from '../web/clock.js';
import type { Logger } from '../web/logger.js';
import type { AppUser } from '../auth/user.js';
import { asSystem, withTenant } from '../db/tenant-scope.js';
import { authorize, canMap } from '../policies/policy.js';
import { connectorActions, connectorPolicy } from '../policies/connector.js';
import { errorClassOf, type JobQueue } from '../jobs/jobs.service.js';
import type { IdentitiesService } from '../identities/identities.service.js';
import type { StudentDataService } from '../student-data/student-data.service.js';
import type { BadRow, ConnectorKind, RunTrigger } from './connectors.tables.js';
import { ConnectorError, type Connector, type ConnectorRun, type RunWriter } from './connector.js';
import type { SecretBox } from './secret-box.js';
import * as repo from './connectors.repository.js';
import { settingsForm } from './connectors.schemas.js';
import { validForm } from '../web/forms.js';
import { notFound } from '../web/errors.js';
import type { AuditService } from '../audit/audit.service.js';

export const SYNC_JOB = 'connectors.sync';
export const SCHEDULE_JOB = 'connectors.schedule';

export interface ConnectorsDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  jobs: JobQueue;
  identities: Pick<IdentitiesService, 'matchKnown'>;
  audit: Pick<AuditService, 'record'>;
  studentData: StudentDataService;
  secrets: SecretBox;
  fetch: typeof fetch;
  /** How often every enabled connector syncs in the background. */
  intervalMs: number;
}

/** Counts of one run, kept as it goes and written when it ends. */
export interface RunTally {
  fetched: number;
  upserted: number;
  unmatched: number;
  /** Students of the source the tool does not know: left out, not queued. */
  notInTool: number;
  badRows: BadRow[];
  rejected: number;
}

const syncKey = (tenantId: string, kind: ConnectorKind) => `${tenantId}/${kind}`;

/**
 * The data sources beside LTI (src/connectors/README.md): each connector is one module behind
 * `Connector`; this runs them on the job queue (one run per school and source at a time, retried with
 * backoff), records every run, and keeps each school's settings with the secret sealed.
 */
export function createConnectorsService(deps: ConnectorsDeps) {
  const { db, clock, logger } = deps;
  const connectors = new Map<ConnectorKind, Connector>();

  /**
   * Records a run around `work` (connector syncs and file imports alike): started, finished, counts,
   * the error's class. The work's own transaction decides what lands; the record lands either way.
   */
  async function recordRun<T>(tenantId: string, kind: string, trigger: RunTrigger, work: (tally: RunTally, runId: string) => Promise<T>): Promise<{ runId: string; result: T }> {
    const runId = await repo.startRun(db, tenantId, kind, trigger, clock.now());
    const tally: RunTally = { fetched: 0, upserted: 0, unmatched: 0, notInTool: 0, rejected: 0, badRows: [] };
    try {
      const result = await work(tally, runId);
      await repo.finishRun(db, tenantId, runId, { status: 'succeeded', at: clock.now(), ...tally, errorClass: null });
      return { runId, result };
    } catch (err) {
      await repo.finishRun(db, tenantId, runId, { status: 'failed', at: clock.now(), ...tally, upserted: 0, errorClass: errorClassOf(err) });
      throw err;
    }
  }

  /** One connector's run for one school: everything read first, then written in one transaction. */
  async function sync(tenantId: string, kind: ConnectorKind, trigger: RunTrigger): Promise<void> {
    const connector = connectors.get(kind);
    const settings = await repo.findSettings(db, tenantId, kind);
    if (!connector || !settings?.enabled) return;
    let nextCursor: Record<string, string> | undefined;
    const touched = new Set<string>();
    try {
      await recordRun(tenantId, kind, trigger, async (tally) => {
        const source = kind === 'push' ? 'push' : kind;
        const run: ConnectorRun = {
          tenantId,
          trigger,
          config: settings.config,
          secret: settings.secret ? deps.secrets.open(settings.secret) : null,
          cursor: settings.cursor,
          setCursor: (next) => (nextCursor = next),
          counted: (c) => {
            tally.fetched += c.fetched ?? 0;
            tally.unmatched += c.unmatched ?? 0;
            tally.notInTool += c.notInTool ?? 0;
            tally.rejected += c.rejected?.length ?? 0;
            tally.badRows.push(...(c.rejected ?? []));
          },
          fetch: deps.fetch,
          clock,
          identities: deps.identities,
          write: async (work) => {
            const day = await deps.studentData.today(tenantId);
            return db.transaction(async (tx) => {
              const track = <R extends { personId: string }>(rows: readonly R[]) => rows.forEach((r) => touched.add(r.personId));
              const writer: RunWriter = {
                courseScores: async (rows) => (track(rows), add(await deps.studentData.upsertCourseScores(tenantId, source, rows, { tx, day }))),
                endCourseScoresNotIn: async (seen) => {
                  const ended = await deps.studentData.endCourseScoresNotIn(tenantId, source, seen, { tx, day });
                  for (const p of ended) touched.add(p);
                  return add(ended.length);
                },
                attendance: async (rows) => (track(rows), add(await deps.studentData.upsertAttendance(tenantId, source, rows, tx))),
                incidents: async (rows) => (track(rows), add(await deps.studentData.upsertIncidents(tenantId, source, rows, tx))),
              };
              const add = (n: number) => ((tally.upserted += n), n);
              return work(writer);
            });
          },
        };
        await connector.sync(run);
        if (nextCursor) await repo.setCursor(db, tenantId, kind, nextCursor);
        await repo.setStatus(db, tenantId, kind, 'ok', null);
      });
    } catch (err) {
      touched.clear();
      if (err instanceof ConnectorError && (err.kind === 'auth' || err.kind === 'not_configured')) {
        // The school's credentials: retrying cannot help until an admin acts, and the page says so.
        await repo.setStatus(db, tenantId, kind, 'needs_attention', err.kind);
        logger.warn({ tenantId, kind, errorClass: err.kind }, 'connector needs an admin');
        return;
      }
      logger.warn({ tenantId, kind, errorClass: errorClassOf(err) }, 'connector run failed; retried');
      throw err;
    } finally {
      if (touched.size > 0) await deps.studentData.changed(tenantId, touched);
    }
  }

  async function syncJob(key: string): Promise<void> {
    const [tenantId, kind] = key.split('/');
    const connector = connectors.get(kind as ConnectorKind);
    if (!tenantId || !connector) return;
    await withTenant(tenantId, () => sync(tenantId, connector.kind, 'schedule'));
  }

  async function scheduleJob(): Promise<void> {
    await asSystem('schedule', async () => {
      for (const c of await repo.enabledConnectors(db)) if (connectors.has(c.kind)) await deps.jobs.enqueue(SYNC_JOB, syncKey(c.tenantId, c.kind), clock.now(), c.tenantId);
      await deps.jobs.enqueue(SCHEDULE_JOB, 'all', new Date(clock.now().getTime() + deps.intervalMs));
    });
  }

  /** Saves a school's settings for a source, the secret sealed; audited without any of the values. */
  async function save(user: AppUser, kind: ConnectorKind, input: { config: Record<string, string>; secret: string | null; enabled: boolean }): Promise<void> {
    authorize(connectorPolicy, user, 'configure', { tenantId: user.tenantId });
    await db.transaction(async (tx) => {
      await repo.saveSettings(tx, user.tenantId, kind, { config: input.config, secret: input.secret ? deps.secrets.seal(input.secret) : null, enabled: input.enabled, by: user.personId, at: clock.now() });
      await deps.audit.record(user, { action: 'update', entity: 'connector', entityId: null }, tx);
    });
  }

  return {
    register(connector: Connector): void {
      if (connectors.has(connector.kind)) throw new Error(`connector ${connector.kind} is registered twice`);
      connectors.set(connector.kind, connector);
    },
    recordRun,
    /** Runs a school's connector here and now (tests, the CLI); the job queue's lock keeps it single. */
    syncNow: (tenantId: string, kind: ConnectorKind, trigger: RunTrigger) =>
      deps.jobs.runNow(SYNC_JOB, syncKey(tenantId, kind), () => withTenant(tenantId, () => sync(tenantId, kind, trigger)), tenantId),
    /** A sync soon (an admin's button, an event that names changed data); enqueueing twice runs it once. */
    syncSoon: (tenantId: string, kind: ConnectorKind, delayMs = 0) => deps.jobs.enqueue(SYNC_JOB, syncKey(tenantId, kind), new Date(clock.now().getTime() + delayMs), tenantId),
    /** A connector's settings for its own use (the Live Events receiver reads its key set URL); secret opened. */
    async settingsOf(tenantId: string, kind: ConnectorKind): Promise<{ config: Record<string, string>; secret: string | null; enabled: boolean } | null> {
      const s = await repo.findSettings(db, tenantId, kind);
      return s ? { config: s.config, secret: s.secret ? deps.secrets.open(s.secret) : null, enabled: s.enabled } : null;
    },
    /** The admin page: every registered source with its settings (secrets never shown back) and the recent runs. */
    async overview(user: AppUser) {
      authorize(connectorPolicy, user, 'view', { tenantId: user.tenantId });
      const [settings, runs] = await Promise.all([repo.listSettings(db, user.tenantId), repo.recentRuns(db, user.tenantId, 20, [...connectors.keys()])]);
      const byKind = new Map(settings.map((s) => [s.kind, s]));
      return {
        connectors: [...connectors.values()].map((c) => {
          const s = byKind.get(c.kind);
          return {
            kind: c.kind,
            fields: c.fields.map((f) => ({ ...f, value: f.secret ? '' : (s?.config[f.name] ?? ''), saved: f.secret ? Boolean(s?.secret) : undefined })),
            enabled: s?.enabled ?? false,
            configured: Boolean(s),
            status: s?.status ?? null,
            statusReason: s?.statusReason ?? null,
          };
        }),
        runs,
        can: canMap(connectorPolicy, user, connectorActions, { tenantId: user.tenantId }),
      };
    },
    /** A school's latest runs of these kinds (the file imports' page lists its own). */
    async recentRuns(user: AppUser, kinds: string[]) {
      authorize(connectorPolicy, user, 'view', { tenantId: user.tenantId });
      return repo.recentRuns(db, user.tenantId, 20, kinds);
    },
    /**
     * Saves a source's settings from the admin page's form (InvalidInput for a bad one, after the policy):
     * an empty secret field keeps the saved secret.
     */
    async saveForm(user: AppUser, kind: ConnectorKind, posted: unknown): Promise<void> {
      authorize(connectorPolicy, user, 'configure', { tenantId: user.tenantId });
      const connector = connectors.get(kind);
      if (!connector) throw notFound();
      const form = validForm(settingsForm(connector).safeParse(posted), user.locale);
      const config: Record<string, string> = {};
      let secret: string | null = null;
      for (const f of connector.fields) {
        const value = (form as Record<string, string | undefined>)[f.name] ?? '';
        if (f.secret) secret = value || null;
        else config[f.name] = value;
      }
      await save(user, kind, { config, secret, enabled: form.enabled === 'on' });
    },
    /** Saves settings a program made (the push token of /admin/data); a null secret keeps the saved one. */
    save,
    async runSoon(user: AppUser, kind: ConnectorKind): Promise<void> {
      authorize(connectorPolicy, user, 'run', { tenantId: user.tenantId });
      await deps.jobs.enqueue(SYNC_JOB, syncKey(user.tenantId, kind), clock.now(), user.tenantId);
    },
    connector: (kind: ConnectorKind) => connectors.get(kind),
    jobHandlers: { [SYNC_JOB]: syncJob, [SCHEDULE_JOB]: () => scheduleJob() } as Record<string, (key: string) => Promise<void>>,
    startSchedule: () => deps.jobs.enqueue(SCHEDULE_JOB, 'all', new Date(clock.now().getTime() + deps.intervalMs)),
  };
}
export type ConnectorsService = ReturnType<typeof createConnectorsService>;
