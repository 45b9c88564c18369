import { createHash } from 'node:crypto';
import { SignJWT, jwtVerify, errors } from 'jose';
import { z } from 'zod';
import type { Clock } from '../web/clock.js';
import { toolRoles } from './user.js';
import { defaultLocale, localeName, type Locale } from '../web/i18n.js';

/**
 * The ltik is the per-launch session: a short signed token carried on every link and form,
 * because a cookie set inside an LMS iframe is a third-party cookie that browsers block.
 */
export const ltikClaims = z.object({
  tid: z.string().uuid(),
  pid: z.string().uuid(),
  cid: z.string().uuid().nullable(),
  role: z.enum(toolRoles),
  /** The language the person's pages are in (their own choice, else their LMS's): no query per request to know it. */
  loc: localeName.default(defaultLocale),
});
export type LtikClaims = z.infer<typeof ltikClaims>;
/** What a launch (or a test) issues: a token without a language is read in the default one. */
export type LtikInput = z.input<typeof ltikClaims>;

export class LtikError extends Error {
  /** An expired ltik still names (authentically: the signature was checked first) the tenant it was issued for. */
  constructor(readonly reason: 'expired' | 'invalid', readonly tenantId?: string) {
    super(reason === 'expired' ? 'Your session has expired' : 'The session token is not valid');
  }
}

export interface LtikService {
  issue(claims: LtikInput): Promise<string>;
  verify(token: string): Promise<LtikClaims>;
  /** The same session in another language: same claims, same expiry (a switch never prolongs a session). */
  relocalize(token: string, loc: Locale): Promise<string>;
}

const AUDIENCE = 'success-plans:ltik';

export function createLtikService(encryptionKey: string, ttlMinutes: number, clock: Clock): LtikService {
  // A key of its own, derived so that a leaked ltik key never exposes the encryption key.
  const key = createHash('sha256').update(`ltik:${encryptionKey}`).digest();
  const sign = (claims: LtikClaims, issuedAt: number, expiresAt: number) =>
    new SignJWT({ ...claims }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt(issuedAt).setExpirationTime(expiresAt).setAudience(AUDIENCE).sign(key);
  const verified = async (token: string) => {
    const { payload } = await jwtVerify(token, key, {
      algorithms: ['HS256'],
      audience: AUDIENCE,
      currentDate: clock.now(),
      // A token without an end never dies: refuse it; and none lives longer than the configured lifetime, whatever its exp says.
      requiredClaims: ['exp', 'iat'],
      maxTokenAge: ttlMinutes * 60,
    });
    const parsed = ltikClaims.safeParse(payload);
    if (!parsed.success) throw new LtikError('invalid');
    return { claims: parsed.data, issuedAt: payload.iat!, expiresAt: payload.exp! };
  };
  return {
    async issue(claims) {
      const now = Math.floor(clock.now().getTime() / 1000);
      return sign(ltikClaims.parse(claims), now, now + ttlMinutes * 60);
    },
    async relocalize(token, loc) {
      const { claims, issuedAt, expiresAt } = await verified(token);
      return sign({ ...claims, loc }, issuedAt, expiresAt);
    },
    async verify(token) {
      try {
        return (await verified(token)).claims;
      } catch (err) {
        if (err instanceof LtikError) throw err;
        if (err instanceof errors.JWTExpired) {
          const tid = ltikClaims.shape.tid.safeParse(err.payload.tid);
          throw new LtikError('expired', tid.success ? tid.data : undefined);
        }
        throw new LtikError('invalid');
      }
    },
  };
}
