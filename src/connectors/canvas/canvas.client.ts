import { z } from 'zod';
import { nextLink } from '../../lti/services/http.js';
import { cleanDeep } from '../../web/text.js';

/*
 * The Canvas REST API as an admin token reads it (canvas-lms doc/api):
 * - pagination.md: follow the `Link` rel="next" URL as it is, `per_page` up to 100;
 * - throttling.md: a leaky bucket per token. `X-Rate-Limit-Remaining` falls as requests cost; one request
 *   at a time is rarely throttled. We run requests one after another, pause when the quota runs low, and on
 *   `403 Forbidden (Rate Limit Exceeded)` back off exponentially and try again;
 * - 401 (bad, expired or deleted token, or a user without the right): the admin must act, never retried;
 * - a User-Agent on every request (Canvas answers 403 without one since January 2026).
 */

export type CanvasErrorKind = 'auth' | 'rate_limited' | 'unavailable' | 'bad_data';

/** What went wrong, by kind; the message names method and status only (no URL: it may hold SIS ids). */
export class CanvasApiError extends Error {
  constructor(
    readonly kind: CanvasErrorKind,
    message: string,
    /** permission: a valid token whose user lacks the right (401 `"status":"unauthorized"`), not a bad token. */
    readonly opts: { status?: number; retryAfterMs?: number; permission?: boolean } = {},
  ) {
    super(message);
    this.name = 'CanvasApiError';
  }
}

export interface CanvasClientOptions {
  baseUrl: string;
  token: string;
  userAgent: string;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  /** Below this X-Rate-Limit-Remaining, pause before the next request (Canvas's bucket holds 700). */
  lowWater?: number;
  /** Pause per unit of quota below lowWater (Canvas refills about 10 units a second). */
  msPerMissingUnit?: number;
  /** Tries after a 403 Rate Limit Exceeded, a 5xx or no answer. */
  retries?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  timeoutMs?: number;
}

const RATE_LIMITED = /rate limit exceeded/i;

export const canvasCourseSchema = z.object({
  id: z.union([z.number(), z.string()]).transform(String),
  name: z.string().nullish(),
  course_code: z.string().nullish(),
  workflow_state: z.string().nullish(),
});
export type CanvasCourseJson = z.infer<typeof canvasCourseSchema>;

export const canvasEnrollmentSchema = z.object({
  id: z.union([z.number(), z.string()]).transform(String),
  user_id: z.union([z.number(), z.string()]).transform(String),
  course_id: z.union([z.number(), z.string()]).transform(String),
  type: z.string(),
  enrollment_state: z.string().nullish(),
  sis_user_id: z.string().nullish(),
  user: z.object({ name: z.string().nullish(), sis_user_id: z.string().nullish() }).nullish(),
  // In a course with grading periods: the current one and the student's scores in it (`grades` is the whole course's).
  current_grading_period_id: z.union([z.number(), z.string()]).transform(String).nullish(),
  current_period_computed_current_score: z.number().nullish(),
  current_period_computed_final_score: z.number().nullish(),
  grades: z
    .object({
      current_score: z.number().nullish(),
      final_score: z.number().nullish(),
      current_grade: z.string().nullish(),
    })
    .nullish(),
});
export type CanvasEnrollmentJson = z.infer<typeof canvasEnrollmentSchema>;

export const canvasSubmissionSchema = z.object({
  user_id: z.union([z.number(), z.string()]).transform(String),
  assignment_id: z.union([z.number(), z.string()]).transform(String),
  missing: z.boolean().nullish(),
  late: z.boolean().nullish(),
  excused: z.boolean().nullish(),
  workflow_state: z.string().nullish(),
});
export type CanvasSubmissionJson = z.infer<typeof canvasSubmissionSchema>;

export const canvasStudentSummarySchema = z.object({
  id: z.union([z.number(), z.string()]).transform(String),
  tardiness_breakdown: z.object({ late: z.number().int().nonnegative().nullish(), missing: z.number().int().nonnegative().nullish() }).nullish(),
});

type Params = Record<string, string | number | (string | number)[]>;

