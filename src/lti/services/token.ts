import { randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import { z } from 'zod';
import type { Clock } from '../../web/clock.js';
import { ServiceError } from './errors.js';

/** What the token client needs to know about a platform registration (a subset of Tenant). */
export interface TokenTenant {
  id: string;
  clientId: string;
  accessTokenUrl: string;
  authorizationServer: string | null;
}

/** The tool's private key for one platform (contract: ctx.lti.signingKey). */
export type SigningKeySource = (tenantId: string) => Promise<{ kid: string; privateKey: CryptoKey | KeyObject }>;

export interface AccessToken {
  value: string;
  /** The scopes asked for; the cache key, so a later call with the same set reuses it. */
  scopes: string[];
  expiresAt: number;
}

const tokenResponse = z.object({
  access_token: z.string().min(1),
  token_type: z.string().refine((t) => t.toLowerCase() === 'bearer', 'token_type must be Bearer'),
  expires_in: z.coerce.number().positive().optional(),
  scope: z.string().optional(),
});

/** Tokens are dropped this long before the platform says they expire, so a call never races the expiry. */
const EXPIRY_MARGIN_MS = 60_000;
const ASSERTION_TTL_S = 300;
const DEFAULT_TOKEN_TTL_S = 3600;

export interface TokenClientOptions {
  signingKey: SigningKeySource;
  clock: Clock;
  userAgent: string;
  fetch?: typeof fetch;
}

/**
 * Client-credentials grant with a signed client assertion (LTI Security Framework section 4).
 * One cache per process keyed by (tenant, scope set); concurrent callers share one request.
 */
export function createTokenClient(opts: TokenClientOptions) {
  const doFetch = opts.fetch ?? fetch;
  const cache = new Map<string, AccessToken>();
  const pending = new Map<string, Promise<AccessToken>>();
  const keyOf = (tenantId: string, scopes: string[]) => `${tenantId} ${[...scopes].sort().join(' ')}`;

  async function assertion(tenant: TokenTenant): Promise<string> {
    const { kid, privateKey } = await opts.signingKey(tenant.id);
    const now = Math.floor(opts.clock.now().getTime() / 1000);
    return new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
      .setIssuer(tenant.clientId)
      .setSubject(tenant.clientId)
      .setAudience(tenant.authorizationServer || tenant.accessTokenUrl)
      .setIssuedAt(now)
      .setExpirationTime(now + ASSERTION_TTL_S)
      .setJti(randomUUID())
      .sign(privateKey);
  }

  async function request(tenant: TokenTenant, scopes: string[]): Promise<AccessToken> {
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: await assertion(tenant),
      scope: [...scopes].sort().join(' '),
    });
    let res: Response;
    try {
      res = await doFetch(tenant.accessTokenUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json', 'User-Agent': opts.userAgent },
        body,
      });
    } catch (err) {
      throw new ServiceError('unavailable', 'token endpoint unreachable', { cause: err });
    }
    if (!res.ok) {
      // The platform's OAuth error code (invalid_scope, invalid_client...) is safe to keep; the body may not be.
      const code = await res
        .json()
        .then((j: unknown) => z.object({ error: z.string().max(100) }).safeParse(j).data?.error)
        .catch(() => undefined);
      const kind = res.status === 429 || res.status >= 500 ? 'unavailable' : 'token_refused';
      throw new ServiceError(kind, `token endpoint answered ${res.status}${code ? ` ${code}` : ''}`, { status: res.status, retryAfter: res.headers.get('retry-after') });
    }
    const parsed = tokenResponse.safeParse(await res.json().catch(() => null));
    if (!parsed.success) throw new ServiceError('bad_response', 'token endpoint answered with an unreadable token');
    const ttl = parsed.data.expires_in ?? DEFAULT_TOKEN_TTL_S;
    return { value: parsed.data.access_token, scopes, expiresAt: opts.clock.now().getTime() + ttl * 1000 };
  }

  return {
    /** A cached token when one is still good, else one new request shared by every concurrent caller. */
    async get(tenant: TokenTenant, scopes: string[]): Promise<AccessToken> {
      const key = keyOf(tenant.id, scopes);
      const cached = cache.get(key);
      if (cached && cached.expiresAt - EXPIRY_MARGIN_MS > opts.clock.now().getTime()) return cached;
      let p = pending.get(key);
      if (!p) {
        p = request(tenant, scopes).finally(() => pending.delete(key));
        pending.set(key, p);
      }
      const token = await p;
      cache.set(key, token);
      return token;
    },
    /** After a 401: the platform no longer accepts this token, whatever its expiry said. */
    drop(tenantId: string, token: AccessToken): void {
      const key = keyOf(tenantId, token.scopes);
      if (cache.get(key)?.value === token.value) cache.delete(key);
    },
  };
}
export type TokenClient = ReturnType<typeof createTokenClient>;
