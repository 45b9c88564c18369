import { Router } from 'express';
import { z } from 'zod';
import { ALL_SERVICE_SCOPES } from './profiles.js';
import { esc, nonceAttr, page } from './html.js';
import type { SimKeys } from './keys.js';
import type { SimState, SimTool } from './state.js';

const TOOL_CONFIG = 'https://purl.imsglobal.org/spec/lti-tool-configuration';
const CV = 'https://canvas.instructure.com/lti/';
const REG_PAGE = '/sim/register';
const TOKEN_TTL_SECONDS = 3600;

/** Placement names Canvas knows; IMS names map onto Canvas ones; anything else is dropped. */
const CANVAS_PLACEMENTS = new Set([
  'account_navigation', 'assignment_selection', 'course_navigation', 'editor_button', 'homework_submission', 'link_selection',
  'migration_selection', 'module_menu', 'user_navigation', 'global_navigation', 'course_assignments_menu', 'submission_type_selection',
]);
const IMS_PLACEMENTS: Record<string, string> = { ContentArea: 'link_selection', RichTextEditor: 'editor_button' };

const url = z.url().refine((u) => /^https?:/.test(u), 'must be an http(s) URL');
const message = z.object({
  type: z.enum(['LtiResourceLinkRequest', 'LtiDeepLinkingRequest']),
  target_link_uri: url.optional(),
  label: z.string().optional(),
  placements: z.array(z.string()).optional(),
}).loose();
const registrationSchema = z.object({
  application_type: z.literal('web', 'application_type must be web'),
  grant_types: z.array(z.string()).refine((g) => g.includes('client_credentials') && g.includes('implicit'), 'grant_types must include client_credentials and implicit'),
  response_types: z.array(z.string()).refine((r) => r.includes('id_token'), 'response_types must include id_token'),
  initiate_login_uri: url,
  redirect_uris: z.array(url).min(1, 'redirect_uris must not be empty'),
  client_name: z.string().min(1, 'client_name is required'),
  jwks_uri: url,
  token_endpoint_auth_method: z.literal('private_key_jwt', 'token_endpoint_auth_method must be private_key_jwt'),
  scope: z.string().optional(),
  logo_uri: url.optional(),
  [TOOL_CONFIG]: z.object({
    domain: z.string().min(1, 'domain is required'),
    target_link_uri: url,
    custom_parameters: z.record(z.string(), z.string()).optional(),
    claims: z.array(z.string()).optional(),
    messages: z.array(message).optional(),
    [`${CV}privacy_level`]: z.enum(['public', 'name_only', 'email_only', 'anonymous']).optional(),
  }).loose(),
}).loose();

/** Canvas's privacy inference from the claims a tool asks for (lms-platforms.md section 2). */
function privacyFrom(claims: string[] | undefined): SimTool['privacyLevel'] {
  const c = new Set(claims ?? []);
  if (c.has('picture') || (c.has('name') && c.has('email'))) return 'public';
  if (c.has('name')) return 'name_only';
  if (c.has('email')) return 'email_only';
  return 'anonymous';
}

function placementsOf(messages: z.infer<typeof message>[] | undefined): string[] {
  const out = new Set<string>();
  for (const m of messages ?? []) {
    const named = (m.placements ?? []).map((p) => IMS_PLACEMENTS[p] ?? p.replace(CV, '')).filter((p) => CANVAS_PLACEMENTS.has(p));
    // A message without (known) placements becomes link_selection only.
    for (const p of named.length ? named : ['link_selection']) out.add(p);
  }
  return [...out];
}

