import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';

/**
 * A tiny LTI Advantage service platform (token, NRPS, AGS) with fault injection, for testing the
 * service client's rules (401/403/429/5xx) that a faithful simulator has no reason to produce.
 */
export interface FakeMember {
  user_id: string;
  roles: string[];
  name?: string;
  status?: 'Active' | 'Inactive';
}

export interface FakeLineItem {
  id: string;
  label: string;
  scoreMaximum: number;
  resourceId?: string;
  tag?: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | undefined>;
  body: unknown;
}

export interface FakePlatform {
  baseUrl: string;
  tokenUrl: string;
  membershipsUrl(course: string): string;
  lineItemsUrl(course: string): string;
  members: Map<string, FakeMember[]>;
  lineItems: Map<string, FakeLineItem[]>;
  scores: { course: string; lineItem: string; body: Record<string, unknown> }[];
  tokenRequests: { scope: string; claims: Record<string, unknown>; kid: string | undefined }[];
  requests: RecordedRequest[];
  /** Statuses to answer for the next service (non-token) requests, one each, e.g. [500, 429]. */
  failNext: { status: number; retryAfter?: string }[];
  /** Statuses the token endpoint answers next. */
  failTokenNext: number[];
  /** Makes every token issued so far invalid (the next service call gets 401). */
  revokeTokens(): void;
  /** Require the NRPS media type in Accept, as Schoology does. */
  requireNrpsAccept: boolean;
  pageSize: number;
  /** NRPS next links point to another host (a client must refuse to send its token there). */
  foreignNext: boolean;
  /** A status to answer for requests it picks (e.g. only later pages), every time. */
  failOn: ((req: RecordedRequest) => number | undefined) | undefined;
  /** Paths answering 403 / 404. */
  forbidden: Set<string>;
  missing: Set<string>;
  close(): Promise<void>;
}

const NRPS = 'application/vnd.ims.lti-nrps.v2.membershipcontainer+json';

