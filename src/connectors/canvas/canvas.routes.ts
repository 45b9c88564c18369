import express, { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../web/context.js';

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

/**
 * POST from Canvas Data Services: 204 once a verified event's refresh is queued (or the event needs
 * none); 401 for an unsigned, forged or foreign event (logged by reason, never its body); 404 for a
 * school without a Canvas connector. No cookies, no session: the signature is the authentication.
 */
export function canvasLiveEventsRoutes(ctx: Pick<AppContext, 'canvas'>): Router {
  const r = Router();
  r.post(ROUTE, async (req, res) => {
    const p = params.safeParse(req.params);
    if (!p.success || typeof req.body !== 'string') {
      res.status(p.success ? 401 : 404).json({ error: p.success ? 'invalid_event' : 'not_found' });
      return;
    }
    const outcome = await ctx.canvas.receiveLiveEvent(p.data.tenantId, req.body);
    if (outcome === 'unknown') res.status(404).json({ error: 'not_found' });
    else if (outcome === 'refused') res.status(401).set('WWW-Authenticate', 'Bearer error="invalid_token"').json({ error: 'invalid_signature' });
    else res.status(204).end();
  });
  return r;
}
