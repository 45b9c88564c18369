import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import { localId } from './canvas.reader.js';

/*
 * Canvas Data Services Live Events over HTTPS, "Canvas" format, "Signed JWT payloads" on: the request body
 * is one RS256 JWT (Content-Type application/jwt; application/json before July 2026) whose payload is the
 * event {metadata, body}; its `kid` is one of the keys at the service's JWKS URL (rotated monthly).
 * An unsigned body, another algorithm, an unknown kid or a bad signature is refused.
 */

const idSchema = z.union([z.string(), z.number()]).transform(String);

export const liveEventSchema = z.object({
  metadata: z.object({
    event_name: z.string(),
    event_time: z.string().optional(),
    context_type: z.string().nullish(),
    context_id: idSchema.nullish(),
    root_account_uuid: z.string().nullish(),
  }),
  body: z.record(z.string(), z.unknown()),
});
export type CanvasLiveEvent = z.infer<typeof liveEventSchema>;

export type LiveEventCheck =
  | { ok: true; event: CanvasLiveEvent }
  | { ok: false; reason: 'unsigned' | 'bad_signature' | 'bad_event' | 'other_instance' };

export const HANDLED_EVENTS = ['grade_change', 'submission_updated', 'enrollment_updated'] as const;

/** One cached key set per JWKS URL; jose refetches on an unknown kid (a monthly rotation). */
export function createLiveEventVerifier(opts: { cooldownMs?: number } = {}) {
  const sets = new Map<string, JWTVerifyGetKey>();
  const keySet = (url: string) => {
    let s = sets.get(url);
    if (!s) {
      s = createRemoteJWKSet(new URL(url), { cooldownDuration: opts.cooldownMs ?? 30_000, cacheMaxAge: 60 * 60_000 });
      sets.set(url, s);
    }
    return s;
  };
  return {
    async verify(body: string, jwksUrl: string, rootAccountUuid?: string): Promise<LiveEventCheck> {
      const jwt = body.trim();
      if (!/^[\w-]+\.[\w-]+\.[\w-]+$/.test(jwt)) return { ok: false, reason: 'unsigned' };
      try {
        if (decodeProtectedHeader(jwt).alg !== 'RS256') return { ok: false, reason: 'unsigned' };
      } catch {
        return { ok: false, reason: 'unsigned' };
      }
      let payload: unknown;
      try {
        payload = (await jwtVerify(jwt, keySet(jwksUrl), { algorithms: ['RS256'] })).payload;
      } catch {
        return { ok: false, reason: 'bad_signature' };
      }
      const parsed = liveEventSchema.safeParse(payload);
      if (!parsed.success) return { ok: false, reason: 'bad_event' };
      // Every Canvas instance's events are signed with the same keys: the instance is in the metadata.
      if (rootAccountUuid && parsed.data.metadata.root_account_uuid !== rootAccountUuid) return { ok: false, reason: 'other_instance' };
      return { ok: true, event: parsed.data };
    },
  };
}
export type LiveEventVerifier = ReturnType<typeof createLiveEventVerifier>;

/** The student enrollment (course, user; REST-API local ids) whose scores an event may have changed. */
export function affectedEnrollment(event: CanvasLiveEvent): { courseId: string; userId: string } | null {
  const b = event.body;
  const str = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : null);
  const id = (v: string | null) => (v && /^\d+$/.test(v) ? localId(v) : null);
  let course: string | null;
  let user: string | null;
  switch (event.metadata.event_name) {
    case 'grade_change':
    case 'submission_updated':
      if (event.metadata.context_type !== 'Course') return null;
      course = id(event.metadata.context_id ?? null);
      user = id(str(b.student_id) ?? str(b.user_id));
      break;
    case 'enrollment_updated':
      if (b.type !== 'StudentEnrollment') return null;
      course = id(str(b.course_id));
      user = id(str(b.user_id));
      break;
    default:
      return null;
  }
  return course && user ? { courseId: course, userId: user } : null;
}
