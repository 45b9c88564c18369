import { randomUUID } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { autoPostForm, errorPage } from './html.js';
import { launchClaims } from './claims.js';
import type { SimKeys } from './keys.js';
import type { PendingLaunch, SimState, SimTool } from './state.js';

export interface LaunchParams {
  clientId: string;
  userSub: string;
  courseId?: string;
  messageType?: PendingLaunch['messageType'];
  deploymentId?: string;
  targetLinkUri?: string;
  /** The language the person has set in the LMS (es-MX); the LMS's default, en, when not given. */
  locale?: string;
}

const LAUNCH_PATH = '/sim/launch';
const HINT_TTL_SECONDS = 300;

export function launchQuery(p: LaunchParams): URLSearchParams {
  const q = new URLSearchParams({ client_id: p.clientId, user: p.userSub });
  if (p.courseId) q.set('course', p.courseId);
  if (p.messageType) q.set('message_type', p.messageType);
  if (p.deploymentId) q.set('deployment_id', p.deploymentId);
  if (p.targetLinkUri) q.set('target_link_uri', p.targetLinkUri);
  if (p.locale) q.set('locale', p.locale);
  return q;
}

export function launchUrl(state: SimState, p: LaunchParams): string {
  return `${state.url(LAUNCH_PATH)}?${launchQuery(p)}`;
}

const launchQuerySchema = z.object({
  client_id: z.string().min(1),
  user: z.string().min(1),
  course: z.string().min(1).optional(),
  message_type: z.enum(['LtiResourceLinkRequest', 'LtiDeepLinkingRequest']).optional(),
  deployment_id: z.string().min(1).optional(),
  target_link_uri: z.url().optional(),
  locale: z.string().min(1).max(35).optional(),
});

const authSchema = z.object({
  client_id: z.string().min(1, 'client_id is missing'),
  redirect_uri: z.string().min(1, 'redirect_uri is missing'),
  response_type: z.literal('id_token', 'response_type must be id_token'),
  response_mode: z.literal('form_post', 'response_mode must be form_post'),
  scope: z.string().refine((s) => s.split(' ').includes('openid'), 'scope must include openid'),
  prompt: z.literal('none', 'prompt must be none'),
  login_hint: z.string().min(1, 'login_hint is missing'),
  lti_message_hint: z.string().min(1, 'lti_message_hint is missing'),
  nonce: z.string().min(1, 'nonce is missing'),
  state: z.string().optional(),
});

export function oidcRoutes(state: SimState, keys: SimKeys): Router {
  const r = Router();
  const { profile } = state;

  /** The LMS side of "click the tool link": OIDC login initiation towards the tool. */
  r.get(LAUNCH_PATH, async (req, res) => {
    const q = launchQuerySchema.safeParse(req.query);
    if (!q.success) return errorPage(res, 400, q.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    const tool = state.tools.get(q.data.client_id);
    if (!tool) return errorPage(res, 404, 'Unknown client_id');
    if (!state.users.has(q.data.user)) return errorPage(res, 404, 'Unknown user');
    if (q.data.course && !state.courses.has(q.data.course)) return errorPage(res, 404, 'Unknown course');
    const deploymentId = q.data.deployment_id ?? tool.deploymentIds[0];
    if (!deploymentId) return errorPage(res, 409, 'The tool is not deployed yet');
    const launch: PendingLaunch = {
      clientId: tool.clientId,
      userSub: q.data.user,
      courseId: q.data.course,
      deploymentId,
      messageType: q.data.message_type ?? 'LtiResourceLinkRequest',
      targetLinkUri: q.data.target_link_uri ?? tool.targetLinkUri,
      locale: q.data.locale ?? 'en',
      expiresAt: state.nowSeconds() + HINT_TTL_SECONDS,
    };
    const id = randomUUID();
    state.prune();
    state.launches.set(id, launch);
    // Canvas's lti_message_hint is a short-lived JWT; Schoology's is opaque.
    const messageHint =
      profile.name === 'canvas'
        ? await keys.sign({ verifier: id, canvas_domain: new URL(state.baseUrl).host, iat: state.nowSeconds(), exp: launch.expiresAt })
        : id;
    const fields: Record<string, string> = {
      iss: state.issuer,
      login_hint: launch.userSub,
      target_link_uri: launch.targetLinkUri,
      lti_message_hint: messageHint,
      client_id: tool.clientId,
      lti_deployment_id: deploymentId,
    };
    if (profile.name === 'canvas') {
      fields.canvas_region = 'us-east-1';
      fields.canvas_environment = 'prod';
    }
    if (profile.platformStorage) fields.lti_storage_target = 'post_message_forwarding';
    autoPostForm(res, tool.initiateLoginUri, fields);
  });

  const authorize = async (req: Request, res: Response) => {
    const source = req.method === 'POST' ? (req.body as unknown) : req.query;
    const a = authSchema.safeParse(source);
    if (!a.success) return errorPage(res, 400, a.error.issues.map((i) => i.message).join('; '));
    const tool = state.tools.get(a.data.client_id);
    if (!tool) return errorPage(res, 400, 'Unknown client_id');
    if (!tool.redirectUris.includes(a.data.redirect_uri)) return errorPage(res, 400, 'redirect_uri is not registered for this tool');
    const launchId = await messageHintId(a.data.lti_message_hint);
    const launch = launchId ? state.launches.get(launchId) : undefined;
    if (!launch || launch.clientId !== tool.clientId || launch.expiresAt < state.nowSeconds()) {
      return errorPage(res, 400, 'lti_message_hint was not issued by this platform or has expired');
    }
    if (a.data.login_hint !== launch.userSub) return errorPage(res, 400, 'login_hint does not match the launch');
    const idToken = await signIdToken(state, keys, tool, launch, a.data.nonce);
    const fields: Record<string, string> = { id_token: idToken };
    if (a.data.state !== undefined) fields.state = a.data.state;
    if (profile.platformStorage) fields.lti_storage_target = 'post_message_forwarding';
    autoPostForm(res, a.data.redirect_uri, fields);
  };
  r.get(profile.paths.authorize, authorize);
  r.post(profile.paths.authorize, authorize);
  return r;

  async function messageHintId(hint: string): Promise<string | undefined> {
    if (profile.name !== 'canvas') return hint;
    const verifier = (await keys.verifyOwn(hint, state.nowSeconds()))?.verifier;
    return typeof verifier === 'string' ? verifier : undefined;
  }
}

async function signIdToken(state: SimState, keys: SimKeys, tool: SimTool, launch: PendingLaunch, nonce: string): Promise<string> {
  const tamper = state.tamper;
  state.tamper = undefined;
  let claims = launchClaims(state, tool, launch, nonce);
  if (tamper?.claims) claims = tamper.claims(claims);
  return keys.sign(claims, { foreign: tamper?.signWithForeignKey, kid: tamper?.kid });
}
