import { errors, jwtVerify, type JWTPayload } from 'jose';
import { HttpError } from '../web/errors.js';
import type { Clock } from '../web/clock.js';
import { JwksError, type JwksCache } from './jwks-cache.js';
import { launchClaims, type LaunchClaims } from './launch.schemas.js';

/** A launch we refuse: the page says why in plain words, the log gets the code. */
export const refusal = (status: 400 | 401 | 403 | 502, code: string, detail: string) =>
  new HttpError(status, status === 403 ? 'This launch is not allowed' : 'The launch could not be verified', `${detail} Open the tool again from your course.`, code);

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
    throw refusal(401, 'wrong_audience', 'The sign-in was meant for several tools and did not name this one as its authorized party.');
  }
  if (payload.azp !== undefined && payload.azp !== expect.clientId) {
    throw refusal(401, 'wrong_audience', 'The sign-in was meant for another tool.');
  }
  const parsed = launchClaims.safeParse(payload);
  if (!parsed.success) {
    // Claim names only: values can hold names and emails.
    const missing = [...new Set(parsed.error.issues.map((i) => i.path.map(String).join('.') || 'message_type'))].slice(0, 5);
    throw refusal(400, 'missing_claims', `The LMS sent a launch without the information the tool needs (${missing.join(', ')}).`);
  }
  return parsed.data;
}

function toRefusal(err: unknown): HttpError | undefined {
  if (err instanceof JwksError) {
    return err.reason === 'unreachable'
      ? refusal(502, 'jwks_unreachable', 'The LMS key set could not be read, so the sign-in could not be checked.')
      : refusal(401, 'bad_signature', 'The sign-in was not signed by your LMS.');
  }
  if (err instanceof errors.JWTExpired) {
    return err.claim === 'iat' ? refusal(401, 'token_too_old', 'The sign-in is too old.') : refusal(401, 'token_expired', 'The sign-in has expired.');
  }
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'iss') return refusal(401, 'wrong_issuer', 'The sign-in came from a different LMS than the one that started it.');
    if (err.claim === 'aud') return refusal(401, 'wrong_audience', 'The sign-in was meant for another tool.');
    if (err.reason === 'missing') return refusal(400, 'missing_claims', `The LMS sent a launch without the information the tool needs (${err.claim}).`);
    return refusal(401, 'token_time', 'The sign-in carries times that do not match this server’s clock.');
  }
  if (err instanceof errors.JOSEAlgNotAllowed || err instanceof errors.JWSSignatureVerificationFailed || err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid) {
    return refusal(401, 'bad_signature', 'The sign-in was not signed by your LMS.');
  }
  if (err instanceof errors.JOSEError) return refusal(401, 'bad_signature', 'The sign-in could not be read.');
  return undefined;
}
