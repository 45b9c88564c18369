import express, { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../web/context.js';
import { badBody, unsupportedBody } from '../../web/body.js';

/** Where a school's Canvas Data Services subscription delivers (HTTPS, Canvas format, signed JWT payloads). */
export const liveEventsPath = (tenantId: string) => `/connectors/canvas/live-events/${encodeURIComponent(tenantId)}`;
const ROUTE = '/connectors/canvas/live-events/:tenantId';

/**
 * The event body as text, whatever its Content-Type (application/jwt now, application/json before
 * July 2026, where the JSON parser would choke on a JWT). Mounted before the app's body parsers.
 */
export function canvasLiveEventsBody(): RequestHandler {
  const r = Router();
  r.post(ROUTE, express.text({ type: () => true, limit: '256kb' }));
  return r;
}

const params = z.object({ tenantId: z.uuid() });
const JWT = /^[\w-]+\.[\w-]*\.[\w-]*$/;

/**
 * What was posted: a JWT (signed or not: the receiver decides), an unsigned Canvas event (JSON with
 * metadata and body), or something unreadable. Canvas sends application/jwt (application/json before
 * July 2026); any other type is refused as the app refuses odd bodies.
 */
function classify(contentType: string | false | null, body: unknown): 'jwt' | 'unsigned' | 'unreadable' | 'unsupported' {
  const text = typeof body === 'string' ? body.trim() : '';
  if (contentType === 'application/jwt') return 'jwt';
  // A form is readable as a form, and no event: 400 as for any form the app cannot use.
  if (contentType === 'application/x-www-form-urlencoded') return 'unreadable';
  if (contentType !== 'application/json') return 'unsupported';
  if (JWT.test(text)) return 'jwt';
  try {
    const json = JSON.parse(text) as unknown;
    if (typeof json === 'string' && JWT.test(json)) return 'jwt';
    if (json && typeof json === 'object' && 'metadata' in json && 'body' in json) return 'unsigned';
  } catch {
    // unreadable below
  }
  return 'unreadable';
}

/**
 * POST from Canvas Data Services: 204 once a verified event's refresh is queued (or the event needs
 * none); 401 for an unsigned, forged or foreign event (logged by reason, never its body); 404 for a
 * school without a Canvas connector; 415/400 (the app's odd-body answers) for another content type or
 * a body that is no event at all. No cookies, no session: the signature is the authentication.
 */
export function canvasLiveEventsRoutes(ctx: Pick<AppContext, 'canvas'>): Router {
  const r = Router();
  r.post(ROUTE, async (req, res, next) => {
    // Forms only in UTF-8, as the app's form parser takes them.
    const charset = /charset=([^;]+)/i.exec(req.get('content-type') ?? '')?.[1]?.trim().replace(/"/g, '').toLowerCase();
    if (req.is('application/x-www-form-urlencoded') && charset && charset !== 'utf-8') return next(unsupportedBody());
    const kind = classify(req.headers['content-length'] === '0' || req.body === undefined ? 'application/jwt' : req.is(['application/jwt', 'application/json', 'application/x-www-form-urlencoded']), req.body);
    if (kind === 'unsupported') return next(unsupportedBody());
    if (kind === 'unreadable') return next(badBody());
    const p = params.safeParse(req.params);
    if (!p.success) {
      res.status(404).json({ error: 'not_found' });
      return;
    }
    // An unsigned event (or an empty post) goes to the receiver too: refused and logged there.
    const body = kind === 'jwt' && typeof req.body === 'string' ? req.body.trim().replace(/^"|"$/g, '') : '';
    const outcome = await ctx.canvas.receiveLiveEvent(p.data.tenantId, body);
    if (outcome === 'unknown') res.status(404).json({ error: 'not_found' });
    else if (outcome === 'refused') res.status(401).set('WWW-Authenticate', 'Bearer error="invalid_token"').json({ error: 'invalid_signature' });
    else res.status(204).end();
  });
  return r;
}
