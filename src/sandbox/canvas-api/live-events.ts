import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JSONWebKeySet } from 'jose';
import type { CanvasState } from './state.js';

/*
 * Canvas Data Services, HTTPS delivery in "Canvas" format with "Signed JWT payloads" on (Canvas guides:
 * "How do I configure and test Canvas Live Events using HTTPS delivery?"): each event is POSTed as one
 * RS256 JWT whose payload is the event ({metadata, body}); its header's `kid` names one of the keys
 * published at the service's JWKS URL (three keys, rotated monthly, the current one in the middle).
 * Content-Type is application/jwt (application/json before 2026-07-13); without signing the body is the
 * plain JSON event.
 */

export type LiveEventName = 'grade_change' | 'submission_updated' | 'enrollment_updated';

export interface LiveEvent {
  metadata: Record<string, unknown> & { event_name: string; event_time: string };
  body: Record<string, unknown>;
}

export interface SentLiveEvent {
  url: string;
  eventName: string;
  status: number;
}

interface KeyPair {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: Record<string, unknown>;
}

async function newKeyPair(): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048 });
  const kid = randomUUID();
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

export type SendMode = 'signed' | 'forged' | 'unsigned' | 'alg-none' | 'tampered';

export class LiveEventsSender {
  readonly subscriptions = new Set<string>();
  readonly sent: SentLiveEvent[] = [];

  private constructor(
    private readonly state: CanvasState,
    private readonly published: KeyPair[],
    private readonly foreign: KeyPair,
    private readonly fetchImpl: typeof fetch,
  ) {}

  static async create(state: CanvasState, fetchImpl: typeof fetch = fetch): Promise<LiveEventsSender> {
    const published = [await newKeyPair(), await newKeyPair(), await newKeyPair()];
    return new LiveEventsSender(state, published, await newKeyPair(), fetchImpl);
  }

  jwks(): JSONWebKeySet {
    return { keys: this.published.map((k) => k.publicJwk as JSONWebKeySet['keys'][number]) };
  }

  /** The current key: the middle one of the three published. */
  private get current(): KeyPair {
    const k = this.published[1];
    if (!k) throw new Error('no current key');
    return k;
  }

  /** Monthly rotation: the oldest key leaves, a new one arrives, the middle one signs. */
  async rotate(): Promise<void> {
    this.published.shift();
    this.published.push(await newKeyPair());
  }

  /** The body Canvas would POST for `event` in the given mode. */
  async encode(event: LiveEvent, mode: SendMode = 'signed'): Promise<{ body: string; contentType: string }> {
    const payload = event as unknown as Record<string, unknown>;
    switch (mode) {
      case 'unsigned':
        return { body: JSON.stringify(event), contentType: 'application/json' };
      case 'alg-none': {
        const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
        return { body: `${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`, contentType: 'application/jwt' };
      }
      case 'forged': {
        // Signed with a key nobody published, under a published kid.
        const jwt = await new SignJWT(payload).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: this.current.kid }).sign(this.foreign.privateKey);
        return { body: jwt, contentType: 'application/jwt' };
      }
      case 'tampered': {
        const jwt = await new SignJWT(payload).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: this.current.kid }).sign(this.current.privateKey);
        const [h, , s] = jwt.split('.');
        const changed = { ...event, body: { ...event.body, score: 100 } };
        return { body: `${h}.${Buffer.from(JSON.stringify(changed)).toString('base64url')}.${s}`, contentType: 'application/jwt' };
      }
      default: {
        const jwt = await new SignJWT(payload).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: this.current.kid }).sign(this.current.privateKey);
        return { body: jwt, contentType: 'application/jwt' };
      }
    }
  }

  /** POSTs one event to one subscription URL; returns the receiver's status. */
  async send(event: LiveEvent, url: string, mode: SendMode = 'signed'): Promise<number> {
    const { body, contentType } = await this.encode(event, mode);
    const res = await this.fetchImpl(url, { method: 'POST', headers: { 'content-type': contentType, 'user-agent': 'Canvas Live Events (simulator)' }, body });
    await res.arrayBuffer();
    this.sent.push({ url, eventName: event.metadata.event_name, status: res.status });
    return res.status;
  }

  /** Delivers to every subscription (what Canvas does on a change); failures are only recorded. */
  async publish(event: LiveEvent): Promise<void> {
    await Promise.all(
      [...this.subscriptions].map((url) =>
        this.send(event, url).catch(() => {
          this.sent.push({ url, eventName: event.metadata.event_name, status: 0 });
        }),
      ),
    );
  }

  /** Metadata as Canvas sets it for a change made by `actorId` in a course (global ids). */
  metadata(eventName: LiveEventName, courseId: string | null, actorId: string | null): LiveEvent['metadata'] {
    const s = this.state;
    const course = courseId ? s.courses.get(courseId) : undefined;
    const actor = actorId ? s.users.get(actorId) : undefined;
    return Object.fromEntries(
      Object.entries({
        root_account_id: s.globalId('1'),
        root_account_uuid: 'SimRootAccountUuid0000000000000000000000',
        root_account_lti_guid: `SimRootAccountUuid0000000000000000000000:canvas-lms`,
        user_id: actor ? s.globalId(actor.id) : undefined,
        user_login: actor?.loginId,
        user_sis_id: actor?.sisUserId ?? undefined,
        user_account_id: s.globalId('1'),
        context_type: course ? 'Course' : undefined,
        context_id: course ? s.globalId(course.id) : undefined,
        context_sis_source_id: course?.sisCourseId ?? undefined,
        context_account_id: course ? s.globalId(course.accountId) : undefined,
        context_role: course ? 'TeacherEnrollment' : undefined,
        request_id: randomUUID(),
        hostname: new URL(s.baseUrl).host,
        http_method: 'POST',
        producer: 'canvas',
        event_name: eventName,
        event_time: s.clock.now().toISOString(),
        time_zone: 'America/Denver',
      }).filter(([, v]) => v !== undefined),
    ) as LiveEvent['metadata'];
  }
}

/** The published key set, at the path the real service uses. */
export function liveEventsRoutes(sender: LiveEventsSender): Router {
  const r = Router();
  r.get('/live-events/main/jwks', (_req, res) => {
    res.json(sender.jwks());
  });
  return r;
}
