import { createHmac, randomBytes } from 'node:crypto';
import OAuth from 'oauth-1.0a';
import { z } from 'zod';
import type { Clock } from '../../web/clock.js';
import { ConnectorError } from '../connector.js';
import { defaultBackoff, jsonOf, sendWithBackoff, type Backoff } from '../http-backoff.js';

/**
 * Schoology REST API v1 with two-legged OAuth 1.0a: every request signed with the district's consumer
 * key and secret (HMAC-SHA1, realm "Schoology API", an empty oauth_token, a fresh nonce and the current
 * timestamp), signed by the oauth-1.0a library. Collections are followed through `links.next`.
 * 401/403 mean the keys are wrong, revoked or lack the admin rights the reads need: ConnectorError
 * 'auth', never retried. 429 and 5xx are backed off (src/connectors/http-backoff.ts).
 */
export interface SchoologyClientOptions {
  /** https://api.schoology.com unless the district's API lives elsewhere. */
  baseUrl: string;
  consumerKey: string;
  consumerSecret: string;
  fetch: typeof fetch;
  clock: Clock;
  backoff?: Partial<Backoff>;
}

const DEFAULT_PAGE = 200;

export type SchoologyClient = ReturnType<typeof createSchoologyClient>;

export function createSchoologyClient(opts: SchoologyClientOptions) {
  const base = new URL(opts.baseUrl.replace(/\/$/, '') + '/');
  const backoff = { ...defaultBackoff, ...opts.backoff };
  const oauth = new OAuth({
    consumer: { key: opts.consumerKey, secret: opts.consumerSecret },
    signature_method: 'HMAC-SHA1',
    realm: 'Schoology API',
    hash_function: (baseString, key) => createHmac('sha1', key).update(baseString).digest('base64'),
  });
  // The run's clock and a cryptographic nonce, not the library's Date.now() and Math.random().
  oauth.getTimeStamp = () => Math.floor(opts.clock.now().getTime() / 1000);
  oauth.getNonce = () => randomBytes(16).toString('hex');

  /** Only the Schoology API itself gets signed requests: a `links.next` elsewhere is refused. */
  function resolve(pathOrUrl: string): URL {
    const url = new URL(pathOrUrl.replace(/^\//, ''), base);
    if (url.origin !== base.origin) throw new ConnectorError('bad_data');
    return url;
  }

  async function get<T>(pathOrUrl: string, schema: z.ZodType<T>): Promise<T> {
    const url = resolve(pathOrUrl).toString();
    const res = await sendWithBackoff(
      (signal) =>
        opts.fetch(url, {
          headers: { ...oauth.toHeader(oauth.authorize({ url, method: 'GET' }, { key: '', secret: '' })), Accept: 'application/json' },
          signal,
          // Schoology answers some reads with a 303 to the canonical URL; the signature is for this one.
          redirect: 'manual',
        }),
      backoff,
      opts.clock,
    );
    if (res.status === 401 || res.status === 403) {
      await res.body?.cancel();
      throw new ConnectorError('auth');
    }
    return jsonOf(res, schema);
  }

  /** Every item of a collection, page by page through `links.next`. */
  async function all<T>(path: string, key: string, item: z.ZodType<T>, query: Record<string, string> = {}): Promise<T[]> {
    const first = resolve(path);
    for (const [k, v] of Object.entries(query)) first.searchParams.set(k, v);
    if (!first.searchParams.has('limit')) first.searchParams.set('limit', String(DEFAULT_PAGE));
    const page = z.object({ [key]: z.array(item).optional(), links: z.object({ next: z.string().optional() }).optional() });
    const out: T[] = [];
    const seen = new Set<string>();
    let next: string | undefined = first.toString();
    while (next) {
      // A source that sends us round in circles would otherwise keep a run going for ever.
      if (seen.has(next)) throw new ConnectorError('bad_data');
      seen.add(next);
      const body = (await get(next, page)) as { links?: { next?: string } } & Record<string, T[] | undefined>;
      out.push(...(body[key] ?? []));
      next = body.links?.next || undefined;
    }
    return out;
  }

  return { get, all };
}

// The parts of Schoology's objects the connector reads; ids arrive as numbers or strings.
const id = z.union([z.string(), z.number()]).transform(String);
const flag = z.union([z.string(), z.number(), z.boolean()]).transform((v) => v === true || Number(v) === 1);

export const courseSchema = z.object({ id, title: z.string().default('') });
export const sectionSchema = z.object({
  id,
  course_title: z.string().default(''),
  section_title: z.string().default(''),
  active: flag.default(true),
  grading_periods: z.array(id).default([]),
});
export const enrollmentSchema = z.object({
  id,
  uid: id,
  school_uid: z.string().nullable().default(''),
  name_display: z.string().nullable().default(''),
  admin: flag.default(false),
  status: z.union([z.string(), z.number()]).transform(Number),
});
export const finalGradeSchema = z.object({
  enrollment_id: id,
  period: z
    .array(
      z.object({
        period_id: z.union([z.string(), z.number()]).transform(String),
        grade: z.union([z.number(), z.string()]).nullable().optional(),
      }),
    )
    .default([]),
});

export type SchoologySection = z.infer<typeof sectionSchema>;
export type SchoologyEnrollment = z.infer<typeof enrollmentSchema>;
export type SchoologyFinalGrade = z.infer<typeof finalGradeSchema>;
