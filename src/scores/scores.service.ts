import type { Db } from '../db/client.js';
import type { Clock } from '../web/clock.js';
import type { Logger } from '../web/logger.js';
import type { Tenant } from '../platforms/platforms.service.js';
import type { Context, RosterService } from '../roster/roster.service.js';
import { isServiceError, type LtiServices } from '../lti/services/index.js';
import { agsScopes, createLineItem, listLineItems, listResults, postScore, type AgsTarget, type LineItem } from '../lti/services/ags.js';
import type { VisibleLineItem } from './scores.tables.js';
import { completionValue } from './scores.schemas.js';
import * as repo from './scores.repository.js';

export type { AgsContextRow } from './scores.repository.js';

/** Plan completion per student (person id -> 0..100). Students missing from the map get no score. */
export type CompletionOf = (tenantId: string, studentPersonIds: string[]) => Promise<Map<string, number>>;

/** The tool's own line item: found again by tag and resource id, never duplicated. */
export const SUCCESS_PLAN_ITEM = { label: 'Success plan', scoreMaximum: 100, resourceId: 'success-plan', tag: 'success-plan' } as const;

export interface ScoresDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  services: LtiServices;
  findTenant: (tenantId: string) => Promise<Tenant | undefined>;
  roster: RosterService;
  completionOf: CompletionOf;
  /** AGS `limit` for the tenant's LMS family (Canvas otherwise pages by 10). */
  pageSizeFor: (family: string) => number;
}

export interface PublishSummary {
  contextId: string;
  posted: number;
  /** Students without a completion value, or refused one by one (e.g. Canvas 422 for a non-student). */
  skipped: number;
  error: string | null;
}

