import { importJWK, type JWK, type JWTHeaderParameters } from 'jose';
import { z } from 'zod';
import type { Clock } from '../web/clock.js';

const jwksSchema = z.object({
  keys: z.array(z.looseObject({ kty: z.string(), kid: z.string().optional(), alg: z.string().optional(), use: z.string().optional() })),
});

export class JwksError extends Error {
  constructor(
    readonly reason: 'unknown_kid' | 'unreachable',
    message: string,
  ) {
    super(message);
  }
}

export type FetchJwks = (url: string) => Promise<unknown>;

export interface JwksCacheOptions {
  clock: Clock;
  /** How long a fetched key set is trusted before it is fetched again. */
  ttlMs?: number;
  /** An unknown kid refetches at most this often, so random kids cannot make us hammer the platform. */
  refetchCooldownMs?: number;
  fetchJwks?: FetchJwks;
}

async function defaultFetch(url: string): Promise<unknown> {
  const res = await fetch(url, { headers: { accept: 'application/json', 'user-agent': 'success-plans' }, signal: AbortSignal.timeout(5_000) });
  if (!res.ok) throw new Error(`JWKS answered ${res.status}`);
  return res.json();
}

type RsaKey = Awaited<ReturnType<typeof importJWK>>;
interface Entry {
  fetchedAt: number;
  keys: Map<string, JWK>;
  imported: Map<string, RsaKey>;
}

/**
 * Platform key sets, cached per JWKS URL: ltijs fetches them on every launch, which makes
 * each launch as slow as the platform's key endpoint and fails the launch when it hiccups.
 */
export function createJwksCache(opts: JwksCacheOptions) {
  const ttl = opts.ttlMs ?? 10 * 60_000;
  const cooldown = opts.refetchCooldownMs ?? 30_000;
  const fetchJwks = opts.fetchJwks ?? defaultFetch;
  const entries = new Map<string, Entry>();
  const inflight = new Map<string, Promise<Entry>>();
  let fetches = 0;

  async function load(url: string): Promise<Entry> {
    const running = inflight.get(url);
    if (running) return running;
    const p = (async () => {
      fetches++;
      let body: unknown;
      try {
        body = await fetchJwks(url);
      } catch (err) {
        throw new JwksError('unreachable', `platform key set could not be fetched: ${err instanceof Error ? err.message : String(err)}`);
      }
      const parsed = jwksSchema.safeParse(body);
      if (!parsed.success) throw new JwksError('unreachable', 'platform key set is malformed');
      const keys = new Map<string, JWK>();
      for (const k of parsed.data.keys) if (k.kid && k.kty === 'RSA' && (k.use ?? 'sig') === 'sig') keys.set(k.kid, k as JWK);
      const entry: Entry = { fetchedAt: opts.clock.now().getTime(), keys, imported: new Map() };
      entries.set(url, entry);
      return entry;
    })();
    inflight.set(url, p);
    try {
      return await p;
    } finally {
      inflight.delete(url);
    }
  }

  return {
    /** The verification key for a token header; refetches once when the kid is new to us. */
    async key(url: string, header: JWTHeaderParameters): Promise<RsaKey> {
      const kid = header.kid;
      if (!kid) throw new JwksError('unknown_kid', 'the token names no key (kid)');
      const now = opts.clock.now().getTime();
      let entry = entries.get(url);
      if (!entry || now - entry.fetchedAt >= ttl) entry = await load(url);
      else if (!entry.keys.has(kid) && now - entry.fetchedAt >= cooldown) entry = await load(url);
      const jwk = entry.keys.get(kid);
      if (!jwk) throw new JwksError('unknown_kid', 'the token was signed with a key the platform does not publish');
      let imported = entry.imported.get(kid);
      if (!imported) {
        imported = await importJWK({ ...jwk, alg: 'RS256' }, 'RS256');
        entry.imported.set(kid, imported);
      }
      return imported;
    },
    /** For tests and the bench: how many times a key set was fetched. */
    get fetchCount() {
      return fetches;
    },
  };
}
export type JwksCache = ReturnType<typeof createJwksCache>;
