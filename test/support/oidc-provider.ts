import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express, { type Request, type Response } from 'express';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';

/**
 * A district's OpenID Connect provider, simulated faithfully enough to trust the tool's client against it:
 * a real HTTP server on an ephemeral loopback port (a separate site from the tool) with discovery,
 * /authorize (authorization code with PKCE S256 required, state echoed, nonce kept, the issuer in the
 * answer per RFC 9207), /token (client_secret_basic or client_secret_post, the code single-use, bound to
 * its client, redirect URI and PKCE challenge, a minute to live) answering with an RS256 ID token, and
 * /jwks. Like a real provider it refuses a wrong verifier, a reused code or a wrong secret, and it can be
 * made to fail: answer an authorization with an error, refuse connections, or never answer.
 */

export interface SimulatedUser {
  sub: string;
  email?: string;
  email_verified?: boolean;
}

export type TokenAuthMethod = 'client_secret_basic' | 'client_secret_post';

export interface OidcProviderOptions {
  clientId?: string;
  clientSecret?: string;
  /** Redirect URIs registered for the client: /authorize refuses any other, as real providers do. */
  redirectUris: string[];
  /** What discovery advertises and /token accepts (default: both). */
  authMethods?: TokenAuthMethod[];
}

/** One exchange at /token, as the provider saw it (for tests to read; no secret kept). */
export interface TokenAttempt {
  method: TokenAuthMethod | 'none';
  outcome: 'issued' | 'invalid_client' | 'invalid_grant' | 'invalid_request' | 'unsupported_grant_type';
  reason?: 'unknown_code' | 'reused_code' | 'expired_code' | 'wrong_client' | 'wrong_redirect_uri' | 'wrong_verifier' | 'no_verifier';
}

interface IssuedCode {
  clientId: string;
  redirectUri: string;
  challenge: string;
  nonce: string | undefined;
  user: SimulatedUser;
  expiresAt: number;
  used: boolean;
}

export interface OidcProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Who signs in at /authorize next (a real provider would ask them). */
  user: SimulatedUser;
  /** When set, /authorize answers with this OAuth error (e.g. access_denied) instead of a code. */
  authorizeError: string | undefined;
  /** `refuse`: every connection is dropped at once; `hang`: nothing ever answers. */
  outage: 'none' | 'refuse' | 'hang';
  /** The PKCE challenges /authorize was given, in order. */
  challenges: string[];
  tokenAttempts: TokenAttempt[];
  /** Trades a code at /token as a client would (for tests of the provider's own refusals). */
  exchange(code: string, verifier: string, redirectUri: string, secret?: string): Promise<{ status: number; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

const CODE_TTL_MS = 60_000;
const ID_TOKEN_TTL_S = 300;
const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');
const verifierShape = /^[A-Za-z0-9\-._~]{43,128}$/;

/** RFC 6749 2.3.1: the Basic credentials are form-urlencoded before base64. */
function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  const match = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const unform = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
  return { id: unform(decoded.slice(0, colon)), secret: unform(decoded.slice(colon + 1)) };
}