export async function startFakePlatform(opts: { toolJwks: () => Promise<JSONWebKeySet>; clientId: string; tokenTtlSeconds?: number }): Promise<FakePlatform> {
  const app = express();
  let issued = 0;
  let valid = new Set<string>();
  const fp = {
    members: new Map<string, FakeMember[]>(),
    lineItems: new Map<string, FakeLineItem[]>(),
    scores: [] as FakePlatform['scores'],
    tokenRequests: [] as FakePlatform['tokenRequests'],
    requests: [] as RecordedRequest[],
    failNext: [] as FakePlatform['failNext'],
    failTokenNext: [] as number[],
    requireNrpsAccept: false,
    pageSize: 50,
    foreignNext: false,
    failOn: undefined as FakePlatform['failOn'],
    forbidden: new Set<string>(),
    missing: new Set<string>(),
    revokeTokens: () => {
      valid = new Set();
    },
  };
  app.use(express.urlencoded({ extended: false }));
  app.use(express.json({ type: ['application/json', 'application/*+json'] }));

  app.post('/token', async (req, res) => {
    const fail = fp.failTokenNext.shift();
    if (fail) return void res.status(fail).json({ error: 'temporarily_unavailable' });
    const body = req.body as Record<string, string>;
    try {
      const { payload, protectedHeader } = await jwtVerify(body.client_assertion ?? '', createLocalJWKSet(await opts.toolJwks()), {
        issuer: opts.clientId,
        subject: opts.clientId,
        audience: `${base}/token`,
      });
      if (body.grant_type !== 'client_credentials' || !payload.jti) throw new Error('bad grant');
      fp.tokenRequests.push({ scope: body.scope ?? '', claims: payload, kid: protectedHeader.kid });
    } catch {
      return void res.status(401).json({ error: 'invalid_client' });
    }
    const token = `tok-${++issued}`;
    valid.add(token);
    res.json({ access_token: token, token_type: 'Bearer', expires_in: opts.tokenTtlSeconds ?? 3600, scope: body.scope });
  });

  app.use((req, res, next) => {
    const recorded = { method: req.method, path: req.path, query: req.query as Record<string, string>, headers: { ...req.headers } as Record<string, string>, body: req.body };
    fp.requests.push(recorded);
    const auth = req.headers.authorization ?? '';
    if (!auth.startsWith('Bearer ') || !valid.has(auth.slice(7))) return void res.status(401).json({ error: 'invalid_token' });
    if (!req.headers['user-agent']) return void res.status(403).json({ error: 'User-Agent required' });
    if (fp.forbidden.has(req.path)) return void res.status(403).json({ error: 'forbidden' });
    if (fp.missing.has(req.path)) return void res.status(404).json({ error: 'not found' });
    const picked = fp.failOn?.(recorded);
    if (picked) return void res.status(picked).json({ error: 'failing' });
    const fail = fp.failNext.shift();
    if (fail) {
      if (fail.retryAfter) res.setHeader('Retry-After', fail.retryAfter);
      return void res.status(fail.status).json({ error: 'try later' });
    }
    next();
  });

  app.get('/nrps/:course', (req, res) => {
    if (fp.requireNrpsAccept && req.headers.accept !== NRPS) return void res.status(406).send('handleNamesRoles: Invalid Accept Header');
    const all = fp.members.get(req.params.course) ?? [];
    const limit = Math.min(Number(req.query.limit ?? fp.pageSize) || fp.pageSize, fp.pageSize);
    const offset = Number(req.query.offset ?? 0);
    if (offset + limit < all.length) res.setHeader('Link', `<${fp.foreignNext ? 'http://localhost:9' : base}/nrps/${req.params.course}?limit=${limit}&offset=${offset + limit}>; rel="next"`);
    res.type(NRPS).json({ id: req.url, context: { id: req.params.course }, members: all.slice(offset, offset + limit) });
  });

  app.get('/ags/:course/lineitems', (req, res) => {
    let items = fp.lineItems.get(req.params.course) ?? [];
    if (req.query.tag) items = items.filter((i) => i.tag === req.query.tag);
    if (req.query.resource_id) items = items.filter((i) => i.resourceId === req.query.resource_id);
    res.type('application/vnd.ims.lis.v2.lineitemcontainer+json').json(items);
  });
  app.post('/ags/:course/lineitems', (req, res) => {
    const list = fp.lineItems.get(req.params.course) ?? [];
    const item = { ...(req.body as Omit<FakeLineItem, 'id'>), id: `${base}/ags/${req.params.course}/lineitems/${list.length + 1}` };
    list.push(item);
    fp.lineItems.set(req.params.course, list);
    res.status(201).type('application/vnd.ims.lis.v2.lineitem+json').json(item);
  });
  app.post('/ags/:course/lineitems/:n/scores', (req, res) => {
    fp.scores.push({ course: req.params.course, lineItem: `${base}/ags/${req.params.course}/lineitems/${req.params.n}`, body: req.body as Record<string, unknown> });
    res.status(204).end();
  });
  app.get('/ags/:course/lineitems/:n/results', (req, res) => {
    const id = `${base}/ags/${req.params.course}/lineitems/${req.params.n}`;
    const latest = new Map<string, Record<string, unknown>>();
    for (const s of fp.scores.filter((x) => x.lineItem === id)) latest.set(String(s.body.userId), s.body);
    res.type('application/vnd.ims.lis.v2.resultcontainer+json').json(
      [...latest.values()].map((s) => ({ id: `${id}/results/${String(s.userId)}`, scoreOf: id, userId: s.userId, resultScore: s.scoreGiven, resultMaximum: s.scoreMaximum })),
    );
  });

  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(fp, {
    baseUrl: base,
    tokenUrl: `${base}/token`,
    membershipsUrl: (course: string) => `${base}/nrps/${course}`,
    lineItemsUrl: (course: string) => `${base}/ags/${course}/lineitems`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