/** AGS: the tool's own line item per advisory context, plan-completion scores, and what AGS shows us. */
export function createScoresService(deps: ScoresDeps) {
  const { db, clock, logger } = deps;
  const client = deps.services.client;

  async function targetFor(tenantId: string, context: Context): Promise<(AgsTarget & { pageSize: number }) | null> {
    if (!context.lineItemsUrl) return null;
    const tenant = await deps.findTenant(tenantId);
    if (!tenant) return null;
    return { tenant, lineItemsUrl: context.lineItemsUrl, contextScopes: context.agsScopes, pageSize: deps.pageSizeFor(tenant.family) };
  }

  /** Keeps the failure where the admin page can show it, and hands back the one-line reason. */
  async function recordFailure(tenantId: string, contextId: string, err: unknown): Promise<string> {
    const kind = isServiceError(err) ? err.kind : 'error';
    const message = isServiceError(err) ? err.summary : err instanceof Error ? err.message.slice(0, 300) : 'unknown error';
    await repo.saveAgsContext(db, tenantId, contextId, { lastErrorKind: kind, lastError: message, lastErrorAt: clock.now() });
    logger.warn({ tenantId, contextId, kind, error: message }, 'AGS call failed');
    return message;
  }

  async function ensureLineItem(tenantId: string, context: Context, target: AgsTarget & { pageSize: number }): Promise<LineItem> {
    const stored = await repo.findAgsContext(db, tenantId, context.id);
    const mine = (items: LineItem[]) => items.find((i) => i.tag === SUCCESS_PLAN_ITEM.tag && i.resourceId === SUCCESS_PLAN_ITEM.resourceId);
    let item = mine(await listLineItems(client, target, { tag: SUCCESS_PLAN_ITEM.tag, resourceId: SUCCESS_PLAN_ITEM.resourceId, limit: target.pageSize }));
    item ??= await createLineItem(client, target, { ...SUCCESS_PLAN_ITEM });
    if (stored?.lineItemUrl !== item.id) await repo.saveAgsContext(db, tenantId, context.id, { lineItemUrl: item.id });
    return item;
  }

  async function advisoryContexts(tenantId: string): Promise<Context[]> {
    return (await deps.roster.listContexts(tenantId)).filter((c) => c.kind === 'advisory' && c.lineItemsUrl);
  }

  async function publishContext(tenantId: string, contextId: string): Promise<PublishSummary> {
    const context = await deps.roster.findContext(tenantId, contextId);
    const target = context && (await targetFor(tenantId, context));
    if (!context || !target) return { contextId, posted: 0, skipped: 0, error: 'no_endpoint: no launch from this context carried an AGS endpoint' };
    // Subject courses (and courses nobody has decided on yet) never get a line item.
    if (context.kind !== 'advisory') return { contextId, posted: 0, skipped: 0, error: 'not_advisory: only advisories get the success plan score' };
    try {
      const item = await ensureLineItem(tenantId, context, target);
      const students = await deps.roster.listMembers(tenantId, contextId, { role: 'student', status: 'active' });
      const completion = await deps.completionOf(tenantId, students.map((s) => s.person.id));
      let posted = 0;
      let skipped = 0;
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
          posted++;
        } catch (err) {
          // One student refused (not a student in the LMS, concluded enrollment) must not stop the others.
          if (isServiceError(err) && err.kind === 'rejected') skipped++;
          else throw err;
        }
      }
      await repo.saveAgsContext(db, tenantId, contextId, { lastPublishedAt: clock.now(), scoresPosted: posted, scopes: agsScopes(target), lastErrorKind: null, lastError: null });
      return { contextId, posted, skipped, error: null };
    } catch (err) {
      return { contextId, posted: 0, skipped: 0, error: await recordFailure(tenantId, contextId, err) };
    }
  }

  /** Posts every advisory context's scores, when the admin has turned publishing on. */
  async function publishAll(tenantId: string): Promise<PublishSummary[]> {
    if (!(await repo.publishEnabled(db, tenantId))) return [];
    const out: PublishSummary[] = [];
    for (const c of await advisoryContexts(tenantId)) out.push(await publishContext(tenantId, c.id));
    return out;
  }

  /** Refreshes what AGS exposes in every context with an AGS endpoint. */
  async function inspectAll(tenantId: string): Promise<void> {
    for (const c of await deps.roster.listContexts(tenantId)) await inspectContext(tenantId, c);
  }

  /** Reads every line item AGS shows the tool in a context, and how many results each has. */
  async function inspectContext(tenantId: string, context: Context): Promise<void> {
    const target = await targetFor(tenantId, context);
    if (!target) return;
    try {
      const items = await listLineItems(client, target, { limit: target.pageSize });
      const visible: VisibleLineItem[] = [];
      for (const i of items) {
        let results: number | null = null;
        try {
          results = (await listResults(client, target, i.id, target.pageSize)).length;
        } catch (err) {
          if (!isServiceError(err) || err.kind !== 'not_granted') throw err;
        }
        visible.push({ id: i.id, label: i.label, tag: i.tag ?? null, resourceId: i.resourceId ?? null, results });
      }
      await repo.saveAgsContext(db, tenantId, context.id, { lineItems: visible, scopes: agsScopes(target), lastCheckedAt: clock.now(), lastErrorKind: null, lastError: null });
    } catch (err) {
      await repo.saveAgsContext(db, tenantId, context.id, { scopes: agsScopes(target), lastCheckedAt: clock.now() });
      await recordFailure(tenantId, context.id, err);
    }
  }

  return {
    publishEnabled: (tenantId: string) => repo.publishEnabled(db, tenantId),

    /** Turning publishing on creates the line items and posts what is known now; off just stops. */
    async setPublishing(tenantId: string, enabled: boolean, by: string | null): Promise<PublishSummary[]> {
      await repo.setPublishEnabled(db, tenantId, enabled, by, clock.now());
      if (!enabled) return [];
      const results = await publishAll(tenantId);
      // So the admin page shows the new column (and anything else AGS exposes) right away.
      await inspectAll(tenantId);
      return results;
    },

    publishAll,

    /** For the plans feature: republish one context after completions changed (no-op when off). */
    async publishContext(tenantId: string, contextId: string): Promise<PublishSummary | null> {
      if (!(await repo.publishEnabled(db, tenantId))) return null;
      return publishContext(tenantId, contextId);
    },

    inspectAll,

    /** The admin page: every context with its AGS endpoint and what we last saw there. */
    async overview(tenantId: string) {
      const rows = new Map((await repo.listAgsContexts(db, tenantId)).map((r) => [r.contextId, r]));
      const contexts = await deps.roster.listContexts(tenantId);
      return contexts.map((c) => ({ context: c, hasAgs: Boolean(c.lineItemsUrl), ags: rows.get(c.id) ?? null }));
    },
  };
}
export type ScoresService = ReturnType<typeof createScoresService>;