/** Dynamic registration as Canvas does it; absent from profiles without it (Schoology). */
export function registrationRoutes(state: SimState, keys: SimKeys, addTool: (t: Omit<SimTool, 'clientId' | 'toolId' | 'deploymentIds'>) => SimTool): Router {
  const r = Router();
  const { openidConfiguration, registration } = state.profile.paths;
  if (!openidConfiguration || !registration) return r;

  const bearer = async (h: string | undefined) => {
    const m = /^Bearer (.+)$/i.exec(h ?? '');
    if (!m || !state.registrationTokens.has(m[1])) return undefined;
    return (await keys.verifyOwn(m[1], state.nowSeconds())) ? m[1] : undefined;
  };

  r.get(openidConfiguration, async (req, res) => {
    if (!(await bearer(req.get('authorization')))) {
      res.status(401).json({ errors: [{ message: 'registration token required (Authorization: Bearer)' }] });
      return;
    }
    res.json(openidConfigurationDoc(state));
  });

  r.post(registration, async (req, res) => {
    const tokenUsed = await bearer(req.get('authorization'));
    if (!tokenUsed) {
      res.status(401).json({ errors: [{ message: 'registration token required (Authorization: Bearer)' }] });
      return;
    }
    const parsed = registrationSchema.safeParse(req.body);
    if (!parsed.success) {
      res.status(422).json({ errors: parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })) });
      return;
    }
    const body = parsed.data;
    const scopes = (body.scope ?? '').split(' ').filter(Boolean);
    const unknown = scopes.filter((s) => !ALL_SERVICE_SCOPES.includes(s));
    if (unknown.length) {
      res.status(422).json({ errors: [{ field: 'scope', message: `Invalid scopes: ${unknown.join(' ')}` }] });
      return;
    }
    const config = body[TOOL_CONFIG];
    const placements = placementsOf(config.messages);
    const privacyLevel = config[`${CV}privacy_level`] ?? privacyFrom(config.claims);
    const tool = addTool({
      name: body.client_name,
      initiateLoginUri: body.initiate_login_uri,
      redirectUris: body.redirect_uris,
      jwksUri: body.jwks_uri,
      targetLinkUri: config.target_link_uri,
      scopes,
      privacyLevel,
      placements,
      customParameters: config.custom_parameters,
    });
    state.registrationTokens.delete(tokenUsed);
    state.registrations.push({ clientId: tool.clientId, body: req.body as Record<string, unknown>, placements, privacyLevel });
    if (state.registrationReturnsDeploymentId) {
      const deploymentId = state.profile.deploymentIdFor(state.next());
      tool.deploymentIds.push(deploymentId);
      res.json({ ...body, client_id: tool.clientId, [TOOL_CONFIG]: { ...config, deployment_id: deploymentId } });
      return;
    }
    // Canvas answers with client_id only: no deployment id until an admin deploys the key.
    res.json({ ...body, client_id: tool.clientId });
  });

  /** The admin's "paste the registration URL" dialog: frames the tool's page and waits for its close message. */
  r.get(REG_PAGE, async (req, res) => {
    const toolUrl = url.safeParse(req.query.tool);
    if (!toolUrl.success) return page(res, 'Registration', '<p>Give ?tool=&lt;registration URL&gt;</p>', 400);
    page(
      res,
      'Register an LTI tool',
      `<h1>Register an LTI tool</h1><p id="status" role="status">Waiting for the tool…</p>` +
        `<iframe id="tool" title="Tool registration" width="100%" height="720" src="${esc(await registrationStartUrl(state, keys, toolUrl.data))}"></iframe>` +
        `<script${nonceAttr(res)}>addEventListener('message', function (e) { if (e.data && e.data.subject === 'org.imsglobal.lti.close') { document.getElementById('status').textContent = 'Registration complete'; document.getElementById('tool').remove(); } });</script>`,
    );
  });
  return r;
}

export function registrationPageUrl(state: SimState, toolRegistrationUrl: string): string | null {
  if (!state.profile.paths.registration) return null;
  return `${state.url(REG_PAGE)}?${new URLSearchParams({ tool: toolRegistrationUrl })}`;
}

/** The URL the LMS opens: the tool's registration URL with openid_configuration and a fresh registration_token. */
export async function registrationStartUrl(state: SimState, keys: SimKeys, toolRegistrationUrl: string): Promise<string> {
  const cfg = state.profile.paths.openidConfiguration;
  if (!cfg) throw new Error(`${state.profile.name} has no dynamic registration`);
  const iat = state.nowSeconds();
  const token = await keys.sign({ iss: state.issuer, sub: 'registration', iat, exp: iat + TOKEN_TTL_SECONDS, jti: String(state.next()) });
  state.registrationTokens.add(token);
  const u = new URL(toolRegistrationUrl);
  u.searchParams.set('openid_configuration', state.url(cfg));
  u.searchParams.set('registration_token', token);
  return u.toString();
}

function openidConfigurationDoc(state: SimState): Record<string, unknown> {
  const p = state.profile.paths;
  return {
    issuer: state.issuer,
    authorization_endpoint: state.url(p.authorize),
    token_endpoint: state.url(p.token),
    jwks_uri: state.url(p.jwks),
    registration_endpoint: state.url(p.registration ?? ''),
    authorization_server: state.url(p.token),
    token_endpoint_auth_methods_supported: ['private_key_jwt'],
    token_endpoint_auth_signing_alg_values_supported: ['RS256'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['id_token'],
    subject_types_supported: ['public'],
    scopes_supported: ['openid', ...ALL_SERVICE_SCOPES],
    claims_supported: ['sub', 'iss', 'name', 'given_name', 'family_name', 'nickname', 'picture', 'email', 'locale'],
    'https://purl.imsglobal.org/spec/lti-platform-configuration': {
      product_family_code: state.profile.productFamilyCode,
      version: 'vCloud',
      messages_supported: [
        { type: 'LtiResourceLinkRequest', placements: ['course_navigation', 'account_navigation', 'user_navigation', 'link_selection'] },
        { type: 'LtiDeepLinkingRequest', placements: ['link_selection', 'assignment_selection', 'editor_button', 'module_menu'] },
      ],
      variables: ['ResourceLink.id', 'Canvas.course.id', 'Canvas.user.id', 'Person.name.full'],
    },
  };
}
