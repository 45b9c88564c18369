import type { Db } from '../db/client.js';
import type { Clock } from '../web/clock.js';
import type { Logger } from '../web/logger.js';
import type { Tenant } from '../platforms/platforms.service.js';
import type { Context, RosterService } from '../roster/roster.service.js';
import type { JobQueue } from '../jobs/jobs.service.js';
import { systemActor, type AuditService } from '../audit/audit.service.js';
import { isServiceError, type LtiServices } from '../lti/services/index.js';
import { agsScopes, createLineItem, listLineItems, listResults, postScore, type AgsTarget, type LineItem } from '../lti/services/ags.js';
import type { VisibleLineItem } from './scores.tables.js';
import { completionValue, publishSettingForm } from './scores.schemas.js';
import type { AppUser } from '../auth/user.js';
import { authorize } from '../policies/policy.js';
import { scoresPolicy } from '../policies/scores.js';
import { badRequest, message } from '../web/errors.js';
import * as repo from './scores.repository.js';
import { asSystem, withTenant } from '../db/tenant-scope.js';
import { agsPaging } from '../lti/families/index.js';

export type { AgsContextRow, PublishRun } from './scores.repository.js';

/** Plan completion per student (person id -> 0..100). Students missing from the map get no score. */
export type CompletionOf = (tenantId: string, studentPersonIds: string[]) => Promise<Map<string, number>>;

/** The tool's own line item: found again by tag and resource id, never duplicated. */
export const SUCCESS_PLAN_ITEM = { label: 'Success plan', scoreMaximum: 100, resourceId: 'success-plan', tag: 'success-plan' } as const;

/** Job types on the queue (src/jobs): one context's publish (key tenantId/contextId), and the schedule (key "all"). */
export const PUBLISH_JOB = 'scores.publish';
export const SCHEDULE_JOB = 'scores.schedule';
const publishKey = (tenantId: string, contextId: string) => `${tenantId}/${contextId}`;

/** Failures that waiting may cure (the LMS down, slow, or a token hiccup); not granted, not found or refused will not. */
const TRANSIENT = new Set(['unavailable', 'timeout', 'unauthorized', 'error']);

/** What an admin reads for a results call that failed. */
const REASONS: Record<string, string> = { not_granted: 'not granted', not_found: 'not found', timeout: 'timeout' };
const reasonFor = (kind: string) => REASONS[kind] ?? 'LMS error';

export interface ScoresDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  services: LtiServices;
  findTenant: (tenantId: string) => Promise<Tenant | undefined>;
  roster: RosterService;
  completionOf: CompletionOf;
  /** Each publish is a disclosure of the students' plan completion to the LMS: audited as the tool's own act. */
  audit: Pick<AuditService, 'record'>;
  /** The background queue; the app registers `jobHandlers` on it. */
  jobs: JobQueue;
  /** Plan changes within this window make one publish per course. */
  debounceMs: number;
  /** Every advisory course with publishing on is published this often. */
  intervalMs: number;
}

export interface PublishSummary {
  contextId: string;
  posted: number;
  /** Students without a completion value, or refused one by one (e.g. Canvas 422 for a non-student). */
  skipped: number;
  error: string | null;
  /** The ServiceError kind (or no_endpoint, busy, error) when it failed. */
  errorKind: string | null;
}

/** A background publish that may work later: thrown so the queue retries it and records the kind. */
class PublishFailed extends Error {
  override readonly name = 'PublishFailed';
  constructor(readonly kind: string) {
    super(`score publish failed: ${kind}`);
  }
}

const kindOf = (err: unknown) => (isServiceError(err) ? err.kind : 'error');

