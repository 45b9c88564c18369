import LinkHeader from 'http-link-header';
import { z } from 'zod';
import type { Clock } from '../../web/clock.js';
import { ConnectorError } from '../connector.js';
import { defaultBackoff, jsonOf, sendWithBackoff, type Backoff } from '../http-backoff.js';

/**
 * OneRoster 1.2 REST (rostering and gradebook services) with OAuth 2.0 client credentials as the
 * 1EdTech Security Framework asks: the client id and secret sent with HTTP Basic to the token URL,
 * the spec's scope names, the bearer token reused until shortly before `expires_in` runs out.
 * Collections are read with `limit`/`offset` through the `Link` rel="next" header (or, for a server
 * that sends only X-Total-Count, the next offset). A 401 from the API gets one new token; a second,
 * or a refused token request, is ConnectorError 'auth'. 429 and 5xx are backed off.
 */
export const ONEROSTER_READ_SCOPES = [
  'https://purl.imsglobal.org/spec/or/v1p2/scope/roster-core.readonly',
  'https://purl.imsglobal.org/spec/or/v1p2/scope/gradebook.readonly',
];

export interface OneRosterClientOptions {
  /** Where the service lives, without /ims/oneroster/... (e.g. https://sis.example.org). */
  baseUrl: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  fetch: typeof fetch;
  clock: Clock;
  backoff?: Partial<Backoff>;
  pageSize?: number;
}

export const ROSTERING = 'ims/oneroster/rostering/v1p2';
export const GRADEBOOK = 'ims/oneroster/gradebook/v1p2';

const tokenSchema = z.object({ access_token: z.string().min(1), expires_in: z.coerce.number().positive().optional() });

/** RFC 6749 section 2.3.1: id and secret form-urlencoded, joined with ':', base64. */
function basicAuth(id: string, secret: string): string {
  const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${enc(id)}:${enc(secret)}`).toString('base64')}`;
}

export type OneRosterClient = ReturnType<typeof createOneRosterClient>;