export function createCanvasClient(opts: CanvasClientOptions) {
  const doFetch = opts.fetch ?? fetch;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const lowWater = opts.lowWater ?? 150;
  const msPerUnit = opts.msPerMissingUnit ?? 100;
  const retries = opts.retries ?? 6;
  const baseDelay = opts.baseDelayMs ?? 1000;
  const maxDelay = opts.maxDelayMs ?? 60_000;
  const base = new URL(opts.baseUrl.endsWith('/') ? opts.baseUrl : `${opts.baseUrl}/`);
  /** The last X-Rate-Limit-Remaining seen; null when Canvas does not throttle this token. */
  let remaining: number | null = null;
  const stats = { requests: 0, throttled: 0, pausedMs: 0 };

  function urlFor(path: string, params: Params = {}): string {
    const u = new URL(path.replace(/^\//, ''), base);
    for (const [k, v] of Object.entries(params)) for (const x of Array.isArray(v) ? v : [v]) u.searchParams.append(k, String(x));
    return u.toString();
  }

  async function pauseIfLow(): Promise<void> {
    if (remaining === null || remaining >= lowWater) return;
    const ms = Math.min(maxDelay, Math.ceil((lowWater - remaining) * msPerUnit));
    stats.pausedMs += ms;
    await sleep(ms);
  }

  async function once(url: string): Promise<{ json: unknown; next: string | null } | { retryable: CanvasApiError }> {
    await pauseIfLow();
    stats.requests++;
    let res: Response;
    try {
      res = await doFetch(url, {
        headers: { Authorization: `Bearer ${opts.token}`, Accept: 'application/json+canvas-string-ids, application/json', 'User-Agent': opts.userAgent },
        signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000),
      });
    } catch {
      return { retryable: new CanvasApiError('unavailable', 'GET got no answer') };
    }
    const left = res.headers.get('x-rate-limit-remaining');
    remaining = left !== null && Number.isFinite(Number(left)) ? Number(left) : null;
    if (res.status === 401) {
      const text = await res.text().catch(() => '');
      let permission = false;
      try {
        permission = (JSON.parse(text) as { status?: unknown }).status === 'unauthorized';
      } catch {
        // not JSON: a bad token as far as we can tell
      }
      throw new CanvasApiError('auth', 'GET answered 401', { status: 401, permission });
    }
    if (res.status === 403) {
      const text = await res.text().catch(() => '');
      if (RATE_LIMITED.test(text)) {
        stats.throttled++;
        // The backoff below is the pause; the low-quota pause would only add to it.
        remaining = null;
        return { retryable: new CanvasApiError('rate_limited', 'GET answered 403 Rate Limit Exceeded', { status: 403 }) };
      }
      // Not throttled: a token without the right, or a request Canvas refuses outright.
      throw new CanvasApiError('auth', 'GET answered 403', { status: 403 });
    }
    if (res.status === 404) {
      await res.body?.cancel();
      return { json: null, next: null };
    }
    if (res.status === 429 || res.status >= 500) {
      await res.body?.cancel();
      const ra = Number(res.headers.get('retry-after'));
      return { retryable: new CanvasApiError(res.status === 429 ? 'rate_limited' : 'unavailable', `GET answered ${res.status}`, { status: res.status, retryAfterMs: Number.isFinite(ra) && ra > 0 ? ra * 1000 : undefined }) };
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw new CanvasApiError('bad_data', `GET answered ${res.status}`, { status: res.status });
    }
    let json: unknown;
    try {
      json = cleanDeep(JSON.parse(await res.text()) as unknown);
    } catch {
      throw new CanvasApiError('bad_data', `GET answered ${res.status} with a body that is not JSON`, { status: res.status });
    }
    let next: string | null;
    try {
      next = nextLink(res.headers.get('link'));
    } catch {
      throw new CanvasApiError('bad_data', 'the Link header is unreadable');
    }
    if (next) {
      next = new URL(next, url).toString();
      // The token never travels to another host because a Link header said so.
      if (new URL(next).origin !== base.origin) throw new CanvasApiError('bad_data', 'next page link points to another host');
    }
    return { json, next };
  }

  /** One page; null for 404. Throttled, 5xx and unanswered requests are tried again with backoff. */
  async function page(url: string): Promise<{ json: unknown; next: string | null }> {
    for (let attempt = 0; ; attempt++) {
      const r = await once(url);
      if (!('retryable' in r)) return r;
      if (attempt >= retries) {
        throw new CanvasApiError(r.retryable.kind, `${r.retryable.message} after ${attempt + 1} attempts`, { status: r.retryable.opts.status, retryAfterMs: maxDelay });
      }
      const jitter = 0.5 + Math.random() / 2;
      const ms = Math.min(maxDelay, r.retryable.opts.retryAfterMs ?? Math.round(baseDelay * 2 ** attempt * jitter));
      stats.pausedMs += ms;
      await sleep(ms);
    }
  }

  function parse<T>(schema: z.ZodType<T>, json: unknown): T {
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      // Paths only: the values may be student data.
      const where = parsed.error.issues.slice(0, 3).map((i) => i.path.join('.') || '(root)').join(', ');
      throw new CanvasApiError('bad_data', `unexpected shape at ${where}`);
    }
    return parsed.data;
  }

  return {
    stats,
    get remaining() {
      return remaining;
    },
    /** One object; null when Canvas answers 404. */
    async get<T>(path: string, params: Params, schema: z.ZodType<T>): Promise<T | null> {
      const { json } = await page(urlFor(path, params));
      return json === null ? null : parse(schema, json);
    },
    /** Every item of a paged list, following Link rel="next"; [] when the list's owner is gone (404). */
    async list<T>(path: string, params: Params, schema: z.ZodType<T>): Promise<T[]> {
      return (await this.listOrNull(path, params, schema)) ?? [];
    },
    /** Like list, but null when Canvas answers 404 (a feature turned off, an owner gone). */
    async listOrNull<T>(path: string, params: Params, schema: z.ZodType<T>): Promise<T[] | null> {
      const items: T[] = [];
      let url: string | null = urlFor(path, { per_page: 100, ...params });
      const seen = new Set<string>();
      while (url) {
        if (seen.has(url)) throw new CanvasApiError('bad_data', 'next page link loops back');
        seen.add(url);
        const r: { json: unknown; next: string | null } = await page(url);
        if (r.json === null) return seen.size === 1 ? null : items;
        items.push(...parse(z.array(schema), r.json));
        url = r.next;
      }
      return items;
    },
  };
}
export type CanvasClient = ReturnType<typeof createCanvasClient>;