/** AGS: the tool's own line item per advisory context, plan-completion scores, and what AGS shows us. */
export function createScoresService(deps: ScoresDeps) {
  const { db, clock, logger } = deps;
  const client = deps.services.client;

  async function targetFor(tenantId: string, context: Context): Promise<AgsTarget | null> {
    if (!context.lineItemsUrl) return null;
    const tenant = await deps.findTenant(tenantId);
    if (!tenant) return null;
    return { tenant, lineItemsUrl: context.lineItemsUrl, contextScopes: context.agsScopes, paging: agsPaging(tenant.lms) };
  }

  /** Keeps the failure where the admin page can show it, and hands back the one-line reason. */
  async function recordFailure(tenantId: string, contextId: string, err: unknown): Promise<string> {
    const kind = kindOf(err);
    const message = isServiceError(err) ? err.summary : err instanceof Error ? err.message.slice(0, 300) : 'unknown error';
    await repo.saveAgsContext(db, tenantId, contextId, { lastErrorKind: kind, lastError: message, lastErrorAt: clock.now() });
    logger.warn({ tenantId, contextId, kind, error: message }, 'AGS call failed');
    return message;
  }

  async function ensureLineItem(tenantId: string, context: Context, target: AgsTarget): Promise<LineItem> {
    const stored = await repo.findAgsContext(db, tenantId, context.id);
    const mine = (items: LineItem[]) => items.find((i) => i.tag === SUCCESS_PLAN_ITEM.tag && i.resourceId === SUCCESS_PLAN_ITEM.resourceId);
    let item = mine(await listLineItems(client, target, { tag: SUCCESS_PLAN_ITEM.tag, resourceId: SUCCESS_PLAN_ITEM.resourceId }));
    item ??= await createLineItem(client, target, { ...SUCCESS_PLAN_ITEM });
    if (stored?.lineItemUrl !== item.id) await repo.saveAgsContext(db, tenantId, context.id, { lineItemUrl: item.id });
    return item;
  }

  /** Only advisories get the tool's column; subject courses never get line items. */
  async function advisoryContexts(tenantId: string): Promise<Context[]> {
    return (await deps.roster.listContexts(tenantId)).filter((c) => c.kind === 'advisory' && c.lineItemsUrl);
  }

  async function postScores(tenantId: string, context: Context, target: AgsTarget): Promise<{ posted: number; skipped: number }> {
    const item = await ensureLineItem(tenantId, context, target);
    const students = await deps.roster.listMembers(tenantId, context.id, { role: 'student', status: 'active' });
    const completion = await deps.completionOf(tenantId, students.map((s) => s.person.id));
    const postedIds: string[] = [];
    let skipped = 0;
    try {
      for (const { person } of students) {
        const value = completionValue.safeParse(completion.get(person.id));
        if (!value.success) {
          skipped++;
          continue;
        }
        try {
          await postScore(client, target, item.id, {
            userId: person.sub,
            scoreGiven: value.data,
            scoreMaximum: SUCCESS_PLAN_ITEM.scoreMaximum,
            activityProgress: value.data >= 100 ? 'Completed' : 'InProgress',
            gradingProgress: 'FullyGraded',
            timestamp: clock.now().toISOString(),
          });
          postedIds.push(person.id);
        } catch (err) {
          // One student refused (not a student in the LMS, concluded enrollment) must not stop the others.
          if (isServiceError(err) && err.kind === 'rejected') skipped++;
          else throw err;
        }
      }
    } finally {
      // Whatever reached the LMS is audited, also when the LMS failed part way.
      if (postedIds.length > 0) await deps.audit.record(systemActor(tenantId), { action: 'publish', entity: 'plan_score', entityId: context.id, studentIds: postedIds });
    }
    const posted = postedIds.length;
    await repo.saveAgsContext(db, tenantId, context.id, { lastPublishedAt: clock.now(), scoresPosted: posted, scopes: agsScopes(target), lastErrorKind: null, lastError: null });
    return { posted, skipped };
  }

  /** One context's publish, recorded as a run (times, outcome, counts, error kind). */
  async function publishContext(tenantId: string, contextId: string, trigger: 'manual' | 'background'): Promise<PublishSummary> {
    const context = await deps.roster.findContext(tenantId, contextId);
    if (!context) return { contextId, posted: 0, skipped: 0, error: 'no_endpoint: unknown context', errorKind: 'no_endpoint' };
    const runId = await repo.startRun(db, { tenantId, contextId, trigger, startedAt: clock.now() });
    let summary: PublishSummary;
    const target = await targetFor(tenantId, context);
    // Subject courses (and courses nobody has decided on yet) never get a line item.
    if (context.kind !== 'advisory') {
      summary = { contextId, posted: 0, skipped: 0, error: 'not_advisory: only advisories get the success plan score', errorKind: 'not_advisory' };
    } else if (!target) {
      summary = { contextId, posted: 0, skipped: 0, error: 'no_endpoint: no launch from this context carried an AGS endpoint', errorKind: 'no_endpoint' };
    } else {
      try {
        summary = { contextId, ...(await postScores(tenantId, context, target)), error: null, errorKind: null };
      } catch (err) {
        summary = { contextId, posted: 0, skipped: 0, error: await recordFailure(tenantId, contextId, err), errorKind: kindOf(err) };
      }
    }
    await repo.finishRun(db, tenantId, runId, { status: summary.errorKind ? 'failed' : 'succeeded', finishedAt: clock.now(), posted: summary.posted, skipped: summary.skipped, errorKind: summary.errorKind });
    logger.info({ tenantId, contextId, runId, trigger, posted: summary.posted, skipped: summary.skipped, errorKind: summary.errorKind }, 'score publish done');
    return summary;
  }

  /** A person's publish: holds the context's job, so it never overlaps a background run of it in any process. */
  async function publishNow(tenantId: string, contextId: string): Promise<PublishSummary> {
    const out = await deps.jobs.runNow(PUBLISH_JOB, publishKey(tenantId, contextId), () => publishContext(tenantId, contextId, 'manual'), tenantId);
    return out ?? { contextId, posted: 0, skipped: 0, error: 'busy: a publish of this course is running in the background', errorKind: 'busy' };
  }

  /** Posts every advisory context's scores, when the admin has turned publishing on. */
  async function publishAll(tenantId: string): Promise<PublishSummary[]> {
    if (!(await repo.publishEnabled(db, tenantId))) return [];
    const out: PublishSummary[] = [];
    for (const c of await advisoryContexts(tenantId)) out.push(await publishNow(tenantId, c.id));
    return out;
  }

  /** Refreshes what AGS exposes in every context with an AGS endpoint. */
  async function inspectAll(tenantId: string): Promise<void> {
    for (const c of await deps.roster.listContexts(tenantId)) await inspectContext(tenantId, c);
  }

  /**
   * Reads every line item AGS shows the tool in a context, and how many results each has. One line
   * item whose results cannot be read is kept with the reason; the others are still shown.
   */
  async function inspectContext(tenantId: string, context: Context): Promise<void> {
    const target = await targetFor(tenantId, context);
    if (!target) return;
    try {
      const items = await listLineItems(client, target);
      const visible: VisibleLineItem[] = [];
      for (const i of items) {
        let results: number | null = null;
        let problem: string | null = null;
        try {
          results = (await listResults(client, target, i.id)).length;
        } catch (err) {
          problem = kindOf(err);
          logger.warn({ tenantId, contextId: context.id, kind: problem }, 'AGS results call failed');
        }
        visible.push({ id: i.id, label: i.label, tag: i.tag ?? null, resourceId: i.resourceId ?? null, results, problem });
      }
      await repo.saveAgsContext(db, tenantId, context.id, { lineItems: visible, scopes: agsScopes(target), lastCheckedAt: clock.now(), lastErrorKind: null, lastError: null });
    } catch (err) {
      await repo.saveAgsContext(db, tenantId, context.id, { scopes: agsScopes(target), lastCheckedAt: clock.now() });
      await recordFailure(tenantId, context.id, err);
    }
  }

  /** Queue handler: one context, when publishing is (still) on and it is (still) an advisory. */
  async function publishJob(key: string): Promise<void> {
    const [tenantId, contextId] = key.split('/');
    if (!tenantId || !contextId) return;
    await withTenant(tenantId, () => publishQueued(tenantId, contextId));
  }

  async function publishQueued(tenantId: string, contextId: string): Promise<void> {
    if (!(await repo.publishEnabled(db, tenantId))) return;
    const context = await deps.roster.findContext(tenantId, contextId);
    if (context?.kind !== 'advisory') return;
    const summary = await publishContext(tenantId, contextId, 'background');
    if (summary.errorKind && TRANSIENT.has(summary.errorKind)) throw new PublishFailed(summary.errorKind);
  }

  /** Queue handler: every advisory context of every tenant publishing, then the next round. */
  function scheduleJob(): Promise<void> {
    return asSystem('schedule', () => enqueueRound());
  }

  async function enqueueRound(): Promise<void> {
    for (const tenantId of await repo.tenantsPublishing(db)) {
      if (!(await deps.findTenant(tenantId))?.active) continue;
      for (const c of await advisoryContexts(tenantId)) await deps.jobs.enqueue(PUBLISH_JOB, publishKey(tenantId, c.id), clock.now(), tenantId);
    }
    await deps.jobs.enqueue(SCHEDULE_JOB, 'all', new Date(clock.now().getTime() + deps.intervalMs));
  }

  /** Turning publishing on creates the line items and posts what is known now; off just stops. */
  async function setPublishing(tenantId: string, enabled: boolean, by: string | null): Promise<PublishSummary[]> {
    await repo.setPublishEnabled(db, tenantId, enabled, by, clock.now());
    if (!enabled) return [];
    const results = await publishAll(tenantId);
    // So the admin page shows the new column (and anything else AGS exposes) right away.
    await inspectAll(tenantId);
    return results;
  }

  /** The admin page: every context with its AGS endpoint, what we last saw there, and its last publish. */
  async function overview(tenantId: string) {
    const rows = new Map((await repo.listAgsContexts(db, tenantId)).map((r) => [r.contextId, r]));
    const lastRun = new Map<string, repo.PublishRun>();
    for (const r of await repo.listRuns(db, tenantId, undefined, 200)) if (!lastRun.has(r.contextId)) lastRun.set(r.contextId, r);
    const contexts = await deps.roster.listContexts(tenantId);
    return contexts.map((c) => {
      const ags = rows.get(c.id) ?? null;
      return {
        context: c,
        hasAgs: Boolean(c.lineItemsUrl),
        ags,
        // Rows kept before failures were classified held null results only when results were not granted.
        lineItems: (ags?.lineItems ?? []).map((i) => ({ ...i, unknownReason: i.results === null ? reasonFor(i.problem ?? 'not_granted') : null })),
        lastRun: lastRun.get(c.id) ?? null,
      };
    });
  }

  return {
    publishEnabled: (tenantId: string) => repo.publishEnabled(db, tenantId),
    setPublishing,

    /** /admin/scores for an admin of the tenant: the switch and what AGS exposes per course. */
    async adminPage(user: AppUser) {
      authorize(scoresPolicy, user, 'view', { tenantId: user.tenantId });
      return { publishEnabled: await repo.publishEnabled(db, user.tenantId), contexts: await overview(user.tenantId) };
    },

    /** The admin's switch as posted (`publish`: on or off); what turning it on published. */
    async configure(user: AppUser, posted: unknown): Promise<{ enabled: boolean; results: PublishSummary[] }> {
      authorize(scoresPolicy, user, 'configure', { tenantId: user.tenantId });
      const form = publishSettingForm.safeParse(posted);
      if (!form.success) throw badRequest(message('scores.publish.choose'));
      const enabled = form.data.publish === 'on';
      return { enabled, results: await setPublishing(user.tenantId, enabled, user.personId) };
    },

    /** The admin's "publish now" for every advisory course of the tenant. */
    async publish(user: AppUser): Promise<PublishSummary[]> {
      authorize(scoresPolicy, user, 'publish', { tenantId: user.tenantId });
      return publishAll(user.tenantId);
    },

    /** The admin's "check what AGS shows" for every course of the tenant. */
    async inspect(user: AppUser): Promise<void> {
      authorize(scoresPolicy, user, 'view', { tenantId: user.tenantId });
      await inspectAll(user.tenantId);
    },

    publishAll,
    inspectAll,

    /** For the app to register on the queue (src/web/app.ts). */
    jobHandlers: { [PUBLISH_JOB]: publishJob, [SCHEDULE_JOB]: () => scheduleJob() } as Record<string, (key: string) => Promise<void>>,

    /** What each publish job is about, for /admin/jobs: its course's title (keys are tenantId/contextId). */
    jobDescribers: {
      [PUBLISH_JOB]: async (tenantId: string, keys: string[]) => {
        const titles = new Map((await deps.roster.listContexts(tenantId)).map((c) => [publishKey(tenantId, c.id), c.title || c.label || c.contextId]));
        return new Map(keys.flatMap((k) => (titles.has(k) ? [[k, titles.get(k)!] as const] : [])));
      },
    } as Record<string, (tenantId: string, keys: string[]) => Promise<Map<string, string>>>,

    /**
     * For the plans feature: a student's plan changed. Each advisory course of theirs gets a publish
     * after the debounce window (more changes in the window join it). Never throws at the save.
     */
    async planChanged(tenantId: string, studentId: string): Promise<void> {
      try {
        if (!(await repo.publishEnabled(db, tenantId))) return;
        const runAfter = new Date(clock.now().getTime() + deps.debounceMs);
        for (const m of await deps.roster.listMembershipsOf(tenantId, studentId)) {
          if (m.role !== 'student') continue;
          const context = await deps.roster.findContext(tenantId, m.contextId);
          if (context?.kind === 'advisory' && context.lineItemsUrl) await deps.jobs.enqueue(PUBLISH_JOB, publishKey(tenantId, context.id), runAfter, tenantId);
        }
      } catch (err) {
        logger.error({ tenantId, error: err instanceof Error ? err.name : 'unknown' }, 'could not queue a score publish after a plan change');
      }
    },

    /** Puts the schedule on the queue (kept if already there). Only the server entry calls it. */
    startSchedule: () => deps.jobs.enqueue(SCHEDULE_JOB, 'all', new Date(clock.now().getTime() + deps.intervalMs)),

    listRuns: (tenantId: string, contextId?: string, limit?: number) => repo.listRuns(db, tenantId, contextId, limit),

    /** Age of the oldest last successful publish over every published context with publishing on (for /metrics); null when none. */
    async publishLagSeconds(): Promise<number | null> {
      const oldest = await repo.oldestLastPublish(db);
      return oldest ? Math.max(0, (clock.now().getTime() - oldest.getTime()) / 1000) : null;
    },

    overview,
  };
}
export type ScoresService = ReturnType<typeof createScoresService>;
