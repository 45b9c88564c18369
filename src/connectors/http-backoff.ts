import type { z } from 'zod';
import type { Clock } from '../web/clock.js';
import { ConnectorError } from './connector.js';

/** How a connector waits out a source that is busy (429) or failing (5xx, no answer) within one run. */
export interface Backoff {
  /** Attempts in all, the first included. */
  attempts: number;
  baseDelayMs: number;
  /** Cap for both the exponential delay and the source's Retry-After. */
  maxDelayMs: number;
  sleep: (ms: number) => Promise<void>;
  /** One request's limit, answer included; past it the attempt counts as no answer. */
  timeoutMs: number;
}

export const defaultBackoff: Backoff = {
  attempts: 4,
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  timeoutMs: 30_000,
};

/** Retry-After as delta-seconds or an HTTP date, in ms from now; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, clock: Clock): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - clock.now().getTime();
  return Number.isFinite(ms) ? Math.max(ms, 0) : undefined;
}

/**
 * Sends a request (built anew each attempt: a signed request must not reuse its nonce), retrying a
 * 429, a 5xx or no answer with exponential backoff that honours Retry-After. Returns the first answer
 * that is neither; when the attempts run out, throws ConnectorError 'rate_limited' (with the wait the
 * source asked for) or 'unavailable', which the job queue retries later with its own backoff.
 */
export async function sendWithBackoff(send: (signal: AbortSignal) => Promise<Response>, backoff: Backoff, clock: Clock): Promise<Response> {
  let last: ConnectorError = new ConnectorError('unavailable');
  for (let attempt = 0; attempt < backoff.attempts; attempt++) {
    let res: Response | undefined;
    try {
      res = await send(AbortSignal.timeout(backoff.timeoutMs));
    } catch {
      res = undefined;
    }
    if (res && res.status !== 429 && res.status < 500) return res;
    const asked = res ? retryAfterMs(res.headers.get('retry-after'), clock) : undefined;
    await res?.body?.cancel();
    last = res?.status === 429 ? new ConnectorError('rate_limited', asked ?? backoff.baseDelayMs * 2 ** attempt) : new ConnectorError('unavailable');
    if (attempt + 1 < backoff.attempts) await backoff.sleep(Math.min(asked ?? backoff.baseDelayMs * 2 ** attempt, backoff.maxDelayMs));
  }
  throw last;
}

/**
 * An answer's body as the schema reads it. Anything else (a non-2xx status, a body that is not JSON or
 * not that shape) is `bad_data`: the source's words are never kept.
 */
export async function jsonOf<T>(res: Response, schema: z.ZodType<T>): Promise<T> {
  if (!res.ok) {
    await res.body?.cancel();
    throw new ConnectorError('bad_data');
  }
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    throw new ConnectorError('bad_data');
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new ConnectorError('bad_data');
  return parsed.data;
}