export async function startOidcProvider(opts: OidcProviderOptions): Promise<OidcProvider> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = randomUUID();
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  const codes = new Map<string, IssuedCode>();
  const methods = opts.authMethods ?? ['client_secret_basic', 'client_secret_post'];
  const app = express();
  app.disable('x-powered-by');

  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider: OidcProvider = {
    issuer,
    clientId: opts.clientId ?? `tool-${randomBytes(4).toString('hex')}`,
    clientSecret: opts.clientSecret ?? randomBytes(24).toString('base64url'),
    user: { sub: 'nobody' },
    authorizeError: undefined,
    outage: 'none',
    challenges: [],
    tokenAttempts: [],
    async exchange(code, verifier, redirectUri, secret = provider.clientSecret) {
      const res = await fetch(new URL('/token', issuer), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: redirectUri, client_id: provider.clientId, client_secret: secret }),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };

  // Outages first: a dropped connection, or a request left waiting until the client gives up.
  app.use((req, _res, next) => {
    if (provider.outage === 'refuse') return req.socket.destroy();
    if (provider.outage === 'hang') return;
    next();
  });

  app.get('/.well-known/openid-configuration', (_req, res) => {
    res.json({
      issuer,
      authorization_endpoint: `${issuer}/authorize`,
      token_endpoint: `${issuer}/token`,
      jwks_uri: `${issuer}/jwks`,
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      grant_types_supported: ['authorization_code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid', 'email', 'profile'],
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'nonce', 'email', 'email_verified'],
      token_endpoint_auth_methods_supported: methods,
      code_challenge_methods_supported: ['S256'],
      authorization_response_iss_parameter_supported: true,
    });
  });

  app.get('/jwks', (_req, res) => {
    res.json({ keys: [jwk] });
  });

  // A request the provider cannot send back to the client (unknown client, unregistered redirect URI) is
  // answered here, never redirected: a real provider must not redirect to an address it does not know.
  app.get('/authorize', (req: Request, res: Response) => {
    const q = req.query as Record<string, string | undefined>;
    if (q.client_id !== provider.clientId || !q.redirect_uri || !opts.redirectUris.includes(q.redirect_uri)) {
      res.status(400).type('text').send('unknown client or redirect_uri');
      return;
    }
    const back = new URL(q.redirect_uri);
    const answer = (params: Record<string, string>) => {
      for (const [k, v] of Object.entries({ ...params, ...(q.state ? { state: q.state } : {}), iss: issuer })) back.searchParams.set(k, v);
      res.redirect(302, back.toString());
    };
    if (q.response_type !== 'code') return answer({ error: 'unsupported_response_type' });
    if (!(q.scope ?? '').split(' ').includes('openid')) return answer({ error: 'invalid_scope' });
    if (!q.code_challenge || q.code_challenge_method !== 'S256') return answer({ error: 'invalid_request', error_description: 'PKCE S256 is required' });
    if (provider.authorizeError) return answer({ error: provider.authorizeError });
    const code = randomBytes(32).toString('base64url');
    codes.set(code, { clientId: provider.clientId, redirectUri: q.redirect_uri, challenge: q.code_challenge, nonce: q.nonce, user: { ...provider.user }, expiresAt: Date.now() + CODE_TTL_MS, used: false });
    provider.challenges.push(q.code_challenge);
    answer({ code });
  });

  app.post('/token', express.urlencoded({ extended: false }), async (req: Request, res: Response) => {
    const body = (req.body ?? {}) as Record<string, string | undefined>;
    res.setHeader('Cache-Control', 'no-store');
    const basic = basicCredentials(req.headers.authorization);
    const posted = body.client_secret !== undefined ? { id: body.client_id ?? '', secret: body.client_secret } : undefined;
    const method: TokenAttempt['method'] = basic ? 'client_secret_basic' : posted ? 'client_secret_post' : 'none';
    const refuse = (status: number, outcome: Exclude<TokenAttempt['outcome'], 'issued'>, reason?: TokenAttempt['reason']) => {
      provider.tokenAttempts.push({ method, outcome, ...(reason ? { reason } : {}) });
      if (outcome === 'invalid_client' && method === 'client_secret_basic') res.setHeader('WWW-Authenticate', 'Basic realm="token"');
      res.status(status).json({ error: outcome });
    };
    // Exactly one way of authenticating, one the provider offers, with the right secret.
    const credentials = basic ?? posted;
    if ((basic && posted) || !credentials || method === 'none' || !methods.includes(method)) return refuse(401, 'invalid_client');
    if (credentials.id !== provider.clientId || credentials.secret !== provider.clientSecret) return refuse(401, 'invalid_client');
    if (body.grant_type !== 'authorization_code') return refuse(400, 'unsupported_grant_type');
    const issued = body.code ? codes.get(body.code) : undefined;
    if (!issued) return refuse(400, 'invalid_grant', 'unknown_code');
    if (issued.used) return refuse(400, 'invalid_grant', 'reused_code');
    // Spent by this attempt whatever comes next: a code is tried once.
    issued.used = true;
    if (issued.expiresAt < Date.now()) return refuse(400, 'invalid_grant', 'expired_code');
    if (issued.clientId !== credentials.id) return refuse(400, 'invalid_grant', 'wrong_client');
    if (body.redirect_uri !== issued.redirectUri) return refuse(400, 'invalid_grant', 'wrong_redirect_uri');
    if (!body.code_verifier || !verifierShape.test(body.code_verifier)) return refuse(400, 'invalid_grant', 'no_verifier');
    if (s256(body.code_verifier) !== issued.challenge) return refuse(400, 'invalid_grant', 'wrong_verifier');

    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = { ...(issued.nonce ? { nonce: issued.nonce } : {}) };
    if (issued.user.email !== undefined) claims.email = issued.user.email;
    if (issued.user.email_verified !== undefined) claims.email_verified = issued.user.email_verified;
    const idToken = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
      .setIssuer(issuer)
      .setAudience(issued.clientId)
      .setSubject(issued.user.sub)
      .setIssuedAt(now)
      .setExpirationTime(now + ID_TOKEN_TTL_S)
      .sign(privateKey);
    provider.tokenAttempts.push({ method, outcome: 'issued' });
    res.json({ access_token: randomBytes(24).toString('base64url'), token_type: 'Bearer', expires_in: ID_TOKEN_TTL_S, scope: 'openid email', id_token: idToken });
  });

  return provider;
}
