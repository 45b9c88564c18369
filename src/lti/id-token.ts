import { errors, jwtVerify, type JWTPayload } from 'jose';
import { HttpError, message } from '../web/errors.js';
import type { Clock } from '../web/clock.js';
import { JwksError, type JwksCache } from './jwks-cache.js';
import { launchClaims, type LaunchClaims } from './launch.schemas.js';

/** A launch we refuse: the page says why in plain words, the log gets the code. */
/** A refused launch: `reason` names its text in errors.launch (config/locales), followed by what to do. */
export const refusal = (status: 400 | 401 | 403 | 502, code: string, reason: string, params: Record<string, unknown> = {}) =>
  new HttpError(status, message(status === 403 ? 'errors.launch.notAllowed' : 'errors.launch.notVerified'), message('errors.launch.refusal', { ...params, reason }), code);

export interface IdTokenExpectations {
  issuer: string;
  clientId: string;
  jwksUrl: string;
  clockSkewSeconds: number;
  /** The oldest iat we accept, beyond the skew: platforms sign the token right before posting it. */
  maxAgeSeconds?: number;
}

/**
 * Security Framework §5.1.3 checks that do not need the database: signature (RS256, key from the
 * platform's cached JWKS), iss, aud/azp, exp and iat with a configured skew, then the claims the
 * message type needs. Nonce, state and deployment are the caller's (they need stored data).
 */
export async function verifyIdToken(token: string, expect: IdTokenExpectations, deps: { jwks: JwksCache; clock: Clock }): Promise<LaunchClaims> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, (header) => deps.jwks.key(expect.jwksUrl, header), {
      algorithms: ['RS256'],
      issuer: expect.issuer,
      audience: expect.clientId,
      clockTolerance: expect.clockSkewSeconds,
      maxTokenAge: (expect.maxAgeSeconds ?? 3600) + expect.clockSkewSeconds,
      currentDate: deps.clock.now(),
      requiredClaims: ['exp', 'iat', 'nonce'],
    }));
  } catch (err) {
    throw toRefusal(err) ?? err;
  }
  const aud = payload.aud;
  if (Array.isArray(aud) && aud.length > 1 && payload.azp !== expect.clientId) {
    throw refusal(401, 'wrong_audience', 'severalAudiences');
  }
  if (payload.azp !== undefined && payload.azp !== expect.clientId) {
    throw refusal(401, 'wrong_audience', 'anotherTool');
  }
  const parsed = launchClaims.safeParse(payload);
  if (!parsed.success) {
    // Claim names only: values can hold names and emails.
    const missing = [...new Set(parsed.error.issues.map((i) => i.path.map(String).join('.') || 'message_type'))].slice(0, 5);
    throw refusal(400, 'missing_claims', 'missingClaims', { claims: missing.join(', ') });
  }
  return parsed.data;
}

function toRefusal(err: unknown): HttpError | undefined {
  if (err instanceof JwksError) {
    return err.reason === 'unreachable'
      ? refusal(502, 'jwks_unreachable', 'jwksUnreachable')
      : refusal(401, 'bad_signature', 'badSignature');
  }
  if (err instanceof errors.JWTExpired) {
    return err.claim === 'iat' ? refusal(401, 'token_too_old', 'tooOld') : refusal(401, 'token_expired', 'expired');
  }
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'iss') return refusal(401, 'wrong_issuer', 'wrongIssuer');
    if (err.claim === 'aud') return refusal(401, 'wrong_audience', 'anotherTool');
    if (err.reason === 'missing') return refusal(400, 'missing_claims', 'missingClaims', { claims: err.claim });
    return refusal(401, 'token_time', 'clock');
  }
  if (err instanceof errors.JOSEAlgNotAllowed || err instanceof errors.JWSSignatureVerificationFailed || err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid) {
    return refusal(401, 'bad_signature', 'badSignature');
  }
  if (err instanceof errors.JOSEError) return refusal(401, 'bad_signature', 'unreadable');
  return undefined;
}
