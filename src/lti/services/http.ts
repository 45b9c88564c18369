import type { z } from 'zod';
import LinkHeader from 'http-link-header';
import type { Clock } from '../../web/clock.js';
import { cleanDeep } from '../../web/text.js';
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
  /** One request's limit, answer body included; past it the call counts as a timeout (retried like a 5xx). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const isTimeout = (err: unknown) => err instanceof Error && (err.name === 'TimeoutError' || (err.cause instanceof Error && err.cause.name === 'TimeoutError'));
const retryable = (err: unknown): err is ServiceError => err instanceof ServiceError && (err.kind === 'unavailable' || err.kind === 'timeout');

/** Moodle writes its Link relations with typographic quotes (`rel=“next”`), which no RFC 8288 parser reads. */
const curlyQuotes = /[\u201C\u201D\u201E\u201F\u2033\u2036]/g;

/** fetch hands header bytes over as Latin-1, so Moodle's UTF-8 quotes arrive as `â\x80\x9C`: read them as UTF-8 first. */
function straightQuotes(header: string): string {
  // eslint-disable-next-line no-control-regex -- the whole Latin-1 range, control characters included, is what we test for
  const utf8 = /^[\u0000-\u00FF]*$/.test(header) && /[\u0080-\u00FF]/.test(header) ? Buffer.from(header, 'latin1').toString('utf8') : header;
  return utf8.replace(curlyQuotes, '"');
}

/**
 * `Link: <https://x/p2>; rel="next", <https://x/p9>; rel="last"` -> the next URL (as written; the caller
 * resolves it). A header that cannot be read fails the call: stopping at this page would look like a
 * complete list, and a roster sync would take the missing members for leavers.
 */
export function nextLink(header: string | null): string | null {
  if (!header?.trim()) return null;
  try {
    return LinkHeader.parse(straightQuotes(header)).rel('next')[0]?.uri ?? null;
  } catch {
    throw new ServiceError('bad_response', 'the Link header of the answer is unreadable');
  }
}

/**
 * Calls to LTI Advantage services with the rules the platforms expect:
 * 401 -> new token, one retry; 403/404 -> fail at once (not granted / not found);
 * 429, 5xx, network, timeout -> exponential backoff honouring Retry-After, then fail.
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
    const signal = AbortSignal.timeout(opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const noAnswer = (err: unknown) =>
      isTimeout(err) ? new ServiceError('timeout', `${method} got no answer in time`, { cause: err }) : new ServiceError('unavailable', `${method} got no answer`, { cause: err });
    let res: Response;
    try {
      res = await doFetch(req.url, { method, headers, body: req.body === undefined ? undefined : JSON.stringify(req.body), signal });
    } catch (err) {
      throw noAnswer(err);
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
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      throw noAnswer(err);
    }
    let json: unknown = undefined;
    if (text.trim()) {
      try {
        // Text from the LMS is stored: made storable once, here, for every service (src/web/text.ts).
        json = cleanDeep(JSON.parse(text));
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
        if (retryable(err) && attempt < retry.retries) {
          await retry.sleep(delayFor(attempt, err.retryAfter));
          continue;
        }
        if (retryable(err)) {
          throw new ServiceError(err.kind, `${err.message} after ${attempt + 1} attempts`, { status: err.status, cause: err });
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
