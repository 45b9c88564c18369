import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { MEDIA, SCOPES, linkHeaderValue } from './profiles.js';
import { ROLE } from './claims.js';
import { serviceAuth, tokenOf } from './token.js';
import type { SimLineItem, SimState, SimTool } from './state.js';

const lineItemBody = z.object({
  id: z.unknown().optional(),
  label: z.string().trim().min(1, 'label is required'),
  scoreMaximum: z.number().positive('scoreMaximum must be a positive number'),
  resourceId: z.string().optional(),
  resourceLinkId: z.string().optional(),
  tag: z.string().optional(),
  startDateTime: z.string().optional(),
  endDateTime: z.string().optional(),
});

const scoreBody = z.object({
  userId: z.string().min(1),
  scoreGiven: z.number().nonnegative().optional(),
  scoreMaximum: z.number().positive().optional(),
  comment: z.string().optional(),
  timestamp: z.iso.datetime({ offset: true }),
  activityProgress: z.enum(['Initialized', 'Started', 'InProgress', 'Submitted', 'Completed']),
  gradingProgress: z.enum(['FullyGraded', 'Pending', 'PendingManual', 'Failed', 'NotReady']),
});

const READ = [SCOPES.lineItem, SCOPES.lineItemReadonly];

/** Assignment and Grade Services 2.0: the tool sees and touches only its own line items. */
export function agsRoutes(state: SimState): Router {
  const r = Router();
  const { profile } = state;
  const base = profile.paths.lineItems(':toolId', ':courseId').replace(/%3A/g, ':');
  const itemUrl = (tool: SimTool, item: SimLineItem) =>
    state.url(`${profile.paths.lineItems(tool.toolId, item.courseId)}/${item.id}${profile.paths.lineItemSuffix}${profile.paths.agsQuery(tool.toolId)}`);
  /** `${itemUrl}/results/x` with the query (if any) kept at the end. */
  const underItem = (tool: SimTool, item: SimLineItem, rest: string) => {
    const url = new URL(itemUrl(tool, item));
    url.pathname += rest;
    return url.toString();
  };
  const toJson = (tool: SimTool, item: SimLineItem) =>
    Object.fromEntries(
      Object.entries({
        id: itemUrl(tool, item),
        label: item.label,
        scoreMaximum: item.scoreMaximum,
        resourceId: item.resourceId,
        resourceLinkId: item.resourceLinkId,
        tag: item.tag,
        startDateTime: item.startDateTime,
        // Schoology ignores endDateTime.
        endDateTime: profile.name === 'schoology' ? undefined : item.endDateTime,
      }).filter(([, v]) => v !== undefined),
    );
  const fail = (res: Response, status: number, message: string) => res.status(status).json({ errors: [{ message }] });

  /** The tool and course of the URL, or an answer already sent. */
  function scope(req: Request, res: Response): { tool: SimTool; courseId: string } | undefined {
    const tool = state.tools.get(tokenOf(res).clientId);
    const courseId = String(req.params.courseId);
    if (!tool || !state.courses.has(courseId) || (profile.name === 'schoology' && req.params.toolId !== tool.toolId)) {
      fail(res, 404, 'Course not found');
      return undefined;
    }
    return { tool, courseId };
  }
  function ownItem(req: Request, res: Response): { tool: SimTool; item: SimLineItem } | undefined {
    const s = scope(req, res);
    if (!s) return undefined;
    const item = state.lineItems.find((i) => i.id === req.params.itemId && i.courseId === s.courseId);
    if (!item || item.clientId !== s.tool.clientId) {
      fail(res, 404, item ? 'Tool does not have permission to view line_item' : 'Line item not found');
      return undefined;
    }
    return { tool: s.tool, item };
  }

  r.get(base, serviceAuth(state, 'ags', READ), (req, res) => {
    const s = scope(req, res);
    if (!s) return;
    const q = req.query;
    const all = state.lineItems.filter(
      (i) =>
        i.courseId === s.courseId &&
        i.clientId === s.tool.clientId &&
        (!q.resource_link_id || i.resourceLinkId === q.resource_link_id) &&
        (!q.resource_id || i.resourceId === q.resource_id) &&
        (!q.tag || i.tag === q.tag),
    );
    const limit = Math.min(Number(q.limit) > 0 ? Number(q.limit) : profile.agsPageSize.default, profile.agsPageSize.max);
    const page = Number(q.page) > 0 ? Number(q.page) : 1;
    if (page * limit < all.length) {
      const next = new URL(`${state.baseUrl}${req.originalUrl.slice(req.baseUrl.length)}`);
      next.searchParams.set('page', String(page + 1));
      next.searchParams.set('limit', String(limit));
      res.setHeader('Link', linkHeaderValue(profile, [`<${next}>; rel="next"`]));
    }
    // A Buffer, so Node writes the header bytes as they are (a string body would re-encode them).
    res.type(MEDIA.lineItemContainer).send(Buffer.from(JSON.stringify(all.slice((page - 1) * limit, page * limit).map((i) => toJson(s.tool, i)))));
  });

  r.post(base, serviceAuth(state, 'ags', [SCOPES.lineItem]), (req, res) => {
    const s = scope(req, res);
    if (!s) return;
    const body = lineItemBody.safeParse(req.body);
    if (!body.success) return fail(res, 400, body.error.issues.map((i) => i.message).join('; '));
    if (profile.refuseLineItemId && body.data.id !== undefined) return fail(res, 400, '"id" is not allowed');
    const { id: _ignored, ...fields } = body.data;
    const item: SimLineItem = { ...fields, id: String(state.next()), courseId: s.courseId, clientId: s.tool.clientId };
    state.lineItems.push(item);
    res.status(profile.name === 'canvas' ? 200 : 201).type(MEDIA.lineItem).send(JSON.stringify(toJson(s.tool, item)));
  });

  const itemPath = `${base}/:itemId${profile.paths.lineItemSuffix}`;
  r.get(itemPath, serviceAuth(state, 'ags', READ), (req, res) => {
    const o = ownItem(req, res);
    if (o) res.type(MEDIA.lineItem).send(JSON.stringify(toJson(o.tool, o.item)));
  });
  r.put(itemPath, serviceAuth(state, 'ags', [SCOPES.lineItem]), (req, res) => {
    const o = ownItem(req, res);
    if (!o) return;
    const body = lineItemBody.safeParse(req.body);
    if (!body.success) return fail(res, 400, body.error.issues.map((i) => i.message).join('; '));
    const { id: _ignored, ...fields } = body.data;
    Object.assign(o.item, fields);
    res.type(MEDIA.lineItem).send(JSON.stringify(toJson(o.tool, o.item)));
  });
  r.delete(itemPath, serviceAuth(state, 'ags', [SCOPES.lineItem]), (req, res) => {
    const o = ownItem(req, res);
    if (!o) return;
    state.lineItems = state.lineItems.filter((i) => i !== o.item);
    state.results = state.results.filter((x) => x.lineItemId !== o.item.id);
    res.status(204).end();
  });

  r.post(`${itemPath}/scores`, serviceAuth(state, 'ags', [SCOPES.score]), (req, res) => {
    const o = ownItem(req, res);
    if (!o) return;
    const body = scoreBody.safeParse(req.body);
    if (!body.success) return fail(res, profile.strictScores ? 422 : 400, body.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    const score = body.data;
    const enrollment = state.enrollment(o.item.courseId, score.userId);
    if (!enrollment || !enrollment.roles.includes(ROLE.learner)) {
      return fail(res, profile.strictScores ? 422 : 404, 'User not found in course or is not a student');
    }
    if (profile.strictScores && score.scoreGiven !== undefined && score.scoreMaximum === undefined) {
      return fail(res, 422, 'ScoreMaximum must be present when ScoreGiven is present');
    }
    const existing = state.results.find((x) => x.lineItemId === o.item.id && x.userId === score.userId);
    if (profile.strictScores && existing && Date.parse(score.timestamp) < Date.parse(existing.timestamp)) {
      return fail(res, 400, 'Provided timestamp of ' + score.timestamp + ' before last updated timestamp of ' + existing.timestamp);
    }
    // Canvas clears the grade for these grading states.
    const clears = ['NotReady', 'Failed', 'Pending'].includes(score.gradingProgress);
    const result = {
      lineItemId: o.item.id,
      userId: score.userId,
      resultScore: clears ? undefined : score.scoreGiven,
      resultMaximum: clears ? undefined : (score.scoreMaximum ?? o.item.scoreMaximum),
      comment: score.comment,
      timestamp: score.timestamp,
    };
    if (existing) Object.assign(existing, result);
    else state.results.push(result);
    state.scores.push({ clientId: o.tool.clientId, courseId: o.item.courseId, lineItemId: o.item.id, score: req.body as Record<string, unknown>, at: state.clock.now() });
    const resultUrl = underItem(o.tool, o.item, `/results/${encodeURIComponent(score.userId)}`);
    if (profile.name === 'canvas') res.json({ resultUrl });
    else res.status(204).end();
  });

  r.get(`${itemPath}/results`, serviceAuth(state, 'ags', [SCOPES.resultReadonly]), (req, res) => {
    const o = ownItem(req, res);
    if (!o) return;
    const userId = typeof req.query.user_id === 'string' ? req.query.user_id : undefined;
    const url = itemUrl(o.tool, o.item);
    const stored = state.results.filter((x) => x.lineItemId === o.item.id);
    if (profile.resultsLimitFails && req.query.limit !== undefined && stored.length > 0) {
      // Moodle 4.4 builds a bad SQL LIMIT clause from `limit` once there are rows to page through.
      res.status(500).json({ status: 500, reason: 'error/dmlreadexception' });
      return;
    }
    const rows = state.results
      .filter((x) => x.lineItemId === o.item.id && (!userId || x.userId === userId))
      .map((x) =>
        Object.fromEntries(
          Object.entries({
            id: underItem(o.tool, o.item, `/results/${encodeURIComponent(x.userId)}`),
            scoreOf: url,
            userId: x.userId,
            resultScore: x.resultScore,
            resultMaximum: x.resultMaximum,
            comment: x.comment,
          }).filter(([, v]) => v !== undefined),
        ),
      );
    res.type(MEDIA.resultContainer).send(JSON.stringify(rows));
  });
  return r;
}
