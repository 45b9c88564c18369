import type { z } from 'zod';
import type { Clock } from '../../web/clock.js';
import { ServiceError } from './errors.js';
import type { AccessToken, TokenClient, TokenTenant } from './token.js';

/** Canvas answers 403 to requests without a User-Agent; every family gets one that names us. */
export function toolUserAgent(baseUrl: string): string {
  return `SuccessPlans/0.1 (+${baseUrl})`;
}

export interface RetryPolicy {
  /** Extra attempts after the first one, for 429, 5xx and network failures. */
  retries: number;
  baseDelayMs: number;
  /** Cap for both the exponential delay and a platform's Retry-After. */
  maxDelayMs: number;
  sleep: (ms: number) => Promise<void>;
}

export const defaultRetryPolicy: RetryPolicy = {
  retries: 3,
  baseDelayMs: 250,
  maxDelayMs: 10_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface ServiceRequest<T> {
  tenant: TokenTenant;
  /** Scopes for the bearer token; the caller has already limited them to what was granted. */
  scopes: string[];
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  /** The IMS media type of the expected answer (NRPS/AGS each have their own). */
  accept: string;
  contentType?: string;
  body?: unknown;
  schema: z.ZodType<T>;
}

export interface ServiceResponse<T> {
  data: T;
  status: number;
  /** Link rel="next", when the platform has more pages. */
  next: string | null;
}

export interface ServiceClientOptions {
  tokens: TokenClient;
  userAgent: string;
  clock: Clock;
  retry?: Partial<RetryPolicy>;
  fetch?: typeof fetch;
}

/** `Link: <https://x/p2>; rel="next", <https://x/p9>; rel="last"` -> the next URL. */
export function nextLink(header: string | null): string | null {
  if (!header) return null;
  for (const m of header.matchAll(/<([^>]*)>([^,<]*)/g)) {
    const rel = /rel\s*=\s*"?([^";]+)"?/i.exec(m[2] ?? '')?.[1];
    if (rel && rel.toLowerCase().split(/\s+/).includes('next')) return m[1] ?? null;
  }
  return null;
}

/**
 * Calls to LTI Advantage services with the rules the platforms expect:
 * 401 -> new token, one retry; 403/404 -> fail at once (not granted / not found);
 * 429, 5xx, network -> exponential backoff honouring Retry-After, then fail.
 */
export function createServiceClient(opts: ServiceClientOptions) {
  const retry = { ...defaultRetryPolicy, ...opts.retry };
  const doFetch = opts.fetch ?? fetch;

  function delayFor(attempt: number, retryAfter: string | null | undefined): number {
    if (retryAfter) {
      const seconds = Number(retryAfter);
      const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(retryAfter) - opts.clock.now().getTime();
      if (Number.isFinite(ms)) return Math.min(Math.max(ms, 0), retry.maxDelayMs);
    }
    return Math.min(retry.baseDelayMs * 2 ** attempt, retry.maxDelayMs);
  }

  async function once<T>(req: ServiceRequest<T>, token: AccessToken): Promise<ServiceResponse<T>> {
    const method = req.method ?? 'GET';
    const headers: Record<string, string> = { Authorization: `Bearer ${token.value}`, Accept: req.accept, 'User-Agent': opts.userAgent };
    if (req.body !== undefined) headers['Content-Type'] = req.contentType ?? 'application/json';
    let res: Response;
    try {
      res = await doFetch(req.url, { method, headers, body: req.body === undefined ? undefined : JSON.stringify(req.body) });
    } catch (err) {
      throw new ServiceError('unavailable', `${method} got no answer`, { cause: err });
    }
    const status = res.status;
    if (!res.ok) {
      await res.body?.cancel();
      const what = `${method} answered ${status}`;
      if (status === 401) throw new ServiceError('unauthorized', what, { status });
      if (status === 403) throw new ServiceError('not_granted', what, { status });
      if (status === 404) throw new ServiceError('not_found', what, { status });
      if (status === 429 || status >= 500) throw new ServiceError('unavailable', what, { status, retryAfter: res.headers.get('retry-after') });
      throw new ServiceError('rejected', what, { status });
    }
    const text = await res.text();
    let json: unknown = undefined;
    if (text.trim()) {
      try {
        json = JSON.parse(text);
      } catch {
        throw new ServiceError('bad_response', `${method} answered ${status} with a body that is not JSON`, { status });
      }
    }
    const parsed = req.schema.safeParse(json);
    if (!parsed.success) {
      // Paths of the mismatch only: the values may be student data.
      const where = parsed.error.issues.slice(0, 3).map((i) => i.path.join('.') || '(root)').join(', ');
      throw new ServiceError('bad_response', `${method} answered ${status} in an unexpected shape at ${where}`, { status });
    }
    let next = nextLink(res.headers.get('link'));
    if (next) {
      next = new URL(next, req.url).toString();
      // The bearer token must never travel to another host because a Link header said so.
      if (new URL(next).origin !== new URL(req.url).origin) throw new ServiceError('bad_response', 'next page link points to another host', { status });
    }
    return { data: parsed.data, status, next };
  }

  async function call<T>(req: ServiceRequest<T>): Promise<ServiceResponse<T>> {
    let refreshed = false;
    for (let attempt = 0; ; attempt++) {
      try {
        const token = await opts.tokens.get(req.tenant, req.scopes);
        try {
          return await once(req, token);
        } catch (err) {
          if (err instanceof ServiceError && err.kind === 'unauthorized' && !refreshed) {
            opts.tokens.drop(req.tenant.id, token);
            refreshed = true;
            attempt--;
            continue;
          }
          throw err;
        }
      } catch (err) {
        if (err instanceof ServiceError && err.kind === 'unavailable' && attempt < retry.retries) {
          await retry.sleep(delayFor(attempt, err.retryAfter));
          continue;
        }
        if (err instanceof ServiceError && err.kind === 'unavailable') {
          throw new ServiceError('unavailable', `${err.message} after ${attempt + 1} attempts`, { status: err.status, cause: err });
        }
        throw err;
      }
    }
  }

  return {
    call,
    /** Every page, following Link rel="next" from the first URL (same host only). */
    async *pages<T>(req: ServiceRequest<T>): AsyncGenerator<T> {
      let url: string | null = req.url;
      const seen = new Set<string>();
      while (url) {
        if (seen.has(url)) throw new ServiceError('bad_response', 'next page link loops back to an earlier page');
        seen.add(url);
        const res: ServiceResponse<T> = await call({ ...req, url });
        yield res.data;
        url = res.next;
      }
    },
  };
}
export type ServiceClient = ReturnType<typeof createServiceClient>;
