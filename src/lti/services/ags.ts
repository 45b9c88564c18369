import { z } from 'zod';
import { ServiceError } from './errors.js';
import type { ServiceClient } from './http.js';
import { allowedScopes, scopes } from './scopes.js';
import type { TokenTenant } from './token.js';

export const AGS_MEDIA = {
  lineItemContainer: 'application/vnd.ims.lis.v2.lineitemcontainer+json',
  lineItem: 'application/vnd.ims.lis.v2.lineitem+json',
  resultContainer: 'application/vnd.ims.lis.v2.resultcontainer+json',
  score: 'application/vnd.ims.lis.v1.score+json',
} as const;

export const lineItem = z.object({
  id: z.string().min(1),
  scoreMaximum: z.coerce.number(),
  label: z.string().default(''),
  resourceId: z.string().nullish(),
  resourceLinkId: z.string().nullish(),
  tag: z.string().nullish(),
});
export type LineItem = z.infer<typeof lineItem>;

export const result = z.object({
  id: z.string().optional(),
  userId: z.string(),
  resultScore: z.number().nullish(),
  resultMaximum: z.number().nullish(),
  scoreOf: z.string().optional(),
});
export type AgsResult = z.infer<typeof result>;

export interface NewLineItem {
  label: string;
  scoreMaximum: number;
  resourceId?: string;
  tag?: string;
}

export interface Score {
  userId: string;
  scoreGiven: number;
  scoreMaximum: number;
  activityProgress: 'Initialized' | 'Started' | 'InProgress' | 'Submitted' | 'Completed';
  gradingProgress: 'FullyGraded' | 'Pending' | 'PendingManual' | 'Failed' | 'NotReady';
  /** ISO 8601 with sub-second precision: Canvas refuses a score older than the stored one. */
  timestamp: string;
  comment?: string;
}

/** How an LMS family wants AGS lists asked for (from src/lti/families). */
export interface AgsPaging {
  /** `limit` for line item and result lists. */
  pageSize: number;
  /** False where the results endpoint breaks on `limit` (Moodle 4.4 answers 500 when results exist). */
  limitResults: boolean;
}

/** What a platform registration plus one context's launch claim allow us to do with AGS. */
export interface AgsTarget {
  tenant: TokenTenant & { grantedScopes: string[] };
  lineItemsUrl: string;
  /** Scopes from the context's AGS launch claim (empty when unknown). */
  contextScopes: string[];
  /** Unset: no `limit` is sent, the platform's default page size applies. */
  paging?: AgsPaging;
}

const allAgs = [scopes.lineItem, scopes.lineItemReadonly, scopes.resultReadonly, scopes.score];

/** One token (one scope set) for every AGS call on a platform: fewer token requests, one cache entry. */
export function agsScopes(t: AgsTarget): string[] {
  return allowedScopes(allAgs, t.tenant.grantedScopes, t.contextScopes);
}

function need(t: AgsTarget, anyOf: string[], what: string): string[] {
  const granted = agsScopes(t);
  if (!anyOf.some((s) => granted.includes(s))) throw new ServiceError('not_granted', `the platform did not grant the scope to ${what}`);
  return granted;
}

/** `.../line_items/7` + `scores` -> `.../line_items/7/scores`, keeping any query string. */
function subResource(lineItemUrl: string, name: string): URL {
  const url = new URL(lineItemUrl);
  url.pathname = `${url.pathname.replace(/\/$/, '')}/${name}`;
  return url;
}

export async function listLineItems(client: ServiceClient, t: AgsTarget, filter: { tag?: string; resourceId?: string } = {}): Promise<LineItem[]> {
  const granted = need(t, [scopes.lineItem, scopes.lineItemReadonly], 'list line items');
  const url = new URL(t.lineItemsUrl);
  if (filter.tag) url.searchParams.set('tag', filter.tag);
  if (filter.resourceId) url.searchParams.set('resource_id', filter.resourceId);
  if (t.paging) url.searchParams.set('limit', String(t.paging.pageSize));
  const items: LineItem[] = [];
  for await (const page of client.pages({ tenant: t.tenant, scopes: granted, url: url.toString(), accept: AGS_MEDIA.lineItemContainer, schema: z.array(lineItem) })) {
    items.push(...page);
  }
  return items;
}

export async function createLineItem(client: ServiceClient, t: AgsTarget, item: NewLineItem): Promise<LineItem> {
  const granted = need(t, [scopes.lineItem], 'create line items');
  const res = await client.call({
    tenant: t.tenant,
    scopes: granted,
    method: 'POST',
    url: t.lineItemsUrl,
    accept: AGS_MEDIA.lineItem,
    contentType: AGS_MEDIA.lineItem,
    body: item,
    schema: lineItem,
  });
  return res.data;
}

export async function postScore(client: ServiceClient, t: AgsTarget, lineItemUrl: string, score: Score): Promise<void> {
  const granted = need(t, [scopes.score], 'post scores');
  await client.call({
    tenant: t.tenant,
    scopes: granted,
    method: 'POST',
    url: subResource(lineItemUrl, 'scores').toString(),
    // Canvas answers {resultUrl}, others 204 or the score: nothing in it is needed.
    accept: 'application/json',
    contentType: AGS_MEDIA.score,
    body: score,
    schema: z.unknown(),
  });
}

export async function listResults(client: ServiceClient, t: AgsTarget, lineItemUrl: string): Promise<AgsResult[]> {
  const granted = need(t, [scopes.resultReadonly], 'read results');
  const url = subResource(lineItemUrl, 'results');
  if (t.paging?.limitResults) url.searchParams.set('limit', String(t.paging.pageSize));
  const results: AgsResult[] = [];
  for await (const page of client.pages({ tenant: t.tenant, scopes: granted, url: url.toString(), accept: AGS_MEDIA.resultContainer, schema: z.array(result) })) {
    results.push(...page);
  }
  return results;
}