export function createOneRosterClient(opts: OneRosterClientOptions) {
  const base = new URL(opts.baseUrl.replace(/\/$/, '') + '/');
  const backoff = { ...defaultBackoff, ...opts.backoff };
  const pageSize = opts.pageSize ?? 500;
  let token: { value: string; expiresAt: number } | null = null;

  async function newToken(): Promise<string> {
    const res = await sendWithBackoff(
      (signal) =>
        opts.fetch(opts.tokenUrl, {
          method: 'POST',
          headers: { Authorization: basicAuth(opts.clientId, opts.clientSecret), 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
          body: new URLSearchParams({ grant_type: 'client_credentials', scope: ONEROSTER_READ_SCOPES.join(' ') }).toString(),
          signal,
        }),
      backoff,
      opts.clock,
    );
    // invalid_client (401) and invalid_scope / unauthorized_client (400): only an admin can fix them.
    if (res.status === 400 || res.status === 401 || res.status === 403) {
      await res.body?.cancel();
      throw new ConnectorError('auth');
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw new ConnectorError('unavailable');
    }
    let parsed;
    try {
      parsed = tokenSchema.safeParse(await res.json());
    } catch {
      throw new ConnectorError('bad_data');
    }
    if (!parsed.success) throw new ConnectorError('bad_data');
    const ttl = (parsed.data.expires_in ?? 3600) * 1000;
    // Renewed a minute early (or half-way, for a very short-lived token), so no request carries a dying one.
    token = { value: parsed.data.access_token, expiresAt: opts.clock.now().getTime() + ttl - Math.min(60_000, ttl / 2) };
    return token.value;
  }

  async function bearer(): Promise<string> {
    if (token && token.expiresAt > opts.clock.now().getTime()) return token.value;
    return newToken();
  }

  function resolve(pathOrUrl: string): URL {
    const url = new URL(pathOrUrl.replace(/^\//, ''), base);
    // The bearer token goes only to the service it was issued for.
    if (url.origin !== base.origin) throw new ConnectorError('bad_data');
    return url;
  }

  async function request(url: string): Promise<Response> {
    for (let fresh = false; ; fresh = true) {
      const value = fresh ? await newToken() : await bearer();
      const res = await sendWithBackoff((signal) => opts.fetch(url, { headers: { Authorization: `Bearer ${value}`, Accept: 'application/json' }, signal }), backoff, opts.clock);
      if (res.status === 401 && !fresh) {
        await res.body?.cancel();
        continue;
      }
      if (res.status === 401 || res.status === 403) {
        await res.body?.cancel();
        throw new ConnectorError('auth');
      }
      return res;
    }
  }

  function nextUrl(res: Response, current: URL, received: number): string | null {
    const link = res.headers.get('link');
    if (link?.trim()) {
      try {
        return LinkHeader.parse(link).rel('next')[0]?.uri ?? null;
      } catch {
        // Stopping here would pass a part of the list off as all of it.
        throw new ConnectorError('bad_data');
      }
    }
    const total = Number(res.headers.get('x-total-count'));
    const offset = Number(current.searchParams.get('offset') ?? 0);
    if (!Number.isFinite(total) || received === 0 || offset + received >= total) return null;
    const next = new URL(current);
    next.searchParams.set('offset', String(offset + received));
    return next.toString();
  }

  /** Every record of a collection (`key` is the collection's name in the answer, e.g. "users"). */
  async function all<T>(path: string, key: string, item: z.ZodType<T>, query: Record<string, string> = {}): Promise<T[]> {
    const first = resolve(path);
    for (const [k, v] of Object.entries(query)) first.searchParams.set(k, v);
    first.searchParams.set('limit', String(pageSize));
    first.searchParams.set('offset', '0');
    const page = z.object({ [key]: z.array(item) });
    const out: T[] = [];
    const seen = new Set<string>();
    let next: string | null = first.toString();
    while (next) {
      const url = resolve(next);
      if (seen.has(url.toString())) throw new ConnectorError('bad_data');
      seen.add(url.toString());
      const res = await request(url.toString());
      const items = ((await jsonOf(res, page)) as Record<string, T[]>)[key]!;
      out.push(...items);
      next = nextUrl(res, url, items.length);
    }
    return out;
  }

  /** One record (`key` e.g. "class"), or null when the service no longer has it. */
  async function one<T>(path: string, key: string, item: z.ZodType<T>): Promise<T | null> {
    const res = await request(resolve(path).toString());
    if (res.status === 404) {
      await res.body?.cancel();
      return null;
    }
    return ((await jsonOf(res, z.object({ [key]: item }))) as Record<string, T>)[key]!;
  }

  return { all, one };
}

// The parts of OneRoster 1.2 records the connector reads.
const ref = z.object({ sourcedId: z.string().min(1) });
const status = z.string().default('active');
/** 1.2 writes these booleans as "true"/"false" strings; accept real booleans too. */
const trueFalse = z.union([z.boolean(), z.string()]).optional().transform((v) => v === true || v === 'true');
const num = z.union([z.number(), z.string()]).nullable().optional().transform((v) => (v === null || v === undefined || v === '' ? null : Number(v)));

export const userSchema = z.object({
  sourcedId: z.string().min(1),
  status,
  dateLastModified: z.string(),
  givenName: z.string().default(''),
  familyName: z.string().default(''),
  identifier: z.string().nullable().optional(),
  roles: z.array(z.object({ role: z.string() })).default([]),
});
export const classSchema = z.object({ sourcedId: z.string().min(1), status, title: z.string().default('') });
export const lineItemSchema = z.object({
  sourcedId: z.string().min(1),
  status,
  dateLastModified: z.string(),
  class: ref,
  resultValueMax: num,
});
export const resultSchema = z.object({
  sourcedId: z.string().min(1),
  status,
  dateLastModified: z.string(),
  lineItem: ref,
  student: ref,
  class: ref.optional(),
  scoreStatus: z.string().nullable().optional(),
  score: num,
  late: trueFalse,
  missing: trueFalse,
});

export type OneRosterUser = z.infer<typeof userSchema>;
export type OneRosterLineItem = z.infer<typeof lineItemSchema>;
export type OneRosterResult = z.infer<typeof resultSchema>;
