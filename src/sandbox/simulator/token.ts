import { randomBytes } from 'node:crypto';
import { Router, type NextFunction, type Request, type Response } from 'express';
import { decodeJwt, jwtVerify } from 'jose';
import { z } from 'zod';
import type { SimKeys } from './keys.js';
import type { AccessToken, ServiceName, SimState } from './state.js';

const TOKEN_TTL_SECONDS = 3600;

const tokenRequestSchema = z.object({
  grant_type: z.literal('client_credentials'),
  client_assertion_type: z.literal('urn:ietf:params:oauth:client-assertion-type:jwt-bearer'),
  client_assertion: z.string().min(1),
  scope: z.string().min(1),
});

function oauthError(res: Response, status: number, error: string, description: string): void {
  res.status(status).json({ error, error_description: description });
}

/** Answers an injected fault, if one is due; true when it did. */
export function answerFault(state: SimState, service: ServiceName, req: Request, res: Response): boolean {
  const f = state.takeFault(service, req.path);
  if (!f) return false;
  if (f.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(f.retryAfterSeconds));
  res.status(f.status).json({ errors: [{ message: `simulated ${f.status}` }] });
  return true;
}

/** The client-credentials grant: a client assertion signed with a key from the tool's JWKS. */
export function tokenRoutes(state: SimState, keys: SimKeys): Router {
  const r = Router();
  const audience = state.url(state.profile.paths.token);
  r.post(state.profile.paths.token, async (req, res) => {
    const at = state.clock.now();
    const record = (clientId: string | null, requested: string[], granted: string[], error?: string) =>
      state.tokenRequests.push({ clientId, requestedScopes: requested, grantedScopes: granted, ok: !error, error, at });
    if (answerFault(state, 'token', req, res)) return record(null, [], [], 'fault');
    const parsed = tokenRequestSchema.safeParse(req.body);
    if (!parsed.success) {
      record(null, [], [], 'invalid_request');
      return oauthError(res, 400, 'invalid_request', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    }
    const requested = parsed.data.scope.split(' ').filter(Boolean);
    let clientId: string | null = null;
    try {
      const iss = decodeJwt(parsed.data.client_assertion).iss;
      clientId = typeof iss === 'string' ? iss : null;
    } catch {
      // Unreadable assertion: handled below as an unknown client.
    }
    const tool = clientId ? state.tools.get(clientId) : undefined;
    if (!tool) {
      record(clientId, requested, [], 'invalid_client');
      return oauthError(res, 401, 'invalid_client', 'unknown client');
    }
    try {
      const { payload } = await jwtVerify(parsed.data.client_assertion, keys.toolKeySet(tool.jwksUri), {
        algorithms: ['RS256'],
        issuer: tool.clientId,
        subject: tool.clientId,
        audience,
        requiredClaims: ['exp', 'iat'],
        currentDate: at,
        clockTolerance: 5,
      });
      if (typeof payload.exp === 'number' && payload.exp - state.nowSeconds() > 3600) throw new Error('assertion lives too long');
    } catch (e) {
      record(tool.clientId, requested, [], 'invalid_client');
      return oauthError(res, 401, 'invalid_client', `client assertion refused: ${e instanceof Error ? e.message : 'invalid'}`);
    }
    const notGranted = requested.filter((s) => !tool.scopes.includes(s));
    const granted = requested.filter((s) => tool.scopes.includes(s));
    if ((notGranted.length && state.profile.refuseUngrantedScopes) || !granted.length) {
      record(tool.clientId, requested, [], 'invalid_scope');
      return oauthError(res, 400, 'invalid_scope', `scope not granted: ${notGranted.join(' ')}`);
    }
    const token = randomBytes(24).toString('base64url');
    state.accessTokens.set(token, { clientId: tool.clientId, scopes: granted, expiresAt: state.nowSeconds() + TOKEN_TTL_SECONDS });
    record(tool.clientId, requested, granted);
    res.json({ access_token: token, token_type: 'Bearer', expires_in: TOKEN_TTL_SECONDS, scope: granted.join(' ') });
  });
  return r;
}

/** The access token serviceAuth accepted for this request. */
export function tokenOf(res: Response): AccessToken {
  return res.locals.simToken as AccessToken;
}

/**
 * Guard for every service call: injected faults first, then User-Agent (Canvas), then a valid
 * bearer token (401) holding one of the scopes the operation needs (403).
 */
export function serviceAuth(state: SimState, service: ServiceName, anyOf: readonly string[]) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const delay = state.takeDelay(service);
    if (delay) await new Promise((resolve) => setTimeout(resolve, delay.ms));
    if (answerFault(state, service, req, res)) return;
    if (state.profile.requiresUserAgent && !req.get('user-agent')) {
      res.status(403).json({ errors: [{ message: 'A User-Agent header is required' }] });
      return;
    }
    const m = /^Bearer (.+)$/i.exec(req.get('authorization') ?? '');
    const token = m ? state.accessTokens.get(m[1]) : undefined;
    if (!token || token.expiresAt <= state.nowSeconds()) {
      res.status(401).json({ errors: [{ message: 'Invalid access token' }] });
      return;
    }
    if (!anyOf.some((s) => token.scopes.includes(s))) {
      res.status(403).json({ errors: [{ message: 'Insufficient scope' }] });
      return;
    }
    res.locals.simToken = token;
    next();
  };
}
